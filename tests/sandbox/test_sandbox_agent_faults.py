"""The sandbox's Video Agent fault modes, over real HTTP: a session that answers 404 to its first looks,
a session that still says "generating" after its video finished, and a one-shot create without its video id."""

from __future__ import annotations

import time

PROMPT = "A thirty second intro for our running shoe"


def _wait(probe, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("never happened")


def test_a_new_session_is_not_found_for_its_first_looks(api, sandbox, v3_error):
    sandbox.configure(agent_session_hidden_looks=2)
    session_id = api.post("/v3/video-agents", json={"prompt": PROMPT}).json()["data"]["session_id"]
    for _ in range(2):
        error = v3_error(api.get(f"/v3/video-agents/{session_id}"), 404, "not_found")
        assert error["message"] == "Session not found."
    assert api.get(f"/v3/video-agents/{session_id}").status_code == 200
    v3_error(api.get("/v3/video-agents/sess_nobody"), 404, "not_found")
    chat = api.post("/v3/video-agents", json={"prompt": PROMPT, "mode": "chat"}).json()["data"]["session_id"]
    assert [api.get(f"/v3/video-agents/{chat}").status_code for _ in range(3)] == [404, 404, 200]


def test_bad_values_for_the_agent_faults_are_refused(api):
    for body in ({"agent_session_hidden_looks": -1}, {"agent_session_hidden_looks": 1.5},
                 {"agent_create_names_video": "no"}, {"agent_session_stale_seconds": -2}):
        assert api.control("POST", "/_sandbox/config", json=body).status_code == 400, body


def test_a_one_shot_session_stays_generating_after_its_video_finished(api, sandbox):
    sandbox.configure(agent_session_stale_seconds=600, agent_create_names_video=False, agent_render_seconds=0.5)
    created = api.post("/v3/video-agents", json={"prompt": PROMPT}).json()["data"]
    assert created["video_id"] is None and created["status"] == "thinking"
    session = api.get(f"/v3/video-agents/{created['session_id']}").json()["data"]
    assert session["video_id"], "the session names the video its create did not"
    seen, response = api.wait_terminal(session["video_id"])
    assert seen[-1] == "completed"
    later = api.get(f"/v3/video-agents/{created['session_id']}").json()["data"]
    assert later["status"] == "generating" and later["progress"] == 99


def test_a_chat_session_stays_generating_after_its_draft_finished_yet_takes_a_message(api, sandbox):
    sandbox.configure(agent_session_stale_seconds=600, agent_render_seconds=0.5, render_seconds=0.2)
    session_id = api.post("/v3/video-agents", json={"prompt": PROMPT, "mode": "chat"}).json()["data"]["session_id"]
    path = f"/v3/video-agents/{session_id}"
    _wait(lambda: api.get(path).json()["data"]["status"] == "waiting_for_input")
    assert api.post(path, json={"message": "For runners."}).status_code == 200
    draft = _wait(lambda: api.get(path).json()["data"]["video_id"])
    assert api.wait_terminal(draft)[0][-1] == "completed"
    session = api.get(path).json()["data"]
    assert session["status"] == "generating" and session["video_id"] == draft
    assert session["messages"][0]["role"] == "user", "the closing message is held back"
    assert api.post(path, json={"message": "Shorter, please."}).status_code == 200, \
        "the session is truly done: it takes the next message"
    sandbox.configure(agent_session_stale_seconds=0)
    assert _wait(lambda: api.get(path).json()["data"]["status"] == "completed", 30)
