"""The Scenes page in a real browser: a three-scene storyboard (an avatar speaking, a silent still
image, a clip) built from scratch, generated as one video, and played on the Videos page."""

from __future__ import annotations

import io
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import show_complete_lists
from PIL import Image

from heygen.sandbox.media import script_duration
from heygen.studio.config import SANDBOX_ACCOUNT
from heygen.studio.jobs import JobStore
from heygen.studio.scripting import estimated_seconds, format_duration

CLIP = Path(__file__).resolve().parents[2] / "heygen" / "sandbox" / "media" / "landscape.mp4"
SCRIPT = "Welcome to the tour. Here is what our product does for your team."


def _cards(page):
    return page.locator("[class*='st-key-scene_card_']")


def _add(page, kind: str, count: int):
    page.locator(f".st-key-scenes_add_{kind} button").click()
    expect(_cards(page)).to_have_count(count)
    return _cards(page).nth(count - 1)


def test_three_scenes_from_storyboard_to_playing_video(page, streamlit_server, screenshot, tmp_path):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_SANDBOX_RENDER_SECONDS": "3"})
    slide = tmp_path / "slide.png"
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 720), (40, 90, 200)).save(buffer, "PNG")
    slide.write_bytes(buffer.getvalue())

    page.goto(url)
    page.get_by_role("link", name="Scenes").click()
    expect(page.get_by_text("Add a scene")).to_be_visible()
    show_complete_lists(page, data_dir)  # the page does not redraw itself while the lists load

    avatar = _add(page, "avatar", 1)
    avatar.locator("[class*='_av_pick_'] button:not([disabled])").first.click()
    expect(avatar.get_by_text("Change the avatar")).to_be_visible()
    script = avatar.get_by_placeholder("What is said in this scene…")
    script.fill(SCRIPT)
    script.press("Control+Enter")
    expect(avatar.get_by_text(f"about {format_duration(estimated_seconds(SCRIPT))}")).to_be_visible()

    still = _add(page, "image", 2)
    still.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(slide)
    expect(still.get_by_text("1280×720")).to_be_visible()  # checked and kept with the draft
    still.get_by_role("radio", name="Silent").click()
    expect(still.get_by_text("about 5 s")).to_be_visible()

    clip = _add(page, "clip", 3)
    clip.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(CLIP)
    expect(clip.get_by_role("button", name="Replace")).to_be_visible()  # checked and kept with the draft
    expect(clip.get_by_text("about 4 s")).to_be_visible()
    total = format_duration(estimated_seconds(SCRIPT) + 5 + 4)
    expect(page.get_by_text(f"Total: about {total}")).to_be_visible()
    screenshot(page, "storyboard")

    page.get_by_role("button", name="Generate video").click()
    page.wait_for_url("**/videos**", timeout=60_000)
    (job,) = JobStore(data_dir).list(SANDBOX_ACCOUNT)
    assert job.kind == "scenes" and job.video_id
    kinds = [scene["type"] for scene in job.inputs["spec"]["scenes"]]
    assert kinds == ["avatar_video", "image", "video"]
    video = page.locator("video").first
    expect(video).to_be_visible(timeout=90_000)
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1; }",
                           timeout=30_000)
    assert video.evaluate("v => v.duration") > 0
    # The sandbox's video lasts as long as its scenes: the spoken script, 5 s of image, the 4 s clip.
    done = JobStore(data_dir).get(job.id)
    assert done.status == "completed" and abs(done.duration - (script_duration(SCRIPT) + 5 + 4)) < 0.1
    screenshot(page, "playing")
