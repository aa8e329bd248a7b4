"""Launching a Video Agent render against the sandbox: checked first, the job stored before any
request, each attachment uploaded once, one idempotency key per job however often it is retried,
never sent twice; and following a session that has no video id yet."""

from __future__ import annotations

import time

import pytest

import agent_corpus as corpus
from heygen import AgentSpec, Client
from heygen.api import errors
from heygen.studio import watch
from heygen.studio.errors import NotSendable, Unsendable
from heygen.studio.agent_launch import (
    SESSION_APPEARS_SECONDS, AgentRequestError, awaiting_video, check, check_attachment, create_job, session_of,
    submit,
)
from heygen.studio.jobs import JobStore
from heygen.studio.kinds import KINDS
from session_server import SessionServer

PROMPT = "A 45-second product intro for our new running shoe, upbeat, for Instagram"
POLICY = watch.PollPolicy(first=0.5, maximum=1.0, deadline=600)


@pytest.fixture
def files():
    return [check_attachment(corpus.pdf(), "brochure.pdf"), check_attachment(corpus.png(), "shoe.png")]


def asset_posts(calls):
    return calls("POST", "/v3/assets")


def agent_posts(calls):
    return calls("POST", "/v3/video-agents")


def wait_for_answer(calls, count: int) -> None:
    """Until the sandbox has answered ``count`` agent requests (it records before answering)."""
    for _ in range(200):
        posts = agent_posts(calls)
        if len(posts) >= count and all(p["status"] for p in posts):
            return
        time.sleep(0.05)
    raise AssertionError("the sandbox did not answer in time")


# -- checked first ---------------------------------------------------------------------------------


def test_an_invalid_request_stores_nothing_and_sends_nothing(store, account, sandbox):
    with pytest.raises(AgentRequestError) as info:
        create_job(store, account=account, spec=AgentSpec(prompt="  ", orientation="square"))
    assert set(info.value.problems) == {"prompt", "orientation"}
    assert "the prompt is empty" in str(info.value)
    too_many = [check_attachment(corpus.wav(1 + n / 10), f"clip{n}.wav") for n in range(21)]
    with pytest.raises(AgentRequestError) as info:
        create_job(store, account=account, spec=AgentSpec(prompt=PROMPT), attachments=too_many)
    assert set(info.value.problems) == {"files"}
    assert store.list(account) == []
    assert sandbox.requests_log() == []


def test_the_same_file_twice_is_refused(store, account, files):
    with pytest.raises(AgentRequestError) as info:
        create_job(store, account=account, spec=AgentSpec(prompt=PROMPT),
                   attachments=[files[0], check_attachment(corpus.pdf(), "copy of brochure.pdf")])
    assert info.value.problems == {
        "files": "“copy of brochure.pdf” is the same file as “brochure.pdf”; attach it once."}


def test_the_job_records_everything_for_edit_and_retry(store, account, files):
    spec = AgentSpec(prompt=PROMPT, style_id="style_x", orientation="portrait")
    job = create_job(store, account=account, spec=spec, attachments=files, extra={"style_name": "Neon Night"})
    assert job.kind == "agent" and job.status == "submitting" and job.video_id is None
    assert job.title == "Agent: A 45-second product intro for our…"
    assert job.inputs["spec"] == spec.to_dict() and job.inputs["style_name"] == "Neon Night"
    assert [f["name"] for f in job.inputs["files"]] == ["brochure.pdf", "shoe.png"]
    assert all(f["asset_id"] is None and f["digest"] for f in job.inputs["files"])
    assert job.inputs["title_set"] is False
    titled = create_job(store, account=account, spec=spec, title="  Spring launch  ")
    assert titled.title == "Spring launch" and titled.inputs["title_set"] is True


# -- stored before the request, uploaded once ---------------------------------------------------------


def test_the_job_is_stored_before_any_request_and_submitted_with_its_key(client, store, account, files, calls):
    job = create_job(store, account=account, spec=AgentSpec(prompt=PROMPT, orientation="landscape"), attachments=files)
    seen = []

    def progress(message: str, fraction: float) -> None:
        stored = store.get(job.id)
        seen.append((message, len(asset_posts(calls)), len(agent_posts(calls)), stored.status))

    done = submit(client, store, job, files, progress=progress)
    assert seen[0] == ("Uploading brochure.pdf (1 of 2)…", 0, 0, "submitting")
    assert seen[1] == ("Uploading shoe.png (2 of 2)…", 1, 0, "submitting")
    assert seen[2] == ("Sending your prompt to HeyGen's Video Agent…", 2, 0, "submitting")
    assert done.status == "waiting" and done.video_id and done.submitted_at
    (post,) = agent_posts(calls)
    assert post["idempotency_key"] == job.idempotency_key
    assets = [p["response_json"]["data"]["asset_id"] for p in asset_posts(calls)]
    assert post["request_json"] == {"prompt": PROMPT, "orientation": "landscape",
                                    "files": [{"type": "asset_id", "asset_id": a} for a in assets]}
    assert [f["asset_id"] for f in done.inputs["files"]] == assets
    assert session_of(done)["session_id"].startswith("sess_")
    assert [p["request_json"] for p in asset_posts(calls)] == [None, None]  # multipart, not JSON
    uploaded = [p["response_json"]["data"]["mime_type"] for p in asset_posts(calls)]
    assert uploaded == ["application/pdf", "image/jpeg"]


