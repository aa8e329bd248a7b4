"""The Studio page under every fault a launch can meet: no traceback, every input kept, and the right next step.

The operations × faults table at the client and launch level is tests/faults/test_fault_matrix.py;
this is its page-level row for "create video" (and "upload asset" for a photo video).
"""

from __future__ import annotations

import pytest

import studio_corpus as corpus
from tests.studio.test_studio_apptest import (
    GENERATE, HELLO, SCRIPT, assert_clean, cat, errors, generate, jobs, on_videos_page, ready_avatar_video,
    text, uploader, use_photo_tab, video_posts,
)

__all__ = ["cat"]  # the module-scoped catalogue fixture, shared with the Studio tests


def video_lists(sandbox) -> list[dict]:
    """GET /v3/videos: the account's list, where a create whose answer was lost is looked for."""
    return [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == "/v3/videos"]

DEFINITE = [
    ("401", {"status": 401, "code": "authentication_failed"}, "did not accept the API key"),
    ("402", {"status": 402, "code": "insufficient_credit"}, "does not have enough credit"),
    ("403", {"status": 403, "code": "forbidden"}, "not allowed to do this"),
    ("404", {"status": 404, "code": "not_found"}, "could not find what was asked for"),
    ("413", {"status": 413, "code": "payload_too_large"}, "too large"),
    ("422", {"status": 422, "code": "invalid_parameter", "message": "voice is not available"},
     "voice is not available"),
    ("429", {"status": 429, "code": "rate_limit_exceeded", "retry_after": 12}, "press Generate again in 12 s"),
    ("3xx", {"kind": "redirect", "status": 302, "location": "http://127.0.0.2:9/x"}, "answered with a redirect"),
]
UNCLEAR = [
    ("409", {"status": 409, "code": "request_in_progress"}),
    ("500", {"status": 500, "code": "internal_error"}),
    ("502 HTML", {"kind": "html", "status": 502}),
    ("dropped connection", {"kind": "drop"}),
]


@pytest.mark.parametrize("name,fault,says", DEFINITE, ids=[d[0] for d in DEFINITE])
def test_a_create_refused_for_sure_keeps_everything_and_says_nothing_was_sent(studio, cat, sandbox, name, fault,
                                                                            says):
    at = studio()
    ready_avatar_video(at, cat)
    sandbox.add_fault(method="POST", path="/v3/videos", times=None, **fault)
    generate(at)
    assert_clean(at)
    assert not on_videos_page(at)
    shown = errors(at) + text(at)
    assert "The video was not sent" in shown and says in shown, shown
    assert "HeyGen may have received this" not in shown
    assert at.text_area(key=SCRIPT).value == HELLO
    assert not at.button(key=GENERATE).disabled
    assert len(video_posts(sandbox)) == 1
    assert [j.status for j in jobs(sandbox)] == ["submit_failed"]


@pytest.mark.parametrize("name,fault", UNCLEAR, ids=[u[0] for u in UNCLEAR])
def test_a_create_whose_answer_was_lost_is_checked_never_resent(studio, cat, sandbox, worker, name, fault):
    at = studio()
    ready_avatar_video(at, cat)
    sandbox.add_fault(method="POST", path="/v3/videos", times=1, **fault)
    generate(at)
    assert_clean(at)
    assert on_videos_page(at)
    assert "HeyGen may have received this" in text(at)
    assert "not sent" not in text(at).lower()
    (job,) = jobs(sandbox)
    assert job.status == "checking"
    at.run()  # a rerun of the panel only reads the store
    assert_clean(at)
    assert video_lists(sandbox) == []
    worker.tick()  # the worker looks on the account; nothing is posted again
    at.run()
    assert_clean(at)
    assert len(video_lists(sandbox)) == 1 and len(video_posts(sandbox)) == 1


def test_a_create_heygen_made_but_answered_with_a_502_page_is_adopted(studio, cat, sandbox, worker):
    at = studio()
    ready_avatar_video(at, cat)
    sandbox.add_fault(method="POST", path="/v3/videos", kind="html", status=502, after=True)
    generate(at)
    assert_clean(at)
    (job,) = jobs(sandbox)
    worker.tick()  # the worker looks on the account and finds the video
    at.run()
    assert_clean(at)
    (job,) = jobs(sandbox)
    made = video_posts(sandbox)[0]["processed_json"]["data"]["video_id"]
    assert job.video_id == made and len(video_posts(sandbox)) == 1


@pytest.mark.parametrize("fault", [{"status": 500, "code": "internal_error"}, {"kind": "drop"},
                                   {"status": 413, "code": "payload_too_large"}], ids=["500", "drop", "413"])
def test_an_upload_fault_keeps_the_photo_and_sends_no_video(studio, cat, sandbox, fault):
    at = studio()
    use_photo_tab(at)
    uploader(at, "image").upload("me.jpg", corpus.jpeg(800, 1000), "image/jpeg").run()
    at.selectbox(key="studio_vo_choice").set_value(cat.voices[0].voice_id).run()
    at.text_area(key=SCRIPT).input(HELLO).run()
    sandbox.add_fault(method="POST", path="/v3/assets", times=None, **fault)
    generate(at)
    assert_clean(at)
    assert not on_videos_page(at)
    assert "The video was not sent" in errors(at)
    assert at.text_area(key=SCRIPT).value == HELLO
    assert video_posts(sandbox) == []
    assert len([e for e in sandbox.requests_log() if e["path"] == "/v3/assets"]) == 1
