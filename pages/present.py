"""Present: show finished videos to a client, and share them for review."""

from ui import connection, present, shell

# Read by ui.nav, not run: this page's place in the navigation.
PAGE = {"title": "Present", "icon": ":material/slideshow:", "order": 60}

shell.require(__file__)

conn = connection.require()
if present.showing():
    present.show(conn)
else:
    present.setup(conn)
