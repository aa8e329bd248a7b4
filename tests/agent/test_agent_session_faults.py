"""Video Agent sessions that mislead, as HeyGen's users report, followed by the studio's real launch and
worker over real HTTP against the sandbox: a session that answers 404 "Session not found" to its first
looks, and one that still says "generating" after the video it named has finished. Either way the job
ends completed, the create is sent once, and no failure is shown on the way."""

from __future__ import annotations

import time

import pytest

from heygen import AgentSpec
from heygen.studio import agent_chat
from heygen.studio.agent_launch import create_job, submit

PROMPT = "A 30-second intro for our new running shoe, upbeat"
FAILURES = ("submit_failed", "failed", "not_found", "rejected", "unclear")


@pytest.fixture(autouse=True)
def quick(sandbox, monkeypatch):
    monkeypatch.setenv("HEYGEN_POLL_SECONDS", "0.5")  # the worker reads its poll settings at each tick
    sandbox.configure(render_seconds=0.3, agent_render_seconds=1.0, agent_session_hidden_looks=0,
                      agent_session_stale_seconds=0, agent_create_names_video=True)
    yield
    sandbox.configure(agent_session_hidden_looks=0, agent_session_stale_seconds=0, agent_create_names_video=True)


def tick_until(worker, store, job, until, seconds=60.0):
    """Tick the worker until ``until(job)``; every job seen on the way is checked for a false failure."""
    deadline = time.monotonic() + seconds
    while True:
        job = store.get(job.id)
        assert job.status not in FAILURES and job.error_detail is None, (job.status, job.error_detail)
        if until(job):
            return job
        assert time.monotonic() < deadline, f"never got there: {job.status} {agent_chat.session_record(job)}"
        worker.tick()
        time.sleep(0.1)


def session_looks(sandbox, session_id):
    return [e["status"] for e in sandbox.requests_log()
            if e["method"] == "GET" and e["path"] == f"/v3/video-agents/{session_id}"]


def test_a_one_shot_session_hidden_at_first_then_stale_ends_completed(client, store, account, sandbox, worker,
                                                                      calls):
    sandbox.configure(agent_create_names_video=False, agent_session_hidden_looks=3, agent_session_stale_seconds=600)
    job = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt=PROMPT)))
    assert job.video_id is None and job.status == "waiting"
    session_id = job.inputs["session"]["session_id"]
    job = tick_until(worker, store, job, lambda j: j.status == "completed")
    assert session_looks(sandbox, session_id)[:4] == [404, 404, 404, 200], "the 404s were waited out"
    assert len(calls("POST", "/v3/video-agents")) == 1
    assert job.video_url and calls("GET", f"/v3/videos/{job.video_id}")
    assert client.video_agents.session(session_id).status == "generating", "the session still says it works"
    assert not [e for e in store.events(job.id) if e.status in FAILURES]


def test_a_chat_session_hidden_at_first_then_stale_ends_completed_and_takes_a_revision(
        client, store, account, sandbox, worker, calls):
    sandbox.configure(agent_session_hidden_looks=2, agent_session_stale_seconds=600)
    job = submit(client, store, create_job(store, account=account,
                                           spec=AgentSpec(prompt=PROMPT, mode="chat")))
    session_id = agent_chat.session_record(job)["session_id"]
    job = tick_until(worker, store, job,
                     lambda j: agent_chat.session_record(j).get("status") == "waiting_for_input")
    assert session_looks(sandbox, session_id)[:3] == [404, 404, 200]
    job = agent_chat.send_message(client, store, job, "For runners; launch day is 3 March.")
    job = tick_until(worker, store, job, lambda j: j.status == "completed")
    session = agent_chat.session_record(job)
    assert session["status"] == "generating" and job.video_id == session["video_id"], \
        "completed by its finished video, while the session still says it is generating"
    assert agent_chat.can_message(job) is None, "the user may ask for changes"
    job = agent_chat.send_message(client, store, job, "Shorter intro, please.")
    assert job.status == "waiting"
    job = tick_until(worker, store, job, lambda j: j.status == "completed"
                     and len(agent_chat.session_record(j).get("videos") or []) == 2)
    revised, draft = agent_chat.session_record(job)["videos"]
    assert draft["id"] == job.video_id and revised["status"] == "completed"
    assert len(calls("POST", "/v3/video-agents")) == 1
    assert len(calls("POST", f"/v3/video-agents/{session_id}")) == 2, "each message sent once"
    assert not [e for e in store.events(job.id) if e.status in FAILURES]


def test_a_session_never_seen_that_stays_not_found_fails_after_the_grace(client, store, account, sandbox):
    from heygen.studio import agent_launch, watch

    sandbox.configure(agent_create_names_video=False, agent_session_hidden_looks=1000)
    job = submit(client, store, create_job(store, account=account, spec=AgentSpec(prompt=PROMPT)))
    policy = watch.PollPolicy(first=0.5, maximum=1.0, deadline=3600)
    early = agent_launch.check(client, store, job, policy)
    assert early.outcome == watch.RUNNING and early.error is None and early.job.status == "waiting"
    late = agent_launch.check(client, store, early.job, policy,
                              now=time.time() + agent_launch.SESSION_APPEARS_SECONDS + 1)
    assert late.outcome == watch.NOT_SUBMITTED and "no longer knows" in late.job.error_detail["message"]


def test_the_panel_shows_no_failure_and_ends_completed(app, sandbox, worker, monkeypatch):
    from tests.agent.test_agent_chat_page import assert_clean, chat_input, progress_text, text, the_job
    from ui import agent_form as form

    monkeypatch.setenv("HEYGEN_POLL_SECONDS", "0.1")
    monkeypatch.setenv("HEYGEN_MAX_POLL_SECONDS", "0.3")
    sandbox.configure(agent_session_hidden_looks=2, agent_session_stale_seconds=600)
    at = app()
    at.text_area(key=form.PROMPT).input(PROMPT).run()
    at.segmented_control(key=form.MODE).set_value("chat").run()
    at.button(key=form.FORM.keys.generate).click().run()
    at = at.switch_page("pages/videos.py").run()

    def follow(until):
        deadline = time.monotonic() + 60
        while True:
            worker.tick()
            at.run()
            assert_clean(at)
            words = text(at).lower()
            assert not at.error and "failed" not in words and "did not make a video" not in words, words
            if until(the_job(sandbox)):
                return
            assert time.monotonic() < deadline, agent_chat.session_record(the_job(sandbox))
            time.sleep(0.1)

    follow(lambda j: agent_chat.session_record(j).get("status") == "waiting_for_input")
    job = the_job(sandbox)
    chat_input(at, job).set_value("For runners.").run()
    follow(lambda j: j.status == "completed")
    at.run()
    assert progress_text(at).replace("*", "") == "Completed · 100%", progress_text(at)
    assert agent_chat.session_record(the_job(sandbox))["status"] == "generating"
    assert not chat_input(at, job).proto.disabled, "the user may ask for changes"
