"""Sandbox: a slow create (held for as long as asked, released on demand) and a 504 gateway_timeout create."""

import pytest
import requests

from tests.support import wait_for


def _posts(sandbox):
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]


def _create_quickly(api):
    """A create that waits 0.3 s for its answer."""
    look = api.first_look()
    body = {"type": "avatar", "avatar_id": look["id"], "script": "Hello.", "voice_id": look["default_voice_id"]}
    return api.post("/v3/videos", json=body, timeout=(2, 0.3))


def _videos(api):
    return api.get("/v3/videos").json()["data"]


def test_a_504_says_gateway_timeout_and_makes_a_video_only_when_asked_to(sandbox, api, v3_error):
    sandbox.add_fault(method="POST", path="/v3/videos", status=504)
    error = v3_error(api.create_video(), 504, "gateway_timeout")
    assert "downloading an input" in error["message"]
    assert _videos(api) == []
    sandbox.add_fault(method="POST", path="/v3/videos", status=504, after=True)
    v3_error(api.create_video(), 504, "gateway_timeout")
    assert len(_videos(api)) == 1
    assert [e["fault"] for e in _posts(sandbox)] == ["status", "status after"]


def test_a_slow_create_done_first_is_logged_at_once_and_answers_when_released(sandbox, api):
    sandbox.add_fault(method="POST", path="/v3/videos", kind="slow", delay_ms=30_000, after=True)
    with pytest.raises(requests.exceptions.ReadTimeout):
        _create_quickly(api)
    # The video is made and the request logged while its answer is still held.
    assert len(_videos(api)) == 1
    assert [(e["fault"], e["processed_status"]) for e in _posts(sandbox)] == [("slow after", 200)]
    assert sandbox.release_faults() >= 1
    assert api.create_video().status_code == 200  # the fault was used up
    assert len(_videos(api)) == 2


def test_a_slow_create_held_before_the_work_makes_its_video_only_once_released(sandbox, api):
    sandbox.add_fault(method="POST", path="/v3/videos", kind="slow", delay_ms=30_000)
    with pytest.raises(requests.exceptions.ReadTimeout):
        _create_quickly(api)
    assert _videos(api) == [] and _posts(sandbox) == []
    released = api.control("POST", "/_sandbox/faults/release").json()["data"]["released"]
    assert released >= 1
    wait_for(lambda: _posts(sandbox), timeout=30, message="the released create never finished")
    assert [e["status"] for e in _posts(sandbox)] == [200]
    assert len(_videos(api)) == 1
