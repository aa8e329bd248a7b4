"""Prompt to video in chat mode, driven through AppTest against the sandbox over real HTTP: the mode
and brand-kit choices, then the session's panel on Videos (progress and status in words, the
conversation, answering, a revised video, Stop, keeping a video, refusals shown plainly).

The panel only reads what the background worker records; the tests step a real worker between reruns."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from heygen.studio import agent_chat
from heygen.studio.config import account_fingerprint
from heygen.studio.kinds import KINDS
from heygen.studio.jobs import JobStore
from tests.support import shown
from ui import agent_form as form

PROMPT = "An invitation to our spring webinar for existing customers"


def text(at) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(shown(str(e.value)) for e in getattr(at, kind))
    return "\n".join(parts)


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]


def the_job(sandbox):
    with JobStore(Path(os.environ["HEYGEN_STUDIO_DATA_DIR"]), kinds=KINDS) as store:
        (job,) = store.list(account_fingerprint(os.environ["HEYGEN_API_KEY"], sandbox.base_url))
        return job


def progress_text(at) -> str:
    return " ".join(shown(str(p.proto.text)) for p in at.get("progress"))


def chat_input(at, job):
    return at.chat_input(key=f"agent_session_input_{job.id}")


def tick_until(at, sandbox, worker, until, seconds=20.0):
    """One round of the worker, then a rerun of the page, until ``until(job)``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        worker.tick()
        at.run()
        assert_clean(at)
        job = the_job(sandbox)
        if until(job):
            return at.run()
        time.sleep(0.2)
    raise AssertionError(f"never reached; session: {agent_chat.session_record(the_job(sandbox))}")


def status_is(*statuses):
    return lambda job: agent_chat.session_record(job).get("status") in statuses


@pytest.fixture(autouse=True)
def quick_checks(monkeypatch):
    monkeypatch.setenv("HEYGEN_POLL_SECONDS", "0.1")
    monkeypatch.setenv("HEYGEN_MAX_POLL_SECONDS", "0.3")


@pytest.fixture
def chat_at(app, sandbox):
    """The page with a chat session launched (and its panel open on Videos)."""
    sandbox.configure(render_seconds=0.3, agent_render_seconds=3.0)
    at = app()
    at.text_area(key=form.PROMPT).input(PROMPT).run()
    at.segmented_control(key=form.MODE).set_value("chat").run()
    assert "Chat" in text(at)
    at.button(key=form.FORM.keys.generate).click().run()
    assert_clean(at)
    assert [t.value for t in at.title][:1] == ["Videos"]
    return at.switch_page("pages/videos.py").run()  # AppTest's own page otherwise stays Prompt to video


def test_mode_and_brand_kit_are_sent_with_the_create(app, sandbox, calls):
    at = app()
    assert calls("GET", "/v3/brand-kits") == [], "brand kits are loaded only when asked for"
    at.text_area(key=form.PROMPT).input(PROMPT).run()
    at.segmented_control(key=form.MODE).set_value("chat").run()
    at.button(key="agent_load_kits").click().run()
    assert len(calls("GET", "/v3/brand-kits")) == 1
    at.selectbox(key=form.BRAND_KIT).set_value("bk_calm_corporate").run()
    assert "Calm Corporate" in text(at)
    at.run()
    assert len(calls("GET", "/v3/brand-kits")) == 1, "a rerun asks HeyGen nothing"
    at.button(key=form.FORM.keys.generate).click().run()
    assert_clean(at)
    (post,) = calls("POST", "/v3/video-agents")
    assert post["request_json"] == {"prompt": PROMPT, "mode": "chat", "brand_kit_id": "bk_calm_corporate"}
    job = the_job(sandbox)
    assert job.inputs["brand_kit_name"] == "Calm Corporate" and job.video_id is None


def test_brand_kits_that_cannot_be_loaded_are_explained_and_nothing_is_lost(app, sandbox):
    sandbox.add_fault(method="GET", path="/v3/brand-kits", status=503, times=5)
    at = app()
    at.text_area(key=form.PROMPT).input(PROMPT).run()
    at.button(key="agent_load_kits").click().run()
    assert_clean(at)
    assert "brand kits could not be loaded" in text(at).lower()
    assert at.text_area(key=form.PROMPT).value == PROMPT
    sandbox.clear_faults()
    at.button(key="agent_reload_kits").click().run()
    assert [o for o in at.selectbox(key=form.BRAND_KIT).options] == ["No brand kit", "Stride Sport", "Calm Corporate"]


