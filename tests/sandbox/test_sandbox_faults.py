"""Sandbox: injected faults (status, html, drop, slow), matching, counting, latency, control API."""

import pytest
import requests


def test_status_fault_429_with_retry_after_fires_n_times(sandbox, api, v3_error):
    sandbox.add_fault(method="GET", path="/v3/videos/", kind="status", status=429, retry_after=2, times=2)
    video_id = api.create_video().json()["data"]["video_id"]  # POST /v3/videos is not matched
    for _ in range(2):
        response = api.get(f"/v3/videos/{video_id}")
        v3_error(response, 429, "rate_limit_exceeded")
        assert response.headers["Retry-After"] == "2"
    assert api.get(f"/v3/videos/{video_id}").status_code == 200
    assert sandbox.faults() == []


@pytest.mark.parametrize("status,code", [(402, "insufficient_credit"), (403, "forbidden"),
                                         (409, "request_in_progress"), (413, "payload_too_large"),
                                         (500, "internal_error"), (503, "internal_error")])
def test_status_fault_codes(sandbox, api, v3_error, status, code):
    sandbox.add_fault(path="/v3/users/me", status=status)
    v3_error(api.get("/v3/users/me"), status, code)
    assert api.get("/v3/users/me").status_code == 200


def test_status_fault_custom_code_and_message(sandbox, api, v3_error):
    sandbox.add_fault(method="POST", path="/v3/videos", status=402, code="insufficient_credit",
                      message="Your account has 5 credits but this video requires 10 credits.")
    error = v3_error(api.create_video(), 402, "insufficient_credit")
    assert error["message"].startswith("Your account has 5 credits")


def test_429_gets_a_retry_after_by_default(sandbox, api):
    sandbox.add_fault(status=429)
    assert api.get("/v3/voices").headers["Retry-After"] == "1"


def test_forever_fault_until_cleared(sandbox, api):
    sandbox.add_fault(path="/v3/voices", status=503, times=None)
    assert [api.get("/v3/voices").status_code for _ in range(4)] == [503] * 4
    assert api.get("/v3/users/me").status_code == 200
    sandbox.clear_faults()
    assert api.get("/v3/voices").status_code == 200


def test_method_must_match(sandbox, api):
    sandbox.add_fault(method="DELETE", path="/v3/videos/", status=500)
    video_id = api.create_video().json()["data"]["video_id"]
    assert api.get(f"/v3/videos/{video_id}").status_code == 200
    assert api.delete(f"/v3/videos/{video_id}").status_code == 500
    assert api.delete(f"/v3/videos/{video_id}").status_code == 200


def test_wildcard_fault_hits_any_api_call_but_not_media(sandbox, api):
    look = api.first_look()
    sandbox.add_fault(path="*", status=500, times=None)
    assert api.get("/v3/avatars").status_code == 500
    assert requests.get(look["preview_image_url"], timeout=10).status_code == 200
    assert api.control("GET", "/_sandbox/health").json() == {"ok": True}


def test_html_gateway_fault(sandbox, api):
    sandbox.add_fault(path="/v3/videos", kind="html")
    response = api.get("/v3/videos")
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html>" in response.text and "502 Bad Gateway" in response.text
    sandbox.add_fault(path="/v3/videos", kind="html", status=504)
    assert api.get("/v3/videos").status_code == 504
    assert api.get("/v3/videos").status_code == 200


def test_drop_fault_resets_the_connection(sandbox, api):
    sandbox.add_fault(method="POST", path="/v3/videos", kind="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.create_video()
    assert api.create_video().status_code == 200
    assert [e["fault"] for e in sandbox.requests_log() if e["method"] == "POST"] == ["drop", None]


def test_slow_fault_triggers_a_read_timeout_then_answers(sandbox, api):
    sandbox.add_fault(path="/v3/users/me", kind="slow", delay_ms=1500)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get("/v3/users/me", timeout=0.3)
    assert api.get("/v3/users/me", timeout=5).status_code == 200


def test_slow_fault_still_does_the_work(sandbox, api):
    sandbox.add_fault(method="POST", path="/v3/videos", kind="slow", delay_ms=300)
    response = api.create_video()
    assert response.status_code == 200
    assert len(api.get("/v3/videos").json()["data"]) == 1


def test_media_path_fault(sandbox, api):
    sandbox.configure(render_seconds=0)
    video_id = api.create_video().json()["data"]["video_id"]
    url = api.get(f"/v3/videos/{video_id}").json()["data"]["video_url"]
    sandbox.add_fault(path="/media/videos/", kind="drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url, timeout=10)
    assert requests.get(url, timeout=10).status_code == 200


def test_global_latency_is_applied(sandbox, api):
    sandbox.configure(latency_ms=1000)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get("/v3/users/me", timeout=0.3)
    sandbox.configure(latency_ms=0)
    assert api.get("/v3/users/me", timeout=5).status_code == 200


def test_faults_and_config_over_http(api, v3_error):
    added = api.control("POST", "/_sandbox/faults", json={"method": "GET", "path": "/v3/voices",
                                                          "kind": "status", "status": 429,
                                                          "retry_after": 3, "times": None})
    assert added.status_code == 200 and added.json()["data"]["times"] is None
    assert api.control("GET", "/_sandbox/faults").json()["data"][0]["status"] == 429
    for _ in range(3):
        assert api.get("/v3/voices").headers["Retry-After"] == "3"
    assert api.control("DELETE", "/_sandbox/faults").status_code == 200
    assert api.get("/v3/voices").status_code == 200
    omitted = api.control("POST", "/_sandbox/faults", json={"path": "/v3/voices", "status": 500})
    assert omitted.json()["data"]["times"] == 1
    config = api.control("POST", "/_sandbox/config", json={"render_seconds": 2, "render_outcome": "never"})
    assert config.status_code == 200
    assert config.json()["data"]["render_seconds"] == 2.0
    assert config.json()["data"]["render_outcome"] == "never"
    assert api.control("POST", "/_sandbox/config", json={"render_outcome": "sometimes"}).status_code == 400
    assert api.control("POST", "/_sandbox/config", json={"colour": "red"}).status_code == 400
    assert api.control("POST", "/_sandbox/faults", json={"kind": "explode"}).status_code == 400
    assert api.control("POST", "/_sandbox/faults", json={"times": 0}).status_code == 400


def test_reset_forgets_videos_faults_and_log(sandbox, api, v3_error):
    video_id = api.create_video().json()["data"]["video_id"]
    sandbox.add_fault(path="/v3/users/me", status=500, times=None)
    assert api.control("POST", "/_sandbox/reset").json() == {"ok": True}
    assert sandbox.requests_log() == []
    assert api.get("/v3/users/me").status_code == 200
    v3_error(api.get(f"/v3/videos/{video_id}"), 404, "not_found")
    assert api.get("/v3/avatars/looks").json()["data"]
    sandbox.reset()
    assert sandbox.requests_log() == []


def test_python_api_rejects_bad_options(sandbox):
    with pytest.raises(ValueError):
        sandbox.configure(render_outcome="maybe")
    with pytest.raises(ValueError):
        sandbox.add_fault(kind="teleport")
    with pytest.raises(ValueError):
        sandbox.set_video_outcome("v_x", "explode")
