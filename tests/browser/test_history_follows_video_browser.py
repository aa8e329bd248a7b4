"""The history in a real browser: the video the user opens from the table stays open, and the address
keeps its job id, when the rows under it move (a search cleared, a new video arriving at the top)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from heygen import Client, VideoSpec
from heygen.sandbox import Sandbox
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit

KEY = "sk-browser-history-follows-0123456789"
HEADER_PX = 35  # the table's header row
ROW_PX = 56  # the history's row height (ui/history.py)


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.5).start()
    yield sb
    sb.stop()


@pytest.fixture
def launch(sandbox, tmp_path):
    client = Client(KEY, sandbox.base_url)
    store = JobStore(tmp_path)
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]

    def make(title: str):
        spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Hello there.", title=title)
        job = create_job(store, account=account_fingerprint(KEY, sandbox.base_url), spec=spec)
        return submit(client, store, job)

    return make


def click_row(page: Page, row: int) -> None:
    """Click the selection box of the history table's ``row`` (the table is drawn on a canvas)."""
    table = page.get_by_test_id("stDataFrame").last
    expect(table).to_be_visible()
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2)


def panel_shows(page: Page, title: str, job_id: str) -> None:
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"[?&]job={job_id}(&|$)"))
    # The run that opened it has drawn the whole page (the history below too) before the test types on.
    expect(page.locator("[data-testid=stApp]")).to_have_attribute("data-test-script-state", "notRunning")


def test_the_opened_video_stays_open_when_the_rows_move(page, streamlit_server, tmp_path, sandbox, launch,
                                                         screenshot):
    alpha = launch("Alpha")
    bravo = launch("Bravo")  # newer: row 0 of the full list
    sandbox.set_video_outcome(bravo.video_id, "never")  # stays rendering: the history watches it
    url = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                            "HEYGEN_STUDIO_DATA_DIR": str(tmp_path), "HEYGEN_POLL_SECONDS": "0.5"})
    page.goto(f"{url}/videos")
    expect(page.get_by_text("2 videos. Click a row to open it.")).to_be_visible()

    search = page.get_by_placeholder("Search by title")
    search.fill("Alpha")
    search.press("Enter")
    expect(page.get_by_text("1 video. Click a row to open it.")).to_be_visible()
    click_row(page, 0)
    panel_shows(page, "Alpha", alpha.id)

    search.fill("")
    search.press("Enter")
    expect(page.get_by_text("2 videos. Click a row to open it.")).to_be_visible()
    panel_shows(page, "Alpha", alpha.id)
    expect(page.get_by_role("heading", name="Bravo")).to_have_count(0)
    screenshot(page, "search-cleared")

    # A new video arrives at the top; the page is drawn again when the history's watcher sees Bravo finish.
    charlie = launch("Charlie")
    sandbox.set_video_outcome(bravo.video_id, "complete", render_seconds=0)
    expect(page.get_by_text("3 videos. Click a row to open it.")).to_be_visible(timeout=30_000)
    panel_shows(page, "Alpha", alpha.id)
    expect(page.get_by_role("heading", name="Charlie")).to_have_count(0)
    screenshot(page, "new-video-on-top")

    # A click on another row still opens that row's video.
    click_row(page, 0)
    panel_shows(page, "Charlie", charlie.id)
