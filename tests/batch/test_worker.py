"""The background worker on real Huey (SQLite storage) against the sandbox over real HTTP: renders and
batches finish with no page open, a restarted worker resumes, two workers never step one batch."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from heygen import VideoSpec
from heygen.studio import archive, launch
from heygen.studio.worker import Accounts, Worker, make_huey
from tests.support import wait_for

from tests.batch.helpers import ACCOUNT
from tests.batch.helpers import FAST, posts_per_key

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def accounts(client):
    reg = Accounts()
    reg.register(ACCOUNT, client)
    return reg


@pytest.fixture
def started(tmp_path, store, accounts):
    """Factory: a worker with its own in-process consumer on the SQLite queue in tmp_path; all stopped after."""
    running: list[Worker] = []

    def start(queue_dir=None) -> Worker:
        huey = make_huey(queue_dir or tmp_path / "queue")
        worker = Worker(huey, store.jobs, store, policy_for=lambda kind: FAST, accounts=accounts, tick_seconds=0.3,
                        media_root=tmp_path / "media", retention=lambda: "everything")
        worker.start_consumer(workers=2)
        running.append(worker)
        return worker

    yield start
    for worker in running:
        worker.stop_consumer()


def _single(store, client, catalogue, title="Solo render"):
    ready, _, voices = catalogue
    spec = VideoSpec(avatar_id=ready[0], voice_id=voices[0], script="Hello from the worker.", title=title)
    return launch.submit(client, store.jobs, launch.create_job(store.jobs, account=ACCOUNT, spec=spec))


def test_a_render_and_a_batch_finish_with_no_page_open(started, store, client, sandbox, make_batch, catalogue,
                                                      tmp_path):
    job = _single(store, client, catalogue)
    batch = make_batch(4, concurrency=2, state="running")
    started()
    wait_for(lambda: store.jobs.get(job.id).status == "completed", timeout=60,
             message="the worker never saw the single render complete")
    wait_for(lambda: store.require(batch.id).state == "finished", timeout=90,
             message="the worker never finished the batch")
    rows = store.rows(batch.id)
    assert [r.status for r in rows] == ["completed"] * 4
    keys = posts_per_key(sandbox)
    assert set(keys.values()) == {1}, f"something was sent twice: {keys}"
    assert store.jobs.get(job.id).video_url
    # Finished videos are kept on disk by the worker too (batch rows and the single render alike).
    for done in [store.jobs.get(job.id), *(store.jobs.get(r.job_id) for r in rows)]:
        wait_for(lambda: archive.VIDEO in archive.local_files(done, tmp_path / "media"), timeout=60,
                 message=f"the worker never kept the video of {done.title}")
        assert archive.local_files(done, tmp_path / "media")[archive.VIDEO].read_bytes()[4:8] == b"ftyp"
    media = [e for e in sandbox.requests_log(media=True) if e.get("media")]
    assert media and not any(e["key_sent"] for e in media)


def test_a_worker_stopped_mid_batch_is_resumed_by_the_next_one(started, store, client, sandbox, make_batch, tmp_path):
    batch = make_batch(5, concurrency=2, state="running")
    first = started()
    wait_for(lambda: any(r.status != "queued" for r in store.rows(batch.id)), timeout=30,
             message="the first worker never sent a row")
    first.stop_consumer()
    sent_before = len([e for e in sandbox.requests_log() if e["method"] == "POST"])
    assert sent_before < 5
    started()  # a fresh worker on the same queue file and the same store
    wait_for(lambda: store.require(batch.id).state == "finished", timeout=90,
             message="the restarted worker never finished the batch")
    keys = posts_per_key(sandbox)
    assert len(keys) == 5 and set(keys.values()) == {1}, keys


def test_two_workers_on_one_queue_never_send_a_row_twice(started, store, client, sandbox, make_batch, tmp_path):
    batch = make_batch(6, concurrency=3, state="running")
    started(tmp_path / "queue")
    started(tmp_path / "queue")
    wait_for(lambda: store.require(batch.id).state == "finished", timeout=90,
             message="two workers never finished the batch")
    keys = posts_per_key(sandbox)
    assert len(keys) == 6 and set(keys.values()) == {1}, keys
    made = Counter(e["idempotency_key"] for e in sandbox.requests_log() if e["method"] == "POST" and e["status"] == 200)
    assert sum(made.values()) == 6


def test_the_worker_only_acts_for_accounts_it_has_a_client_for(tmp_path, store, client, sandbox, make_batch):
    batch = make_batch(2, concurrency=2, state="running")
    worker = Worker(make_huey(tmp_path), store.jobs, store, policy_for=lambda kind: FAST, accounts=Accounts())
    report = worker.run_once()
    assert report.requests == 0 and [e for e in sandbox.requests_log() if e["method"] == "POST"] == []
    assert store.require(batch.id).state == "running"


def test_thirty_renders_in_flight_cost_one_status_request_per_tick(tmp_path, store, client, sandbox, catalogue,
                                                                    accounts):
    sandbox.configure(render_seconds=600)  # all thirty stay in flight
    jobs = [_single(store, client, catalogue, title=f"Render {i}") for i in range(30)]
    worker = Worker(make_huey(tmp_path), store.jobs, store, policy_for=lambda kind: FAST, accounts=accounts)
    sandbox.state.clear_log()
    report = worker.run_once(now=time.time() + 1)
    gets = [e for e in sandbox.requests_log() if e["method"] == "GET"]
    assert [e["path"] for e in gets] == ["/v3/videos/statuses"], [e["path"] for e in gets]
    assert report.requests == 1
    assert all(store.jobs.get(j.id).polls == 1 for j in jobs)


def test_the_queue_file_is_private(tmp_path, store, accounts):
    worker = Worker(make_huey(tmp_path / "data"), store.jobs, store, accounts=accounts)
    worker.huey.put("probe", 1)
    for path in (tmp_path / "data").iterdir():
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
