"""A chat with the Video Agent in a real browser, on the app's built-in sandbox (no key set): the
agent asks a question, the answer gets a draft video, a change request gets a revised one, listed
and playing; the progress bar and the status in words are visible along the way."""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from heygen.studio import agent_chat
from heygen.studio.config import SANDBOX_ACCOUNT
from heygen.studio.kinds import KINDS
from heygen.studio.jobs import JobStore

PROMPT = "A 30-second invitation to our spring webinar for existing customers"
TITLE = "Agent: A 30-second invitation to our spring…"
QUESTION = "Who is the video for"


def progress_bar(page):
    return page.locator("[data-testid=stProgress]").first


def test_a_chat_with_the_agent_ends_in_a_revised_video(page, streamlit_server, screenshot, tmp_path):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    # Sandbox agent renders take 3 x 5 s, so that "Thinking" and "Generating" last long enough to be seen on
    # two busy cores (with 3 x 2 s, the page's next view once came after the whole render, run AA); the
    # worker checks the session every 1-2 s.
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_SANDBOX_RENDER_SECONDS": "5",
                            "HEYGEN_POLL_SECONDS": "0.4", "HEYGEN_MAX_POLL_SECONDS": "1"})
    page.goto(f"{url}/agent")
    expect(page.get_by_role("heading", name="Prompt to video")).to_be_visible()
    page.get_by_role("textbox", name="Describe your video").fill(PROMPT)
    page.locator(".st-key-agent_mode").get_by_role("radio").filter(has_text="Chat").click()
    expect(page.get_by_text("Chat: the agent may ask questions, and you can ask for changes.")).to_be_visible()
    page.get_by_role("button", name="Choose a brand kit…").click()
    page.locator(".st-key-agent_brand_kit").get_by_role("combobox").click()
    page.get_by_role("option", name="Stride Sport").click()
    summary = page.locator(".st-key-agent_summary")
    expect(summary).to_contain_text("Chat")
    expect(summary).to_contain_text("Stride Sport")
    screenshot(page, "composed")

    page.get_by_role("button", name="Generate with Video Agent").click()
    page.wait_for_url(re.compile(r".*/videos(\?.*)?$"))
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(progress_bar(page)).to_contain_text(re.compile(r"Thinking|Waiting for your answer"))
    expect(progress_bar(page)).to_contain_text("Waiting for your answer · 10%", timeout=30_000)
    expect(page.locator("[data-testid=stChatMessage]").filter(has_text=QUESTION)).to_be_visible()
    (job,) = JobStore(data_dir, kinds=KINDS).list(SANDBOX_ACCOUNT)
    assert job.inputs["spec"]["mode"] == "chat" and job.inputs["spec"]["brand_kit_id"] == "bk_stride_sport"
    assert job.video_id is None
    screenshot(page, "question")

    box = page.get_by_placeholder(re.compile("Answer the agent"))
    box.fill("For existing customers; the webinar is on 3 March at 10:00.")
    box.press("Enter")
    expect(page.locator("[data-testid=stChatMessage]").filter(has_text="3 March at 10:00")).to_be_visible()
    expect(progress_bar(page)).to_contain_text(re.compile(r"Thinking|Generating the video"))
    expect(progress_bar(page)).to_contain_text("Generating the video")
    screenshot(page, "generating")
    expect(progress_bar(page)).to_contain_text("Completed · 100%", timeout=60_000)
    expect(page.get_by_text("Your draft video is ready")).to_be_visible()
    expect(page.locator("[class*=st-key-agent_video_]").filter(has_text="Draft")).to_be_visible()
    expect(page.locator("video")).to_have_count(1)
    screenshot(page, "draft")

    box = page.get_by_placeholder(re.compile("Answer the agent"))
    box.fill("A shorter intro, and mention the webinar date.")
    box.press("Enter")
    expect(progress_bar(page)).to_contain_text(re.compile(r"Thinking|Generating the video"))
    expect(progress_bar(page)).to_contain_text("Completed · 100%", timeout=60_000)
    expect(page.get_by_text("The revised video is ready")).to_be_visible()
    revised = page.locator("[class*=st-key-agent_video_]").filter(has_text="Revision 1")
    expect(revised).to_be_visible()
    expect(revised).to_contain_text("latest")
    expect(page.locator("video")).to_have_count(2)

    video = revised.locator("video")
    video.scroll_into_view_if_needed()
    page.wait_for_function("v => v.readyState >= 2 && v.duration > 0", arg=video.element_handle())
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("v => v.currentTime > 0.2", arg=video.element_handle())

    job = JobStore(data_dir, kinds=KINDS).get(job.id)
    videos = agent_chat.session_record(job)["videos"]
    assert len(videos) == 2 and all(v["status"] == "completed" for v in videos)
    assert job.status == "completed" and job.video_id == videos[1]["id"]  # the draft is the job's own video
    assert [e["state"] for e in agent_chat.outbox(job)] == ["sent", "sent"]
    screenshot(page, "revised")

    # The revision is kept on this computer and plays from there: the worker keeps every video of a chat
    # on its own; until it has, the button keeps it at once.
    keep = revised.get_by_role("button", name="Keep on this computer")
    if keep.count():
        try:
            keep.click(timeout=5_000)
        except PlaywrightTimeout:
            pass  # the worker kept it in the meantime: the button has gone
    expect(revised).to_contain_text("Kept on this computer", timeout=60_000)
    expect(revised.get_by_role("button", name="Keep on this computer")).to_have_count(0)
    kept = agent_chat.kept_video(JobStore(data_dir, kinds=KINDS).get(job.id), videos[0]["id"], data_dir / "media")
    assert kept is not None and kept.stat().st_size > 0
