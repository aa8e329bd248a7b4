"""Fixtures of the review and present tests: a sandbox, the app pointed at it with a private data folder,
and finished videos made through the studio's own launch, watch and archive code."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from heygen import Client, VideoSpec
from heygen.sandbox import Sandbox
from heygen.studio import archive, watch
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from tests.support import app_on

KEY = "sk-reviews-apptest-0123456789abcdef"
APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
FAST = watch.PollPolicy(first=0.05, maximum=0.2, deadline=60)


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
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]

    def make(title: str):
        spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=f"{title}: see you soon.", title=title)
        job = submit(client, store, create_job(store, account=account, spec=spec))
        for _ in range(400):
            result = watch.check(client, store, job, FAST)
            if result.stopped:
                assert result.outcome == watch.COMPLETED
                archive.keep(client, result.job, data_dir / "media", store=store, policy="everything")
                return store.get(job.id)
            job = result.job
            time.sleep(0.02)
        raise AssertionError("the render never completed")

    yield make
    client.close()
