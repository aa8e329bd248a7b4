"""The Studio gallery on a cold start in a real browser: the first screen is usable while the lists
are still loading, the page never redraws itself meanwhile (so no click is lost to a timer), and the
user's next action draws the complete lists."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from heygen.sandbox import Sandbox
from heygen.sandbox.catalogue import get_catalogue
from tests.browser.conftest import show_complete_lists
from tests.support import stays_unchanged

API_KEY = "sk-browser-studio-loading-5e6f7a8b"
# The list of the voices Listen works with (fetched with the others) is never held back: the faults
# below are meant for the plain voice list, and a fault that matches first is the one used.
SPEECH_LIST = {"engine": "*"}
# The second page of the public voices is held back until the test lets it go (at most this long), so
# the lists are still loading throughout the first part however busy the machine.
HOLD_MS = 120_000

# Counts the messages the page sends to the server; a run_every fragment sends one per tick.
COUNT_SENT = """
window.__sent = 0;
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (...args) { window.__sent += 1; return send.apply(this, args); };
"""


@pytest.fixture
def slow_sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=5, latency_ms=100).start()
    yield sb
    sb.stop()


def sent(page: Page) -> int:
    return page.evaluate("() => window.__sent")


def test_the_gallery_is_usable_while_loading_and_quiet_throughout(page, streamlit_server, screenshot, tmp_path,
                                                                    slow_sandbox):
    slow_sandbox.add_fault("GET", "/v3/voices", kind="slow", times=None, query=SPEECH_LIST)  # at once
    # The second public page, known by its token: the lists are fetched side by side, so the order the
    # requests arrive in varies (counting them once held the private voices instead, run AB).
    slow_sandbox.add_fault("GET", "/v3/voices", kind="slow", delay_ms=HOLD_MS, times=1,
                           query={"type": "public", "token": "*"})
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": slow_sandbox.base_url})
    page.add_init_script(COUNT_SENT)
    page.goto(url)

    catalogue = get_catalogue()
    public = [look for look in catalogue.looks if look.ownership == "public"]
    # The first screen, marked as loading, with the same first card the complete gallery has.
    expect(page.get_by_text("Loading more", exact=False).first).to_be_visible()
    expect(page.get_by_text("so far, still loading", exact=False).first).to_be_visible()
    first = page.locator(f".st-key-studio_av_pick_{public[0].id} button")
    expect(first).to_be_visible()
    screenshot(page, "loading")

    # It can be used while loading, and nothing redraws the page by itself meanwhile (a timer's run
    # could swallow a click): the page sends the server nothing it was not asked to.
    first.click()
    expect(first).to_have_text("✓ Selected")
    stays_unchanged(lambda: sent(page), seconds=3, message="the page sent messages by itself while the lists loaded")
    expect(page.get_by_text("The rest shows up as you use the page", exact=False)).to_be_visible()
    slow_sandbox.release_faults()

    # Once the lists are complete, the next action (here the note's button) draws them all, keeps the
    # choice, and never shows a second copy of the gallery beside the first (one card per look).
    show_complete_lists(page, data_dir)
    expect(page.get_by_text(f"Page 1 of {-(-len(public) // 24)} · {len(public):,} avatars")).to_be_visible()
    expect(page.locator(f".st-key-studio_av_pick_{public[0].id} button")).to_have_count(1)
    expect(page.locator(f".st-key-studio_av_pick_{public[0].id} button")).to_have_text("✓ Selected")
    # The rest of the form came through the reruns untouched.
    expect(page.locator(".st-key-studio_speed [data-testid=stSliderThumbValue]")).to_have_text("1.00×")
    expect(page.locator(".st-key-studio_pitch [data-testid=stSliderThumbValue]")).to_have_text("0")
    screenshot(page, "complete")
    stays_unchanged(lambda: sent(page), seconds=3, message="the page kept asking the server after the lists were complete")