def test_a_failed_submit_keeps_the_uploads_and_the_retry_uses_the_same_key(client, store, account, files, calls,
                                                                           sandbox):
    job = create_job(store, account=account, spec=AgentSpec(prompt=PROMPT), attachments=files)
    sandbox.add_fault(method="POST", path="/v3/video-agents", status=402, code="insufficient_credit", times=1)
    with pytest.raises(errors.InsufficientCreditError):
        submit(client, store, job, files)
    failed = store.get(job.id)
    assert failed.status == "submit_failed" and failed.error_detail["code"] == "insufficient_credit"
    assert all(f["asset_id"] for f in failed.inputs["files"])
    assert len(asset_posts(calls)) == 2

    done = submit(client, store, failed, files)
    assert done.video_id and done.status == "waiting" and done.error_detail is None
    assert len(asset_posts(calls)) == 2, "the files are not uploaded again"
    assert [p["idempotency_key"] for p in agent_posts(calls)] == [job.idempotency_key] * 2


def test_an_upload_that_fails_halfway_resumes_with_the_missing_file(client, store, account, files, calls, sandbox):
    job = create_job(store, account=account, spec=AgentSpec(prompt=PROMPT), attachments=files)

    def fail_the_second_upload(message: str, fraction: float) -> None:
        if message.startswith("Uploading shoe.png"):
            sandbox.add_fault(method="POST", path="/v3/assets", status=500, times=1)

    with pytest.raises(errors.ServerError):
        submit(client, store, job, files, progress=fail_the_second_upload)
    half = store.get(job.id)
    assert half.status == "submit_failed"
    assert [bool(f["asset_id"]) for f in half.inputs["files"]] == [True, False]
    done = submit(client, store, half, files)
    assert done.video_id
    assert [p["status"] for p in asset_posts(calls)] == [200, 500, 200]
    body = agent_posts(calls)[0]["request_json"]
    assert [f["asset_id"] for f in body["files"]] == [f["asset_id"] for f in done.inputs["files"]]
    assert body["files"][0]["asset_id"] == half.inputs["files"][0]["asset_id"]


def test_an_answer_that_was_lost_is_reconciled_never_resent(sandbox, store, account, calls, sleeps):
    # The request reaches HeyGen and is carried out, but the answer never arrives in time.
    sandbox.add_fault(method="POST", path="/v3/video-agents", kind="slow", delay_ms=1200, times=1)
    with Client(sandbox.api_key, sandbox.base_url, sleep=sleeps, timeout=(2.0, 0.4)) as impatient:
        job = create_job(store, account=account, spec=AgentSpec(prompt=PROMPT))
        with pytest.raises(errors.NetworkError):
            submit(impatient, store, job)
    assert store.get(job.id).status == "checking"
    wait_for_answer(calls, 1)
    made = agent_posts(calls)[0]["response_json"]["data"]

    with Client(sandbox.api_key, sandbox.base_url) as client:
        with pytest.raises(NotSendable) as info:
            submit(client, store, store.get(job.id))
        assert info.value.reason == Unsendable.CHECKING
        result = check(client, store, store.get(job.id), watch.PollPolicy())
        assert result.outcome == watch.RUNNING
        adopted = store.get(job.id)
        assert adopted.inputs["session"]["session_id"] == made["session_id"]
        result = check(client, store, adopted, watch.PollPolicy())
        assert store.get(job.id).video_id == made["video_id"]
    assert [p["idempotency_key"] for p in agent_posts(calls)] == [job.idempotency_key]


def test_a_submitted_job_is_never_sent_again(client, store, account, files, calls):
    job = create_job(store, account=account, spec=AgentSpec(prompt=PROMPT), attachments=files)
    done = submit(client, store, job, files)
    again = submit(client, store, done, files)
    assert again.video_id == done.video_id
    assert len(agent_posts(calls)) == 1 and len(asset_posts(calls)) == 2


def test_a_retry_without_the_files_that_never_reached_heygen_is_refused(client, store, account, files, calls):
    job = create_job(store, account=account, spec=AgentSpec(prompt=PROMPT), attachments=files)
    with pytest.raises(AgentRequestError) as info:
        submit(client, store, job, files[:1])
    assert info.value.problems == {"files": "Attach “shoe.png” again: it has not reached HeyGen yet."}
    assert agent_posts(calls) == [] and asset_posts(calls) == []


