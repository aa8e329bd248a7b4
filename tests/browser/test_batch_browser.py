"""The Batch page in a real browser: a 5-row batch from upload to export on the built-in sandbox, and a
reload in the middle of a run against an external sandbox that counts every POST /v3/videos."""

from __future__ import annotations

import csv
import io
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.browser.conftest import download as browser_download
from tests.support import settle, stays_unchanged, wait_for
from playwright.sync_api import Page, expect

from heygen.sandbox import Sandbox
from ui.batch_common import TICK_SECONDS

KEY = "sk-browser-batch-0123456789abcdef"
NAMES = ["Ana", "Ben", "Chloe", "Dev", "Ema", "Finn", "Gia", "Hugo"]


def contacts_csv(path, count: int) -> str:
    lines = ["first_name,company,note"]
    for i, name in enumerate(NAMES[:count], start=1):
        note = "=HYPERLINK(\"http://example.invalid\")" if i == 2 else f"Met at event {i}"
        lines.append(f'{name},"Company {i}, Ltd","{note.replace(chr(34), chr(34) * 2)}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


# Counts the messages the page sends to the server; a run_every fragment sends one per tick.
COUNT_SENT = """
window.__sent = 0;
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (...args) { window.__sent += 1; return send.apply(this, args); };
"""


def sent(page: Page) -> int:
    return page.evaluate("() => window.__sent")


def whole_page(page: Page, screenshot, label: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own container, so grow the viewport."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], int(height) + 40)})
    page.wait_for_timeout(300)
    screenshot(page, label)
    page.set_viewport_size(size)


def fill_text_area(page: Page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Control+Enter")


def build_batch(page: Page, base: str, csv_path: str, rows: int) -> None:
    """Steps 1–3 through the real widgets: upload, placeholders, avatar, check."""
    page.goto(f"{base}/batch")
    expect(page.get_by_text("Upload your contacts")).to_be_visible()
    # The studio's styles come with every page, not only the first (a page opened by its own address).
    expect(page.locator(".hg-step").first).to_have_css("display", "flex")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(csv_path)
    expect(page.get_by_text(f"{rows} rows", exact=False).first).to_be_visible()
    # Step 2 opens once the avatar and voice lists are at hand (they load from the page's first run).
    expect(page.get_by_label("Script", exact=True)).to_be_visible(timeout=60_000)
    fill_text_area(page, "Script", "Hi")
    page.get_by_role("button", name="{{first_name}}").click()
    expect(page.get_by_label("Script", exact=True)).to_have_value("Hi {{first_name}}")
    fill_text_area(page, "Script", "Hi {{first_name}}! A short hello from all of us to {{company}}.")
    title = page.get_by_label("Video title", exact=True)
    title.fill("For {{first_name}}")
    title.press("Enter")
    page.get_by_role("button", name="Select").first.click()
    expect(page.get_by_role("button", name="✓ Selected")).to_be_visible()
    expect(page.get_by_text("values from row 1 in bold")).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").filter(has_text=f"{rows} of {rows}")).to_be_visible()


@pytest.mark.timeout(240)
def test_five_rows_from_upload_to_export(streamlit_server, page, screenshot, tmp_path):
    base = streamlit_server({"HEYGEN_SANDBOX_RENDER_SECONDS": "2", "HEYGEN_POLL_SECONDS": "1"})
    page.add_init_script(COUNT_SENT)
    build_batch(page, base, contacts_csv(tmp_path / "contacts.csv", 5), 5)
    expect(page.get_by_text("no credits used").first).to_be_visible()
    whole_page(page, screenshot, "1-setup")

    page.get_by_role("button", name="Render the sample (row 1)").click()
    approve = page.get_by_role("button", name="Looks good — render the other 4")
    expect(approve).to_be_visible(timeout=45_000)
    expect(page.locator("video").first).to_be_visible()
    assert re.search(r"[?&]batch=[0-9a-f]{32}", page.url), page.url
    whole_page(page, screenshot, "2-sample")

    approve.click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    before = sent(page)
    wait_for(lambda: sent(page) > before, timeout=15, message="the run never refreshed itself while it went")
    expect(page.get_by_text("Finished.")).to_be_visible(timeout=90_000)
    # the table keeps redrawing (every TICK_SECONDS) until the last rows' checks arrive, then stops
    settle(lambda: sent(page), quiet=2 * TICK_SECONDS, timeout=60, message="the page never settled after finishing")
    stays_unchanged(lambda: sent(page), seconds=5, message="once every row is done the page stops refreshing")
    expect(page.get_by_test_id("stMetric").filter(has_text="Ready").get_by_test_id("stMetricValue")).to_have_text("5")
    whole_page(page, screenshot, "3-finished")

    download = browser_download(page, page.get_by_role("button", name="Results CSV"))
    assert download.suggested_filename == "contacts-results.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["first_name"] for r in table] == NAMES[:5]
    assert {r["status"] for r in table} == {"completed"}
    assert all(r["video_id"] and r["video_url"].startswith("http://127.0.0.1") for r in table)
    assert table[1]["note"].startswith("'="), "a formula cell is neutralised"

    zipped = browser_download(page, page.get_by_role("button", name=re.compile(r"Videos \(\.zip, 5 MP4s\)")))
    assert zipped.suggested_filename == "contacts-videos.zip"


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=4).start()
    yield sb
    sb.stop()


def video_posts(sandbox) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]


@pytest.mark.timeout(240)
def test_reload_in_the_middle_of_a_run_resumes_without_duplicates(streamlit_server, page, screenshot, tmp_path,
                                                                   sandbox):
    base = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                             "HEYGEN_POLL_SECONDS": "1"})
    build_batch(page, base, contacts_csv(tmp_path / "contacts.csv", 8), 8)
    at_once = page.get_by_label("Renders at once", exact=True)
    expect(at_once).to_have_count(1)  # a run still drawing may show the previous run's copy for a moment
    at_once.fill("2")
    at_once.press("Enter")
    expect(page.get_by_text("at most 2 at a time")).to_be_visible()
    page.get_by_role("button", name="Render the sample (row 1)").click()
    page.get_by_role("button", name="Looks good — render the other 7").click(timeout=45_000)

    # Reload while renders are in flight and rows are still queued.
    ready = page.get_by_test_id("stMetric").filter(has_text="Ready").get_by_test_id("stMetricValue")
    expect(ready).to_have_text(re.compile(r"^[2-5]$"), timeout=60_000)
    url = page.url
    page.reload()
    assert page.url == url
    expect(page.get_by_text("Render the batch")).to_be_visible()
    whole_page(page, screenshot, "after-reload")
    expect(page.get_by_text("Finished.")).to_be_visible(timeout=120_000)

    posts = video_posts(sandbox)
    per_key = Counter(e["idempotency_key"] for e in posts)
    assert len(per_key) == 8, per_key
    assert set(per_key.values()) == {1}, f"a row was sent twice: {per_key}"
    made = {(e.get("response_json") or {}).get("data", {}).get("video_id") for e in posts if e["status"] == 200}
    assert len(made) == 8
    stays_unchanged(lambda: len(video_posts(sandbox)), seconds=3, message="a finished batch sent another video")
    assert KEY not in page.content()


