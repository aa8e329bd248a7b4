"""Small helpers shared by several test folders."""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path


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
    """Wait until no background catalogue fetch runs in this process (a generous deadline, then fail)."""
    wait_for(lambda: not any(t.name == "catalogue-refresh" and t.is_alive() for t in threading.enumerate()),
             timeout=deadline_seconds, message="a background catalogue fetch did not end", interval=0.02)


@contextmanager
def app_on(sandbox, api_key: str, monkeypatch, data_dir: Path, **env: object):
    """The app (as AppTest runs it) talking to ``sandbox`` with ``api_key``, keeping its data in
    ``data_dir`` (made here), with the extra environment ``env``; Streamlit's caches are cleared
    before and after. Yields ``data_dir``."""
    import streamlit as st

    monkeypatch.setenv("HEYGEN_API_KEY", api_key)
    monkeypatch.setenv("HEYGEN_API_BASE_URL", sandbox.base_url)
    data_dir.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(data_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield data_dir
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
