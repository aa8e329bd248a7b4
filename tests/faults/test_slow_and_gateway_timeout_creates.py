"""A create that HeyGen answers too late (its p99 is ~30 s) or with a 504 gateway_timeout: the studio's
launch files it as "checking", the real background worker reconciles it with the account, and nothing
ends "failed" falsely or is sent a second time.

Faults are the sandbox's: a "slow" answer held for 30 s (ended by ``release_faults()`` or the sandbox
stopping, so no test waits it out) and a 504 status fault, each either after the work (HeyGen made the
video) or before it. The worker runs inline (``run_once``) with an injected clock for its look schedule.
"""

from __future__ import annotations

import time

import pytest

from heygen import Client, VideoSpec
from heygen.api import errors
from heygen.sandbox import Sandbox
from heygen.studio import launch, reconcile
from heygen.studio.batch import BatchStore
from heygen.studio.jobs import JobStore
from heygen.studio.worker import Accounts, Worker, make_huey
from tests.support import wait_for

API_KEY = "sk-slowcreate-5a4b3c2d1e0f9a8b7c6d"
ACCOUNT = "slow-create"
READ_TIMEOUT = 2.0  # long enough for a 504 to come back on a busy machine; the held answers take 30 s
HELD_MS = 30_000  # as long as a slow create really takes; released by the test or the sandbox's stop


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=0.5, max_concurrent_renders=100).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _clean(sandbox):
    sandbox.reset()
    sandbox.clear_faults()
    yield
    sandbox.release_faults()
    sandbox.clear_faults()


@pytest.fixture
def client(sandbox):
    """The page's client: it stops waiting for an answer long before the held one comes."""
    c = Client(API_KEY, sandbox.base_url, timeout=(2.0, READ_TIMEOUT))
    yield c
    c.close()


@pytest.fixture
def store(tmp_path):
    with JobStore(tmp_path / "jobs.sqlite3") as s:
        yield s


@pytest.fixture
def worker(sandbox, store, tmp_path):
    own = Client(API_KEY, sandbox.base_url, max_retries=0)
    accounts = Accounts()
    accounts.register(ACCOUNT, own)
    yield Worker(make_huey(tmp_path / "queue"), store, BatchStore(store), accounts=accounts)
    own.close()


def _posts(sandbox) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]


def _job(sandbox, store, client):
    with Client(API_KEY, sandbox.base_url) as plain:
        look = plain.avatars.looks(ownership="public", limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=look.default_voice_id, script="Hello, and welcome.",
                     title="Welcome video")
    return launch.create_job(store, account=ACCOUNT, spec=spec)


def _send(client, store, job, error_type):
    """The user's one launch: the answer is lost, the job is "checking", never "failed"."""
    with pytest.raises(error_type) as info:
        launch.submit(client, store, job)
    assert errors.unclear(info.value)
    job = store.get(job.id)
    assert job.status == "checking" and job.video_id is None
    assert reconcile.MAY_HAVE in job.error_detail["message"]
    return job


def _statuses_seen(store, job_id, worker, times) -> list[str]:
    seen = []
    for now in times:
        worker.run_once(now=now)
        seen.append(store.get(job_id).status)
    return seen


def _runs_to_completion(store, job_id, worker):
    ticks = iter(range(1, 10_000))

    def done():
        worker.run_once(now=time.time() + 10 * next(ticks))  # each tick finds the render's check due
        return store.get(job_id).status in ("completed", "failed")
    wait_for(done, timeout=30, message="the adopted video never finished")
    return store.get(job_id)


@pytest.mark.parametrize("fault", [
    {"kind": "slow", "delay_ms": HELD_MS, "after": True},
    {"status": 504, "after": True},
], ids=["slow answer, video made", "504, video made"])
def test_a_create_heygen_made_but_answered_late_or_with_504_is_adopted_not_resent(
        fault, sandbox, client, store, worker):
    job = _job(sandbox, store, client)
    sandbox.add_fault(method="POST", path="/v3/videos", times=1, **fault)
    error = errors.NetworkError if fault.get("kind") == "slow" else errors.ServerError
    job = _send(client, store, job, error)
    # The sandbox logs the create once it has made the video; on a busy machine the client can
    # give up first. Made, the video is what the worker's look must find.
    wait_for(lambda: len(_posts(sandbox)) == 1, timeout=30, message="the create never reached the sandbox")
    # The worker's first look finds the video on the account and adopts it.
    worker.run_once(now=time.time())
    adopted = store.get(job.id)
    assert adopted.video_id and adopted.status != "failed", adopted.status
    made = [e for e in _posts(sandbox)][0]["processed_json"]["data"]["video_id"]
    assert adopted.video_id == made
    sandbox.release_faults()  # the held answer finally goes out, to nobody
    finished = _runs_to_completion(store, job.id, worker)
    assert finished.status == "completed" and finished.video_id == made
    assert len(_posts(sandbox)) == 1


def test_a_create_that_takes_30_s_is_found_once_heygen_has_made_it(sandbox, client, store, worker):
    """HeyGen works on the create for 30 s: the first look finds nothing, a later one finds the video."""
    job = _job(sandbox, store, client)
    sandbox.add_fault(method="POST", path="/v3/videos", kind="slow", delay_ms=HELD_MS, times=1)
    job = _send(client, store, job, errors.NetworkError)
    start = time.time()
    assert _statuses_seen(store, job.id, worker, [start]) == ["checking"]  # nothing on the account yet
    assert store.get(job.id).video_id is None
    sandbox.release_faults()
    wait_for(lambda: _posts(sandbox), timeout=30, message="the held create never finished")
    assert _statuses_seen(store, job.id, worker, [start + reconcile.LOOK_EVERY + 1]) != ["failed"]
    adopted = store.get(job.id)
    assert adopted.video_id == _posts(sandbox)[0]["response_json"]["data"]["video_id"]
    assert _runs_to_completion(store, job.id, worker).status == "completed"
    assert len(_posts(sandbox)) == 1


def test_a_504_before_anything_was_made_ends_unclear_after_the_looks_and_is_never_resent(
        sandbox, client, store, worker):
    job = _job(sandbox, store, client)
    sandbox.add_fault(method="POST", path="/v3/videos", status=504, times=None)
    job = _send(client, store, job, errors.ServerError)
    assert (job.error_detail["status"], job.error_detail["code"]) == (504, "gateway_timeout")
    start = time.time()
    seen = _statuses_seen(store, job.id, worker, [start + s for s in (0, 16, 32, 48, 64, 120)])
    assert "failed" not in seen and seen[-1] == "unclear", seen
    assert seen[0] == "checking"
    job = store.get(job.id)
    assert job.video_id is None and reconcile.MAY_HAVE in job.error_detail["message"]
    # The worker never sends it again on its own: only the user's "Send again" would.
    assert len(_posts(sandbox)) == 1
    with Client(API_KEY, sandbox.base_url) as plain:
        assert plain.videos.list() == []