@pytest.mark.timeout(240)
def test_out_of_credit_stop_then_resume_and_the_list_of_batches(streamlit_server, page, screenshot, tmp_path,
                                                                  sandbox):
    sandbox.configure(render_seconds=2)
    base = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                             "HEYGEN_POLL_SECONDS": "1"})
    page.add_init_script(COUNT_SENT)
    build_batch(page, base, contacts_csv(tmp_path / "contacts.csv", 4), 4)
    expect(page.get_by_text("$120.00 left").first).to_be_visible()
    page.get_by_role("button", name="Render the sample (row 1)").click()
    approve = page.get_by_role("button", name="Looks good — render the other 3")
    expect(approve).to_be_visible(timeout=45_000)
    sandbox.add_fault(method="POST", path="/v3/videos", status=402, code="insufficient_credit", times=None)
    approve.click()
    stop = page.get_by_text("HeyGen says the account is out of credit — 3 rows were not sent. "
                            "Add credits and press Resume.")
    expect(stop).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Pause")).to_have_count(0)
    whole_page(page, screenshot, "stopped")
    stays_unchanged(lambda: len(video_posts(sandbox)), seconds=2, message="something was sent while the batch is stopped")
    settle(lambda: sent(page), quiet=2 * TICK_SECONDS, timeout=60,
           message="the stopped page never settled (it follows the sample's check until it arrives)")
    stays_unchanged(lambda: (sent(page), len(video_posts(sandbox))), seconds=5,
                    message="a stopped batch with nothing in flight kept refreshing or sending")

    sandbox.clear_faults()
    page.get_by_role("button", name="Resume").click()
    expect(page.get_by_text("Finished.")).to_be_visible(timeout=60_000)
    expect(stop).to_have_count(0)
    page.get_by_role("button", name="All batches").click()
    listing = page.locator(".st-key-batch_list")
    expect(listing).to_contain_text("Your batches")
    expect(listing).to_contain_text("Finished")
    expect(listing).to_contain_text("4 ready")
    assert "batch=" not in page.url
    whole_page(page, screenshot, "list")
    listing.get_by_role("button", name="Open").click()
    expect(page.get_by_text("Finished.")).to_be_visible()
    assert re.search(r"[?&]batch=[0-9a-f]{32}", page.url)
