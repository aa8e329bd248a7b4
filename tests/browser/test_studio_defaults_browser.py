"""The Studio's settings in a real browser: Speed and Pitch start at 1.00× and 0 (and the resolution at
1080p) and stay there through a pick, a script and a launch, also when the avatar is picked while the
lists are still loading; the request HeyGen gets carries exactly those values."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import show_complete_lists

from heygen.sandbox import Sandbox

API_KEY = "sk-browser-defaults-3c4d5e6f7a"
# The list of the voices Listen works with (fetched with the others) is never held back: the faults
# below are meant for the plain voice list, and a fault that matches first is the one used.
SPEECH_LIST = {"engine": "*"}
SCRIPT = "Hello there, this is a short test of the default voice settings."


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=2, latency_ms=20).start()
    yield sb
    sb.stop()


def _values(page) -> tuple[str, str]:
    return (page.locator(".st-key-studio_speed [data-testid=stSliderThumbValue]").inner_text(),
            page.locator(".st-key-studio_pitch [data-testid=stSliderThumbValue]").inner_text())


def test_speed_and_pitch_keep_their_defaults_through_a_launch(page, streamlit_server, screenshot, tmp_path,
                                                             own_sandbox):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url})
    page.goto(url)
    expect(page.get_by_text("Ready to generate")).to_be_visible(timeout=60_000)
    expect(page.locator(".st-key-studio_speed [data-testid=stSliderThumbValue]")).to_have_text("1.00×")
    expect(page.locator(".st-key-studio_pitch [data-testid=stSliderThumbValue]")).to_have_text("0")
    show_complete_lists(page, data_dir)  # the page does not redraw itself while the lists load
    first = page.locator("[class*=st-key-studio_av_pick_] button:not([disabled])").first
    first.click()
    expect(first).to_have_text("✓ Selected")
    script = page.get_by_role("textbox", name="Script", exact=True)
    script.fill(SCRIPT)
    script.press("Control+Enter")
    expect(page.get_by_text("Ready to generate")).to_be_visible()
    assert _values(page) == ("1.00×", "0"), _values(page)
    screenshot(page, "before-launch")
    page.get_by_role("button", name="Generate video").click()
    page.wait_for_url("**/videos**", timeout=60_000)
    (post,) = [e for e in own_sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]
    settings = post["request_json"].get("voice_settings") or {}
    assert settings.get("speed", 1.0) == 1.0 and settings.get("pitch", 0) == 0, settings
    assert post["request_json"].get("resolution", "1080p") == "1080p", post["request_json"]


def test_speed_and_pitch_keep_their_defaults_when_picked_while_the_lists_load(page, streamlit_server, tmp_path,
                                                                              own_sandbox):
    own_sandbox.add_fault("GET", "/v3/voices", kind="slow", times=None, query=SPEECH_LIST)  # at once
    own_sandbox.add_fault("GET", "/v3/voices", kind="slow", delay_ms=5000, times=1,
                          query={"type": "public", "token": "*"})  # the lists are still loading at first
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url})
    page.goto(url)
    expect(page.get_by_text("Loading more", exact=False).first).to_be_visible(timeout=60_000)
    first = page.locator("[class*=st-key-studio_av_pick_] button:not([disabled])").first
    first.click()
    try:  # a click landing while the page's first run is still drawing can be lost on a loaded machine
        expect(first).to_have_text("✓ Selected", timeout=8_000)
    except AssertionError:
        first.click()
        expect(first).to_have_text("✓ Selected")
    script = page.get_by_role("textbox", name="Script", exact=True)
    script.fill(SCRIPT)
    script.press("Control+Enter")
    show_complete_lists(page, data_dir)  # the page does not redraw itself while the lists load
    assert _values(page) == ("1.00×", "0"), _values(page)
    page.get_by_role("button", name="Generate video").click()
    page.wait_for_url("**/videos**", timeout=60_000)
    (post,) = [e for e in own_sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]
    settings = post["request_json"].get("voice_settings") or {}
    assert settings.get("speed", 1.0) == 1.0 and settings.get("pitch", 0) == 0, settings
    assert post["request_json"].get("resolution", "1080p") == "1080p", post["request_json"]
