"""In a real browser: a finished video is translated into three languages, one of them with its subtitles
reviewed first; a line of that proofread is corrected in the table, and all three reach Ready."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio import imports, translate
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore

KEY = "sk-browser-translate-0123456789abcdef"
LANGUAGES = ("Spanish (Spain)", "French (France)", "Japanese")
REVIEWED = "French (France)"
CORRECTED = "Notre produit Zentrix arrive ce mois-ci."


@pytest.fixture
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=4, elsewhere_videos=1).start()
    requests.post(f"{sb.base_url}/_sandbox/translations", json={"proofread_seconds": 3}, timeout=5)
    yield sb
    sb.stop()


def wait_for(what, check, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def pick(page, key: str, names) -> None:
    """Choose options of a multiselect by typing to search and pressing Enter."""
    box = page.locator(f".st-key-{key} input")
    for name in names:
        box.click()
        box.fill(name)
        # Click only once the list shows the search's matches alone: on a busy machine the list can still
        # be the unfiltered one, and a click aimed at an option would land on whichever moved there.
        expect(page.get_by_role("option").filter(has_not_text=name)).to_have_count(0)
        page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")


@pytest.mark.timeout(300)
def test_translate_a_finished_video_into_three_languages_one_proofread(sandbox, streamlit_server, page, screenshot,
                                                                       tmp_path):
    data = tmp_path / "studio-data"
    account = account_fingerprint(KEY, sandbox.base_url)
    app = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                            "HEYGEN_STUDIO_DATA_DIR": str(data), "HEYGEN_POLL_SECONDS": "1"})
    page.goto(f"{app}/videos")
    expect(page.get_by_text("No videos yet.", exact=False)).to_be_visible(timeout=30_000)
    store = JobStore(data)  # the app made its data folder
    (source,) = imports.import_videos(store, account, [Client(KEY, sandbox.base_url).videos.get("v_elsewhere_01")]).added
    page.goto(f"{app}/videos?job={source.id}")
    expect(page.get_by_role("heading", name=source.title)).to_be_visible(timeout=30_000)
    prefix = f"tr_{source.id}"
    page.get_by_text("Translate", exact=True).first.click()
    page.get_by_role("button", name="Choose languages").click()
    expect(page.locator(f".st-key-{prefix}_languages")).to_be_visible()
    pick(page, f"{prefix}_languages", LANGUAGES)
    pick(page, f"{prefix}_review", [REVIEWED])
    page.locator(f".st-key-{prefix}_mode").get_by_text("Precision (closer lip movements)").click()
    expect(page.get_by_text("To be made: 3 languages × 42 s of video = 2 min 06 s of translated video.")).to_be_visible()
    screenshot(page, "translate-form")
    page.locator(f".st-key-{prefix}_go button").click()
    expect(page.get_by_text(re.compile(r"Sent: Spanish \(Spain\), French \(France\), Japanese\."))).to_be_visible(
        timeout=30_000)
    expect(page.locator("[role=gridcell]", has_text="↳ Japanese")).to_have_count(1)
    screenshot(page, "sent")

    jobs = {translate.details_of(j)["language"]: j for j in store.list(account) if j.kind == "translation"}
    assert set(jobs) == set(LANGUAGES)
    reviewed = jobs[REVIEWED]
    # The background worker sees the proofread ready; the page only reads what it recorded.
    wait_for("the proofread", lambda: store.get(reviewed.id).status == translate.REVIEW)
    page.goto(f"{app}/videos?job={reviewed.id}")
    expect(page.get_by_text("Waiting for your review.", exact=False)).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Open the subtitles").click()
    editor = page.locator(f".st-key-tr_{reviewed.id}_editor")
    expect(editor).to_be_visible(timeout=30_000)
    cell = editor.locator("[role=gridcell]", has_text="[French (France)] Our new product")
    expect(cell).to_have_count(1)
    # The grid is drawn on a canvas: select the first cell, move to row 2's Translation, open it.
    # A key pressed before the grid took the focus is lost on a busy machine, so the opened
    # cell is read back and the walk is made again from the first cell if it is not row 2's.
    area = page.locator("textarea.gdg-input")
    for _ in range(3):
        box = editor.locator("canvas").first.bounding_box()
        page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)
        page.keyboard.press("ArrowDown")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        expect(area).to_be_visible()
        if area.input_value().startswith("[French (France)] Our new product"):
            break
        page.keyboard.press("Escape")
        expect(area).to_be_hidden()
    else:
        pytest.fail("row 2's translation could not be opened for editing")
    area.fill(CORRECTED)
    area.press("Enter")
    expect(editor.locator("[role=gridcell]", has_text=CORRECTED)).to_have_count(1)
    screenshot(page, "review-edited")
    page.get_by_role("button", name="Upload and render").click()
    expect(page.get_by_text(re.compile(r"Ready · .* long · rendered in"))).to_be_visible(timeout=90_000)
    screenshot(page, "reviewed-ready")

    done = {name: wait_for(f"{name} ready", lambda j=job: (lambda s: s if s.status == "completed" else None)(
        store.get(j.id)), timeout=90) for name, job in jobs.items()}
    assert all(j.video_url for j in done.values())
    captions = requests.get(done[REVIEWED].subtitle_url, timeout=5).text
    assert CORRECTED in captions and "[French (France)] Our new product" not in captions
    generates = [e for e in sandbox.requests_log() if e["path"].endswith("/generate")]
    assert len(generates) == 1
    assert len([e for e in sandbox.requests_log() if e["method"] == "POST"
                and e["path"] == "/v3/video-translations"]) == 2
    page.goto(f"{app}/videos")
    expect(page.locator("[role=gridcell]", has_text="↳ French (France)")).to_have_count(1, timeout=30_000)
    expect(page.locator("[role=gridcell]", has_text="Ready")).to_have_count(4)
    screenshot(page, "history")


@pytest.fixture
def two_videos_sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=3, elsewhere_videos=2).start()
    yield sb
    sb.stop()


@pytest.mark.timeout(300)
def test_several_videos_into_two_languages_go_out_two_at_a_time(two_videos_sandbox, streamlit_server, page,
                                                                screenshot, tmp_path):
    sandbox = two_videos_sandbox
    data = tmp_path / "studio-data"
    account = account_fingerprint(KEY, sandbox.base_url)
    app = streamlit_server({"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
                            "HEYGEN_STUDIO_DATA_DIR": str(data), "HEYGEN_POLL_SECONDS": "1"})
    page.goto(f"{app}/videos")
    expect(page.get_by_text("No videos yet.", exact=False)).to_be_visible(timeout=30_000)
    store = JobStore(data)
    client = Client(KEY, sandbox.base_url)
    videos = imports.import_videos(store, account, [client.videos.get(f"v_elsewhere_0{i}") for i in (1, 2)]).added
    page.reload()
    expect(page.locator("[role=gridcell]", has_text=videos[0].title)).to_have_count(1, timeout=30_000)
    page.get_by_text("Translate several videos", exact=True).click()
    box = page.locator(".st-key-tr_many_videos input")
    expect(box).to_be_visible()
    for video in videos:
        option = page.get_by_role("option", name=re.compile(re.escape(video.title)))
        chosen = page.locator(".st-key-tr_many_videos", has_text=video.title)
        for _ in range(4):  # typing, or the list it opens, may be lost to a rerun on a busy machine: again
            box.click()
            box.fill(video.title.split(": ")[1][:12])  # part of the title, to search
            try:
                expect(option).to_be_visible(timeout=5_000)
                option.click(timeout=10_000)
                expect(chosen).to_be_visible(timeout=5_000)
                break
            except (AssertionError, PlaywrightTimeoutError):
                continue
        expect(chosen).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Choose languages").click()
    expect(page.locator(".st-key-tr_many_languages")).to_be_visible()
    pick(page, "tr_many_languages", ["Italian", "Korean"])
    page.locator(".st-key-tr_many_at_once input").fill("2")
    page.locator(".st-key-tr_many_at_once input").press("Enter")
    expect(page.get_by_text(re.compile(r"To be made: 2 videos × 2 languages = 4 translations · .* of video → "
                                       r".* of translated video\. At most 2 translating at once\."))).to_be_visible()
    screenshot(page, "many-form")
    page.locator(".st-key-tr_many_go button").click()
    expect(page.get_by_text(re.compile(r"Recorded 4 translations \(2 videos × 2 languages\)"))).to_be_visible(
        timeout=30_000)
    screenshot(page, "many-recorded")

    most = 0

    def all_ready():
        nonlocal most
        jobs = [j for j in store.list(account) if j.kind == "translation"]
        most = max(most, sum(1 for j in jobs if j.status in translate.HOLDS_A_SLOT))
        return len(jobs) == 4 and all(j.status == "completed" for j in jobs)

    wait_for("every translation ready", all_ready, timeout=120)
    assert most <= 2
    posts = [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/video-translations"]
    assert len(posts) == 4 and len({e["idempotency_key"] for e in posts}) == 4
    assert [e for e in sandbox.requests_log() if e["path"] == "/v3/video-translations/statuses"]
    page.goto(f"{app}/videos")
    expect(page.locator("[role=gridcell]", has_text="↳ Korean")).to_have_count(2, timeout=30_000)
    expect(page.locator("[role=gridcell]", has_text="Ready")).to_have_count(6)
    screenshot(page, "many-history")
