"""check_many against the sandbox over real HTTP: one status request for many due renders, and
every answer (or failure) recorded for each job as check() would record it."""

from __future__ import annotations

import time

import pytest

from heygen import Client, VideoSpec
from heygen.api import errors
from heygen.sandbox import Sandbox
from heygen.studio import kinds, reconcile, watch
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit

KEY = "sk-watch-many-0123456789abcdef"
POLICY = watch.PollPolicy()
LATER = 1200.0  # twice the look-ahead used below: every render is due, none is overdue


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=3600).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _clean(sandbox):
    sandbox.reset()
    sandbox.configure(render_seconds=3600, render_outcome="complete", latency_ms=0, max_concurrent_renders=None)
    yield
    sandbox.clear_faults()


@pytest.fixture
def client(sandbox):
    c = Client(KEY, sandbox.base_url, max_retries=0, timeout=(2.0, 5.0))
    yield c
    c.close()


@pytest.fixture
def store(tmp_path):
    return JobStore(tmp_path)


@pytest.fixture
def spec(client):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    return VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Watch me render.", title="Watched")


def launch(client, store, spec, n=1):
    return [submit(client, store, create_job(store, account="sandbox", spec=spec)) for _ in range(n)]


def fake_renders(store, n):
    """Jobs HeyGen supposedly accepted, whose videos the sandbox never made (not_found there)."""
    jobs = []
    for i in range(n):
        job = store.create(account="sandbox", kind="avatar", title=f"Fake {i}", inputs={})
        jobs.append(store.mark_submitted(job.id, f"v_fake_{i:03d}", "waiting"))
    return jobs


def calls(sandbox, path_prefix="/v3/"):
    return [e for e in sandbox.requests_log() if e["path"].startswith(path_prefix)]


def bulk_calls(sandbox):
    return calls(sandbox, "/v3/videos/statuses")


def test_one_bulk_request_then_one_get_per_finished_render(client, store, spec, sandbox):
    queued, processing, done, broken, gone = launch(client, store, spec, 5)
    sandbox.set_video_outcome(processing.video_id, "never", render_seconds=0)
    sandbox.set_video_outcome(done.video_id, "complete", render_seconds=0)
    sandbox.set_video_outcome(broken.video_id, "fail", failure_code="no_face_detected",
                              failure_message="No face found.", render_seconds=0)
    sandbox.set_video_outcome(gone.video_id, "vanish", render_seconds=0)
    sandbox.clear_requests_log()

    now = time.time() + LATER / 2
    results = watch.check_many(client, store, [queued, processing, done, broken, gone], POLICY, now=now,
                               kind_of=kinds.of)

    assert [r.outcome for r in results] == [watch.RUNNING, watch.RUNNING, watch.COMPLETED, watch.FAILED,
                                            watch.NOT_FOUND]
    assert len(bulk_calls(sandbox)) == 1
    assert sorted(e["path"] for e in calls(sandbox) if e["path"] != "/v3/videos/statuses") == sorted(
        [f"/v3/videos/{done.video_id}", f"/v3/videos/{broken.video_id}"])
    assert sum(r.request_count for r in results) == len(calls(sandbox)) == 3
    assert [r.requested for r in results] == [True, False, True, True, False]  # the bulk one counts on the first
    by_id = {r.job.id: r.job for r in results}
    assert by_id[queued.id].status == "pending" and by_id[queued.id].polls == 1
    assert by_id[processing.id].status == "processing" and by_id[processing.id].polls == 1
    assert by_id[done.id].video_url and by_id[done.id].status == "completed"
    assert by_id[broken.id].failure_code == "no_face_detected" and by_id[broken.id].status == "failed"
    assert by_id[gone.id].status == "not_found" and by_id[gone.id].error_detail["code"] == "not_found"
    for result in results[:2]:
        assert result.wait == POLICY.wait_after_poll(result.job, now)


