"""Personalisation in a real browser: a default stands in for an empty cell ({{first_name|there}}), and
each row's own voice (given by name) and background picture reach HeyGen as checked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heygen import Client
from heygen.sandbox import Sandbox
from tests.browser.test_batch_browser import fill_text_area, whole_page

pytestmark = pytest.mark.timeout(300)

KEY = "sk-browser-personalise-0123456789ab"


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=1).start()
    yield sb
    sb.stop()


def test_defaults_row_voices_and_backgrounds_reach_every_row(streamlit_server, page, sandbox, screenshot, tmp_path):
    with Client(KEY, sandbox.base_url) as client:
        voices = [v for v in client.voices.list(type="public") if v.language == "English"][:2]
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("first_name,voice_id,background\n"
                        f"Ana,{voices[0].name},https://cdn.example.invalid/ana.jpg\n"
                        f",{voices[1].voice_id},\n", encoding="utf-8")
    base = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                             "HEYGEN_POLL_SECONDS": "1"})
    page.goto(f"{base}/batch")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(contacts))
    expect(page.get_by_text("2 rows", exact=False).first).to_be_visible()
    fill_text_area(page, "Script", "Hello {{first_name|there}}, thanks for stopping by.")
    page.get_by_role("button", name="Select").first.click()
    expect(page.get_by_test_id("stMetricValue").filter(has_text="2 of 2")).to_be_visible()  # the empty name too
    whole_page(page, screenshot, "checked")
    page.get_by_role("button", name="Render the sample (row 1)").click()
    page.get_by_role("button", name="Looks good — render the other 1").click(timeout=60_000)
    expect(page.get_by_text("Finished.")).to_be_visible(timeout=120_000)

    bodies = [e["request_json"] for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]
    assert [b["script"] for b in bodies] == ["Hello Ana, thanks for stopping by.", "Hello there, thanks for stopping by."]
    assert [b["voice_id"] for b in bodies] == [voices[0].voice_id, voices[1].voice_id]  # a name, then an id
    assert bodies[0]["background"]["url"] == "https://cdn.example.invalid/ana.jpg"
    assert "url" not in (bodies[1].get("background") or {})
