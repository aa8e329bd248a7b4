"""The background worker as the app sees it: started once per server process, told which accounts it may act for.

By default the app's own process runs the worker (Huey on SQLite in the data folder). With
``HEYGEN_STUDIO_QUEUE_URL`` set (team mode), separate ``python -m heygen.worker`` processes do the
work and this process starts none. ``HEYGEN_STUDIO_WORKER=off`` also starts none, with no team
either: for tests and for embedding the studio next to a worker run by other means.

In every mode the pages only read the store and show what the worker last saw; a page refresh never
calls HeyGen. Only the user's actions (launch, send again, check now, refresh links, …) do.
"""

from __future__ import annotations

import atexit
import os

import streamlit as st

from heygen.studio import archive, preferences
from heygen.studio import worker as background

from . import connection

WORKER_ENV = "HEYGEN_STUDIO_WORKER"


def mode() -> str:
    """"team" (worker processes elsewhere), "off" (this process starts no worker) or "in-process"."""
    if os.environ.get(background.QUEUE_URL_ENV):
        return "team"
    if os.environ.get(WORKER_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return "off"
    return "in-process"


@st.cache_resource(show_spinner=False)
def _in_process() -> background.Worker:
    from ui import batch_common

    settings = connection.settings()
    store = connection.job_store()
    worker = background.Worker(
        background.make_huey(settings.data_dir),
        store,
        batch_common.store(),
        policy_for=connection.poll_policy,
        media_root=archive.default_media_root(),
        retention=lambda: preferences.get_retention(settings.data_dir),
    )
    worker.start_consumer()
    atexit.register(worker.stop_consumer)
    return worker


def ensure(conn: connection.Connection) -> None:
    """Start the in-process worker (once per process) and let it act for this session's account."""
    if mode() != "in-process":
        return
    _in_process()
    background.accounts.register(conn.account, connection.batch_client(conn))