def test_a_render_not_due_rides_along_in_the_request_made_for_a_due_one(client, store, spec, sandbox):
    fresh, old = launch(client, store, spec, 2)
    sandbox.clear_requests_log()
    now = fresh.submitted_at + 1.0  # the first check is due POLICY.first (5 s) after sending
    results = watch.check_many(client, store, [fresh, old], POLICY, now=now, due=lambda job: job.id == old.id,
                               kind_of=kinds.of)
    assert calls(sandbox) == bulk_calls(sandbox) and len(calls(sandbox)) == 1
    assert bulk_calls(sandbox)[0]["query"]["video_ids"] == f"{old.video_id},{fresh.video_id}"  # the due one first
    assert results[1].requested and results[1].request_count == 1 and results[1].job.polls == 1
    assert not results[0].requested and results[0].request_count == 0 and results[0].job.polls == 1
    assert results[0].wait == POLICY.wait_after_poll(results[0].job, now)

    sandbox.clear_requests_log()
    results = watch.check_many(client, store, [fresh], POLICY, now=now,
                               kind_of=kinds.of)  # the default rule: not due yet, and no request to ride along
    assert calls(sandbox) == [] and not results[0].requested
    assert results[0].wait == pytest.approx(watch.next_check_at(fresh, POLICY) - now)


def test_riders_take_only_the_places_left_free_soonest_due_first(client, store, sandbox):
    jobs = fake_renders(store, 102)
    due = {job.id for job in jobs[:99]}
    results = watch.check_many(client, store, jobs, POLICY, now=time.time() + LATER / 2,
                               due=lambda job: job.id in due, kind_of=kinds.of)
    sizes = [len(e["query"]["video_ids"].split(",")) for e in bulk_calls(sandbox)]
    assert sizes == [100] and len(calls(sandbox)) == 1  # no request more for riders
    assert [r.outcome for r in results[:100]] == [watch.NOT_FOUND] * 100  # the sandbox never made them
    assert [(r.outcome, r.requested, r.job.polls) for r in results[100:]] == [(watch.RUNNING, False, 0)] * 2


def test_a_failed_bulk_request_is_recorded_for_the_due_renders_only(client, store, sandbox):
    due_job, rider = fake_renders(store, 2)
    sandbox.add_fault(method="GET", path="/v3/videos/statuses", status=503)
    results = watch.check_many(client, store, [due_job, rider], POLICY, now=time.time() + LATER / 2,
                               due=lambda job: job.id == due_job.id, kind_of=kinds.of)
    assert len(bulk_calls(sandbox)) == 1
    assert results[0].error is not None and store.get(due_job.id).error_detail is not None
    assert results[1].error is None and not results[1].requested and store.get(rider.id).error_detail is None


def test_renders_in_their_dense_window_share_the_requests(client, store, spec, sandbox):
    jobs = launch(client, store, spec, 4)
    now = max(job.submitted_at for job in jobs) + 0.9 * POLICY.expected_seconds(jobs[0])  # all in the window
    assert all(POLICY.finishing(job, now) for job in jobs)
    (alone,) = watch.check_many(client, store, jobs[:1], POLICY, now=now, kind_of=kinds.of)
    assert alone.wait == POLICY.dense  # one render in its window: as often as when watched on its own
    together = watch.check_many(client, store, [store.get(job.id) for job in jobs], POLICY, now=now + POLICY.dense,
                                kind_of=kinds.of)
    assert len(bulk_calls(sandbox)) == 2
    assert {r.wait for r in together} == {max(POLICY.shared_minimum, POLICY.dense / 4)}


def test_150_renders_take_two_bulk_requests(client, store, sandbox):
    jobs = fake_renders(store, 150)
    results = watch.check_many(client, store, jobs, POLICY, now=time.time() + LATER / 2, kind_of=kinds.of)
    sizes = [len(e["query"]["video_ids"].split(",")) for e in bulk_calls(sandbox)]
    assert sizes == [100, 50] and len(calls(sandbox)) == 2
    assert {r.outcome for r in results} == {watch.NOT_FOUND}  # the sandbox never made them
    assert [i for i, r in enumerate(results) if r.requested] == [0, 100]
    assert sum(r.request_count for r in results) == 2


def test_stopped_and_overdue_jobs_are_not_asked_about(client, store, spec, sandbox):
    job, late = launch(client, store, spec, 2)
    finished = store.record_poll(job.id, status="completed")
    sandbox.clear_requests_log()
    results = watch.check_many(client, store, [finished, late], POLICY, now=time.time() + LATER / 2,
                               deadline_from={late.id: time.time() - POLICY.deadline}, kind_of=kinds.of)
    assert [r.outcome for r in results] == [watch.COMPLETED, watch.OVERDUE]
    assert calls(sandbox) == [] and not any(r.requested for r in results)


