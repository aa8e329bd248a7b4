"""Checked before anyone watches, in a real browser against a sandbox that misspeaks on purpose: a 6-row
batch whose row 3 says "Jon" for "John" (the sample shows ✓, row 3 shows the name finding at its moment,
"Replace that sentence's audio" makes a video that checks ✓, and the export carries the QA columns); and a
Video Agent video that says "15 March" for the prompt's "14 March"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from heygen.sandbox import Sandbox
from tests.browser.conftest import download as browser_download
from tests.browser.test_batch_browser import fill_text_area, whole_page

pytestmark = pytest.mark.timeout(420)

KEY = "sk-browser-checks-0123456789abcdef"
CONTACTS = ["Ana", "Ben", "John", "Dev", "Ema", "Finn"]


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=2).start()
    yield sb
    sb.stop()


def _contacts(path: Path) -> str:
    rows = ["first_name,company"] + [f"{name},Company {i}" for i, name in enumerate(CONTACTS, start=1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_a_misspoken_name_is_found_fixed_and_exported(streamlit_server, page, sandbox, screenshot, tmp_path):
    sandbox.misspeak(match="John", kind="video", swap=("John", "Jon"))
    base = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                             "HEYGEN_POLL_SECONDS": "1"})
    page.goto(f"{base}/batch")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(_contacts(tmp_path / "contacts.csv"))
    expect(page.get_by_text("6 rows", exact=False).first).to_be_visible()
    fill_text_area(page, "Script", "Thanks for your time today. Hello {{first_name}}, your plan for {{company}} "
                                   "is ready. See you soon.")
    page.get_by_role("button", name="Select").first.click()
    expect(page.get_by_role("button", name="✓ Selected")).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").filter(has_text="6 of 6")).to_be_visible()

    page.get_by_role("button", name="Render the sample (row 1)").click()
    approve = page.get_by_role("button", name="Looks good — render the other 5")
    expect(approve).to_be_visible(timeout=60_000)
    expect(page.get_by_text("✓ Checked", exact=False).first).to_be_visible(timeout=60_000)  # the sample says it right
    whole_page(page, screenshot, "1-sample-checked")
    batch_url = page.url
    approve.click()
    expect(page.get_by_text("Finished.")).to_be_visible(timeout=120_000)
    table = page.get_by_test_id("stDataFrame").last
    expect(table).to_contain_text("The name John (column first_name) was said as Jon", timeout=60_000)
    expect(table).to_contain_text("⚠ 1 finding")
    page.get_by_text("Only rows with findings").click()
    whole_page(page, screenshot, "2-row-3-flagged")

    page.get_by_role("button", name="Open its video").click()  # row 3, the only flagged row
    page.wait_for_url("**/videos**")
    finding = page.get_by_text("The name John (column first_name) was said as Jon")
    expect(finding).to_be_visible()
    expect(page.get_by_text(" · at 0:0", exact=False).first).to_be_visible()  # at its moment in the video
    page.get_by_role("button", name="Play from here").first.click()
    whole_page(page, screenshot, "3-finding")
    page.get_by_role("button", name="Replace that sentence's audio").first.click()
    expect(page.get_by_text("Made to fix", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("✓ Checked", exact=False).first).to_be_visible(timeout=120_000)
    whole_page(page, screenshot, "4-fixed")

    page.goto(batch_url)
    results = page.get_by_role("button", name="Results CSV")
    expect(results).to_be_visible(timeout=60_000)
    rows = list(csv.DictReader(io.StringIO(Path(browser_download(page, results).path()).read_bytes()
                                           .decode("utf-8-sig"))))
    assert [r["first_name"] for r in rows] == CONTACTS
    assert [r["qa_status"] for r in rows] == ["ok"] * 6  # row 3 through its fix
    assert all(r["qa_findings"] == "" for r in rows)


def test_a_video_agent_video_that_says_another_date_is_flagged(streamlit_server, page, sandbox, screenshot):
    sandbox.misspeak(kind="agent", change_number=("14", "15"))
    base = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                             "HEYGEN_POLL_SECONDS": "1"})
    page.goto(f"{base}/agent")
    expect(page.get_by_text("Ready to generate")).to_be_visible()
    prompt = page.get_by_role("textbox", name="Describe your video")
    prompt.fill("Invite our customers to the spring webinar on 14 March, hosted by Priya from Northwind.")
    prompt.press("Control+Enter")
    page.get_by_role("button", name="Generate with Video Agent").click()
    page.wait_for_url("**/videos**")
    flagged = page.get_by_text("The date 14 March was said as 15 March")
    expect(flagged).to_be_visible(timeout=180_000)
    expect(page.get_by_text("⚠ 1 finding", exact=False).first).to_be_visible()
    whole_page(page, screenshot, "agent-date")