def test_files_already_on_heygen_are_sent_by_asset_id(client, store, account, files, calls):
    first = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt=PROMPT),
                                             attachments=files), files)
    reused = [f for f in first.inputs["files"] if f["kind"] == "pdf"]
    video = check_attachment(corpus.mp4(), "teaser.mp4")
    second = create_job(store, account=account, spec=AgentSpec(prompt=PROMPT + " Again."), attachments=[video],
                        reused=reused)
    done = submit(client, store, second, [video])
    assert len(asset_posts(calls)) == 3
    body = agent_posts(calls)[1]["request_json"]
    assert [f["asset_id"] for f in body["files"]] == [reused[0]["asset_id"], done.inputs["files"][1]["asset_id"]]
    with pytest.raises(AgentRequestError):
        create_job(store, account=account, spec=AgentSpec(prompt=PROMPT), reused=[{"name": "lost.pdf"}])


# -- watching ------------------------------------------------------------------------------------------


def test_an_agent_render_is_watched_through_the_videos_endpoint(client, store, account, sandbox, calls):
    sandbox.configure(agent_render_seconds=0.3)
    job = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt=PROMPT)))
    assert not awaiting_video(job)
    result = check(client, store, job, POLICY)
    for _ in range(100):
        if result.stopped:
            break
        time.sleep(0.05)
        result = check(client, store, result.job, POLICY)
    assert result.outcome == watch.COMPLETED and result.job.video_url
    assert calls("GET", f"/v3/videos/{job.video_id}")


def test_agent_renders_take_three_times_as_long_in_the_sandbox(client, store, account, sandbox):
    sandbox.configure(render_seconds=30)
    job = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt=PROMPT)))
    assert sandbox.state.visible_video(job.video_id).render_seconds == 90


@pytest.mark.parametrize("after", [0, 2])
def test_a_session_without_a_video_id_is_followed_until_heygen_names_it(api_key, store, account, after):
    with SessionServer(api_key, names_video_after=after) as server, Client(api_key, server.base_url) as client:
        job = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt=PROMPT)))
        assert job.video_id is None and job.status == "waiting" and awaiting_video(job)
        assert session_of(job)["session_id"] == "sess_1"
        assert "has not named the video yet" in store.events(job.id)[-1].detail
        outcomes = []
        result = check(client, store, job, POLICY)
        outcomes.append(result.outcome)
        while not result.stopped and len(outcomes) < 10:
            result = check(client, store, result.job, POLICY)
            outcomes.append(result.outcome)
        assert result.outcome == watch.COMPLETED and result.job.video_id == "v_1"
        assert outcomes == [watch.RUNNING] * (after + 1) + [watch.COMPLETED]
        assert server.session_checks == after + 1
        assert ("GET", "/v3/videos/v_1") in server.log
        assert ("GET", "/v3/video-agents/sess_1") in server.log
        assert not [path for _, path in server.log if "/sessions" in path], "the old sessions path is never called"
        # Nothing is sent twice.
        assert server.log.count(("POST", "/v3/video-agents")) == 1
        assert submit(client, store, store.get(job.id)).video_id == "v_1"
        assert server.log.count(("POST", "/v3/video-agents")) == 1


@pytest.mark.parametrize(("outcome", "words"), [("failed", "stopped before it started rendering"),
                                                ("gone", "no longer knows this Video Agent session")])
def test_a_session_that_fails_or_vanishes_stops_with_a_reason(api_key, store, account, outcome, words):
    with SessionServer(api_key, names_video_after=0, outcome=outcome) as server, \
            Client(api_key, server.base_url) as client:
        job = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt=PROMPT)))
        if outcome == "gone":  # a session never seen may be "not found" for a while after its create
            early = check(client, store, job, POLICY)
            assert early.outcome == watch.RUNNING and early.error is None
            job = early.job
        later = time.time() + (SESSION_APPEARS_SECONDS + 1 if outcome == "gone" else 0)
        result = check(client, store, job, POLICY, now=later)
        assert result.outcome == watch.NOT_SUBMITTED and result.stopped
        assert result.job.status == "submit_failed" and words in result.job.error_detail["message"]
        assert watch.outcome_of(result.job) == watch.NOT_SUBMITTED  # stays stopped after a reload
        assert not awaiting_video(result.job)


def test_following_a_session_has_a_deadline_and_survives_a_wrong_key(api_key, store, account):
    with SessionServer(api_key, names_video_after=99) as server, Client(api_key, server.base_url) as client:
        job = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt=PROMPT)))
        late = check(client, store, job, POLICY, now=job.created_at + POLICY.deadline + 1)
        assert late.outcome == watch.OVERDUE and server.session_checks == 0
        with Client("sk-wrong-" + "z" * 20, server.base_url) as wrong:
            rejected = check(wrong, store, job, POLICY)
        assert rejected.outcome == watch.REJECTED and rejected.job.status == "waiting"
        assert awaiting_video(rejected.job), "a fixed key can resume watching"


def test_the_job_store_survives_a_restart_mid_launch(client, store, account, files, tmp_path, calls):
    job = create_job(store, account=account, spec=AgentSpec(prompt=PROMPT), attachments=files)
    reopened = JobStore(tmp_path / "studio-data", kinds=KINDS)
    stored = reopened.get(job.id)
    assert stored.idempotency_key == job.idempotency_key and stored.inputs == job.inputs
    done = submit(client, reopened, stored, files)
    assert agent_posts(calls)[0]["idempotency_key"] == job.idempotency_key and done.video_id
    reopened.close()
