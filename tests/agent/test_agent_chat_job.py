"""A Video Agent chat session as a job (``heygen.studio.agent_chat``) against the sandbox over real HTTP:
the check records status, progress, messages and videos in the job; messages and stops are sent once;
a message whose answer was lost is settled from the session's messages, never re-sent on its own;
every video the session made can be kept."""

from __future__ import annotations

import time

import pytest

from heygen import AgentSpec
from heygen.api import errors
from heygen.studio import agent_chat, archive, kinds, watch
from heygen.studio.agent_launch import create_job, submit

POLICY = watch.PollPolicy(first=0.2, maximum=0.5, deadline=600)


@pytest.fixture(autouse=True)
def quick(sandbox):
    sandbox.configure(render_seconds=0.3, agent_render_seconds=1.0)


def start(client, store, account, **extra):
    spec = AgentSpec(prompt="An invitation to our spring webinar", mode="chat", **extra)
    return submit(client, store, create_job(store, account=account, spec=spec))


def follow(client, store, job, until, seconds=15.0):
    """Check the job like the worker does until ``until(job)`` holds; returns the job."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = store.get(job.id)
        if until(job):
            return job
        kinds.of(job).check(client, store, job, POLICY)
        time.sleep(0.05)
    raise AssertionError(f"never reached: {agent_chat.session_record(store.get(job.id))}")


def session_status(*statuses):
    return lambda job: agent_chat.session_record(job).get("status") in statuses


def message_posts(sandbox, job):
    path = f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}"
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == path]


def test_a_chat_create_without_a_video_is_followed_through_the_session(client, store, account, sandbox):
    job = start(client, store, account, brand_kit_id="bk_calm_corporate")
    create = [e for e in sandbox.requests_log() if e["path"] == "/v3/video-agents" and e["method"] == "POST"][0]
    assert create["request_json"]["mode"] == "chat" and create["request_json"]["brand_kit_id"] == "bk_calm_corporate"
    assert job.video_id is None and job.status == "waiting" and agent_chat.follows_session(job)
    assert kinds.of(job).bulk is False and kinds.of("agent").bulk is True
    job = follow(client, store, job, session_status("waiting_for_input"))
    session = agent_chat.session_record(job)
    assert session["progress"] == 10 and [m["role"] for m in session["messages"]] == ["user", "model"]
    assert job.status == "waiting" and not job.terminal, "a session waiting for the user is still followed"
    assert agent_chat.can_message(job) is None
    assert agent_chat.waits_for_user(job), "only the user's answer moves the session on"
    paths = {e["path"] for e in sandbox.requests_log()}
    assert f"/v3/video-agents/{session['session_id']}" in paths
    assert not [p for p in paths if "/sessions" in p], "the old sessions path is never called"


def test_a_conversation_ends_in_a_draft_then_a_revised_video(client, store, account, sandbox):
    job = follow(client, store, start(client, store, account), session_status("waiting_for_input"))
    with pytest.raises(agent_chat.ChatError):
        agent_chat.send_message(client, store, job, "   ")
    job = agent_chat.send_message(client, store, job, "For customers; the webinar is on 3 March.")
    assert agent_chat.session_record(job)["status"] == "thinking" and not agent_chat.waits_for_user(job)
    assert agent_chat.can_message(job).reason == agent_chat.Refusal.BUSY
    with pytest.raises(agent_chat.ChatError):
        agent_chat.send_message(client, store, job, "And one more thing")
    progress = []
    job = follow(client, store, job, lambda j: progress.append(agent_chat.session_record(j).get("progress"))
                 or j.status == "completed")
    draft = job.video_id
    assert draft and job.video_url and any(10 < (p or 0) < 100 for p in progress)
    assert [v["id"] for v in agent_chat.session_record(job)["videos"]] == [draft]

    job = agent_chat.send_message(client, store, job, "A shorter intro, and mention the date.")
    assert job.status == "waiting" and not job.terminal, "a change request opens the job again"
    job = follow(client, store, job, lambda j: j.status == "completed")
    videos = agent_chat.session_record(job)["videos"]
    assert len(videos) == 2 and videos[1]["id"] == draft and all(v["status"] == "completed" for v in videos)
    assert job.video_id == draft, "the job's own video stays the first one; the revision is listed with it"
    assert [e["state"] for e in agent_chat.outbox(job)] == ["sent", "sent"]
    assert len(message_posts(sandbox, job)) == 2


def test_the_worker_follows_a_chat_job_one_by_one(client, store, account, sandbox):
    job = follow(client, store, start(client, store, account), session_status("waiting_for_input"))
    for message, videos in (("For customers.", 1), ("Shorter.", 2)):
        agent_chat.send_message(client, store, store.get(job.id), message)
        deadline = time.monotonic() + 15
        while store.get(job.id).status != "completed" and time.monotonic() < deadline:
            watch.check_many(client, store, [store.get(job.id)], POLICY, due=lambda j: True, kind_of=kinds.of)
            time.sleep(0.05)
        job = store.get(job.id)
        assert job.status == "completed" and len(agent_chat.session_record(job)["videos"]) == videos
    assert not [e for e in sandbox.requests_log() if e["path"] == "/v3/videos/statuses"]


def test_a_message_whose_answer_was_lost_is_found_in_the_session_not_resent(client, store, account, sandbox):
    job = follow(client, store, start(client, store, account), session_status("waiting_for_input"))
    path = f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}"
    sandbox.add_fault(method="POST", path=path, kind="drop", after=True)
    with pytest.raises(errors.NetworkError):
        agent_chat.send_message(client, store, job, "For customers.")
    job = store.get(job.id)
    assert [e["state"] for e in agent_chat.outbox(job)] == ["unclear"]
    assert agent_chat.can_message(job).reason == agent_chat.Refusal.AWAITING
    job = follow(client, store, job, lambda j: agent_chat.outbox(j)[0]["state"] != "unclear")
    assert agent_chat.outbox(job)[0]["state"] == "sent"
    job = follow(client, store, job, lambda j: j.status == "completed")
    assert len(message_posts(sandbox, job)) == 1 and len(agent_chat.session_record(job)["videos"]) == 1


def test_a_lost_message_that_never_arrived_waits_for_the_user(client, store, account, sandbox):
    job = follow(client, store, start(client, store, account), session_status("waiting_for_input"))
    path = f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}"
    sandbox.add_fault(method="POST", path=path, kind="drop")  # cut off before the sandbox carried it out
    with pytest.raises(errors.NetworkError):
        agent_chat.send_message(client, store, job, "For customers.")
    job = store.get(job.id)
    kinds.of(job).check(client, store, job, POLICY)  # too early to call it missing
    assert agent_chat.outbox(store.get(job.id))[0]["state"] == "unclear"
    assert not agent_chat.waits_for_user(store.get(job.id)), "the unclear message is still being looked for"
    job = store.get(job.id)
    later = agent_chat.outbox(job)[0]["sent_at"] + agent_chat.LOOK_AFTER_SECONDS + 1
    kinds.of(job).check(client, store, job, POLICY, now=later)
    job = store.get(job.id)
    assert agent_chat.outbox(job)[0]["state"] == "missing" and agent_chat.can_message(job) is None
    assert agent_chat.waits_for_user(job)
    assert len(message_posts(sandbox, job)) == 1, "nothing was re-sent on its own"
    agent_chat.send_message(client, store, job, "For customers.")  # the user's choice
    assert [e["state"] for e in agent_chat.outbox(store.get(job.id))] == ["sent"]


def test_a_refused_message_is_dropped_and_explained(client, store, account, sandbox):
    job = follow(client, store, start(client, store, account), session_status("waiting_for_input"))
    sandbox.add_fault(method="POST", path=f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}",
                      status=400, code="invalid_parameter", message="message is not allowed.")
    with pytest.raises(errors.InvalidRequestError):
        agent_chat.send_message(client, store, job, "For customers.")
    job = store.get(job.id)
    assert agent_chat.outbox(job) == [] and agent_chat.can_message(job) is None


def test_stopping_before_any_video_ends_the_job_with_a_reason(client, store, account):
    job = start(client, store, account)
    job = agent_chat.stop(client, store, job)
    job = follow(client, store, job, lambda j: j.terminal)
    assert job.status == "submit_failed" and "You stopped" in job.error_detail["message"]
    assert agent_chat.can_message(job).reason == agent_chat.Refusal.STOPPED


def test_stopping_a_revision_keeps_the_draft(client, store, account):
    job = follow(client, store, start(client, store, account), session_status("waiting_for_input"))
    agent_chat.send_message(client, store, job, "For customers.")
    job = follow(client, store, job, lambda j: j.status == "completed")
    agent_chat.send_message(client, store, job, "Shorter.")
    job = follow(client, store, job, session_status("generating"))
    job = agent_chat.stop(client, store, job)
    job = follow(client, store, job, lambda j: j.terminal)
    videos = agent_chat.session_record(job)["videos"]
    assert job.status == "completed" and [v["status"] for v in videos] == ["failed", "completed"]


def test_every_session_video_can_be_kept_inside_the_jobs_folder(client, store, account, tmp_path):
    job = follow(client, store, start(client, store, account), session_status("waiting_for_input"))
    agent_chat.send_message(client, store, job, "For customers.")
    job = follow(client, store, job, lambda j: j.status == "completed")
    agent_chat.send_message(client, store, job, "Shorter.")
    job = follow(client, store, job, lambda j: j.status == "completed")
    root = tmp_path / "media"
    revised, draft = agent_chat.session_record(job)["videos"]
    assert agent_chat.kept_video(job, revised["id"], root) is None
    kept = agent_chat.keep_video(client, job, revised, root)
    assert kept.read_bytes()[4:8] == b"ftyp" and agent_chat.kept_video(job, revised["id"], root) == kept
    assert agent_chat.kept_video(job, draft["id"], root) is None
    assert archive.local_files(job, root) == {}, "the job's own files are not mixed up with the session's"
    assert archive.disk_usage(root).videos == 1 and archive.remove(job.id, root) > 0
    assert agent_chat.kept_video(job, revised["id"], root) is None
