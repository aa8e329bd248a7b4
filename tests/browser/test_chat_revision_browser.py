"""A Video Agent chat in a real browser against the sandbox whose links expire quickly: the draft and its
revision are kept on this computer by the worker, and after HeyGen's links have expired the revision
still plays, streamed from the studio's own /kept address."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import expect

from heygen.sandbox import Sandbox
from heygen.studio import agent_chat
from heygen.studio.config import account_fingerprint
from heygen.studio.kinds import KINDS
from heygen.studio.jobs import JobStore

API_KEY = "sk-browser-chat-revision-7c1d9e2f4a"
PROMPT = "A 30-second invitation to our spring webinar for existing customers"
LINK_SECONDS = 12  # every link the sandbox hands out works this long


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=1, agent_render_seconds=2, url_ttl_seconds=LINK_SECONDS).start()
    yield sb
    sb.stop()


def _answer(page, text: str) -> None:
    box = page.get_by_placeholder(re.compile("Answer the agent"))
    box.fill(text)
    box.press("Enter")


def _expired(url: str) -> bool:
    return requests.get(url, timeout=10, stream=True).status_code != 200


def test_a_revision_plays_from_this_computer_after_the_links_expired(page, streamlit_server, screenshot, tmp_path,
                                                                    own_sandbox):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url, "HEYGEN_POLL_SECONDS": "0.5",
                            "HEYGEN_MAX_POLL_SECONDS": "1"})
    page.goto(f"{url}/agent")
    expect(page.get_by_role("heading", name="Prompt to video")).to_be_visible(timeout=60_000)
    page.get_by_role("textbox", name="Describe your video").fill(PROMPT)
    page.locator(".st-key-agent_mode").get_by_role("radio").filter(has_text="Chat").click()
    page.get_by_role("button", name="Generate with Video Agent").click()
    page.wait_for_url(re.compile(r".*/videos(\?.*)?$"))
    progress = page.locator("[data-testid=stProgress]").first
    expect(progress).to_contain_text("Waiting for your answer", timeout=60_000)
    _answer(page, "For existing customers; the webinar is on 3 March at 10:00.")
    expect(progress).to_contain_text("Completed · 100%", timeout=90_000)
    _answer(page, "A shorter intro, please.")
    expect(page.locator("[class*=st-key-agent_video_]").filter(has_text="Revision 1")).to_be_visible(timeout=90_000)
    expect(progress).to_contain_text("Completed · 100%", timeout=90_000)

    store = JobStore(data_dir, kinds=KINDS)
    (job,) = store.list(account_fingerprint(API_KEY, own_sandbox.base_url))
    media = data_dir / "media"
    deadline = time.monotonic() + 60
    while not (agent_chat.kept_video(job, job.video_id or "-", media) and not agent_chat.unkept_videos(job, media)):
        assert time.monotonic() < deadline, "the worker never kept every video of the session"
        time.sleep(0.2)
        job = store.get(job.id)
    revised, draft = agent_chat.session_record(job)["videos"]
    while not _expired(revised["video_url"]):  # HeyGen's link to the revision stops working
        assert time.monotonic() < deadline + LINK_SECONDS, "the revision's link never expired"
        time.sleep(0.5)
    assert _expired(draft["video_url"])

    page.reload()
    card = page.locator("[class*=st-key-agent_video_]").filter(has_text="Revision 1")
    expect(card).to_contain_text("Kept on this computer", timeout=60_000)
    expect(card.get_by_role("button", name="Keep on this computer")).to_have_count(0)
    video = card.locator("video")
    src = video.get_attribute("src")
    assert f"/kept/{job.id}/session/{agent_chat.video_key(revised['id'])}/video" in src, src
    video.scroll_into_view_if_needed()
    page.wait_for_function("v => v.readyState >= 2 && v.duration > 0", arg=video.element_handle())
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("v => v.currentTime > 0.2", arg=video.element_handle())
    draft_card = page.locator("[class*=st-key-agent_video_]").filter(has_text="Draft")
    assert f"/kept/{job.id}/video" in draft_card.locator("video").get_attribute("src")
    screenshot(page, "revision-kept")
    # The session's address is the owner's: a browser without the owner's cookie or a grant gets nothing.
    bare = src.split("?")[0]
    assert requests.get(bare, timeout=10).status_code == 403
    store.close()
