"""The background worker as the app sees it: started once per server process, told which accounts it may act for.

By default the app's own process runs the worker (Huey on SQLite in the data folder). With
``HEYGEN_STUDIO_QUEUE_URL`` set (team mode), separate ``python -m heygen.worker`` processes do the
work and this process starts none. ``HEYGEN_STUDIO_WORKER=off`` turns the in-process worker off;
the pages then drive progress themselves while they are open (as tests of single pages do).
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
    """"team" (other processes do the work), "off" (pages drive progress) or "in-process"."""
    if os.environ.get(background.QUEUE_URL_ENV):
        return "team"
    if os.environ.get(WORKER_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return "off"
    return "in-process"


_started = {"in-process": False}


def running() -> bool:
    """True when a worker (in this process or elsewhere) advances renders and batches: pages only read."""
    current = mode()
    return current == "team" or (current == "in-process" and _started["in-process"])


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
    _started["in-process"] = True
    return worker


def ensure(conn: connection.Connection) -> None:
    """Start the in-process worker (once per process) and let it act for this session's account."""
    if mode() != "in-process":
        return
    _in_process()
    background.accounts.register(conn.account, connection.batch_client(conn))
