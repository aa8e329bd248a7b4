"""Sandbox: the per-account limit on renders at once (429 with Retry-After beyond it)."""

import pytest

from heygen.sandbox import Sandbox


@pytest.fixture
def limited(sandbox):
    sandbox.configure(render_seconds=30, max_concurrent_renders=2)
    return sandbox


def create_agent(api, headers=None):
    return api.post("/v3/video-agents", json={"prompt": "A short product video about a water bottle."},
                    headers=headers or {})


def retry_after(response) -> int:
    return int(response.headers["Retry-After"])


def test_the_default_limit_is_three_renders():
    assert Sandbox().config["max_concurrent_renders"] == 3


def test_a_create_beyond_the_limit_is_refused_with_retry_after(limited, api, v3_error):
    assert api.create_video().status_code == 200
    assert create_agent(api).status_code == 200  # agent renders count too
    refused = api.create_video()
    error = v3_error(refused, 429, "rate_limit_exceeded")
    assert "2" in error["message"]
    assert 1 <= retry_after(refused) <= 30
    v3_error(create_agent(api), 429, "rate_limit_exceeded")
    assert len(api.get("/v3/videos", params={"limit": 100}).json()["data"]) == 2, "no video made for a 429"


def test_retry_after_is_the_time_until_the_earliest_running_render_finishes(limited, api):
    first = api.create_video().json()["data"]["video_id"]
    api.create_video()
    limited.set_video_outcome(first, "complete", render_seconds=5)
    assert 1 <= retry_after(api.create_video()) <= 5


def test_a_finished_failed_or_deleted_render_frees_its_place(limited, api):
    one = api.create_video().json()["data"]["video_id"]
    two = api.create_video().json()["data"]["video_id"]
    limited.set_video_outcome(one, "complete", render_seconds=0)
    three = api.create_video()
    assert three.status_code == 200
    limited.set_video_outcome(two, "fail", render_seconds=0)
    assert api.create_video().status_code == 200
    assert api.create_video().status_code == 429
    assert api.delete(f"/v3/videos/{three.json()['data']['video_id']}").status_code == 200
    assert api.create_video().status_code == 200


def test_a_render_that_never_finishes_keeps_its_place(limited, api):
    stuck = api.create_video().json()["data"]["video_id"]
    api.create_video()
    limited.set_video_outcome(stuck, "never", render_seconds=0)
    refused = api.create_video()
    assert refused.status_code == 429
    assert retry_after(refused) >= 1


def test_a_refused_create_is_not_remembered_for_its_idempotency_key(limited, api):
    one = api.create_video().json()["data"]["video_id"]
    api.create_video()
    key = {"Idempotency-Key": "limit-key-1"}
    assert api.create_video(headers=key).status_code == 429
    limited.set_video_outcome(one, "complete", render_seconds=0)
    sent = api.create_video(headers=key)
    assert sent.status_code == 200
    again = api.create_video(headers=key)
    assert again.json()["data"]["video_id"] == sent.json()["data"]["video_id"]


def test_a_bad_request_at_the_limit_is_still_a_400(limited, api, v3_error):
    api.create_video()
    api.create_video()
    v3_error(api.create_video(avatar_id="no-such-look"), 400, "invalid_parameter")


@pytest.mark.parametrize("no_limit", [0, None])
def test_zero_or_none_means_no_limit(sandbox, api, no_limit):
    sandbox.configure(render_seconds=30, max_concurrent_renders=no_limit)
    assert all(api.create_video().status_code == 200 for _ in range(6))


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3"])
def test_the_limit_must_be_a_whole_number(sandbox, bad):
    with pytest.raises(ValueError, match="max_concurrent_renders"):
        sandbox.configure(max_concurrent_renders=bad)
