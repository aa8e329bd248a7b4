"""Sandbox: render lifecycle, outcomes, history, delete, idempotency, video agents, speech."""

import threading
import time

import requests

ORDER = ["pending", "processing", "completed"]  # July's enum: pending | processing | completed | failed


def test_lifecycle_moves_forward_to_completed(sandbox, api):
    sandbox.configure(render_seconds=1.5)
    created = api.create_video(title="Lifecycle")
    assert created.status_code == 200
    assert created.json()["data"]["status"] == "pending"
    video_id = created.json()["data"]["video_id"]
    seen, last = api.wait_terminal(video_id, interval=0.02)
    assert seen[0] == "pending" and seen[-1] == "completed"
    assert [ORDER.index(s) for s in seen] == sorted(ORDER.index(s) for s in seen)
    assert "processing" in seen
    data = last.json()["data"]
    assert data["id"] == video_id and data["title"] == "Lifecycle"
    assert data["completed_at"] >= data["created_at"]
    assert data["video_url"] and data["thumbnail_url"] and data["subtitle_url"]
    assert data["duration"] > 0
    assert data["failure_code"] is None and data["failure_message"] is None
    assert data["video_page_url"].endswith(video_id)


def test_unfinished_videos_have_no_urls(sandbox, api):
    sandbox.configure(render_seconds=3600)
    video_id = api.create_video().json()["data"]["video_id"]
    data = api.get(f"/v3/videos/{video_id}").json()["data"]
    assert data["status"] == "pending"
    assert data["video_url"] is None and data["completed_at"] is None and data["duration"] is None


def test_fail_outcome(sandbox, api):
    sandbox.configure(render_outcome="fail", failure_code="download_failed", failure_message="Could not fetch audio.")
    video_id = api.create_video().json()["data"]["video_id"]
    seen, last = api.wait_terminal(video_id)
    assert seen[-1] == "failed"
    data = last.json()["data"]
    assert data["failure_code"] == "download_failed"
    assert data["failure_message"] == "Could not fetch audio."
    assert data["video_url"] is None


def test_outcome_is_fixed_at_creation(sandbox, api):
    video_id = api.create_video().json()["data"]["video_id"]
    sandbox.configure(render_outcome="fail")
    seen, _ = api.wait_terminal(video_id)
    assert seen[-1] == "completed"


def test_never_outcome_keeps_processing(sandbox, api):
    sandbox.configure(render_seconds=0.2, render_outcome="never")
    video_id = api.create_video().json()["data"]["video_id"]
    time.sleep(0.5)
    statuses = {api.get(f"/v3/videos/{video_id}").json()["data"]["status"] for _ in range(3)}
    assert statuses == {"processing"}


def test_vanish_outcome_becomes_404(sandbox, api, v3_error):
    sandbox.configure(render_outcome="vanish")
    video_id = api.create_video().json()["data"]["video_id"]
    seen, last = api.wait_terminal(video_id)
    error = v3_error(last, 404, "not_found")
    assert error["message"] == "Video not found."
    assert "completed" not in seen
    assert video_id not in [v["id"] for v in api.get("/v3/videos").json()["data"]]


def test_one_video_fate_can_be_changed(sandbox, api):
    sandbox.configure(render_seconds=0.8)
    keep = api.create_video().json()["data"]["video_id"]
    fail = api.create_video().json()["data"]["video_id"]
    via_http = api.create_video().json()["data"]["video_id"]
    sandbox.set_video_outcome(fail, "fail", failure_code="insufficient_credit", failure_message="No credit.")
    response = api.control("POST", f"/_sandbox/videos/{via_http}",
                           json={"outcome": "fail", "failure_code": "render_error"})
    assert response.status_code == 200 and response.json()["data"]["outcome"] == "fail"
    assert api.control("POST", "/_sandbox/videos/v_unknown", json={"outcome": "fail"}).status_code == 404
    assert api.control("POST", f"/_sandbox/videos/{keep}", json={"outcome": "explode"}).status_code == 400
    assert api.wait_terminal(keep)[0][-1] == "completed"
    failed = api.wait_terminal(fail)[1].json()["data"]
    assert (failed["status"], failed["failure_code"]) == ("failed", "insufficient_credit")
    assert api.wait_terminal(via_http)[1].json()["data"]["failure_code"] == "render_error"


def test_zero_render_seconds_completes_at_once(sandbox, api):
    sandbox.configure(render_seconds=0)
    video_id = api.create_video().json()["data"]["video_id"]
    assert api.get(f"/v3/videos/{video_id}").json()["data"]["status"] == "completed"


def test_unknown_video_is_404(api, v3_error):
    error = v3_error(api.get("/v3/videos/v_nothing"), 404, "not_found")
    assert error["message"] == "Video not found."


def test_history_newest_first_with_paging_and_title_filter(sandbox, api):
    sandbox.configure(render_seconds=3600)
    ids = [api.create_video(title=f"Clip {i} {'promo' if i % 2 else 'demo'}").json()["data"]["video_id"]
           for i in range(7)]
    first = api.get("/v3/videos").json()
    assert [v["id"] for v in first["data"]] == ids[::-1]
    assert first["has_more"] is False
    collected, token = [], None
    for _ in range(10):
        params = {"limit": 3, **({"token": token} if token else {})}
        body = api.get("/v3/videos", params=params).json()
        collected += [v["id"] for v in body["data"]]
        token = body["next_token"]
        if not body["has_more"]:
            break
    assert collected == ids[::-1]
    promo = api.get("/v3/videos", params={"title": "PROMO"}).json()["data"]
    assert [v["id"] for v in promo] == [ids[5], ids[3], ids[1]]
    assert api.get("/v3/videos", params={"folder_id": "f1"}).json()["data"] == []


