"""Fixtures for the Studio page tests: one sandbox per module (real HTTP on 127.0.0.1), a fresh
job store and cleared Streamlit caches for every test, and helpers to drive the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heygen import Client
from heygen.sandbox import Sandbox
from tests.support import Worker, app_on, wait_for_catalogue_fetches

REPO = Path(__file__).resolve().parents[2]
API_KEY = "sk-studio-test-7c1d2e3f4a5b6c7d8e9f0a1b"  # also in test_studio_apptest.py


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=1.0).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def studio_env(sandbox, tmp_path, monkeypatch):
    """The app talks to the module's sandbox with its key; jobs go to a per-test folder."""
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=1.0, latency_ms=0)
    with app_on(sandbox, API_KEY, monkeypatch, tmp_path / "studio-data"):
        yield


@pytest.fixture
def worker(sandbox, tmp_path, studio_env):
    """The studio's background worker on the test's data folder, stepped by the test (the app starts none)."""
    w = Worker(tmp_path / "studio-data", API_KEY, sandbox.base_url)
    yield w
    w.close()


@pytest.fixture
def api(sandbox):
    """A client of our own, to read the sandbox's catalogue the way the page does."""
    with Client(API_KEY, sandbox.base_url) as client:
        yield client


@pytest.fixture
def studio():
    """A started app on the Studio page (the default page). The page shows the first avatars
    while the rest are still being listed; ``complete=True`` (the default) waits for the lists to
    be complete and runs the page again, as the page's own timer would."""

    def start(complete: bool = True) -> AppTest:
        at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if complete:
            wait_for_catalogue_fetches()
            at.run()
            assert not at.exception, [e.value for e in at.exception]
        return at

    return start
