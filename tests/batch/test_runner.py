"""Tests for heygen.studio.batch.runner against the sandbox over real HTTP: sample, cap, 402, 429, pause, restart, retry."""

from __future__ import annotations

import socket
import time

import pytest

from heygen.studio.batch import BatchRunner, BatchStateError, BatchStore, idempotency_key
from heygen.studio.jobs import JobStore

from tests.batch.helpers import FAST, drive, polls, posts, posts_per_key, videos_made


def test_sample_first_then_the_rest_each_row_sent_once(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(5, bad=(4,))
    assert runner.step(client, batch.id).requests == 0  # a draft sends nothing
    store.start_sample(batch.id, 2)
    report = drive(runner, client, batch.id, until=lambda r: r.counts["completed"] == 1)
    assert report.state == "sampling"
    assert [e["idempotency_key"] for e in posts(sandbox)] == [idempotency_key(batch.id, 2, 0)]
    for _ in range(3):  # waiting for approval: nothing else goes out
        assert runner.step(client, batch.id).submitted == 0
    assert len(posts(sandbox)) == 1

    store.approve_sample(batch.id)
    assert store.require(batch.id).approved_at is not None
    assert runner.step(client, batch.id).requests == 0  # approved, not started
    store.start(batch.id)
    report = drive(runner, client, batch.id)
    assert report.finished and report.counts == {"queued": 0, "rendering": 0, "completed": 4, "failed": 0, "skipped": 1}
    keys = posts_per_key(sandbox)
    assert keys == {idempotency_key(batch.id, n, 0): 1 for n in (1, 2, 3, 5)}  # row 4 skipped, sample not re-sent
    rows = store.rows(batch.id)
    assert all(r.video_url and r.video_id for r in rows if r.row != 4)
    job = store.jobs.get(rows[0].job_id)
    assert job.batch_id == batch.id and job.batch_row == 1 and job.title == "Hello Person 1"
    assert job.inputs["spec"]["script"] == "Hello Person 1 from City 1!"
    with pytest.raises(BatchStateError):
        store.pause(batch.id)
    assert runner.step(client, batch.id).requests == 0  # finished: silence


def test_a_failed_sample_can_be_sampled_again(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(3)
    sandbox.configure(render_outcome="fail")
    store.start_sample(batch.id, 1)
    drive(runner, client, batch.id, until=lambda r: r.counts["failed"] == 1)
    with pytest.raises(BatchStateError):
        store.approve_sample(batch.id)
    sandbox.configure(render_outcome="complete")
    store.start_sample(batch.id, 1)
    drive(runner, client, batch.id, until=lambda r: r.counts["completed"] == 1)
    assert posts_per_key(sandbox) == {idempotency_key(batch.id, 1, 0): 1, idempotency_key(batch.id, 1, 1): 1}
    assert store.approve_sample(batch.id).state == "approved"


def test_never_more_than_n_renders_in_flight(store, runner, client, sandbox, make_batch) -> None:
    sandbox.configure(render_seconds=1.0)
    batch = make_batch(8, concurrency=3, state="running")
    peaks = []

    def after(report):
        rendering = store.counts(batch.id)["rendering"]
        assert rendering <= 3 and report.in_flight == rendering
        peaks.append(rendering)

    drive(runner, client, batch.id, after_step=after)
    assert max(peaks) == 3  # the cap was actually reached
    # From the wire: when each POST went out, how many earlier videos had not yet been seen terminal?
    log = sandbox.requests_log()
    made: dict[str, float] = {}
    seen_done: dict[str, float] = {}
    for e in log:
        data = (e.get("response_json") or {}).get("data") or {}
        if e["method"] == "POST" and e["status"] == 200:
            made[data["video_id"]] = e["t"]
        elif e["method"] == "GET":
            # a bulk status answer lists many videos; a video's own answer is one object
            for item in data if isinstance(data, list) else [{**data, "video_id": data.get("id")}]:
                if item.get("status") in ("completed", "failed"):
                    seen_done.setdefault(item["video_id"], e["t"])
    assert len(made) == 8
    for vid, sent in made.items():
        open_before = [v for v, t in made.items() if t < sent and seen_done.get(v, float("inf")) > sent]
        assert len(open_before) <= 2, f"{len(open_before)} renders in flight when {vid} was sent"


def test_402_stops_sending_and_resume_carries_on(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(4, concurrency=2, state="running")
    assert runner.step(client, batch.id, max_requests=1).submitted == 1
    sandbox.add_fault(method="POST", path="/v3/videos", kind="status", status=402, code="insufficient_credit", times=None)
    report = runner.step(client, batch.id)
    assert report.state == "stopped_credit" and report.submitted == 0
    stopped = store.require(batch.id)
    assert stopped.stop_reason["code"] == "insufficient_credit" and "credit" in stopped.stop_message
    assert len(posts(sandbox)) == 2  # one sent, one refused, then no further POST
    drive(runner, client, batch.id, until=lambda r: r.counts["completed"] == 1)
    for _ in range(3):
        report = runner.step(client, batch.id)
    assert report.state == "stopped_credit" and len(posts(sandbox)) == 2
    assert report.counts["queued"] == 3 and report.next_step_at is None

    sandbox.clear_faults()
    assert store.resume(batch.id).stop_reason is None
    report = drive(runner, client, batch.id)
    assert report.counts["completed"] == 4
    keys = posts_per_key(sandbox)
    assert keys[idempotency_key(batch.id, 2, 0)] == 2  # the refused row went again with the same key
    assert sum(keys.values()) == 5 and len(videos_made(sandbox)) == 4


def test_a_402_stop_is_recorded_once_every_refused_row_waits_to_go_again(store, runner, client, sandbox, make_batch,
                                                                         monkeypatch) -> None:
    """A page stops redrawing once the batch is stopped: at that moment no refused row may look failed."""
    batch = make_batch(4, concurrency=3)
    store.start_sample(batch.id, 1)
    drive(runner, client, batch.id, until=lambda r: r.counts["completed"] == 1)
    store.approve_sample(batch.id)
    store.start(batch.id)
    seen = []
    record = store.set_state

    def recorded(batch_id, state, **changes):
        stored = record(batch_id, state, **changes)
        seen.append((state, store.counts(batch_id)))  # what a page reading the store now would draw
        return stored

    monkeypatch.setattr(store, "set_state", recorded)
    sandbox.add_fault(method="POST", path="/v3/videos", kind="status", status=402, code="insufficient_credit", times=None)
    report = runner.step(client, batch.id)
    assert len(posts(sandbox)) == 4  # the sample, then the other three at once, all refused
    assert report.state == "stopped_credit"
    assert seen and all(counts["failed"] == 0 and counts["queued"] == 3 for _, counts in seen), seen


def test_429_holds_every_request_until_retry_after(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(3, concurrency=3, state="running")
    sandbox.add_fault(method="POST", path="/v3/videos", kind="status", status=429, code="rate_limit_exceeded",
                      retry_after=2, times=1)
    t0 = time.time()
    report = runner.step(client, batch.id, now=t0)
    # the three creates went out together: the one refused waits, the others stand
    assert report.submitted == 2 and report.requests == 3 and report.not_before == pytest.approx(t0 + 2)
    assert store.require(batch.id).not_before == pytest.approx(t0 + 2)
    [refused] = [r.row for r in store.rows(batch.id) if r.status == "queued"]
    before = len(sandbox.requests_log())
    for offset in (0.5, 1.0, 1.9):
        report = runner.step(client, batch.id, now=t0 + offset)
        assert report.requests == 0 and report.next_step_at == pytest.approx(t0 + 2)
    assert len(sandbox.requests_log()) == before  # nothing at all went out while holding off
    # a new runner on a new store (a restart) holds off too: the time is stored with the batch
    other = BatchRunner(BatchStore(JobStore(store.jobs.path)), policy=FAST)
    assert other.step(client, batch.id, now=t0 + 1.5).requests == 0
    report = runner.step(client, batch.id, now=t0 + 2.01)
    assert report.submitted == 1
    keys = [e["idempotency_key"] for e in posts(sandbox)]
    assert keys.count(idempotency_key(batch.id, refused, 0)) == 2  # the refused row re-sent with its own key
    drive(runner, client, batch.id)
    assert len(videos_made(sandbox)) == 3


def test_429_on_a_status_check_holds_the_batch(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(2, concurrency=1, state="running")
    t0 = time.time()
    assert runner.step(client, batch.id, now=t0).submitted == 1
    sandbox.add_fault(method="GET", path="/v3/videos/", kind="status", status=429, retry_after=3, times=1)
    report = runner.step(client, batch.id, now=t0 + 1)
    assert report.polled == 1 and report.not_before == pytest.approx(t0 + 4)
    assert runner.step(client, batch.id, now=t0 + 2).requests == 0
    assert runner.step(client, batch.id, now=t0 + 4.1).requests >= 1


def test_pause_stops_new_sends_but_keeps_watching(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(5, concurrency=2, state="running")
    assert runner.step(client, batch.id).submitted == 2
    store.pause(batch.id)
    report = drive(runner, client, batch.id, until=lambda r: r.counts["completed"] == 2)
    assert report.state == "paused" and report.counts["queued"] == 3 and len(posts(sandbox)) == 2
    assert len(polls(sandbox)) >= 2
    polled = len(polls(sandbox))
    report = runner.step(client, batch.id)
    assert report.requests == 0 and report.next_step_at is None and len(polls(sandbox)) == polled
    store.resume(batch.id)
    assert drive(runner, client, batch.id).counts["completed"] == 5
    assert set(posts_per_key(sandbox).values()) == {1}


def test_resume_after_restart_never_sends_a_row_twice(db, store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(6, concurrency=2, state="running")
    runner.step(client, batch.id)
    # A crash while sending row 3: its job was recorded and attached, the request may or may not have
    # reached HeyGen. Here it did reach HeyGen (the video exists), but the answer was lost.
    key3 = idempotency_key(batch.id, 3, 0)
    job3 = store.jobs.create(account=batch.account, kind="avatar", title="Hello Person 3",
                             inputs={"spec": batch.template.spec_for(store.row(batch.id, 3).data, 3).to_dict()},
                             idempotency_key=key3, batch_id=batch.id, batch_row=3)
    assert store.attach_job(batch.id, 3, job3.id, attempt=0)
    client.videos.create(batch.template.spec_for(store.row(batch.id, 3).data, 3), idempotency_key=key3)
    # ... and a crash between recording row 4's job and attaching it to the row.
    key4 = idempotency_key(batch.id, 4, 0)
    orphan = store.jobs.create(account=batch.account, kind="avatar", title="Hello Person 4",
                               inputs={"spec": batch.template.spec_for(store.row(batch.id, 4).data, 4).to_dict()},
                               idempotency_key=key4, batch_id=batch.id, batch_row=4)
    store.jobs.close()

    # Restart: new stores and runner on the same file.
    store2 = BatchStore(JobStore(db))
    runner2 = BatchRunner(store2, policy=FAST)
    assert store2.require(batch.id).state == "running"
    assert store2.row(batch.id, 3).status == "queued"  # job still "submitting": to be re-sent, same job
    report = drive(runner2, client, batch.id)
    assert report.counts["completed"] == 6
    keys = posts_per_key(sandbox)
    assert set(keys) == {idempotency_key(batch.id, n, 0) for n in range(1, 7)}
    assert keys[key3] == 2 and all(count == 1 for key, count in keys.items() if key != key3)
    assert len(videos_made(sandbox)) == 6  # the re-sent row 3 got its first video back, not a new one
    assert store2.row(batch.id, 3).job_id == job3.id
    assert store2.row(batch.id, 4).job_id == orphan.id  # the orphan job was adopted, not duplicated
    assert store2.jobs.count(batch.account, batch_id=batch.id) == 6
    store2.jobs.close()


def test_retry_failed_rows_only_resends_those(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(5, concurrency=5, state="running")
    # row 1: HeyGen refuses the request (400) -> not sent; rows 2 and 3 render but fail.
    sandbox.add_fault(method="POST", path="/v3/videos", kind="status", status=400, code="invalid_parameter",
                      message="script is not allowed", times=1)
    report = runner.step(client, batch.id, max_requests=1)
    assert report.problems and report.problems[0].startswith("Row 1: HeyGen did not accept the request")
    sandbox.configure(render_outcome="fail")
    runner.step(client, batch.id, max_requests=2)
    sandbox.configure(render_outcome="complete")
    report = drive(runner, client, batch.id)
    assert report.counts == {"queued": 0, "rendering": 0, "completed": 2, "failed": 3, "skipped": 0}
    failed = {r.row: r for r in store.rows(batch.id, statuses=["failed"])}
    assert set(failed) == {1, 2, 3}
    assert "script is not allowed" in failed[1].failure_reason
    assert failed[2].failure_reason.startswith("Failed to download the input media")
    old_jobs = {n: r.job_id for n, r in failed.items()}

    assert store.retry_failed(batch.id) == 3
    assert store.require(batch.id).state == "running"
    report = drive(runner, client, batch.id)
    assert report.counts["completed"] == 5
    keys = posts_per_key(sandbox)
    assert keys[idempotency_key(batch.id, 1, 0)] == 2  # not sent for sure: same job, same key
    assert keys[idempotency_key(batch.id, 2, 1)] == 1 and keys[idempotency_key(batch.id, 3, 1)] == 1  # new jobs
    assert keys[idempotency_key(batch.id, 4, 0)] == 1 and keys[idempotency_key(batch.id, 5, 0)] == 1
    assert sum(keys.values()) == 8
    assert store.row(batch.id, 1).job_id == old_jobs[1]
    assert store.row(batch.id, 2).job_id != old_jobs[2] and store.jobs.get(old_jobs[2]).status == "failed"
    assert store.retry_failed(batch.id) == 0


def test_lost_video_gets_a_new_job_and_overdue_row_is_watched_again(store, client, sandbox, make_batch) -> None:
    runner = BatchRunner(store, policy=FAST.__class__(first=0.2, maximum=0.4, deadline=1.5))
    batch = make_batch(2, concurrency=2, state="running")
    runner.step(client, batch.id)
    first, second = store.rows(batch.id)
    sandbox.set_video_outcome(first.video_id, "vanish")
    sandbox.set_video_outcome(second.video_id, "never")
    report = drive(runner, client, batch.id)
    rows = {r.row: r for r in store.rows(batch.id)}
    assert rows[1].job_status == "not_found" and rows[2].gave_up and report.counts["failed"] == 2
    assert "did not finish this video in time" in rows[2].failure_reason
    sandbox.set_video_outcome(second.video_id, "complete")
    assert store.retry_failed(batch.id) == 2
    assert drive(runner, client, batch.id).counts["completed"] == 2
    keys = posts_per_key(sandbox)
    assert keys == {idempotency_key(batch.id, 1, 0): 1, idempotency_key(batch.id, 1, 1): 1,
                    idempotency_key(batch.id, 2, 0): 1}  # row 2 was watched again, never re-sent


def test_rejected_key_pauses_the_batch(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(3, concurrency=1, state="running")
    sandbox.add_fault(method="POST", path="/v3/videos", kind="status", status=401, code="authentication_failed")
    report = runner.step(client, batch.id)
    assert report.state == "paused" and "API key" in store.require(batch.id).stop_message
    assert runner.step(client, batch.id).requests == 0
    store.resume(batch.id)
    assert drive(runner, client, batch.id).counts["completed"] == 3
    assert posts_per_key(sandbox)[idempotency_key(batch.id, 1, 0)] == 2


def test_a_refused_connection_resends_the_same_job_after_a_short_wait(store, client, sandbox, make_batch) -> None:
    runner = BatchRunner(store, policy=FAST, trouble_wait=1.0)
    batch = make_batch(2, concurrency=2, state="running")
    good = client.base_url
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        client.base_url = f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens there: refused
    t0 = time.time()
    try:
        report = runner.step(client, batch.id, now=t0)
    finally:
        client.base_url = good
    assert report.submitted == 0 and report.not_before == pytest.approx(t0 + 1.0)
    assert "It was not sent" in report.problems[0]
    assert store.row(batch.id, 1).status == "queued"
    drive(runner, client, batch.id)
    assert posts_per_key(sandbox)[idempotency_key(batch.id, 1, 0)] == 1 and len(videos_made(sandbox)) == 2


@pytest.mark.parametrize("honour_key", [True, False], ids=["key honoured", "key ignored"])
@pytest.mark.parametrize("fault", [{"kind": "drop"}, {"kind": "html", "status": 502}], ids=["drop", "502 page"])
def test_a_lost_answer_is_reconciled_and_never_resent(store, client, sandbox, make_batch, honour_key, fault) -> None:
    sandbox.configure(honour_idempotency_key=honour_key)
    runner = BatchRunner(store, policy=FAST, trouble_wait=1.0)
    batch = make_batch(2, concurrency=2, state="running")
    sandbox.add_fault(method="POST", path="/v3/videos", after=True, times=1, **fault)
    report = runner.step(client, batch.id, now=time.time())
    assert "HeyGen may have received this" in report.problems[0]
    # the two creates went out together; the one whose answer was lost is looked for
    [row] = [r for r in store.rows(batch.id) if store.jobs.get(r.job_id).status == "checking"]
    assert row.status == "rendering"
    try:
        drive(runner, client, batch.id)
    finally:
        sandbox.configure(honour_idempotency_key=True)
    assert posts_per_key(sandbox)[idempotency_key(batch.id, row.row, 0)] == 1
    assert len(client.videos.list()) == 2
    assert [store.row(batch.id, n).status for n in (1, 2)] == ["completed", "completed"]


@pytest.mark.parametrize("honour_key", [True, False])
def test_a_lost_create_heygen_never_got_fails_the_row_after_two_looks(store, client, sandbox, make_batch,
                                                                       honour_key) -> None:
    sandbox.configure(honour_idempotency_key=honour_key)
    try:
        runner = BatchRunner(store, policy=FAST, trouble_wait=1.0)
        batch = make_batch(1, concurrency=1, state="running")
        sandbox.add_fault(method="POST", path="/v3/videos", kind="html", status=502, times=1)  # before any work
        t0 = time.time()
        runner.step(client, batch.id, now=t0)
        for later in (2, 20, 40):
            runner.step(client, batch.id, now=t0 + later)
    finally:
        sandbox.configure(honour_idempotency_key=True)
    row = store.row(batch.id, 1)
    assert row.status == "failed" and "HeyGen may have received this" in row.failure_reason
    assert len([e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == "/v3/videos"]) >= 2
    assert posts_per_key(sandbox)[idempotency_key(batch.id, 1, 0)] == 1 and client.videos.list() == []


def test_max_requests_caps_one_step_and_a_concurrent_step_is_refused(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(4, concurrency=4, state="running")
    assert runner.step(client, batch.id, max_requests=2).requests == 2
    import heygen.studio.batch.runner as runner_module

    lock = runner_module._locks[batch.id]
    with lock:
        busy = runner.step(client, batch.id)
    assert busy.busy and busy.requests == 0 and len(posts(sandbox)) == 2


def test_a_row_whose_job_was_deleted_gets_a_new_job_with_the_same_key(store, runner, client, sandbox, make_batch) -> None:
    batch = make_batch(2, concurrency=2, state="running")
    runner.step(client, batch.id)
    lost = store.row(batch.id, 1)
    assert store.jobs.delete(lost.job_id)  # e.g. removed from the Videos page while rendering
    assert store.row(batch.id, 1).status == "queued"
    report = drive(runner, client, batch.id)
    assert report.counts["completed"] == 2
    again = store.row(batch.id, 1)
    assert again.job_id != lost.job_id and again.video_id == lost.video_id  # HeyGen answered with the same video
    assert posts_per_key(sandbox)[idempotency_key(batch.id, 1, 0)] == 2 and len(videos_made(sandbox)) == 2


def test_a_client_that_retries_by_itself_is_refused(store, runner, sandbox, make_batch) -> None:
    from heygen import Client
    from tests.batch.helpers import API_KEY

    batch = make_batch(1, state="running")
    with Client(API_KEY, sandbox.base_url) as retrying, pytest.raises(ValueError, match="max_retries=0"):
        runner.step(retrying, batch.id)
    assert posts(sandbox) == []
