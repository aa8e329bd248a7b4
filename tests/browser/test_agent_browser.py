"""Prompt to video in a real browser, with the app's built-in sandbox (no key set): a prompt with
an attached PDF and an image becomes a playing video on the Videos page, listed in the history."""

from __future__ import annotations

import io
import re

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from heygen.studio.config import SANDBOX_ACCOUNT
from heygen.studio.kinds import KINDS
from heygen.studio.jobs import JobStore

PROMPT = ("A 45-second product intro for our new running shoe, the Stride X, upbeat, for Instagram. "
          "Use the brochure for the facts and the photo for the hero shot.")
TITLE = "Agent: A 45-second product intro for our…"


def _photo() -> bytes:
    im = Image.linear_gradient("L").resize((1200, 800)).convert("RGB")
    ImageDraw.Draw(im).ellipse((300, 250, 900, 600), fill=(230, 90, 40))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def _pdf() -> bytes:
    return (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n2 0 obj << /Type /Page >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def test_a_prompt_with_a_pdf_and_a_photo_becomes_a_playing_video(page, streamlit_server, screenshot, tmp_path):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    # Agent renders take 3 x HEYGEN_SANDBOX_RENDER_SECONDS in the sandbox (6 s here); agent status
    # checks start at 3 x HEYGEN_POLL_SECONDS.
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_SANDBOX_RENDER_SECONDS": "2",
                            "HEYGEN_POLL_SECONDS": "0.5"})
    brochure = tmp_path / "Stride X brochure.pdf"
    brochure.write_bytes(_pdf())
    photo = tmp_path / "stride-x.png"
    photo.write_bytes(_photo())

    page.goto(f"{url}/agent")
    expect(page.get_by_role("heading", name="Prompt to video")).to_be_visible()
    expect(page.get_by_text("Ready to generate")).to_be_visible()
    expect(page.get_by_text("Sandbox — no real videos, no credits used").first).to_be_visible()
    expect(page.locator(".st-key-agent_style_sel")).to_contain_text("No style")

    prompt = page.get_by_role("textbox", name="Describe your video")
    prompt.fill(PROMPT)
    expect(prompt.locator("xpath=../../..")).to_contain_text(f"{len(PROMPT)}/10000")  # live, while typing
    prompt.press("Control+Enter")
    counter = page.get_by_text(f"{len(PROMPT)} / 10,000 characters · {len(PROMPT.split())} words")
    expect(counter).to_be_hidden()  # the box's own counter shows while it has the focus
    prompt.blur()
    expect(counter).to_be_visible()

    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files([brochure, photo])
    expect(page.get_by_text("PDF document · 1 KB")).to_be_visible()
    expect(page.get_by_text("Image · 1200×800 · Converted from PNG to JPEG")).to_be_visible()
    expect(page.get_by_text("2 of 20 files")).to_be_visible()
    expect(page.locator(".st-key-agent_file_list img")).to_be_visible()

    launch = page.locator("[class*=st-key-agent_style_card_]").filter(has_text="Product Launch")
    launch.get_by_role("button", name="Select").click()
    expect(page.locator(".st-key-agent_style_sel")).to_contain_text("Product Launch")
    page.locator(".st-key-agent_orientation").get_by_role("radio").filter(has_text="16:9").click()
    summary = page.locator(".st-key-agent_summary")
    expect(summary).to_contain_text("1 PDF, 1 image")
    expect(summary).to_contain_text("Product Launch")
    expect(summary).to_contain_text("Landscape (16:9)")
    expect(summary).to_contain_text(TITLE)
    screenshot(page, "composed")

    page.get_by_role("button", name="Generate with Video Agent").dblclick()
    page.wait_for_url(re.compile(r".*/videos(\?.*)?$"))
    expect(page.get_by_role("heading", name="Videos")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("Video Agent render").first).to_be_visible()
    (job,) = JobStore(data_dir, kinds=KINDS).list(SANDBOX_ACCOUNT)  # a double click launches once
    assert job.kind == "agent" and job.video_id and job.title == TITLE
    assert job.inputs["spec"]["prompt"] == PROMPT and job.inputs["spec"]["orientation"] == "landscape"
    assert [f["name"] for f in job.inputs["files"]] == ["Stride X brochure.pdf", "stride-x.png"]
    assert all(f["asset_id"] for f in job.inputs["files"])
    screenshot(page, "rendering")

    video = page.locator("video").first
    expect(video).to_be_visible(timeout=60_000)
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); return v && v.readyState >= 2 && v.duration > 0; }",
    )
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.2")
    expect(page.get_by_text("Download MP4")).to_be_visible()

    # The history lists the render under the title taken from its prompt.
    search = page.get_by_placeholder("Search by title")
    search.fill("Stride")
    search.press("Enter")
    expect(page.get_by_text("No videos match these filters.")).to_be_visible()
    search.fill("45-second product intro")
    search.press("Enter")
    expect(page.get_by_text("1 video. Click a row to open it.")).to_be_visible()
    expect(page.locator("[data-testid=stDataFrame]")).to_be_visible()
    page.locator("video").first.scroll_into_view_if_needed()
    screenshot(page, "playing")
    assert JobStore(data_dir, kinds=KINDS).get(job.id).status == "completed"
