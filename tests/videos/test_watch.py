"""Watching a render against the sandbox: every terminal outcome stops, and stays stopped."""

from __future__ import annotations

import time

import pytest

from heygen import Client, VideoSpec, watch
from heygen.jobs import JobStore
from heygen.launch import create_job, submit
from heygen.sandbox import Sandbox

KEY = "sk-watch-test-0123456789abcdef"


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.6).start()
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _clean(sandbox):
    sandbox.reset()
    sandbox.configure(render_seconds=0.6, render_outcome="complete", latency_ms=0)
    yield
    sandbox.clear_faults()


@pytest.fixture
def client(sandbox):
    c = Client(KEY, sandbox.base_url, sleep=lambda s: None, timeout=(2.0, 5.0))
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


FAST = watch.PollPolicy(first=0.05, maximum=0.2, deadline=60)


def launch(client, store, spec):
    job = create_job(store, account="sandbox", spec=spec)
    return submit(client, store, job)


def status_calls(sandbox, video_id):
    return [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == f"/v3/videos/{video_id}"]


def run_until_stopped(client, store, job, policy=FAST, limit=400):
    failures = 0
    for _ in range(limit):
        result = watch.check(client, store, job, policy, consecutive_failures=failures)
        failures = failures + 1 if result.error is not None else 0
        if result.stopped:
            return result
        job = result.job
        time.sleep(0.02)
    raise AssertionError("watching never stopped")


def test_completed_stops_and_keeps_the_links(client, store, spec, sandbox):
    job = launch(client, store, spec)
    result = run_until_stopped(client, store, job)
    assert result.outcome == watch.COMPLETED
    assert result.job.video_url and result.job.thumbnail_url and result.job.subtitle_url
    assert [e.status for e in store.events(job.id)][-1] == "completed"
    calls = len(status_calls(sandbox, job.video_id))
    again = watch.check(client, store, store.get(job.id), FAST)
    assert again.outcome == watch.COMPLETED
    assert len(status_calls(sandbox, job.video_id)) == calls, "no status request after a terminal outcome"


def test_failed_render_stops_with_heygen_code_and_our_hint(client, store, spec, sandbox):
    sandbox.configure(render_outcome="fail", failure_code="download_failed",
                      failure_message="Could not download the audio file.")
    job = launch(client, store, spec)
    result = run_until_stopped(client, store, job)
    assert result.outcome == watch.FAILED
    assert result.job.failure_code == "download_failed"
    assert "download" in watch.failure_hint(result.job.failure_code, result.job.failure_message).lower()
    calls = len(status_calls(sandbox, job.video_id))
    watch.check(client, store, store.get(job.id), FAST)
    assert len(status_calls(sandbox, job.video_id)) == calls


def test_vanished_video_stops_as_not_found(client, store, spec, sandbox):
    sandbox.configure(render_outcome="vanish")
    job = launch(client, store, spec)
    result = run_until_stopped(client, store, job)
    assert result.outcome == watch.NOT_FOUND
    assert store.get(job.id).status == "not_found"


def test_rejected_key_stops_watching(client, store, spec, sandbox):
    job = launch(client, store, spec)
    other = Client("sk-revoked-key-000000000000", sandbox.base_url)
    result = watch.check(other, store, job, FAST)
    assert result.outcome == watch.REJECTED
    assert store.get(job.id).status == "rejected"
    assert "sk-revoked" not in str(store.get(job.id).error_detail)


def test_deadline_stops_a_render_that_never_finishes(client, store, spec, sandbox):
    sandbox.configure(render_outcome="never")
    job = launch(client, store, spec)
    policy = watch.PollPolicy(first=0.05, maximum=0.1, deadline=0.5)
    result = run_until_stopped(client, store, job, policy=policy)
    assert result.outcome == watch.OVERDUE
    calls = len(status_calls(sandbox, job.video_id))
    assert watch.check(client, store, result.job, policy).outcome == watch.OVERDUE
    assert len(status_calls(sandbox, job.video_id)) == calls
    resumed = watch.check(client, store, result.job, policy, deadline_from=time.time())
    assert resumed.outcome == watch.RUNNING, "keep waiting restarts the deadline"


def test_repeated_network_failures_stop_as_connection_lost(client, store, spec, sandbox):
    job = launch(client, store, spec)
    sandbox.add_fault(method="GET", path="/v3/videos/", kind="drop", times=None)
    result = run_until_stopped(client, store, job)
    assert result.outcome == watch.CONNECTION_LOST
    assert result.job.error_detail["kind"] == "NetworkError"
    sandbox.clear_faults()
    assert run_until_stopped(client, store, result.job).outcome == watch.COMPLETED, "retry picks up again"


def test_rate_limit_waits_as_told_and_goes_on(client, store, spec, sandbox):
    job = launch(client, store, spec)
    sandbox.add_fault(method="GET", path="/v3/videos/", kind="status", status=429, code="rate_limit_exceeded",
                      retry_after=7, times=None)
    result = watch.check(client, store, job, FAST)
    assert result.outcome == watch.RUNNING
    assert result.wait >= 7
    sandbox.clear_faults()
    assert run_until_stopped(client, store, result.job).outcome == watch.COMPLETED


def test_poll_schedule_starts_fast_then_slows_down():
    policy = watch.PollPolicy(first=5, maximum=30)
    waits = [policy.interval(n) for n in range(20)]
    assert waits[:3] == [5, 5, 5]
    assert waits == sorted(waits)
    assert waits[-1] == 30
    assert sum(waits) / len(waits) > 15


def test_expired_link_is_renewed_by_fetching_the_video_again(client, store, spec, sandbox):
    job = launch(client, store, spec)
    job = run_until_stopped(client, store, job).job
    expired = job.video_url.replace("expires=", "expires=1&was=")
    store.record_poll(job.id, status="completed", video_url=expired)
    data = watch.fetch_file(client, store, store.get(job.id), "video_url")
    assert data[4:8] == b"ftyp"
    assert store.get(job.id).video_url != expired


def test_a_launch_cut_off_mid_request_stops_instead_of_spinning(store, spec):
    job = create_job(store, account="sandbox", spec=spec)
    assert job.status == "submitting"
    assert watch.outcome_of(job, now=job.updated_at + 10) is None, "a launch in flight is given time"
    later = job.updated_at + watch.SUBMIT_GRACE_SECONDS + 1
    assert watch.outcome_of(job, now=later) == watch.NOT_SUBMITTED
