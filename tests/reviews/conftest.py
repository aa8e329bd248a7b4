"""Fixtures of the review and present tests: a sandbox, the app pointed at it with a private data folder,
and finished videos made through the studio's own launch, watch and archive code."""

from __future__ import annotations

from pathlib import Path

import pytest

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from tests.reviews.making import finished_video
from tests.support import app_on

KEY = "sk-reviews-apptest-0123456789abcdef"
APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.2).start()
    yield sb
    sb.stop()


@pytest.fixture
def data_dir(sandbox, tmp_path, monkeypatch):
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=0.2, render_outcome="complete", latency_ms=0)
    monkeypatch.delenv("HEYGEN_STUDIO_MEDIA_DIR", raising=False)
    with app_on(sandbox, KEY, monkeypatch, tmp_path / "studio-data") as folder:
        yield folder


@pytest.fixture
def account(sandbox):
    return account_fingerprint(KEY, sandbox.base_url)


@pytest.fixture
def store(data_dir):
    with JobStore(data_dir) as jobs:
        yield jobs


@pytest.fixture
def finished(sandbox, store, account, data_dir):
    """make(title) renders one video to completion and keeps its files on disk, as the worker does."""
    client = Client(KEY, sandbox.base_url, timeout=(2.0, 5.0))
    yield lambda title: finished_video(client, store, account, data_dir / "media", title)
    client.close()
