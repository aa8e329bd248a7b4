"""The studio's process-wide objects: settings, the job and batch stores, the sandbox, HeyGen clients and
the background worker.

Each is made once per server process, under a lock, and lives until the process stops (the server's
lifespan calls ``start`` and ``stop``). None of them is in Streamlit's ``st.cache_resource``, which any
browser session can empty with its "clear cache" message: a visitor can never make the studio start a
second worker, open a second store or move the sandbox to another port. Tests that run the app in
process call ``reset`` between apps.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from streamlit import config

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio import access, archive, preferences
from heygen.studio import worker as background
from heygen.studio.batch import BatchStore
from heygen.api.client import DEFAULT_BASE_URL
from heygen.studio.config import Settings, account_fingerprint, poll_policy
from heygen.studio.datadir import private_dir
from heygen.studio.db import configured_url
from heygen.studio.jobs import JobStore

log = logging.getLogger("heygen.studio")

WORKER_ENV = "HEYGEN_STUDIO_WORKER"

_lock = threading.RLock()
_objects: dict[str, object] = {}
_clients: dict[tuple[str, str, bool], Client] = {}
_served = threading.Event()


def _once(name: str, make: Callable[[], object]):
    with _lock:
        if name not in _objects:
            _objects[name] = make()
        return _objects[name]


LOG_LEVEL_ENV = "HEYGEN_STUDIO_LOG_LEVEL"


def configure_logging() -> None:
    """The studio's log lines at INFO (or $HEYGEN_STUDIO_LOG_LEVEL); the queue's own chatter only from WARNING
    unless that variable asks for more."""
    wanted = (os.environ.get(LOG_LEVEL_ENV) or "").strip().upper()
    level = getattr(logging, wanted, None) if wanted else None
    level = level if isinstance(level, int) else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("heygen").setLevel(level)
    for chatty in ("huey", "alembic"):
        logging.getLogger(chatty).setLevel(level if wanted else logging.WARNING)


def mark_served() -> None:
    """Record that this process serves browsers over the network (the server's lifespan has started)."""
    _served.set()


def served() -> bool:
    """Whether browsers reach this process over the network; False for an app run in process (tests)."""
    return _served.is_set()


def settings() -> Settings:
    """Settings from the environment, read once per process."""
    return _once("settings", Settings.from_env)


def allowed_hosts() -> tuple[str, ...]:
    """Host names the studio answers to: the settings' and any in Streamlit's own ``server.allowedHosts``."""
    configured = tuple(str(h).strip().lower() for h in (config.get_option("server.allowedHosts") or ()))
    return tuple(dict.fromkeys((*settings().allowed_hosts(), *configured)))


def job_store() -> JobStore:
    """The job store every session of this process shares (raises JobStoreError or OSError when it cannot open)."""
    return _once("store", lambda: JobStore(configured_url() or private_dir(settings().data_dir)))


def batch_store() -> BatchStore:
    """The batch store on the same database as the job store."""
    return _once("batches", lambda: BatchStore(job_store()))


def members() -> access.MemberStore:
    """Team members and their invites."""
    return _once("members", lambda: access.MemberStore(job_store().db))


def owner_secret() -> str:
    """The owner's secret ($HEYGEN_STUDIO_OWNER_SECRET, else the one kept in the data folder)."""
    return _once("owner_secret", lambda: access.owner_secret(settings().data_dir, settings().owner_secret))


def sandbox() -> Sandbox:
    """The built-in sandbox, started on first use."""
    return _once("sandbox", lambda: Sandbox(render_seconds=settings().sandbox_render_seconds).start())


def client(account: str, base_url: str, api_key: str, *, for_worker: bool = False) -> Client:
    """One client per (account, server, use): the pages' (retries on) or the worker's (never waits)."""
    key = (account, base_url, for_worker)
    with _lock:
        found = _clients.get(key)
        if found is None:
            found = Client(api_key, base_url, max_retries=0) if for_worker else Client(api_key, base_url)
            _clients[key] = found
        return found


def forget_account(account: str) -> None:
    """Drop every client of ``account`` (and so its key) from this process, the worker's included."""
    with _lock:
        for key in [k for k in _clients if k[0] == account]:
            _clients.pop(key).close()
    background.accounts.unregister(account)


def worker_mode() -> str:
    """"team" (worker processes elsewhere), "off" (this process starts no worker) or "in-process"."""
    if os.environ.get(background.QUEUE_URL_ENV):
        return "team"
    if os.environ.get(WORKER_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return "off"
    return "in-process"


def _make_worker() -> background.Worker:
    data_dir = settings().data_dir
    worker = background.Worker(
        background.make_huey(data_dir),
        job_store(),
        batch_store(),
        policy_for=lambda kind: poll_policy(settings(), kind),
        media_root=archive.default_media_root(),
        retention=lambda: preferences.get_retention(data_dir),
    )
    worker.start_consumer()
    return worker


def worker() -> background.Worker | None:
    """The in-process worker, started once (None when this process runs none)."""
    if worker_mode() != "in-process":
        return None
    return _once("worker", _make_worker)


def start() -> None:
    """Open what the studio needs before any page runs (the server's lifespan start): the store, the
    owner's secret, and the worker, acting at once for the key in the environment if there is one."""
    job_store()
    owner_secret()
    # Streamlit's own check of the WebSocket's Host header, with the same names as the gate's.
    config.set_option("server.allowedHosts", list(allowed_hosts()))
    running = worker()
    conf = settings()
    if running is not None and conf.api_key:
        base_url = conf.base_url or DEFAULT_BASE_URL
        account = account_fingerprint(conf.api_key, base_url)
        background.accounts.register(account, client(account, base_url, conf.api_key, for_worker=True))


def stop() -> None:
    """Stop the worker and the sandbox and close the stores and clients (the server's lifespan end)."""
    with _lock:
        found = dict(_objects)
        _objects.clear()
        clients = list(_clients.values())
        _clients.clear()
    running = found.get("worker")
    if isinstance(running, background.Worker):
        running.stop_consumer()
    for made in clients:
        made.close()
    box = found.get("sandbox")
    if isinstance(box, Sandbox):
        box.stop()
    store = found.get("store")
    if isinstance(store, JobStore):
        store.close()
    background.accounts.clear()


reset = stop
