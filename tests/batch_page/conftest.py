"""Fixtures for the Batch page in AppTest: one sandbox per module over real HTTP on 127.0.0.1, a fresh
data folder and cleared Streamlit caches for every test, and helpers to drive the page."""

from __future__ import annotations

import pytest

from heygen import Client
from heygen.sandbox import Sandbox
from tests.batch_page.page_helpers import API_KEY, RENDER_SECONDS
from tests.support import Worker, app_on


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=RENDER_SECONDS).start()
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def cat(sandbox):
    """(ready public look ids, a private look still training, English voice ids) as the API lists them."""
    with Client(API_KEY, sandbox.base_url) as client:
        public = client.avatars.looks(ownership="public")
        private = client.avatars.looks(ownership="private")
        voices = client.voices.list(type="public")
    ready = [look.id for look in public if look.ready and not look.is_photo]
    training = next(look.id for look in private if not look.ready)
    english = [v.voice_id for v in voices if v.language == "English"]
    return ready, training, english


@pytest.fixture(autouse=True)
def page_env(sandbox, tmp_path, monkeypatch):
    """The app talks to the module's sandbox with its key; the data folder is the test's own."""
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=RENDER_SECONDS, latency_ms=0, render_outcome="complete")
    with app_on(sandbox, API_KEY, monkeypatch, tmp_path / "studio-data", HEYGEN_POLL_SECONDS=0.5,
                HEYGEN_MAX_POLL_SECONDS=1) as data_dir:
        yield data_dir


@pytest.fixture
def worker(sandbox, page_env):
    """The studio's background worker on the test's data folder, stepped by the test (the app starts none)."""
    w = Worker(page_env, API_KEY, sandbox.base_url)
    yield w
    w.close()
