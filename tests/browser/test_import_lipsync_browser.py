"""In a real browser: two videos made in HeyGen's web app are imported and one is opened; then one
sentence of it (a time range) gets new audio from an uploaded WAV, and the new entry reaches Ready."""

from __future__ import annotations

import io
import re
import wave

import pytest
from playwright.sync_api import expect

from heygen.sandbox import Sandbox
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore

KEY = "sk-browser-import-0123456789abcdef"


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=4, elsewhere_videos=4).start()
    yield sb
    sb.stop()


def sentence_wav(path, seconds=2.5):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x10\x00\xf0\xff" * int(4000 * seconds))
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.timeout(240)
def test_import_two_videos_then_replace_a_sentence(sandbox, streamlit_server, page, screenshot, tmp_path):
    data = tmp_path / "studio-data"
    app = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                            "HEYGEN_STUDIO_DATA_DIR": str(data), "HEYGEN_POLL_SECONDS": "1"})
    account = account_fingerprint(KEY, sandbox.base_url)
    page.goto(f"{app}/videos")
    page.get_by_text("Import from HeyGen").click()
    page.get_by_role("button", name="Load videos from HeyGen").click()
    expect(page.get_by_text("Web app: quarterly update for the sales team")).to_be_visible()
    expect(page.get_by_text("4 videos listed.")).to_be_visible()
    for video_id in ("v_elsewhere_01", "v_elsewhere_02"):
        page.locator(f".st-key-import_pick_{video_id} label").click()
    go = page.get_by_role("button", name="Import 2 chosen")
    expect(go).to_be_enabled()
    go.click()
    expect(page.get_by_text("Imported 2 videos into your history.")).to_be_visible()
    expect(page.get_by_text("Already imported")).to_have_count(2)
    # The history's Origin column (cells of the grid the browser draws on a canvas).
    expect(page.locator("[role=gridcell]", has_text="Imported from HeyGen")).to_have_count(2)
    screenshot(page, "imported")
    store = JobStore(data)
    jobs = store.list(account)
    assert sorted(j.video_id for j in jobs) == ["v_elsewhere_01", "v_elsewhere_02"]
    assert {j.kind for j in jobs} == {"imported"}

    page.get_by_role("button", name="Open “Web app: quarterly update for the sales team”").click()
    expect(page.get_by_role("heading", name="Web app: quarterly update for the sales team")).to_be_visible()
    expect(page.get_by_text("Ready · 42 s long · imported from HeyGen")).to_be_visible()
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.readyState >= 2 && v.duration > 0; }",
    )
    screenshot(page, "opened")

    source = next(j for j in jobs if j.video_id == "v_elsewhere_01")
    prefix = f"ra_{source.id}"
    page.get_by_text("Replace the audio", exact=True).first.click()
    page.locator(f".st-key-{prefix}_file input[type=file]").set_input_files(str(sentence_wav(tmp_path / "line.wav")))
    expect(page.get_by_text("line.wav: WAV audio, 2 s")).to_be_visible()
    page.get_by_text("A time range").click()
    for name, value in (("start", "12"), ("end", "14.5")):
        box = page.locator(f".st-key-{prefix}_{name} input")
        box.fill(value)
        box.press("Tab")
    page.get_by_text("Precision (closer lip movements)").click()
    screenshot(page, "replace-form")
    page.locator(f".st-key-{prefix}_go button").click()
    title = "Replace audio of Web app: quarterly update for the sales team"
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"Ready · .* long · rendered in"))).to_be_visible(timeout=60_000)
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.readyState >= 2 && v.duration > 0; }",
        timeout=30_000,
    )
    screenshot(page, "lipsync-ready")
    (sent,) = [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/lipsyncs"]
    body = sent["request_json"]
    assert (body["start_time"], body["end_time"], body["mode"]) == (12.0, 14.5, "precision")
    assert body["audio"]["type"] == "asset_id" and "v_elsewhere_01" in body["video"]["url"]
    new = store.list(account)[0]
    assert (new.kind, new.title, new.status) == ("lipsync", title, "completed")
    assert [j.id for j in store.list(account)][1:] == [j.id for j in jobs]  # the originals are unchanged
