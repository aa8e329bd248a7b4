"""Present: show finished videos to a client, and share them for review."""

from ui import connection, present, shell

shell.require(__file__)

conn = connection.require()
if present.showing():
    present.show(conn)
else:
    present.setup(conn)
