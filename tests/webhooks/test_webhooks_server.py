"""Webhooks through a real studio server (``streamlit run``, its own background worker, a public address on
loopback) and a sandbox over real HTTP: the endpoint is registered at start; a delivered event finishes its
job with one detail GET and no polling (create + detail GET per render); bad signatures, stale and repeated
deliveries change nothing; a rotated secret is picked up; what happened while the server was down is caught up
from HeyGen's feed at the next start."""

from __future__ import annotations

import json

import pytest

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.sandbox import webhooks as sandbox_hooks
from heygen.studio import webhooks as hooks
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from tests.support import wait_for
from tests.webhooks.studio_server import StudioServer, api_requests, launch

KEY = "sk-webhooks-server-1a2b3c4d5e6f7a8b"
pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def sandbox():
    with Sandbox(api_key=KEY, render_seconds=1.5, max_concurrent_renders=50) as sb:
        yield sb


@pytest.fixture
def studio(sandbox, tmp_path):
    """A studio server that acts for the sandbox's account and polls every 1-2 s unless webhooks work."""
    server = StudioServer(tmp_path, {
        "HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
        "HEYGEN_STUDIO_DATA_DIR": str(tmp_path / "data"), "HEYGEN_STUDIO_MEDIA_DIR": str(tmp_path / "media"),
        "HEYGEN_STUDIO_WORKER": "on", "HEYGEN_POLL_SECONDS": "1", "HEYGEN_MAX_POLL_SECONDS": "2",
    })
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(sandbox):
    with Client(KEY, sandbox.base_url) as made:
        yield made


def registered(studio: StudioServer, client: Client, store: JobStore) -> hooks.Registration:
    account = account_fingerprint(KEY, client.base_url)
    wait_for(lambda: hooks.WebhookStore(store.db).get(account) is not None, timeout=60,
             message="the studio never registered its webhook endpoint")
    return hooks.WebhookStore(store.db).get(account)


def test_the_studio_registers_and_a_delivered_event_finishes_the_job_with_one_detail_get(studio, sandbox, client,
                                                                                        tmp_path):
    store = JobStore(tmp_path / "data")
    reg = registered(studio, client, store)
    [endpoint] = client.webhooks.endpoints()
    assert endpoint.url == studio.url + "/hooks/heygen" == reg.url and endpoint.endpoint_id == reg.endpoint_id
    assert set(endpoint.events) == {"avatar_video.success", "avatar_video.fail"}
    assert reg.secret not in studio.log()

    jobs = launch(client, store, reg.account, 3)
    wait_for(lambda: all(store.get(j.id).status == "completed" for j in jobs), timeout=90,
             message="the delivered events never finished the jobs")
    assert all(store.get(j.id).video_url for j in jobs)
    counts = api_requests(sandbox, [j.video_id for j in jobs])
    assert counts == {"create": 3, "detail": 3, "bulk": 0}, counts  # polling is 1-2 s without webhooks

    event = sandbox_hooks.events(sandbox.state)[0]
    body = json.dumps(event.public()).encode()
    before = len(sandbox.requests_log())
    status, answer = studio.post("/hooks/heygen", body, {"Signature": "0" * 64})
    assert status == 401, answer
    status, answer = studio.post("/hooks/heygen", body, {"Signature": hooks.sign(reg.secret, body)})
    assert (status, json.loads(answer)["outcome"]) == (200, hooks.DUPLICATE)
    old = dict(event.public(), event_id="evt_replayed", created_at="2026-01-01T00:00:00.000Z")
    old_body = json.dumps(old).encode()
    status, answer = studio.post("/hooks/heygen", old_body, {"Signature": hooks.sign(reg.secret, old_body)})
    assert (status, json.loads(answer)["outcome"]) == (409, hooks.STALE)
    assert len(sandbox.requests_log()) == before  # nothing was asked of HeyGen for any of them
    assert "Refused a webhook delivery whose signature does not match" in studio.log()


def test_after_a_rotation_deliveries_signed_with_the_new_secret_are_accepted(studio, sandbox, client, tmp_path):
    store = JobStore(tmp_path / "data")
    reg = registered(studio, client, store)
    rotated = hooks.Webhooks(client, store, reg.account, studio.url).rotate()
    assert rotated.secret != reg.secret and rotated.previous_secret == reg.secret
    [job] = launch(client, store, reg.account, 1)
    wait_for(lambda: store.get(job.id).status == "completed", timeout=90,
             message="the delivery signed with the new secret was not accepted")
    # the studio answers the delivery once it has recorded the video: the sandbox notes that answer a moment later
    wait_for(lambda: [d["status"] for d in sandbox_hooks.events(sandbox.state)[-1].deliveries] == [200], timeout=30,
             message="the sandbox never noted one delivery answered 200")
    assert api_requests(sandbox, [job.video_id]) == {"create": 1, "detail": 1, "bulk": 0}


def test_what_finished_while_the_studio_was_down_is_caught_up_from_the_feed(studio, sandbox, client, tmp_path):
    store = JobStore(tmp_path / "data")
    reg = registered(studio, client, store)
    studio.stop()
    jobs = launch(client, store, reg.account, 2)
    wait_for(lambda: sum(1 for e in sandbox_hooks.events(sandbox.state) if e.deliveries) == 2, timeout=60,
             message="the sandbox never tried to deliver the events")
    assert all(e.deliveries[0]["status"] is None for e in sandbox_hooks.events(sandbox.state))  # nobody listened
    assert all(store.get(j.id).status != "completed" for j in jobs)
    studio.start()
    wait_for(lambda: all(store.get(j.id).status == "completed" for j in jobs), timeout=90,
             message="the studio did not catch up on the events it missed")
    counts = api_requests(sandbox, [j.video_id for j in jobs])
    assert counts == {"create": 2, "detail": 2, "bulk": 0}, counts
    assert len(client.webhooks.endpoints()) == 1  # the same endpoint, reused


def test_an_unsigned_post_is_refused_and_changes_nothing(studio, sandbox, client, tmp_path):
    store = JobStore(tmp_path / "data")
    registered(studio, client, store)
    def asked_of_heygen():  # the studio's own reads of the webhooks feed go on in the background: not counted
        return [e for e in sandbox.requests_log() if not e["path"].startswith("/v3/webhooks/")]

    before = len(asked_of_heygen())
    status, answer = studio.post("/hooks/heygen", b'{"event_type": "avatar_video.success"}')
    assert (status, json.loads(answer)["outcome"]) == (401, hooks.BAD_SIGNATURE)
    status, _ = studio.post("/hooks/heygen", b"x" * (hooks.MAX_BODY_BYTES + 1), {"Signature": "0" * 64})
    assert status == 413
    assert len(asked_of_heygen()) == before
