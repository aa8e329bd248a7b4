"""The studio's webhooks (heygen.studio.webhooks) against a sandbox over real HTTP, with injected clocks:
registering and reusing the endpoint, verifying deliveries (bad signature, stale, replayed), recording an
event with one detail request, rotating the secret with a grace for the old one, catching up from the feed,
and the poll policy's safety net."""

from __future__ import annotations

import json
import socket

import pytest

from heygen import Client, VideoSpec
from heygen.sandbox import Sandbox
from heygen.sandbox import webhooks as sandbox_hooks
from heygen.studio import webhooks as hooks
from heygen.studio.config import Settings, account_fingerprint
from heygen.studio.kinds import poll_policy
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from tests.support import wait_for

KEY = "sk-webhooks-domain-5e6f7a8b9c0d1e2f"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Nothing listens there: the sandbox's deliveries fail, and the tests hand the events over themselves.
PUBLIC = f"http://127.0.0.1:{_closed_port()}"


@pytest.fixture
def sandbox():
    with Sandbox(api_key=KEY, render_seconds=0.5, max_concurrent_renders=50) as sb:
        yield sb


@pytest.fixture
def setup(sandbox, tmp_path):
    client = Client(KEY, sandbox.base_url, max_retries=0)
    store = JobStore(tmp_path / "data")
    account = account_fingerprint(KEY, sandbox.base_url)
    found = hooks.Webhooks(client, store, account, PUBLIC)
    yield found
    store.close()
    client.close()


def launch(found: hooks.Webhooks, n: int = 1) -> list:
    look = found.client.avatars.looks(ownership="public", limit=1)[0]
    jobs = []
    for i in range(n):
        spec = VideoSpec(avatar_id=look.id, voice_id=look.default_voice_id, script=f"Hello number {i}.",
                         title=f"Hook {i}")
        jobs.append(submit(found.client, found.jobs, create_job(found.jobs, account=found.account, spec=spec)))
    return jobs


def finished_events(sandbox, n: int) -> list:
    wait_for(lambda: len(sandbox_hooks.events(sandbox.state)) >= n, timeout=30,
             message="the sandbox never announced the renders")
    return sandbox_hooks.events(sandbox.state)


def body_of(event) -> bytes:
    return json.dumps(event.public()).encode()


def detail_gets(sandbox, video_id: str) -> int:
    return sum(1 for r in sandbox.requests_log() if r["method"] == "GET" and r["path"] == f"/v3/videos/{video_id}")


def test_register_makes_one_endpoint_and_reuses_it(setup, sandbox):
    reg = setup.register()
    on_heygen = setup.client.webhooks.endpoints()
    assert [(e.endpoint_id, e.url) for e in on_heygen] == [(reg.endpoint_id, PUBLIC + "/hooks/heygen")]
    assert set(on_heygen[0].events) == {"avatar_video.success", "avatar_video.fail"} == set(reg.events)
    assert reg.secret and reg.secret not in repr(reg)
    assert setup.register().endpoint_id == reg.endpoint_id
    assert len(setup.client.webhooks.endpoints()) == 1

    setup.store.forget(setup.account)  # a fresh database: the endpoint at that URL is reused with a new secret
    again = setup.register()
    assert again.endpoint_id == reg.endpoint_id and again.secret != reg.secret
    assert len(setup.client.webhooks.endpoints()) == 1


def test_a_signed_event_is_recorded_with_one_detail_request_and_replays_change_nothing(setup, sandbox):
    reg = setup.register()
    [job] = launch(setup)
    [event] = finished_events(sandbox, 1)
    body = body_of(event)
    now = event.created_at + 1

    assert setup.receive(body, "0" * 64, now).outcome == hooks.BAD_SIGNATURE
    assert setup.receive(body, None, now).outcome == hooks.BAD_SIGNATURE
    assert setup.receive(body + b" ", hooks.sign(reg.secret, body), now).outcome == hooks.BAD_SIGNATURE
    assert detail_gets(sandbox, job.video_id) == 0 and setup.jobs.get(job.id).status != "completed"

    got = setup.receive(body, hooks.sign(reg.secret, body), now)
    assert (got.outcome, got.job_id, got.requests) == (hooks.RECORDED, job.id, 1)
    done = setup.jobs.get(job.id)
    assert done.status == "completed" and done.video_url
    assert detail_gets(sandbox, job.video_id) == 1

    assert setup.receive(body, hooks.sign(reg.secret, body), now + 2).outcome == hooks.DUPLICATE
    late = setup.receive(body, hooks.sign(reg.secret, body), event.created_at + hooks.TOLERANCE_SECONDS + 1)
    assert late.outcome == hooks.STALE
    assert detail_gets(sandbox, job.video_id) == 1


def test_a_failed_render_is_recorded_as_failed(setup, sandbox):
    reg = setup.register()
    [job] = launch(setup)
    sandbox.state.set_video_fate(job.video_id, outcome="fail")
    [event] = finished_events(sandbox, 1)
    assert event.event_type == "avatar_video.fail"
    body = body_of(event)
    assert setup.receive(body, hooks.sign(reg.secret, body), event.created_at).outcome == hooks.RECORDED
    assert setup.jobs.get(job.id).status == "failed"


