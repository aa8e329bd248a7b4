"""Small helpers shared by several test folders."""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from heygen.studio import access


class Sleeps(list):
    """A stand-in for time.sleep that records the delays the client asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def shown(markdown: str) -> str:
    """Markdown as the reader sees it, as far as backslash escapes go (ui.text.md escapes every name)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def wait_for(probe, *, timeout: float, message: str, interval: float = 0.1):
    """Poll ``probe()`` until it returns something truthy; fail with ``message`` once ``timeout`` has passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {timeout:.0f} s)")
        time.sleep(interval)


def stays_unchanged(probe, *, seconds: float, message: str, interval: float = 0.1):
    """Sample ``probe()`` throughout ``seconds`` and fail at the first change, naming before and after.

    For "nothing more happens" checks: it watches the whole window instead of one look at its end.
    """
    first = probe()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = probe()
        if now != first:
            raise AssertionError(f"{message}: {first!r} became {now!r}")
    return first


def settle(probe, *, quiet: float, timeout: float, message: str, interval: float = 0.1):
    """Wait until ``probe()`` has not changed for ``quiet`` seconds (in-flight work landing); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last, since = probe(), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (still changing after {timeout:.0f} s)")
        time.sleep(interval)
        now = probe()
        if now != last:
            last, since = now, time.monotonic()
    return last


def wait_for_catalogue_fetches(deadline_seconds: float = 60) -> None:
    """Wait until no background catalogue fetch runs in this process, nor any request of one (its pool's
    threads: a fetch stopped by a failure may leave a page request on its way); a generous deadline, then fail."""
    wait_for(lambda: not any(t.name.startswith("catalogue") and t.is_alive() for t in threading.enumerate()),
             timeout=deadline_seconds, message="a background catalogue fetch did not end", interval=0.02)


@contextmanager
def app_on(sandbox, api_key: str, monkeypatch, data_dir: Path, **env: object):
    """The app (as AppTest runs it) talking to ``sandbox`` with ``api_key``, keeping its data in
    ``data_dir`` (made here), with the extra environment ``env``; Streamlit's caches are cleared
    before and after. Yields ``data_dir``."""
    import streamlit as st

    from ui import process
    monkeypatch.setenv("HEYGEN_API_KEY", api_key)
    monkeypatch.setenv("HEYGEN_API_BASE_URL", sandbox.base_url)
    data_dir.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(data_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()
    try:
        yield data_dir
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        process.reset()


class Worker:
    """The studio's real background worker (heygen.studio.worker.Worker) for tests that run the app in
    process: it works on the app's data folder and acts for the account of ``api_key`` on ``base_url``
    (the test's sandbox, over real HTTP), with the poll settings of the environment at each tick.

    The app in those tests starts no worker (HEYGEN_STUDIO_WORKER=off) and its pages only read the
    store, so a test calls ``tick()`` (one inline round: watch every due render, step every running
    batch, keep finished videos) where the in-process consumer would have done the work.
    """

    def __init__(self, data_dir: Path, api_key: str, base_url: str) -> None:
        from heygen import Client
        from heygen.studio import archive, preferences
        from heygen.studio.batch import BatchStore
        from heygen.studio.config import Settings, account_fingerprint
        from heygen.studio.kinds import KINDS, poll_policy
        from heygen.studio.jobs import JobStore
        from heygen.studio.worker import Accounts, make_huey
        from heygen.studio.worker import Worker as Background

        self.account = account_fingerprint(api_key, base_url)
        self.client = Client(api_key, base_url, max_retries=0)  # as the app's worker: it owns the waiting
        accounts = Accounts()
        accounts.register(self.account, self.client)
        self.store = JobStore(data_dir, kinds=KINDS)
        self.batches = BatchStore(self.store)
        self.background = Background(
            make_huey(data_dir), self.store, self.batches, accounts=accounts,
            policy_for=lambda kind: poll_policy(Settings.from_env(), kind),
            media_root=archive.default_media_root(), retention=lambda: preferences.get_retention(data_dir))

    def tick(self):
        """One round of the worker's work, done now; its TickReport."""
        return self.background.run_once()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.store.close()
            self.client = None


def run_until(at, probe, worker: Worker, *, timeout: float = 30, message: str = "the page never got there",
              interval: float = 0.2):
    """Rerun the page ``at`` until ``probe(at)`` holds, with one tick of ``worker`` before each rerun (the
    page itself never asks HeyGen); fail with ``message`` after ``timeout`` seconds. Returns ``at``."""
    deadline = time.monotonic() + timeout
    while True:
        assert not at.exception, [e.value for e in at.exception]
        if probe(at):
            return at
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {timeout:.0f} s)")
        time.sleep(interval)
        worker.tick()
        at.run()


def clear_server_caches(port: int, owner_secret: str, *, timeout: float = 60) -> None:
    """Clear the caches of the ``streamlit run`` server on ``port`` (its ``st.cache_data`` and
    ``st.cache_resource``: what a restarted server would not have in memory), as its owner would from the
    app's menu, over the server's own websocket; returns once the server has handled it."""
    cookie = f"{access.OWNER_COOKIE}={access.owner_cookie(owner_secret)}"
    with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], open_timeout=timeout,
                 additional_headers={"Cookie": cookie}) as ws:
        for field in ("clear_cache", "app_heartbeat"):  # the answer to the second: the first was handled
            msg = BackMsg()
            setattr(msg, field, True)
            ws.send(msg.SerializeToString())
        while True:
            answer = ForwardMsg()
            answer.ParseFromString(ws.recv(timeout=timeout))
            if answer.WhichOneof("type") == "heartbeat_ack":
                return
