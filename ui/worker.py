"""The background worker as the app sees it: started once per server process, told which accounts it may act for.

By default the app's own process runs the worker (Huey on SQLite in the data folder), started by the
server's lifespan (``ui.process``). With ``HEYGEN_STUDIO_QUEUE_URL`` set (team mode), separate
``python -m heygen.worker`` processes do the work and this process starts none.
``HEYGEN_STUDIO_WORKER=off`` also starts none, with no team either: for tests and for embedding the
studio next to a worker run by other means.

In every mode the pages only read the store and show what the worker last saw; a page refresh never
calls HeyGen. Only the user's actions (launch, send again, check now, refresh links, …) do.
"""

from __future__ import annotations

from heygen.studio import worker as background

from . import connection, process

def ensure(conn: connection.Connection) -> None:
    """Start the in-process worker (once per process) and let it act for this session's account."""
    if process.worker() is None:
        return
    background.accounts.register(conn.account, connection.batch_client(conn))
