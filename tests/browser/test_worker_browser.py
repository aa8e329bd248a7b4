"""The studio keeps working when nobody is watching: a batch and a single render are started, the
browser is closed, and a new browser later finds the batch finished and the video playing from its
copy on this computer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heygen.api.client import Client
from heygen.sandbox import Sandbox
from heygen.studio import archive
from heygen.studio.batch import BatchStore
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from tests.browser.conftest import owner_cookie
from tests.browser.test_batch_browser import build_batch, contacts_csv, whole_page
from tests.support import wait_for

KEY = "sk-browser-worker-5a6b7c8d9e0f1a2b"


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=4, max_concurrent_renders=10).start()
    yield sb
    sb.stop()


@pytest.mark.timeout(300)
def test_closing_the_browser_stops_nothing(streamlit_server, browser, screenshot, tmp_path, own_sandbox):
    data = tmp_path / "studio-data"
    base = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": own_sandbox.base_url,
                             "HEYGEN_STUDIO_DATA_DIR": str(data), "HEYGEN_POLL_SECONDS": "1"})
    account = account_fingerprint(KEY, own_sandbox.base_url)
    look = Client(KEY, own_sandbox.base_url).avatars.looks(ownership="public", limit=1)[0]

    first = browser.new_context(viewport={"width": 1400, "height": 1600})
    first.add_cookies([owner_cookie()])
    page = first.new_page()
    # A single render from the Studio.
    page.goto(base)
    page.locator(f".st-key-studio_av_pick_{look.id} button").click()
    script = page.get_by_role("textbox", name="Script", exact=True)
    script.fill("Thanks for visiting our stand.")
    script.press("Control+Enter")
    page.get_by_role("button", name="Generate video").click()
    page.wait_for_url("**/videos**")
    # A batch of four: sample approved, then the browser goes away mid-run.
    build_batch(page, base, contacts_csv(tmp_path / "contacts.csv", 4), 4)
    page.get_by_role("button", name="Render the sample (row 1)").click()
    approve = page.get_by_role("button", name="Looks good — render the other 3")
    expect(approve).to_be_visible(timeout=60_000)
    approve.click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    first.close()

    store = JobStore(data)
    batches = BatchStore(store)
    (batch,) = batches.list(account)
    wait_for(lambda: batches.require(batch.id).state == "finished", timeout=120,
             message="with no browser open the batch never finished")
    single = next(j for j in store.list(account) if j.batch_id is None)
    wait_for(lambda: archive.VIDEO in archive.local_files(single, data / "media"), timeout=60,
             message="with no browser open the single video was never kept on disk")
    posts = [e for e in own_sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]
    assert len(posts) == 5 and len({e["idempotency_key"] for e in posts}) == 5

    second = browser.new_context(viewport={"width": 1400, "height": 1600})
    second.add_cookies([owner_cookie()])
    page = second.new_page()
    page.goto(f"{base}/videos?job={single.id}")
    expect(page.get_by_text("Kept on this computer", exact=True)).to_be_visible(timeout=30_000)
    video = page.locator("video").first
    expect(video).to_be_visible()
    src = video.get_attribute("src") or ""
    assert own_sandbox.base_url not in src, f"the video plays from HeyGen's link, not the local copy: {src}"
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.readyState >= 2 && v.duration > 0; }",
    )
    whole_page(page, screenshot, "single-from-disk")
    page.goto(f"{base}/batch?batch={batch.id}")
    expect(page.get_by_text("Finished.")).to_be_visible(timeout=30_000)
    whole_page(page, screenshot, "batch-finished")
    second.close()
