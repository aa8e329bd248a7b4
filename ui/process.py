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
import threading
from collections.abc import Callable

from streamlit import config

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio import access, preferences
from heygen.studio import webhooks as hooks
from heygen.studio import worker as background
from heygen.studio.batch import BatchStore
from heygen.api.client import DEFAULT_BASE_URL
from heygen.studio.config import Settings, account_fingerprint
from heygen.studio.kinds import KINDS, poll_policy
from heygen.studio.datadir import private_dir
from heygen.studio.db import configured_url
from heygen.studio.jobs import JobStore

log = logging.getLogger("heygen.studio")


_lock = threading.RLock()
_objects: dict[str, object] = {}
_clients: dict[tuple[str, str, bool], Client] = {}
_served = threading.Event()


def _once(name: str, make: Callable[[], object]):
    with _lock:
        if name not in _objects:
            _objects[name] = make()
        return _objects[name]


def configure_logging() -> None:
    """The studio's log lines at INFO (or $HEYGEN_STUDIO_LOG_LEVEL); the queue's own chatter only from WARNING
    unless that variable asks for more."""
    wanted = settings().log_level
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
    return _once("store", lambda: JobStore(configured_url() or private_dir(settings().data_dir), kinds=KINDS))


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


def webhooks() -> hooks.Webhooks | None:
    """HeyGen's webhooks for the account of the key in the environment, when the studio has a public address
    (``HEYGEN_STUDIO_PUBLIC_URL``) and webhooks are not turned off; else None."""
    conf = settings()
    if not (conf.webhooks and conf.public_url and conf.api_key):
        return None

    def make() -> hooks.Webhooks:
        base_url = conf.base_url or DEFAULT_BASE_URL
        account = account_fingerprint(conf.api_key, base_url)
        return hooks.Webhooks(client(account, base_url, conf.api_key, for_worker=True), job_store(), account,
                              conf.public_url, policy_for=lambda job: poll_policy(conf, job.kind),
                              pace=conf.webhook_poll_seconds)

    return _once("webhooks", make)


def _pushed(account: str) -> bool:
    """Whether HeyGen's webhooks bring this account's news to this studio now."""
    found = webhooks()
    return found is not None and found.account == account and found.healthy()


def _keep_webhooks(found: hooks.Webhooks, stopping: threading.Event) -> None:
    """Register the endpoint (again after a failure), catch up on what was missed while the studio was down,
    then catch up again at the safety net's pace."""
    pace = settings().webhook_poll_seconds
    while not stopping.is_set():
        try:
            found.register()
            found.catch_up(after_start=True)
            break
        except Exception as exc:  # HeyGen unreachable or refusing: polling goes on as usual meanwhile
            log.warning("Could not register the webhook endpoint with HeyGen (%s); trying again shortly",
                        type(exc).__name__)
            stopping.wait(min(30.0, pace))
    while not stopping.wait(pace):
        try:
            found.catch_up()
        except Exception as exc:
            log.warning("Could not read HeyGen's feed of webhook events (%s)", type(exc).__name__)


def _start_webhooks() -> None:
    """Start keeping the webhook endpoint when the studio has a public address (a registration no server keeps
    goes stale, and workers then poll as usual)."""
    found = webhooks()
    if found is None:
        return
    stopping = threading.Event()
    keeper = threading.Thread(target=_keep_webhooks, args=(found, stopping), name="studio-webhooks", daemon=True)
    if _once("webhook_keeper", lambda: (keeper, stopping))[0] is keeper:
        keeper.start()


def worker_mode() -> str:
    """"team" (worker processes elsewhere), "off" (this process starts no worker) or "in-process"."""
    return settings().mode


def _make_worker() -> background.Worker:
    data_dir = settings().data_dir
    worker = background.Worker(
        background.make_huey(data_dir),
        job_store(),
        batch_store(),
        policy_for=lambda kind: poll_policy(settings(), kind),
        policy_for_job=lambda job: poll_policy(settings(), job.kind, pushed=_pushed(job.account)),
        media_root=settings().media_root,
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
    _start_webhooks()
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
    keeper = found.get("webhook_keeper")
    if isinstance(keeper, tuple):
        keeper[1].set()
        keeper[0].join(timeout=5)
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
