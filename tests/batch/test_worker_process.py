"""``python -m heygen.worker`` as a real process: it finishes a batch with no app open, and a worker
killed with SIGKILL mid-run and started again loses no row and sends none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.batch.helpers import posts_per_key
from tests.support import wait_for

from tests.batch.conftest import API_KEY

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.timeout(240), pytest.mark.long]


@pytest.fixture
def worker_process(sandbox, db):
    """Factory: start ``python -m heygen.worker`` on the test's data folder; every one is killed after."""
    procs: list[subprocess.Popen] = []
    log = db.parent / "worker.log"

    def start() -> subprocess.Popen:
        env = {**os.environ, "HEYGEN_API_KEY": API_KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
               "HEYGEN_STUDIO_DATA_DIR": str(db.parent), "HEYGEN_POLL_SECONDS": "1",
               "HEYGEN_MAX_POLL_SECONDS": "2"}
        env.pop(background_queue_env(), None)
        proc = subprocess.Popen([sys.executable, "-m", "heygen.worker", "--threads", "3"], cwd=REPO, env=env,
                                stdin=subprocess.DEVNULL, stdout=open(log, "ab"), stderr=subprocess.STDOUT)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def background_queue_env() -> str:
    from heygen.studio.worker import QUEUE_URL_ENV

    return QUEUE_URL_ENV


def _account(sandbox) -> str:
    from heygen.studio.config import account_fingerprint

    return account_fingerprint(API_KEY, sandbox.base_url)


def test_the_worker_process_finishes_a_batch_with_no_app(worker_process, store, sandbox, make_batch):
    batch = _batch_for(store, make_batch, _account(sandbox), 4)
    worker_process()
    wait_for(lambda: store.require(batch.id).state == "finished", timeout=120,
             message="the worker process never finished the batch")
    assert [r.status for r in store.rows(batch.id)] == ["completed"] * 4
    assert set(posts_per_key(sandbox).values()) == {1}


def test_sigkill_twice_mid_run_loses_no_row_and_sends_none_twice(worker_process, store, sandbox, make_batch):
    batch = _batch_for(store, make_batch, _account(sandbox), 8, concurrency=3)
    for sent_before_kill in (2, 5):
        proc = worker_process()
        wait_for(lambda: len(posts_per_key(sandbox)) >= sent_before_kill, timeout=90,
                 message=f"the worker never sent {sent_before_kill} rows")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    worker_process()
    wait_for(lambda: store.require(batch.id).state == "finished", timeout=150,
             message="the batch never finished after two kills")
    rows = store.rows(batch.id)
    # A kill can land between recording a send and the request leaving: that row cannot be told apart
    # from one whose answer was lost, so after the account was searched in vain it waits for the user
    # ("HeyGen may have received this"), never resent and never silently dropped.
    undecided = [r for r in rows if r.status == "failed"]
    assert all("HeyGen may have received this" in (r.failure_reason or "") for r in undecided), \
        [(r.row, r.failure_reason) for r in undecided]
    assert [r.status for r in rows if r not in undecided] == ["completed"] * (8 - len(undecided))
    assert len(undecided) <= 2, "more rows than kills were left undecided"
    keys = posts_per_key(sandbox)
    assert set(keys.values()) == {1}, f"a row was sent twice: {keys}"
    assert len({r.video_id for r in rows if r.video_id}) == 8 - len(undecided)


def _batch_for(store, make_batch, account: str, n: int, *, concurrency: int = 2):
    """A running batch of the worker's account."""
    return make_batch(n, concurrency=concurrency, state="running", account=account)
