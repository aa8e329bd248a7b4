"""Sandbox: the request log — what it records, what it never records, and its control endpoint."""

import requests


def test_entries_record_calls_without_headers(sandbox, api):
    look = api.first_look()
    body = {"type": "avatar", "avatar_id": look["id"], "script": "Hi.", "voice_id": look["default_voice_id"]}
    created = api.post("/v3/videos", json=body, headers={"Idempotency-Key": "idem-7"})
    video_id = created.json()["data"]["video_id"]
    for _ in range(3):
        api.get(f"/v3/videos/{video_id}")
    api.get("/v3/voices", params={"language": "English", "limit": 5})
    log = sandbox.requests_log()
    assert all(set(e) >= {"t", "method", "path", "query", "status", "idempotency_key",
                          "request_json", "response_json"} for e in log)
    post = next(e for e in log if e["method"] == "POST")
    assert post["path"] == "/v3/videos" and post["status"] == 200
    assert post["idempotency_key"] == "idem-7"
    assert post["request_json"] == body
    assert post["response_json"] == created.json()
    polls = [e for e in log if e["method"] == "GET" and e["path"] == f"/v3/videos/{video_id}"]
    assert len(polls) == 3
    voices = next(e for e in log if e["path"] == "/v3/voices")
    assert voices["query"] == {"language": "English", "limit": "5"}
    assert log == sorted(log, key=lambda e: e["t"])
    assert "headers" not in str(log).lower() and sandbox.api_key not in str(log)


def test_errors_and_faults_are_logged(sandbox, api):
    requests.get(sandbox.base_url + "/v3/users/me", timeout=10)  # no key
    sandbox.add_fault(path="/v3/avatars", status=429)
    api.get("/v3/avatars")
    log = sandbox.requests_log()
    assert [e["status"] for e in log] == [401, 429]
    assert log[0]["response_json"]["error"]["code"] == "authentication_failed"
    assert log[1]["fault"] == "status"


def test_control_and_media_calls_are_not_in_the_api_log(sandbox, api):
    look = api.first_look()
    requests.get(look["preview_image_url"], timeout=10)
    api.control("GET", "/_sandbox/health")
    api.control("GET", "/_sandbox/config")
    log = sandbox.requests_log()
    assert [e["path"] for e in log] == ["/v3/avatars/looks"]
    media = sandbox.requests_log(media=True)
    assert len(media) == 1 and media[0]["media"] is True


def test_log_over_http_and_clearing(sandbox, api):
    api.get("/v3/users/me")
    entries = api.control("GET", "/_sandbox/requests").json()["data"]
    assert [e["path"] for e in entries] == ["/v3/users/me"]
    assert api.control("DELETE", "/_sandbox/requests").status_code == 200
    assert api.control("GET", "/_sandbox/requests").json()["data"] == []


def test_upload_is_logged_without_its_bytes(sandbox, api):
    api.upload("photo.png")
    entry = sandbox.requests_log()[-1]
    assert entry["path"] == "/v3/assets" and entry["request_json"] is None
    assert entry["response_json"]["data"]["mime_type"] == "image/png"


def test_log_is_bounded(sandbox):
    from heygen.sandbox.state import LOG_SIZE
    for index in range(LOG_SIZE + 5):
        sandbox.state.record({"t": index, "path": "/v3/x"})
    log = sandbox.requests_log()
    assert len(log) == LOG_SIZE and log[0]["t"] == 5
