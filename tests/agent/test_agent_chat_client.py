"""A Video Agent chat session through ``client.video_agents`` and ``client.brand_kits``, against the
sandbox over real HTTP: the chat create, the scripted conversation (a question, a draft, a revision),
messages, stop, the session's videos and the brand kits; refusals and a lost message answer."""

from __future__ import annotations

import time

import pytest

from heygen.api import errors
from heygen.api.agents import AgentSpec


def until(client, session_id, *statuses, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.video_agents.session(session_id)
        if state.status in statuses:
            return state
        time.sleep(0.05)
    raise AssertionError(f"session {session_id} never reached {statuses}")


@pytest.fixture
def chat(client, sandbox):
    # The agent's render lasts 3 s, so a test that looks for "generating" sees it even when each look takes
    # over a second on a busy machine (with 1 s, one run under load went from "thinking" to "completed").
    sandbox.configure(render_seconds=0.3, agent_render_seconds=3.0)
    return client.video_agents.create(AgentSpec(prompt="An invitation to our spring webinar", mode="chat"))


def test_mode_and_brand_kit_are_sent_only_when_set():
    assert "mode" not in AgentSpec(prompt="x").to_body() and "brand_kit_id" not in AgentSpec(prompt="x").to_body()
    body = AgentSpec(prompt=" x ", mode="chat", brand_kit_id="bk_1").to_body()
    assert body == {"prompt": "x", "mode": "chat", "brand_kit_id": "bk_1"}
    assert AgentSpec.from_dict(AgentSpec(prompt="x", mode="chat", brand_kit_id="bk_1").to_dict()).mode == "chat"


def test_brand_kits_are_listed(client, calls):
    kits = client.brand_kits.list()
    assert [k.name for k in kits] == ["Stride Sport", "Calm Corporate"]
    assert all(k.brand_kit_id and k.colors for k in kits)
    assert calls("GET", "/v3/brand-kits")[0]["query"] == {"limit": "100"}
    assert [k.name for k in client.brand_kits.list(limit=1)] == ["Stride Sport"]


def test_a_chat_create_answers_with_a_session_and_no_video(client, chat, calls):
    post = calls("POST", "/v3/video-agents")[0]
    assert post["request_json"] == {"prompt": "An invitation to our spring webinar", "mode": "chat"}
    assert chat.session_id and chat.video_id is None and chat.status == "thinking"


def test_the_scripted_chat_asks_drafts_and_revises(client, chat, calls):
    asked = until(client, chat.session_id, "waiting_for_input")
    assert asked.video_id is None and asked.progress == 10
    assert [(m.role, m.type) for m in asked.messages] == [("user", "text"), ("model", "text")]
    assert asked.messages[0].content == "An invitation to our spring webinar" and "?" in asked.messages[1].content

    run = client.video_agents.send_message(chat.session_id, "  For customers; the webinar is on 3 March.  ")
    assert run.run_id and run.session_id == chat.session_id
    assert calls("POST", f"/v3/video-agents/{chat.session_id}")[0]["request_json"] == {
        "message": "For customers; the webinar is on 3 March."}
    generating = until(client, chat.session_id, "generating")
    draft_id = generating.video_id
    assert draft_id and 10 <= generating.progress < 100
    done = until(client, chat.session_id, "completed")
    assert done.progress == 100 and done.video_id == draft_id
    assert done.messages[-1].role == "model" and done.messages[-1].resource_ids == [draft_id]

    client.video_agents.send_message(chat.session_id, "A shorter intro, and mention the date.")
    until(client, chat.session_id, "generating")
    revised = until(client, chat.session_id, "completed")
    assert revised.video_id not in (None, draft_id)
    videos = client.video_agents.videos(chat.session_id)
    assert [v.id for v in videos] == [revised.video_id, draft_id]  # newest first
    assert all(v.status == "completed" and v.video_url for v in videos)
    assert [m.role for m in revised.messages] == ["user", "model", "user", "model", "user", "model"]


def test_the_old_sessions_path_is_never_used(client, chat, calls, sandbox):
    until(client, chat.session_id, "waiting_for_input")
    client.video_agents.videos(chat.session_id)
    assert not [e for e in sandbox.requests_log() if "/sessions" in e["path"]]


def test_a_message_while_the_agent_works_or_to_a_one_shot_session_is_refused(client, chat, sandbox):
    with pytest.raises(errors.InvalidRequestError) as busy:
        client.video_agents.send_message(chat.session_id, "Hello?")
    assert "thinking" in str(busy.value)
    one_shot = client.video_agents.create(AgentSpec(prompt="A one-shot intro"))
    assert one_shot.video_id
    with pytest.raises(errors.InvalidRequestError) as refused:
        client.video_agents.send_message(one_shot.session_id, "Change it")
    assert "chat mode" in str(refused.value)
    with pytest.raises(errors.NotFoundError):
        client.video_agents.send_message("sess_unknown", "Hi")


def test_an_empty_message_is_refused_before_anything_is_sent(client, chat, calls):
    with pytest.raises(errors.InvalidRequestError):
        client.video_agents.send_message(chat.session_id, "   ")
    assert calls("POST", f"/v3/video-agents/{chat.session_id}") == []


def test_an_unknown_brand_kit_or_mode_is_a_400_naming_the_field(client):
    with pytest.raises(errors.InvalidRequestError) as kit:
        client.video_agents.create(AgentSpec(prompt="x", brand_kit_id="bk_nope"))
    assert kit.value.param == "brand_kit_id"
    with pytest.raises(errors.InvalidRequestError) as mode:
        client.video_agents.create({"prompt": "x", "mode": "talk"})
    assert mode.value.param == "mode"


def test_stop_fails_the_render_under_way_and_keeps_the_draft(client, chat, sandbox):
    until(client, chat.session_id, "waiting_for_input")
    client.video_agents.send_message(chat.session_id, "For customers.")
    draft = until(client, chat.session_id, "completed").video_id
    client.video_agents.send_message(chat.session_id, "Shorter.")
    until(client, chat.session_id, "generating")
    assert client.video_agents.stop(chat.session_id) == chat.session_id
    stopped = client.video_agents.session(chat.session_id)
    assert stopped.status == "completed" and stopped.messages[-1].content.startswith("Stopped")
    videos = {v.id: v for v in client.video_agents.videos(chat.session_id)}
    assert videos[draft].status == "completed"
    assert [v.failure_code for k, v in videos.items() if k != draft] == ["stopped"]
    with pytest.raises(errors.InvalidRequestError):
        client.video_agents.send_message(chat.session_id, "One more change")


def test_stopping_before_any_video_ends_the_session_failed(client, chat):
    client.video_agents.stop(chat.session_id)
    assert client.video_agents.session(chat.session_id).status == "failed"
    assert client.video_agents.videos(chat.session_id) == []


def test_a_message_whose_answer_was_lost_is_not_resent(client, chat, sandbox, calls):
    until(client, chat.session_id, "waiting_for_input")
    sandbox.add_fault(method="POST", path=f"/v3/video-agents/{chat.session_id}", kind="drop", after=True)
    with pytest.raises(errors.NetworkError) as info:
        client.video_agents.send_message(chat.session_id, "For customers.")
    assert errors.unclear(info.value)
    assert len(calls("POST", f"/v3/video-agents/{chat.session_id}")) == 1
    # It did arrive: the session's messages show it, which is how the studio decides.
    state = client.video_agents.session(chat.session_id)
    assert [m.content for m in state.messages if m.role == "user"][-1] == "For customers."
