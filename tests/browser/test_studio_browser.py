"""The Studio page in a real browser: a new user's whole walk from the gallery to the Videos page,
and a video made from an uploaded photo and recording (launched with a double click)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import settled, show_complete_lists

from heygen import Client
from heygen.studio.config import SANDBOX_ACCOUNT, account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.sandbox import Sandbox
from heygen.sandbox.catalogue import get_catalogue

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "studio"))
import studio_corpus as corpus  # noqa: E402

API_KEY = "sk-browser-studio-3b9e0f1a2c4d"


def _card_button(page, look_id: str):
    return page.locator(f".st-key-studio_av_pick_{look_id} button")


def _choose(page, widget_key: str, option: str, *, tries: int = 3):
    """Pick an option of a selectbox by its visible label. A run still drawing the page (the one a search
    just typed started) can redraw the box and close its open list under the pointer; a person then opens
    it again once the page has settled."""
    box = page.locator(f".st-key-{widget_key} [role=combobox]")
    for attempt in range(1, tries + 1):
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == tries:
                raise
            print(f"the list of {widget_key} closed before {option!r} was clicked; opening it again")
            page.keyboard.press("Escape")
            settled(page)
    expect(box).to_have_value(option)


def _commit(page, locator, value: str):
    locator.fill(value)
    locator.press("Control+Enter" if locator.evaluate("e => e.tagName") == "TEXTAREA" else "Enter")


def test_a_new_user_makes_a_video_from_the_gallery(page, streamlit_server, screenshot, tmp_path):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_SANDBOX_RENDER_SECONDS": "5"})
    page.goto(url)
    expect(page.get_by_text("Ready to generate")).to_be_visible()
    expect(page.get_by_text("Sandbox — no real videos, no credits used").first).to_be_visible()

    catalogue = get_catalogue()
    public = [look for look in catalogue.looks if look.ownership == "public"]
    show_complete_lists(page, data_dir)  # the page does not redraw itself while the lists load
    expect(page.get_by_text(f"Page 1 of {-(-len(public) // 24)} · {len(public):,} avatars")).to_be_visible()

    # Filter the gallery: search, then gender.
    _commit(page, page.get_by_placeholder("Search avatars by name"), "office")
    office = [look for look in public if "office" in look.name.lower() or "office" in look.tags]
    expect(page.get_by_text(f"{len(office):,} avatars")).to_be_visible()
    _choose(page, "studio_av_gender", "Female")
    chosen = [look for look in office if look.gender == "female"]
    expect(page.get_by_text(f"{len(chosen):,} avatars")).to_be_visible()
    expect(page.locator("[class*=st-key-studio_av_pick_]")).to_have_count(min(24, len(chosen)))
    screenshot(page, "gallery-filtered")

    # Pick an avatar: it is highlighted, its clip shows, its voice is preselected.
    look = chosen[0]
    _card_button(page, look.id).click()
    expect(_card_button(page, look.id)).to_have_text("✓ Selected")
    expect(page.locator(f".st-key-studio_av_card_{look.id}")).to_have_css("border-top-color", "rgb(91, 76, 219)")
    if len(chosen) > 1:  # the other cards keep their plain frame
        other = page.locator(f".st-key-studio_av_card_{chosen[1].id}")
        expect(other).not_to_have_css("border-top-color", "rgb(91, 76, 219)")
    clip = page.locator(".st-key-studio_chosen_avatar video")
    expect(clip).to_have_attribute("src", re.compile(r"^http://127\.0\.0\.1:\d+/media/public/clips/\w+\.mp4$"))
    default_voice = catalogue.voice_by_id[look.default_voice_id]
    expect(page.locator(".st-key-studio_voice_card")).to_contain_text(default_voice.name)

    # Pick another voice (filtered by language) and play its preview.
    voice = next(v for v in catalogue.voices if v.language == "English" and v.support_pause and v.has_preview
                 and v.type == "public" and v.voice_id != default_voice.voice_id)
    _choose(page, "studio_vo_language", "English")
    _commit(page, page.get_by_placeholder("Search voices by name"), voice.name)
    speaks = "♪ " if "starfish" in voice.engines else ""  # voices Listen works with are marked
    _choose(page, "studio_vo_choice", f"{speaks}{voice.name} · English · {voice.gender.capitalize()}")
    card = page.locator(".st-key-studio_voice_card")
    expect(card).to_contain_text(voice.name)
    expect(card).to_contain_text("Supports pauses")
    player = card.locator("audio")
    expect(player).to_have_attribute("src", re.compile(rf"/media/public/voices/{voice.voice_id}\.wav$"))
    player.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function("a => a.currentTime > 0 || a.ended", arg=player.element_handle())

    # Write the script, add a pause.
    script = page.get_by_role("textbox", name="Script", exact=True)
    _commit(page, script, "Hello and welcome to our spring sale. Everything is twenty percent off this week.")
    expect(page.get_by_text("81 / 5,000 characters · 14 words")).to_be_visible()
    page.get_by_role("button", name="Insert pause").click()
    expect(script).to_have_value('Hello and welcome to our spring sale. Everything is twenty percent off this week.'
                                 ' <break time="1s"/>')
    expect(page.get_by_text("Hello and welcome to our spring…").first).to_be_visible()
    screenshot(page, "composed")

    page.get_by_role("button", name="Generate video").click()
    page.wait_for_url("**/videos**")
    (job,) = JobStore(data_dir).list(SANDBOX_ACCOUNT)
    assert job.video_id and job.status != "submit_failed"
    assert job.inputs["spec"]["avatar_id"] == look.id and job.inputs["spec"]["voice_id"] == voice.voice_id
    assert job.inputs["spec"]["script"].endswith('<break time="1s"/>')
    expect(page.get_by_role("heading", name="Videos")).to_be_visible()
    screenshot(page, "videos")


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=5, latency_ms=50).start()
    yield sb
    sb.stop()


def test_a_video_from_my_photo_and_recording_launched_with_a_double_click(
    page, streamlit_server, screenshot, tmp_path, own_sandbox
):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url})
    photo = tmp_path / "my face.png"
    photo.write_bytes(corpus.png(900, 1200))
    recording = tmp_path / "voice-over.wav"
    recording.write_bytes(corpus.wav(3))
    page.goto(url)
    expect(page.get_by_text("Ready to generate")).to_be_visible()

    page.get_by_role("tab", name="Your photo").click()
    page.locator(".st-key-studio_image_file_0 [data-testid=stFileUploaderDropzoneInput]").set_input_files(photo)
    expect(page.get_by_text("Ready to send · 900×1200")).to_be_visible()
    expect(page.get_by_text("Converted from PNG to JPEG")).to_be_visible()
    expect(page.locator(".st-key-studio_photo_ready img")).to_be_visible()

    page.get_by_role("tab", name="Your audio").click()
    page.locator(".st-key-studio_audio_file_0 [data-testid=stFileUploaderDropzoneInput]").set_input_files(recording)
    expect(page.get_by_text("WAV · 3 s")).to_be_visible()
    expect(page.locator(".st-key-studio_audio_ready audio")).to_be_visible()

    page.get_by_text("Title, format and background").click()
    colour = page.locator(".st-key-studio_bg_mode").get_by_role("radio", name="Colour")
    colour.click()
    try:
        expect(colour).to_be_checked(timeout=10_000)
    except AssertionError:
        # On a very busy machine the run started by the recording's upload can still be drawing and put
        # the radio back as it was; the user clicks again (a known weakness, in the notes).
        colour.click()
    expect(page.locator(".st-key-studio_bg_colour")).to_be_visible()
    page.locator(".st-key-studio_aspect").get_by_role("radio").filter(has_text="9:16").click()
    expect(page.get_by_text("9:16 portrait · 1080p · background #f4f3fb")).to_be_visible()
    expect(page.get_by_text("your photo my face.png (900×1200)")).to_be_visible()
    screenshot(page, "photo-and-audio")
    assert [e for e in own_sandbox.requests_log() if e["method"] == "POST"] == []  # nothing sent yet

    page.get_by_role("button", name="Generate video").dblclick()
    page.wait_for_url("**/videos**")
    expect(page.get_by_role("heading", name="Videos")).to_be_visible()
    (job,) = JobStore(data_dir).list(account_fingerprint(API_KEY, own_sandbox.base_url))
    posts = [e for e in own_sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]
    assert len(posts) == 1 and posts[0]["idempotency_key"] == job.idempotency_key
    assert len([e for e in own_sandbox.requests_log() if e["path"] == "/v3/assets"]) == 2
    body = posts[0]["request_json"]
    assert body["type"] == "image" and body["audio_asset_id"] and body["aspect_ratio"] == "9:16"
    assert body["background"] == {"type": "color", "value": "#f4f3fb"}
    assert job.inputs["photo_name"] == "my face.png" and job.inputs["audio_name"] == "voice-over.wav"
    screenshot(page, "launched")


def test_generate_with_nothing_chosen_explains_and_stays(page, streamlit_server, tmp_path, screenshot):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir)})
    page.goto(url)
    expect(page.get_by_text("Ready to generate")).to_be_visible()
    page.get_by_role("button", name="Generate video").click()
    # The first press on a just-started server: its run took over 15 s on two busy cores once (run M).
    expect(page.get_by_text("Fix these 3 things before generating:")).to_be_visible(timeout=45_000)
    expect(page.get_by_text("The script is empty; write what the avatar should say.").first).to_be_visible()
    expect(page.get_by_role("button", name="Generate video")).to_be_enabled()
    assert "/videos" not in page.url
    assert JobStore(data_dir).list(SANDBOX_ACCOUNT) == []
    screenshot(page, "refused")


@pytest.mark.timeout(240)
def test_a_launch_whose_answer_was_lost_is_looked_for_then_sent_again_only_by_choice(
    page, streamlit_server, screenshot, tmp_path, own_sandbox
):
    data_dir = tmp_path / "studio-data"
    data_dir.mkdir()
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(data_dir), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url, "HEYGEN_POLL_SECONDS": "1"})
    api = Client(API_KEY, own_sandbox.base_url)
    look = api.avatars.looks(ownership="public", limit=1)[0]
    page.goto(url)
    expect(page.get_by_text("Ready to generate")).to_be_visible()
    _card_button(page, look.id).click()
    expect(_card_button(page, look.id)).to_have_text("✓ Selected")
    _commit(page, page.get_by_role("textbox", name="Script", exact=True), "Welcome to the autumn webinar.")
    # A gateway answers with an HTML 502 before HeyGen did anything: the studio cannot know that.
    own_sandbox.add_fault(method="POST", path="/v3/videos", kind="html", status=502)
    page.get_by_role("button", name="Generate video").click()
    page.wait_for_url("**/videos**")
    expect(page.get_by_text("HeyGen may have received this").first).to_be_visible()
    screenshot(page, "checking")
    posts = lambda: [e for e in own_sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]
    assert len(posts()) == 1
    send_again = page.get_by_role("button", name="Send again")
    expect(send_again).to_be_visible(timeout=90_000)  # two looks on the account, 30 s apart, found nothing
    looks = [e for e in own_sandbox.requests_log() if e["method"] == "GET" and e["path"] == "/v3/videos"]
    assert len(looks) >= 2 and len(posts()) == 1
    screenshot(page, "unclear")
    send_again.click()
    expect(page.get_by_role("button", name="Download MP4")).to_be_visible(timeout=60_000)
    (job,) = JobStore(data_dir).list(account_fingerprint(API_KEY, own_sandbox.base_url))
    assert [p["idempotency_key"] for p in posts()] == [job.idempotency_key] * 2
    assert [v.id for v in api.videos.list()] == [job.video_id]
    assert API_KEY not in page.content()
    screenshot(page, "sent-again")
