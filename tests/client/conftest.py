"""Fixtures: one sandbox server per test module, reset between tests, and clients pointed at it."""

from __future__ import annotations

import pytest

from heygen import Client
from heygen.sandbox import Sandbox
from tests.support import Sleeps

API_KEY = "sk-test-5f2b9c0d4e6a7b8c9d0e1f2a3b4c5d6e"



@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=1.0).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _clean(sandbox):
    sandbox.reset()
    sandbox.configure(render_seconds=1.0, latency_ms=0, render_outcome="complete")
    yield
    sandbox.clear_faults()


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def client(sandbox, sleeps):
    c = Client(API_KEY, sandbox.base_url, sleep=sleeps, timeout=(2.0, 5.0))
    yield c
    c.close()


@pytest.fixture
def api_key():
    return API_KEY


@pytest.fixture
def api_calls(sandbox):
    """Logged requests with this method whose path starts with a prefix."""

    def calls(method: str, prefix: str) -> list[dict]:
        return [e for e in sandbox.requests_log() if e["method"] == method and e["path"].startswith(prefix)]

    return calls
