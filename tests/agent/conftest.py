"""Fixtures for the Video Agent tests: one sandbox per module (real HTTP on 127.0.0.1), reset
between tests; clients and a job store pointed at it; the app's environment for AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heygen import Client
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.kinds import KINDS
from heygen.sandbox import Sandbox
from tests.support import Sleeps, Worker, app_on

REPO = Path(__file__).resolve().parents[2]
API_KEY = "sk-agent-test-4e5f6a7b8c9d0e1f2a3b4c5d"



@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=1.0).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _clean(sandbox, tmp_path, monkeypatch):
    """A fresh sandbox state and data folder; the app (AppTest) talks to this sandbox with its key."""
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=1.0, agent_render_seconds=None, latency_ms=0, render_outcome="complete")
    with app_on(sandbox, API_KEY, monkeypatch, tmp_path / "studio-data"):
        yield
    sandbox.clear_faults()


@pytest.fixture
def worker(sandbox, tmp_path):
    """The studio's background worker on the app's data folder, stepped by the test (the app starts none)."""
    w = Worker(tmp_path / "studio-data", API_KEY, sandbox.base_url)
    yield w
    w.close()


@pytest.fixture
def api_key():
    return API_KEY


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def client(sandbox, sleeps):
    c = Client(API_KEY, sandbox.base_url, sleep=sleeps, timeout=(2.0, 5.0))
    yield c
    c.close()


@pytest.fixture
def account(sandbox):
    return account_fingerprint(API_KEY, sandbox.base_url)


@pytest.fixture
def store(tmp_path):
    with JobStore(tmp_path / "studio-data", kinds=KINDS) as s:
        yield s


@pytest.fixture
def calls(sandbox):
    """Logged /v3 requests with this method and exactly this path (or any path under a prefix ending in /)."""

    def pick(method: str, path: str) -> list[dict]:
        return [e for e in sandbox.requests_log()
                if e["method"] == method and (e["path"] == path or (path.endswith("/") and e["path"].startswith(path)))]

    return pick


@pytest.fixture
def app():
    """A started app, switched to the Prompt to video page."""

    def start() -> AppTest:
        at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
        at.run()
        at.switch_page("pages/agent.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return start