def test_a_chat_with_the_agent_ends_in_a_revised_video(chat_at, sandbox, worker, calls):
    at = chat_at
    job = the_job(sandbox)
    assert "Video Agent render" in text(at)
    at = tick_until(at, sandbox, worker, status_is("waiting_for_input"))
    assert "Waiting for your answer" in progress_text(at)
    (history,) = [t.value for t in at.dataframe if "Status" in t.value.columns]
    assert list(history["Status"]) == ["Waiting for your answer"]  # the history says what the panel says
    said = [shown(str(m.value)) for m in at.markdown]
    assert PROMPT in said and any("Who is the video for" in m for m in said)
    assert len(at.get("chat_message")) == 2
    assert not chat_input(at, job).proto.disabled

    chat_input(at, job).set_value("For customers; the webinar is on 3 March.").run()
    assert_clean(at)
    assert len(calls("POST", f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}")) == 1
    assert chat_input(at, job).proto.disabled, "no second message while the agent works"
    seen = set()
    at = tick_until(at, sandbox, worker, lambda j: seen.add(agent_chat.session_record(j).get("status")) or
                    j.status == "completed")
    assert "generating" in seen
    assert "Completed" in progress_text(at) and "Draft" in text(at)
    assert len(at.get("video")) == 1

    chat_input(at, job).set_value("A shorter intro, and mention the date.").run()
    at = tick_until(at, sandbox, worker,
                    lambda j: j.status == "completed" and len(agent_chat.session_record(j)["videos"]) == 2)
    assert "Revision 1" in text(at) and "Draft" in text(at)
    assert len(at.get("video")) == 2
    assert len(at.get("chat_message")) == 6
    assert not [e for e in sandbox.requests_log() if "/sessions" in e["path"]]


def test_a_video_of_the_session_can_be_kept(chat_at, sandbox, worker):
    at = tick_until(chat_at, sandbox, worker, status_is("waiting_for_input"))
    job = the_job(sandbox)
    chat_input(at, job).set_value("For customers.").run()
    at = tick_until(at, sandbox, worker, lambda j: j.status == "completed")
    keep = [b for b in at.button if (b.key or "").startswith(f"agent_keep_{job.id}_")]
    assert len(keep) <= 1
    if keep:  # the worker keeps finished videos too, but maybe not this one yet
        keep[0].click().run()
        assert_clean(at)
    assert "Kept on this computer" in text(at)
    assert not [b for b in at.button if (b.key or "").startswith(f"agent_keep_{job.id}_")]


def test_stop_ends_the_session_and_says_why(chat_at, sandbox, worker):
    at = tick_until(chat_at, sandbox, worker, status_is("waiting_for_input"))
    job = the_job(sandbox)
    at.button(key=f"agent_session_stop_{job.id}").click().run()
    assert_clean(at)
    at = tick_until(at, sandbox, worker, lambda j: j.terminal)
    assert "You stopped this Video Agent session" in text(at)
    assert chat_input(at, the_job(sandbox)).proto.disabled


def test_a_refused_message_is_shown_plainly_and_kept(chat_at, sandbox, worker):
    at = tick_until(chat_at, sandbox, worker, status_is("waiting_for_input"))
    job = the_job(sandbox)
    sandbox.add_fault(method="POST", path=f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}",
                      status=400, code="invalid_parameter", message="message is not allowed here.")
    chat_input(at, job).set_value("For customers.").run()
    assert_clean(at)
    shown_text = text(at)
    assert "The message was not sent" in shown_text and "Traceback" not in shown_text
    assert [c.value for c in at.code] == ["For customers."]
    assert not chat_input(at, job).proto.disabled


def test_a_message_whose_answer_was_lost_is_checked_not_resent(chat_at, sandbox, worker, calls):
    at = tick_until(chat_at, sandbox, worker, status_is("waiting_for_input"))
    job = the_job(sandbox)
    path = f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}"
    sandbox.add_fault(method="POST", path=path, kind="drop", after=True)
    chat_input(at, job).set_value("For customers.").run()
    assert_clean(at)
    assert "HeyGen may have received it" in text(at)
    assert chat_input(at, job).proto.disabled, "no new message while the lost one is being looked for"
    at = tick_until(at, sandbox, worker, lambda j: [e["state"] for e in agent_chat.outbox(j)] == ["sent"])
    at = tick_until(at, sandbox, worker, lambda j: j.status == "completed")
    assert len(calls("POST", path)) == 1 and "Draft" in text(at)


def test_a_problem_the_worker_meets_is_shown_until_heygen_answers_again(chat_at, sandbox, worker, calls):
    job = the_job(sandbox)
    path = f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}"
    sandbox.add_fault(method="GET", path=path, status=401, code="authentication_failed", times=None)
    at = tick_until(chat_at, sandbox, worker, lambda j: bool(j.error_detail))
    assert_clean(at)
    assert "The studio keeps trying" in text(at)
    asked = len(calls("GET", path))
    assert asked >= 1
    for _ in range(3):
        at.run()  # the panel's own refreshes only read the store
        time.sleep(0.4)
    assert len(calls("GET", path)) == asked, "a refresh of the panel asked HeyGen"
    sandbox.clear_faults()
    at = tick_until(at, sandbox, worker, status_is("waiting_for_input"))
    assert "The studio keeps trying" not in text(at)


def test_fresh_links_for_the_session_videos(chat_at, sandbox, worker, calls):
    at = tick_until(chat_at, sandbox, worker, status_is("waiting_for_input"))
    job = the_job(sandbox)
    chat_input(at, job).set_value("For customers.").run()
    at = tick_until(at, sandbox, worker, lambda j: j.status == "completed")
    before = len(calls("GET", f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}/videos"))
    at.button(key=f"agent_session_refresh_{job.id}").click().run()
    assert_clean(at)
    assert len(calls("GET", f"/v3/video-agents/{agent_chat.session_record(job)['session_id']}/videos")) == before + 1
    assert agent_chat.session_record(the_job(sandbox))["videos"][0]["video_url"]