def test_delete_then_404(api, v3_error):
    video_id = api.create_video().json()["data"]["video_id"]
    response = api.delete(f"/v3/videos/{video_id}")
    assert response.status_code == 200
    assert response.json() == {"data": {"id": video_id, "deleted": True}}
    v3_error(api.get(f"/v3/videos/{video_id}"), 404, "not_found")
    v3_error(api.delete(f"/v3/videos/{video_id}"), 404, "not_found")
    assert api.get("/v3/videos").json()["data"] == []


def test_idempotency_key_replays_the_same_video(sandbox, api):
    first = api.create_video(headers={"Idempotency-Key": "submit-1"})
    again = api.create_video(headers={"Idempotency-Key": "submit-1"})
    other = api.create_video(headers={"Idempotency-Key": "submit-2"})
    plain = api.create_video()
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert other.json()["data"]["video_id"] != first.json()["data"]["video_id"]
    assert len(api.get("/v3/videos").json()["data"]) == 3
    assert plain.status_code == 200


def test_failed_validation_does_not_burn_the_key(api):
    bad = api.post("/v3/videos", json={"type": "avatar"}, headers={"Idempotency-Key": "k"})
    assert bad.status_code == 400
    good = api.create_video(headers={"Idempotency-Key": "k"})
    assert good.status_code == 200


def test_concurrent_duplicate_gets_409(sandbox, api, v3_error):
    look = api.first_look()
    body = {"type": "avatar", "avatar_id": look["id"], "script": "Hi.", "voice_id": look["default_voice_id"]}
    sandbox.configure(latency_ms=800)
    results = {}

    def submit():
        results["first"] = api.post("/v3/videos", json=body, headers={"Idempotency-Key": "dup"})

    worker = threading.Thread(target=submit)
    worker.start()
    try:
        for _ in range(300):
            state = api.control("GET", "/_sandbox/idempotency").json()["data"]
            if "dup" in state["in_progress"]:
                break
            time.sleep(0.01)
        else:
            raise AssertionError("the first request never started")
        duplicate = requests.post(api.url("/v3/videos"), json={"type": "avatar"}, timeout=10,
                                  headers={"X-Api-Key": sandbox.api_key, "Idempotency-Key": "dup"})
    finally:
        worker.join(timeout=20)
    v3_error(duplicate, 409, "request_in_progress")
    assert results["first"].status_code == 200
    sandbox.configure(latency_ms=0)
    replay = api.post("/v3/videos", json=body, headers={"Idempotency-Key": "dup"})
    assert replay.json() == results["first"].json()
    assert len(api.get("/v3/videos").json()["data"]) == 1


def test_video_agent_follows_the_lifecycle(sandbox, api):
    sandbox.configure(render_seconds=0.2)  # agent renders take 3 x render_seconds by default
    response = api.post("/v3/video-agents", json={"prompt": "Explain our new pricing in 20 seconds",
                                                  "orientation": "portrait"})
    data = response.json()["data"]
    seen, last = api.wait_terminal(data["video_id"])
    assert seen[-1] == "completed" and "processing" in seen
    detail = last.json()["data"]
    assert detail["title"].startswith("Explain our new pricing")
    clip = requests.get(detail["video_url"], timeout=10)
    assert clip.headers["Content-Type"] == "video/mp4"


def test_agent_render_seconds_and_outcomes(sandbox, api):
    sandbox.configure(agent_render_seconds=0.2, render_seconds=3600, render_outcome="fail")
    data = api.post("/v3/video-agents", json={"prompt": "Hi"}).json()["data"]
    assert api.wait_terminal(data["video_id"])[0][-1] == "failed"


def test_text_to_speech(api, v3_error):
    voice = api.voice(engine="starfish")
    response = api.post("/v3/voices/speech", json={"text": "Hello sandbox world", "voice_id": voice["voice_id"]})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert [w["word"] for w in data["word_timestamps"]] == ["Hello", "sandbox", "world"]
    assert data["duration"] > 0
    audio = requests.get(data["audio_url"], timeout=10)
    assert audio.status_code == 200 and audio.content[:4] == b"RIFF"
    v3_error(api.post("/v3/voices/speech", json={"text": "", "voice_id": voice["voice_id"]}), 400,
             "invalid_parameter", "text")
    v3_error(api.post("/v3/voices/speech", json={"text": "hi", "voice_id": voice["voice_id"], "speed": 3}),
             400, "invalid_parameter", "speed")


def test_a_new_video_is_pending_as_july_says_not_waiting(sandbox, api):
    sandbox.configure(render_seconds=3600)
    created = api.create_video().json()["data"]
    assert created["status"] == "pending"
    assert api.get(f"/v3/videos/{created['video_id']}").json()["data"]["status"] == "pending"
    listed = api.get("/v3/videos", params={"limit": 100}).json()["data"]
    assert next(v for v in listed if v["id"] == created["video_id"])["status"] == "pending"
    statuses = api.get("/v3/videos/statuses", params={"video_ids": created["video_id"]}).json()["data"]
    assert statuses == [{"video_id": created["video_id"], "status": "queued"}]


def test_the_live_apis_waiting_phase_can_be_switched_on(sandbox, api):
    sandbox.configure(render_seconds=3600, waiting_phase=True)
    created = api.create_video().json()["data"]
    assert created["status"] == "waiting"
    assert api.get(f"/v3/videos/{created['video_id']}").json()["data"]["status"] == "waiting"
