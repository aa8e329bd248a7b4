"""A clip over 32 MB in a Scenes storyboard, in a real browser: it is accepted, Generate shows the
bytes going out, the sandbox sees a direct upload (create, a PUT without the key, complete) and no
multipart attempt, and the one-scene video becomes Ready."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from heygen.sandbox import Sandbox
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from tests.support import wait_for

API_KEY = "sk-browser-large-clip-7a8b9c0d1e"
CLIP = Path(__file__).resolve().parents[2] / "heygen" / "sandbox" / "media" / "landscape.mp4"
PADDING = 40 * 1024 * 1024  # a trailing "free" box: the clip stays a valid 4 s MP4, 40 MB larger


def large_clip(path: Path) -> Path:
    """The sandbox's 4 s clip with 40 MB of padding in a top-level free box (written, not held)."""
    with open(path, "wb") as out:
        out.write(CLIP.read_bytes())
        out.write(struct.pack(">I4s", PADDING + 8, b"free"))
        out.truncate(out.tell() + PADDING)
    return path


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=3, asset_ready_seconds=2).start()
    yield sb
    sb.stop()


def test_a_large_clip_in_a_storyboard_is_uploaded_directly(page, streamlit_server, screenshot, tmp_path, own_sandbox):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url})
    clip_file = large_clip(tmp_path / "showreel.mp4")
    size = clip_file.stat().st_size
    page.goto(url)
    page.get_by_role("link", name="Scenes").click()
    expect(page.get_by_text("Add a scene")).to_be_visible(timeout=60_000)
    page.locator(".st-key-scenes_add_clip button").click()
    card = page.locator("[class*='st-key-scene_card_']").first
    card.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(clip_file)
    expect(card.get_by_role("button", name="Replace")).to_be_visible(timeout=60_000)  # checked and kept
    expect(card.get_by_text("about 4 s")).to_be_visible()
    assert not [e for e in own_sandbox.requests_log() if e["method"] == "POST"]  # nothing is uploaded before launch
    screenshot(page, "large-clip")

    own_sandbox.add_fault(method="PUT", path="/media/uploads/", kind="slow", delay_ms=8000)  # see the bar part way
    page.get_by_role("button", name="Generate video").click()
    expect(page.get_by_text(re.compile(r"Uploading showreel\.mp4… \d+\.\d MB of 40\.\d MB"))).to_be_visible(
        timeout=30_000)
    screenshot(page, "uploading")
    page.wait_for_url("**/videos**", timeout=90_000)

    (job,) = JobStore(data_dir).list(account_fingerprint(API_KEY, own_sandbox.base_url))
    assert job.kind == "scenes"
    wait_for(lambda: JobStore(data_dir).get(job.id).status == "completed", timeout=90,
             message="the video never became ready")
    expect(page.locator("video").first).to_be_visible(timeout=60_000)
    posts = [(e["method"], e["path"], e["status"]) for e in own_sandbox.requests_log() if e["method"] == "POST"]
    assert posts[0] == ("POST", "/v3/assets/direct-uploads", 200)
    assert posts[1][1].endswith("/complete") and posts[-1] == ("POST", "/v3/videos", 200)
    assert not [e for e in own_sandbox.requests_log() if e["path"] == "/v3/assets"]  # no multipart attempt
    (put,) = [e for e in own_sandbox.requests_log(media=True) if e["method"] == "PUT"]
    assert put["key_sent"] is False and put["bytes_received"] == size and put["status"] == 200
    body = [e for e in own_sandbox.requests_log() if e["path"] == "/v3/videos"][0]["request_json"]
    (scene,) = body["scenes"]
    assert scene["type"] == "video" and scene["source"]["type"] == "asset_id"
    screenshot(page, "ready")
