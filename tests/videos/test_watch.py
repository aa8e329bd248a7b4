"""Watching a render against the sandbox: every terminal outcome stops, and stays stopped."""

from __future__ import annotations

import time

import pytest

from heygen import Client, VideoSpec
from heygen.studio import kinds, watch
from heygen.studio.config import Settings
from heygen.studio.kinds import KINDS
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from heygen.sandbox import Sandbox
from ui import copy

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
    return JobStore(tmp_path, kinds=KINDS)


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
    assert "download" in copy.failure_hint(result.job.failure_code, result.job.failure_message).lower()
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


def test_poll_schedule_without_an_elapsed_time_starts_fast_then_slows_down():
    policy = watch.PollPolicy(first=5, maximum=30)
    waits = [policy.interval(n) for n in range(20)]
    assert waits[:3] == [5, 5, 5]
    assert waits == sorted(waits)
    assert waits[-1] == 30
    assert sum(waits) / len(waits) > 15


def schedule(policy, expected, until):
    """(time, wait) of every check of a render expected to take ``expected`` s, up to ``until`` s."""
    t, polls, out = 0.0, 0, []
    while t < until:
        polls += 1
        wait = policy.interval(polls, t, expected)
        out.append((t, wait))
        t += wait
    return out


def test_poll_schedule_is_sparse_before_the_expected_finish_dense_around_it_then_backs_off():
    policy = watch.PollPolicy()
    checks = schedule(policy, 180, 600)
    before = [(t, w) for t, w in checks if t < 0.8 * 180]
    around = [(t, w) for t, w in checks if 0.8 * 180 <= t < 1.25 * 180]
    after = [(t, w) for t, w in checks if t >= 1.25 * 180]
    assert before[0] == (0.0, policy.first)
    sparse = [w for _, w in before[:-1]]  # the last one lands on the window
    assert sparse == sorted(sparse), "sparse waits grow"
    assert all(t + w <= 0.8 * 180 + 1e-9 for t, w in before), "the dense window is never jumped over"
    assert {w for _, w in around} == {policy.dense}
    assert [w for _, w in after] == sorted(w for _, w in after)
    assert after[-1][1] == policy.maximum
    assert len([t for t, _ in checks if t <= 180 + policy.dense]) <= 15, "a 3-minute render: at most 15 checks"


def test_longer_renders_are_checked_less_densely_and_never_beyond_the_limits():
    policy = watch.PollPolicy()
    dense_short = policy.interval(5, 0.9 * 180, 180)
    dense_long = policy.interval(5, 0.9 * 1800, 1800)
    assert dense_short == policy.dense < dense_long <= policy.maximum
    for expected in (20, 180, 1800, 7200):
        for _, wait in schedule(policy, expected, 3 * expected):
            assert min(policy.first, policy.dense) <= wait <= policy.sparse_maximum


def test_renders_sharing_bulk_requests_are_asked_about_more_often_in_their_dense_window_only():
    policy = watch.PollPolicy()
    inside, before, after = 0.9 * 180, 0.5 * 180, 1.5 * 180
    assert policy.interval(5, inside, 180, sharing=1) == policy.interval(5, inside, 180) == policy.dense
    assert policy.interval(5, inside, 180, sharing=2) == policy.dense / 2
    assert policy.interval(5, inside, 180, sharing=100) == policy.shared_minimum  # never more often than this
    for elapsed in (before, after):
        assert policy.interval(5, elapsed, 180, sharing=100) == policy.interval(5, elapsed, 180)
    pushed = watch.PollPolicy(floor=300.0)  # webhooks bring the news: the safety net's pace holds
    assert pushed.interval(5, inside, 180, sharing=100) == 300.0


def test_unknown_length_uses_the_default():
    policy = watch.PollPolicy()
    assert policy.interval(4, 100.0, None) == policy.interval(4, 100.0, policy.default_expected)


def job_with(store, spec, **extra):
    return create_job(store, account="sandbox", spec=spec, extra=extra or None)


def test_expected_length_comes_from_the_stored_script_audio_or_kind(store):
    policy = watch.PollPolicy(words_per_minute=150, render_factor=2.0, overhead_seconds=30.0)
    script = " ".join(["word"] * 150)  # one minute of speech
    job = job_with(store, VideoSpec(avatar_id="a", voice_id="v", script=script))
    assert policy.expected_seconds(job) == 30 + 2 * 60
    faster = job_with(store, VideoSpec(avatar_id="a", voice_id="v", script=script, speed=2.0))
    assert policy.expected_seconds(faster) == 30 + 2 * 30
    paused = job_with(store, VideoSpec(avatar_id="a", voice_id="v", script=script + ' <break time="2s"/>'))
    assert policy.expected_seconds(paused) == 30 + 2 * 62
    audio = job_with(store, VideoSpec(avatar_id="a", audio_asset_id="x"), audio_seconds=90.0)
    assert policy.expected_seconds(audio) == 30 + 2 * 90
    by_link = job_with(store, VideoSpec(avatar_id="a", audio_url="https://example.invalid/a.mp3"))
    assert policy.expected_seconds(by_link) is None
    agent = store.create(account="sandbox", kind="agent", title="Agent", inputs={"spec": {"prompt": "A video"}})
    assert policy.expected_seconds(agent) is None  # a prompt says nothing of the length: the kind does
    agent_policy = kinds.poll_policy(Settings(), "agent")
    assert agent_policy.expected_seconds(agent) == kinds.of("agent").expected_seconds == 15 * 60
    storyboard = store.create(account="sandbox", kind="scenes", title="Scenes",
                              inputs={"spec": {}, "estimated_seconds": 40.0, "audio_seconds": 5.0})
    assert kinds.poll_policy(Settings(), "scenes").expected_seconds(storyboard) == 30 + 2 * 40


def test_check_waits_as_the_schedule_says_for_the_job(client, store, spec, sandbox):
    sandbox.configure(render_seconds=60)
    job = launch(client, store, spec)
    policy = watch.PollPolicy()
    now = job.submitted_at + 30
    result = watch.check(client, store, job, policy, now=now)
    assert result.outcome == watch.RUNNING
    assert result.wait == policy.interval(1, 30, policy.expected_seconds(job))


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