def test_a_429_on_the_bulk_request_is_recorded_for_every_job_it_asked_about(client, store, sandbox):
    jobs = fake_renders(store, 3)
    sandbox.add_fault(method="GET", path="/v3/videos/statuses", status=429, retry_after=7)
    results = watch.check_many(client, store, jobs, POLICY, now=time.time() + LATER / 2, kind_of=kinds.of)
    assert len(calls(sandbox)) == 1 and [r.request_count for r in results] == [1, 0, 0]
    for result in results:
        assert result.outcome == watch.RUNNING and isinstance(result.error, errors.RateLimitError)
        assert result.wait >= 7 and result.job.polls == 1 and result.job.error_detail["retry_after"] == 7


def test_a_rejected_key_on_the_bulk_request_stops_every_job_in_it(client, store, sandbox):
    jobs = fake_renders(store, 2)
    sandbox.add_fault(method="GET", path="/v3/videos/statuses", status=401, code="authentication_failed")
    results = watch.check_many(client, store, jobs, POLICY, now=time.time() + LATER / 2, kind_of=kinds.of)
    assert [r.outcome for r in results] == [watch.REJECTED, watch.REJECTED]
    assert [r.job.status for r in results] == ["rejected", "rejected"] and len(calls(sandbox)) == 1


def test_network_trouble_counts_towards_connection_lost_per_job(client, store, sandbox):
    jobs = fake_renders(store, 2)
    sandbox.add_fault(method="GET", path="/v3/videos/statuses", kind="drop")
    results = watch.check_many(client, store, jobs, POLICY, now=time.time() + LATER / 2,
                               consecutive_failures={jobs[1].id: POLICY.max_network_failures - 1}, kind_of=kinds.of)
    assert [r.outcome for r in results] == [watch.RUNNING, watch.CONNECTION_LOST]
    assert all(isinstance(r.error, errors.NetworkError) for r in results) and len(calls(sandbox)) == 1


def test_after_a_failed_request_no_further_request_is_made(client, store, sandbox):
    jobs = fake_renders(store, 101)
    sandbox.add_fault(method="GET", path="/v3/videos/statuses", status=503)
    results = watch.check_many(client, store, jobs, POLICY, now=time.time() + LATER / 2, kind_of=kinds.of)
    assert len(calls(sandbox)) == 1
    assert isinstance(results[0].error, errors.ServerError) and results[100].error is None
    assert results[100].outcome == watch.RUNNING and not results[100].requested and results[100].job.polls == 0


def test_a_server_without_the_bulk_endpoint_is_asked_about_each_render(client, store, spec, sandbox):
    jobs = launch(client, store, spec, 3)
    sandbox.clear_requests_log()
    sandbox.add_fault(method="GET", path="/v3/videos/statuses", status=404, code="not_found", times=None)
    results = watch.check_many(client, store, jobs, POLICY, now=time.time() + LATER / 2, kind_of=kinds.of)
    assert [r.outcome for r in results] == [watch.RUNNING] * 3 and all(r.job.polls == 1 for r in results)
    assert len(bulk_calls(sandbox)) == 1 and len(calls(sandbox, "/v3/videos/v_")) == 3
    assert [r.request_count for r in results] == [2, 1, 1]


def test_max_requests_leaves_the_rest_due(client, store, spec, sandbox):
    first, second = launch(client, store, spec, 2)
    for job in (first, second):
        sandbox.set_video_outcome(job.video_id, "complete", render_seconds=0)
    sandbox.clear_requests_log()
    results = watch.check_many(client, store, [first, second], POLICY, now=time.time() + LATER / 2, max_requests=2,
                               kind_of=kinds.of)
    assert [r.outcome for r in results] == [watch.COMPLETED, watch.RUNNING]
    assert results[1].job.status == "pending" and results[1].job.polls == 0 and results[1].wait == 0
    assert len(calls(sandbox)) == 2 == sum(r.request_count for r in results)


def test_jobs_without_a_video_id_go_through_check(client, store, spec, sandbox):
    render, = launch(client, store, spec)
    lost = create_job(store, account="sandbox", spec=spec)
    lost = reconcile.mark_checking(store, store.start_sending(lost.id, reconcile.may_send), None)
    sandbox.clear_requests_log()
    results = watch.check_many(client, store, [lost, render], POLICY, now=time.time() + LATER / 2, kind_of=kinds.of)
    assert [e["path"] for e in calls(sandbox)] == ["/v3/videos/statuses", "/v3/videos"]  # the bulk one, then a look
    assert results[0].outcome == watch.RUNNING and results[0].requested and results[0].job.status == "checking"
    assert results[1].requested and sum(r.request_count for r in results) == 2
