"""Hear it before you render, and captions, in a real browser against the sandbox: Listen plays the
script's first part (a second press asks HeyGen nothing), and a square video with burned-in
captions launched from the Studio reaches Ready with its subtitle file offered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.conftest import show_complete_lists

from heygen.sandbox import Sandbox
from heygen.sandbox.catalogue import get_catalogue

API_KEY = "sk-browser-listen-5e7a9c1b3d"
SCRIPT = ("Hello Siobhan, and welcome to Northwind Traders. This short message was recorded for you and the whole "
          "team in Dún Laoghaire. Over the next weeks we will show you how our new ordering portal works, how to "
          "track deliveries, and who to call when something goes wrong. Thank you for choosing us.")


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=3, latency_ms=20).start()
    yield sb
    sb.stop()


def _posts(sandbox, path: str) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == path]


def _commit(locator, value: str) -> None:
    locator.fill(value)
    locator.press("Control+Enter")


def _open_studio_with(page, url: str, data_dir, look) -> None:
    """The Studio with ``look`` picked (found by name in the gallery) and the script typed."""
    page.goto(url)
    expect(page.get_by_text("Ready to generate")).to_be_visible(timeout=60_000)
    show_complete_lists(page, data_dir)  # the page does not redraw itself while the lists load
    search = page.get_by_placeholder("Search avatars by name")
    search.fill(look.name)
    search.press("Enter")
    card = page.locator(f".st-key-studio_av_pick_{look.id} button")
    for _ in range(20):  # while a rerun draws the filtered gallery, its old copy can still be on the page
        expect(card).to_have_count(1)  # the filtered gallery has settled
        try:
            card.click(timeout=2_000)
            break
        except PlaywrightError:
            page.wait_for_timeout(250)
    expect(card).to_have_text("✓ Selected")
    _commit(page.get_by_role("textbox", name="Script", exact=True), SCRIPT)


def _speaking_look():
    """A landscape library look whose own voice HeyGen can speak (it is preselected with the look)."""
    catalogue = get_catalogue()
    return next(look for look in catalogue.looks
                if look.ownership == "public" and look.ready and look.orientation == "landscape"
                and look.avatar_type == "studio_avatar"
                and "starfish" in catalogue.voice_by_id[look.default_voice_id].engines)


def test_listen_plays_the_script_and_a_second_press_is_free(page, streamlit_server, screenshot, tmp_path,
                                                            own_sandbox):
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(tmp_path / "data"), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url})
    look = _speaking_look()
    voice = get_catalogue().voice_by_id[look.default_voice_id]
    _open_studio_with(page, url, tmp_path / "data", look)
    # The avatar's own voice comes with it, and stays through the next runs (the speed below, Listen).
    name = page.locator(".st-key-studio_voice_card .hg-voice-name")
    expect(name).to_have_text(voice.name)

    # Choose a speed: Listen speaks with it.
    slider = page.locator(".st-key-studio_speed input[type=range]")
    slider.focus()
    slider.press("End")
    expect(page.get_by_text("speed 1.5×", exact=False).first).to_be_visible()

    box = page.locator(".st-key-studio_listen_box")
    expect(page.locator(".st-key-studio_voice_card")).to_contain_text("♪ Listen before rendering")
    part = box.get_by_role("textbox", name="Part to hear")
    expect(part).to_have_value(re.compile(r"^Hello Siobhan, and welcome to Northwind Traders\."))
    heard = part.input_value()
    assert len(heard) <= 300 and SCRIPT.startswith(heard)
    assert _posts(own_sandbox, "/v3/voices/speech") == []

    box.get_by_role("button", name="Listen").click()
    player = box.locator("audio")
    expect(player).to_have_attribute("src", re.compile(r"/media/.+"))
    expect(box.get_by_text("spoken by HeyGen just now")).to_be_visible()
    (post,) = _posts(own_sandbox, "/v3/voices/speech")
    assert post["request_json"] == {"text": heard, "voice_id": voice.voice_id, "speed": 1.5}
    assert post["key_sent"] is True
    downloads = [e for e in own_sandbox.requests_log(media=True) if e["path"].startswith("/media/speech/")]
    assert len(downloads) == 1 and downloads[0]["key_sent"] is False  # the audio link never gets the key
    player.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function("a => a.currentTime > 0 || a.ended", arg=player.element_handle())
    screenshot(page, "heard")

    box.get_by_role("button", name="Listen").click()
    expect(box.get_by_text("played again from the copy kept here")).to_be_visible()
    expect(box.locator("audio")).to_have_attribute("src", re.compile(r"/media/.+"))
    assert len(_posts(own_sandbox, "/v3/voices/speech")) == 1
    assert API_KEY not in page.content()
    screenshot(page, "heard-again")


@pytest.mark.timeout(240)
def test_a_square_video_with_burned_in_captions_reaches_ready(page, streamlit_server, screenshot, tmp_path,
                                                              own_sandbox):
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(tmp_path / "data"), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url, "HEYGEN_POLL_SECONDS": "1"})
    look = _speaking_look()
    _open_studio_with(page, url, tmp_path / "data", look)

    page.get_by_text("Title, format and background").click()
    page.locator(".st-key-studio_aspect").get_by_role("radio").filter(has_text="1:1").click()
    page.locator(".st-key-studio_captions").get_by_role("radio", name="Burned in").click()
    expect(page.get_by_text("1:1 square · 1080p · captions burned in")).to_be_visible()
    screenshot(page, "options")
    assert _posts(own_sandbox, "/v3/videos") == []

    page.get_by_role("button", name="Generate video").click()
    page.wait_for_url("**/videos**")
    expect(page.get_by_role("button", name="Download MP4")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Ready", exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="Subtitles (SRT)")).to_be_visible()
    expect(page.get_by_role("button", name="With captions (MP4)")).to_be_visible()
    (post,) = _posts(own_sandbox, "/v3/videos")
    body = post["request_json"]
    assert body["aspect_ratio"] == "1:1" and body["caption"] == {"file_format": "srt", "style": "default"}
    assert body["avatar_id"] == look.id
    screenshot(page, "ready")
