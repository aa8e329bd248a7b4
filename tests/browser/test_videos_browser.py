"""The Videos page in a real browser against an external sandbox with fault injection."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import download as browser_download
from tests.support import stays_unchanged
from playwright.sync_api import expect

from heygen import Client, VideoSpec
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from heygen.sandbox import Sandbox

KEY = "sk-browser-videos-0123456789abcdef"


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=6).start()
    yield sb
    sb.stop()


@pytest.fixture
def app(sandbox, streamlit_server, tmp_path):
    url = streamlit_server({
        "HEYGEN_API_KEY": KEY,
        "HEYGEN_API_BASE_URL": sandbox.base_url,
        "HEYGEN_STUDIO_DATA_DIR": str(tmp_path),
        "HEYGEN_POLL_SECONDS": "1",
    })
    return url


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


def status_gets(sandbox, video_id):
    return [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == f"/v3/videos/{video_id}"]


def test_completed_render_plays_in_the_page(app, launch, page, screenshot, sandbox):
    job = launch("Product teaser")
    page.goto(f"{app}/videos?job={job.id}")
    expect(page.get_by_role("heading", name="Product teaser")).to_be_visible()
    video = page.locator("video").first
    expect(video).to_be_visible(timeout=30_000)
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.readyState >= 2 && v.duration > 0; }",
    )
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.2")
    expect(page.get_by_text("Download MP4")).to_be_visible()
    screenshot(page, "completed")
    download = browser_download(page, page.get_by_role("button", name="Download MP4"))
    assert download.suggested_filename == "product-teaser.mp4"
    with open(download.path(), "rb") as fh:
        assert fh.read(12)[4:8] == b"ftyp"
    stays_unchanged(lambda: len(status_gets(sandbox, job.video_id)), seconds=4,
                    message="a status request came after completion")
    assert KEY not in page.content()


def test_failed_render_stops_at_once_with_its_reason(app, launch, page, screenshot, sandbox):
    sandbox.configure(render_seconds=3, render_outcome="fail", failure_code="download_failed",
                      failure_message="Failed to download the audio file.")
    job = launch("Broken audio")
    page.goto(f"{app}/videos?job={job.id}")
    expect(page.get_by_text("HeyGen could not render this video.")).to_be_visible(timeout=30_000)
    page.get_by_text("Details").first.click()
    expect(page.get_by_text("download_failed")).to_be_visible()
    screenshot(page, "failed")
    gets = status_gets(sandbox, job.video_id)
    failed_at = next(e["t"] for e in gets if (e.get("response_json") or {}).get("data", {}).get("status") == "failed")
    stays_unchanged(lambda: [e for e in status_gets(sandbox, job.video_id) if e["t"] > failed_at], seconds=5,
                    message="a status request came after the failure")


def test_reload_mid_render_comes_back_and_finishes(app, launch, page, sandbox):
    # A render long enough to be seen running on two busy cores (8 s once ended before the page drew it, run AB).
    sandbox.configure(render_seconds=30)
    job = launch("Reload me")
    page.goto(f"{app}/videos?job={job.id}")
    expect(page.get_by_role("heading", name="Reload me")).to_be_visible()
    expect(page.get_by_text("Check now")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Reload me")).to_be_visible()
    expect(page.locator("video").first).to_be_visible(timeout=90_000)


def test_unknown_video_and_rejected_key_stop_with_their_reasons(app, launch, page, sandbox):
    sandbox.configure(render_seconds=2, render_outcome="vanish")
    gone = launch("Vanishing act")
    page.goto(f"{app}/videos?job={gone.id}")
    expect(page.get_by_text("HeyGen no longer has this video.")).to_be_visible(timeout=30_000)
    sandbox.configure(render_seconds=30, render_outcome="complete")
    locked = launch("Locked out")
    sandbox.add_fault(method="GET", path="/v3/videos/", kind="status", status=401, code="authentication_failed",
                      times=None)
    page.goto(f"{app}/videos?job={locked.id}")
    expect(page.get_by_text("HeyGen did not accept the API key.").first).to_be_visible(timeout=30_000)
    assert KEY not in page.content()
