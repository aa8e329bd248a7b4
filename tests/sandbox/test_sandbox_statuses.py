"""Sandbox: GET /v3/videos/statuses, the status of up to 100 videos in one request."""

import requests

PATH = "/v3/videos/statuses"


def _make(api, sandbox, outcome=None, **fate):
    video_id = api.create_video().json()["data"]["video_id"]
    if outcome is not None:
        sandbox.set_video_outcome(video_id, outcome, **fate)
    return video_id


def test_each_video_gets_its_status_in_the_order_asked(sandbox, api):
    sandbox.configure(render_seconds=3600)
    queued = _make(api, sandbox)
    processing = _make(api, sandbox, "never", render_seconds=0)
    completed = _make(api, sandbox, "complete", render_seconds=0)
    failed = _make(api, sandbox, "fail", render_seconds=0, failure_code="no_face_detected",
                   failure_message="No face found.")
    deleted = _make(api, sandbox, "complete", render_seconds=0)
    assert api.delete(f"/v3/videos/{deleted}").status_code == 200
    vanished = _make(api, sandbox, "vanish", render_seconds=0)
    asked = [failed, queued, "v_nobody", processing, completed, deleted, vanished, queued]

    response = api.get(PATH, params={"video_ids": ",".join(asked)})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["has_more"] is False and body["next_token"] is None
    assert body["data"] == [
        {"video_id": failed, "status": "failed", "error": {"code": "no_face_detected", "message": "No face found."}},
        {"video_id": queued, "status": "queued"},
        {"video_id": "v_nobody", "status": "not_found"},
        {"video_id": processing, "status": "processing"},
        {"video_id": completed, "status": "completed"},
        {"video_id": deleted, "status": "not_found"},
        {"video_id": vanished, "status": "not_found"},
    ]  # a repeated id is answered once


def test_pending_is_reported_as_queued_too(sandbox, api):
    sandbox.configure(render_seconds=3600)
    video_id = _make(api, sandbox)
    assert api.get(f"/v3/videos/{video_id}").json()["data"]["status"] == "pending"
    assert api.get(PATH, params={"video_ids": video_id}).json()["data"] == [{"video_id": video_id, "status": "queued"}]


def test_a_hundred_ids_in_one_request_and_no_more(sandbox, api, v3_error):
    ids = [f"v_{n:03d}" for n in range(101)]
    answer = api.get(PATH, params={"video_ids": ",".join(ids[:100])})
    assert answer.status_code == 200
    assert [item["video_id"] for item in answer.json()["data"]] == ids[:100]
    error = v3_error(api.get(PATH, params={"video_ids": ",".join(ids)}), 400, "invalid_parameter", "video_ids")
    assert "100" in error["message"]


def test_unknown_batches_answer_an_empty_list_and_an_empty_request_is_refused(sandbox, api, v3_error):
    answer = api.get(PATH, params={"batch_ids": "b_unknown,b_other"})
    assert answer.status_code == 200 and answer.json()["data"] == []
    v3_error(api.get(PATH), 400, "invalid_parameter", "video_ids")
    v3_error(api.get(PATH, params={"video_ids": " , "}), 400, "invalid_parameter", "video_ids")


def test_needs_the_key_and_is_logged_like_any_call(sandbox, api, v3_error):
    v3_error(requests.get(api.url(PATH), params={"video_ids": "v_1"}, timeout=10), 401, "authentication_failed")
    api.get(PATH, params={"video_ids": "v_1,v_2"})
    entry = sandbox.requests_log()[-1]
    assert entry["method"] == "GET" and entry["path"] == PATH and entry["status"] == 200
