"""Team mode for real: two ``python -m heygen.worker`` processes on one Redis queue and one PostgreSQL
database finish a batch, and no row is sent twice."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio.batch import BatchStore, BatchTemplate, check_rows, read_csv
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from tests.support import wait_for

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-team-workers-0f1e2d3c4b5a6978"
pytestmark = [pytest.mark.team, pytest.mark.timeout(240)]


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=2.0, max_concurrent_renders=10).start()
    yield sb
    sb.stop()


def test_two_worker_processes_on_redis_and_postgresql_finish_a_batch_once(redis_url, postgres_url, sandbox,
                                                                          tmp_path):
    account = account_fingerprint(KEY, sandbox.base_url)
    store = BatchStore(JobStore(postgres_url))
    with Client(KEY, sandbox.base_url) as client:
        look = next(l for l in client.avatars.looks(ownership="public", limit=50) if l.ready and not l.is_photo)
        voice = client.voices.list(limit=1)[0]
    lines = ["name"] + [f"Person {i}" for i in range(1, 9)]
    df = read_csv("\n".join(lines) + "\n")
    template = BatchTemplate(script="Hello {{name}}!", title="Team hello {{name}}", avatar_id=look.id,
                             voice_id=voice.voice_id)
    checks = check_rows(df, template, known_avatars={look.id: True}, known_voices={voice.voice_id})
    batch = store.create(account, df, template, checks=checks, concurrency=4, name="Team batch")
    store.start_sample(batch.id, 1)

    env = {**os.environ, "HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
           "HEYGEN_STUDIO_QUEUE_URL": redis_url, "HEYGEN_STUDIO_DATABASE_URL": postgres_url,
           "HEYGEN_STUDIO_DATA_DIR": str(tmp_path / "data"), "HEYGEN_STUDIO_MEDIA_DIR": str(tmp_path / "media"),
           "HEYGEN_POLL_SECONDS": "1", "HEYGEN_MAX_POLL_SECONDS": "2"}
    procs = [subprocess.Popen([sys.executable, "-m", "heygen.worker", "--threads", "3"], cwd=REPO, env=env,
                              stdin=subprocess.DEVNULL, stdout=open(tmp_path / f"worker{i}.log", "wb"),
                              stderr=subprocess.STDOUT) for i in range(2)]
    try:
        wait_for(lambda: store.row(batch.id, 1).status == "completed", timeout=90,
                 message="the team workers never rendered the sample")
        store.approve_sample(batch.id)
        store.start(batch.id)
        wait_for(lambda: store.require(batch.id).state == "finished", timeout=150,
                 message="two team workers never finished the batch")
        wait_for(lambda: len(list((tmp_path / "media").glob("*/video.mp4"))) == 8, timeout=60,
                 message="the shared media folder never got every finished video")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    rows = store.rows(batch.id)
    assert [r.status for r in rows] == ["completed"] * 8
    posts = Counter(e["idempotency_key"] for e in sandbox.requests_log()
                    if e["method"] == "POST" and e["path"] == "/v3/videos")
    assert len(posts) == 8 and set(posts.values()) == {1}, posts
