"""A recording over 32 MB in the Studio, in a real browser: it is accepted, Generate shows the bytes
going out and HeyGen processing it, the sandbox sees a direct upload (create, a PUT without the key,
complete, asset checks) and the video becomes Ready."""

from __future__ import annotations

import re
import struct

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settled

from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.sandbox import Sandbox
from tests.support import wait_for

API_KEY = "sk-browser-direct-5e1f0a9b8c7d"
SIZE = 40 * 1024 * 1024 + 44  # 40 MB of 48 kHz 16-bit stereo silence: 3 min 39 s


def long_recording(path):
    """A valid WAV header and silence, written without holding 40 MB in memory."""
    with open(path, "wb") as out:
        out.write(b"RIFF" + struct.pack("<I", SIZE - 8) + b"WAVE")
        out.write(b"fmt " + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 192000, 4, 16))
        out.write(b"data" + struct.pack("<I", SIZE - 44))
        out.truncate(SIZE)
    return path


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=4, asset_ready_seconds=3).start()
    yield sb
    sb.stop()


def test_a_long_recording_is_uploaded_directly_with_progress_and_the_video_is_ready(
    page, streamlit_server, screenshot, tmp_path, own_sandbox
):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url})
    recording = long_recording(tmp_path / "keynote.wav")
    page.goto(url)
    expect(page.get_by_text("Ready to generate")).to_be_visible(timeout=60_000)
    pick = page.locator("[class*=st-key-studio_av_pick_] button").first
    pick.click()
    expect(pick).to_have_text("✓ Selected")  # that run has drawn the choice: the next click is not one it drops

    audio_tab = page.get_by_role("tab", name="Your audio")
    audio_tab.click()
    expect(audio_tab).to_have_attribute("aria-selected", "true")
    # The tab's run has drawn the audio form (the summary says so) before the file is chosen: a file set on
    # an uploader that run then redraws never arrives (run U).
    expect(page.get_by_text("no recording yet", exact=False)).to_be_visible()
    settled(page)
    page.locator(".st-key-studio_audio_file_0 [data-testid=stFileUploaderDropzoneInput]").set_input_files(recording)
    expect(page.get_by_text("WAV · 3 min 39 s", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("40.0 MB — the video will be as long as this recording.", exact=False)).to_be_visible()
    expect(page.get_by_text("HeyGen accepts", exact=False)).to_have_count(0)
    screenshot(page, "long-recording-accepted")
    assert not [e for e in own_sandbox.requests_log() if e["method"] == "POST"]  # nothing sent yet

    # The PUT is held until the bar has been seen part way (released then, not after a fixed time, so a
    # busy machine cannot let the upload finish before the page shows its progress).
    own_sandbox.add_fault(method="PUT", path="/media/uploads/", kind="slow", delay_ms=120_000)
    page.get_by_role("button", name="Generate video").click()
    expect(page.get_by_text(re.compile(r"Uploading keynote\.wav… \d+\.\d MB of 40\.0 MB"))).to_be_visible(timeout=60_000)
    screenshot(page, "uploading")
    own_sandbox.release_faults()
    expect(page.get_by_text("keynote.wav is uploaded; HeyGen is processing it…")).to_be_visible()
    screenshot(page, "processing")

    page.wait_for_url("**/videos**", timeout=60_000)
    expect(page.get_by_role("heading", name="keynote")).to_be_visible()
    expect(page.locator("video").first).to_be_visible(timeout=60_000)  # the finished video plays in the panel
    expect(page.get_by_text(re.compile(r"Ready · 3 min 38 s long"))).to_be_visible()  # as long as the recording
    screenshot(page, "ready")

    (job,) = JobStore(data_dir).list(account_fingerprint(API_KEY, own_sandbox.base_url))
    wait_for(lambda: JobStore(data_dir).get(job.id).status == "completed", timeout=60,
             message="the video never became ready")
    api = [(e["method"], e["path"], e["status"]) for e in own_sandbox.requests_log() if e["method"] == "POST"]
    asset_id = job.inputs["spec"]["audio_asset_id"]
    assert api[:3] == [("POST", "/v3/assets/direct-uploads", 200), ("POST", f"/v3/assets/{asset_id}/complete", 200),
                       ("POST", "/v3/videos", 200)]
    checks = [e["response_json"]["data"]["url"] for e in own_sandbox.requests_log()
              if e["method"] == "GET" and e["path"] == f"/v3/assets/{asset_id}"]
    assert checks[0] is None and checks[-1]  # processing, then ready
    (put,) = [e for e in own_sandbox.requests_log(media=True) if e["method"] == "PUT"]
    assert put["key_sent"] is False and put["bytes_received"] == SIZE and put["status"] == 200
    assert not [e for e in own_sandbox.requests_log() if e["path"] == "/v3/assets"]  # no multipart attempt
    body = [e for e in own_sandbox.requests_log() if e["path"] == "/v3/videos"][0]["request_json"]
    assert body["audio_asset_id"] == asset_id and "script" not in body
