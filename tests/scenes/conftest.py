"""Fixtures for the Scenes page tests: one sandbox per module (real HTTP on 127.0.0.1), a fresh data
folder and cleared Streamlit caches for every test, and a helper that opens the Scenes page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heygen.sandbox import Sandbox
from tests.support import app_on, wait_for_catalogue_fetches

REPO = Path(__file__).resolve().parents[2]
API_KEY = "sk-scenes-test-5a4b3c2d1e0f9a8b7c6d5e4f"


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=1.0).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def scenes_env(sandbox, tmp_path, monkeypatch):
    """The app talks to the module's sandbox with its key; jobs and drafts go to a per-test folder."""
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=1.0, latency_ms=0)
    with app_on(sandbox, API_KEY, monkeypatch, tmp_path / "studio-data", HEYGEN_STUDIO_WORKER="off") as data_dir:
        yield data_dir


@pytest.fixture
def scenes_page():
    """A started app switched to the Scenes page, its avatar and voice lists complete."""

    def start() -> AppTest:
        at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
        at.run()
        at.switch_page("pages/scenes.py").run()
        wait_for_catalogue_fetches()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return start