def test_events_for_unknown_videos_are_ignored_without_asking_heygen(setup, sandbox):
    reg = setup.register()
    body = json.dumps({"event_id": "evt_x", "event_type": "avatar_video.success",
                       "event_data": {"video_id": "v_someone_else"}}).encode()
    before = len(sandbox.requests_log())
    assert setup.receive(body, hooks.sign(reg.secret, body)).outcome == hooks.IGNORED
    assert len(sandbox.requests_log()) == before


def test_rotation_verifies_with_the_new_secret_and_the_old_one_only_during_the_grace(setup, sandbox):
    old = setup.register()
    rotated = setup.rotate(now=1000.0)
    assert rotated.secret != old.secret
    body = b'{"event_type": "avatar_video.success", "event_data": {}}'
    assert rotated.verifies(body, hooks.sign(rotated.secret, body), 1000.0 + 3600)
    assert rotated.verifies(body, hooks.sign(old.secret, body), 1000.0 + hooks.ROTATION_GRACE_SECONDS - 1)
    assert not rotated.verifies(body, hooks.sign(old.secret, body), 1000.0 + hooks.ROTATION_GRACE_SECONDS + 1)

    [job] = launch(setup)
    [event] = finished_events(sandbox, 1)
    body = body_of(event)
    assert setup.receive(body, hooks.sign(old.secret, body), event.created_at).outcome == hooks.BAD_SIGNATURE
    assert setup.receive(body, hooks.sign(rotated.secret, body), event.created_at).outcome == hooks.RECORDED


def test_catch_up_records_what_was_never_delivered_once_and_marks_webhooks_unhealthy(setup, sandbox):
    setup.register()
    jobs = launch(setup, 3)
    events = finished_events(sandbox, 3)
    later = max(e.created_at for e in events) + hooks.CATCH_UP_MARGIN_SECONDS + 5
    results = setup.catch_up(now=later)
    assert sorted(r.job_id for r in results) == sorted(j.id for j in jobs)
    assert all(r.outcome == hooks.RECORDED and r.requests == 1 for r in results)
    assert all(setup.jobs.get(j.id).status == "completed" for j in jobs)
    assert [detail_gets(sandbox, j.video_id) for j in jobs] == [1, 1, 1]
    assert not setup.healthy(later)  # events went missing while the studio was up
    assert setup.healthy(later + hooks.MISSED_HOLD_SECONDS + 1)
    assert setup.catch_up(now=later + 1) == []


def test_catch_up_after_a_start_keeps_webhooks_healthy_until_the_feed_is_no_longer_read(setup, sandbox):
    setup.register()
    launch(setup)
    [event] = finished_events(sandbox, 1)
    later = event.created_at + 600
    assert [r.outcome for r in setup.catch_up(now=later, after_start=True)] == [hooks.RECORDED]
    assert setup.healthy(later)
    assert hooks.Health(setup.store, pace=setup.pace)(setup.account, later)
    # no server has read the feed for two periods (none keeps the endpoint): polling as usual
    stale = later + 2 * setup.pace + hooks.CATCH_UP_MARGIN_SECONDS + 1
    assert not setup.healthy(stale)
    assert not hooks.Health(setup.store, pace=setup.pace)(setup.account, stale)


def test_while_webhooks_are_healthy_videos_are_polled_as_a_safety_net_only():
    settings = Settings(webhook_poll_seconds=240.0)
    assert poll_policy(settings, "avatar", pushed=True).floor == 240.0
    assert poll_policy(settings, "avatar", pushed=True).interval(0, 1.0, 10.0) == 240.0
    assert poll_policy(settings, "avatar").floor == 0.0
    assert poll_policy(settings, "avatar").interval(0, 1.0, 10.0) < 30
    assert poll_policy(settings, "lipsync", pushed=True).floor == 0.0  # no webhook event announces lip-syncs
    assert poll_policy(settings, "translation", pushed=True).floor == 0.0


def test_a_delivery_without_an_event_id_counts_for_the_feed_and_a_new_id_for_the_same_render_is_a_replay(
        setup, sandbox):
    reg = setup.register()
    [job] = launch(setup)
    [event] = finished_events(sandbox, 1)
    bare = json.dumps({"event_type": event.event_type, "event_data": event.event_data}).encode()  # HeyGen's v1 shape
    assert setup.receive(bare, hooks.sign(reg.secret, bare), event.created_at).outcome == hooks.RECORDED
    again = json.dumps(dict(event.public(), event_id="evt_new_id_same_render")).encode()
    assert setup.receive(again, hooks.sign(reg.secret, again), event.created_at).outcome == hooks.DUPLICATE
    later = event.created_at + hooks.CATCH_UP_MARGIN_SECONDS + 5
    assert setup.catch_up(now=later) == []  # the feed's item is the render already received
    assert setup.healthy(later) and detail_gets(sandbox, job.video_id) == 1
