"""The Studio page driven through AppTest against the sandbox over real HTTP: every control, every
refusal, the launch and its safety (idempotency, double clicks, retries) and Edit & retry."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from streamlit.testing.v1.element_tree import AppTestError

from heygen import Client
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.media import MediaError, inspect_audio, prepare_image
from tests.support import shown, wait_for_catalogue_fetches

import studio_corpus as corpus

API_KEY = "sk-studio-test-7c1d2e3f4a5b6c7d8e9f0a1b"  # the key the sandbox fixture is started with

GENERATE = "studio_generate"
SCRIPT = "studio_script"
HELLO = "Hello and welcome to our spring sale. Everything you love, now twenty percent off."


# -- helpers --------------------------------------------------------------------------------------


class Cat:
    """The sandbox's catalogue as the API lists it (the same order the page shows)."""

    def __init__(self, client: Client):
        self.public = client.avatars.looks(ownership="public")
        self.private = client.avatars.looks(ownership="private")
        self.voices = client.voices.list(type="public")
        self.cloned = client.voices.list(type="private")
        self.looks = {look.id: look for look in self.public + self.private}
        self.voice = {v.voice_id: v for v in self.voices + self.cloned}

    def first(self, pred, looks=None):
        return next(look for look in (looks or self.public) if pred(look))


@pytest.fixture(scope="module")
def cat(sandbox):
    sandbox.clear_faults()  # made before the first test that asks for it clears them
    with Client(API_KEY, sandbox.base_url) as client:
        return Cat(client)


def requests_(sandbox, method=None, path=None):
    return [e for e in sandbox.requests_log()
            if (method is None or e["method"] == method) and (path is None or e["path"] == path)]


def video_posts(sandbox):
    return requests_(sandbox, "POST", "/v3/videos")


def asset_posts(sandbox):
    return requests_(sandbox, "POST", "/v3/assets")


def text(at) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "html", "caption", "info", "warning", "error", "success"):
        parts.extend(shown(str(e.value)) for e in getattr(at, kind))
    return "\n".join(parts)


def errors(at) -> str:
    return "\n".join(shown(str(e.value)) for e in at.error)


def pick_ids(at) -> list[str]:
    return [b.key.removeprefix("studio_av_pick_") for b in at.button if (b.key or "").startswith("studio_av_pick_")]


def uploader(at, role: str):
    return next(u for u in at.get("file_uploader") if (u.key or "").startswith(f"studio_{role}_file_"))


def store(sandbox) -> JobStore:
    return JobStore(Path(os.environ["HEYGEN_STUDIO_DATA_DIR"]))


def jobs(sandbox):
    return store(sandbox).list(account_fingerprint(API_KEY, sandbox.base_url))


def pick(at, look_id: str):
    return at.button(key=f"studio_av_pick_{look_id}").click().run()


def ready_avatar_video(at, cat, script: str = HELLO):
    """Pick the first library look and type a script (its default voice is preselected)."""
    pick(at, cat.public[0].id)
    at.text_area(key=SCRIPT).input(script).run()
    return at


def generate(at):
    return at.button(key=GENERATE).click().run()


def use_photo_tab(at):
    at.session_state["studio_source_tab"] = "Your photo"
    return at.run()


def use_audio_tab(at):
    at.session_state["studio_speech_tab"] = "Your audio"
    return at.run()


def on_videos_page(at) -> bool:
    return [t.value for t in at.title][:1] == ["Videos"]


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]


# -- catalogue and speed ----------------------------------------------------------------------------


def test_catalogue_is_fetched_once_and_reruns_make_no_request(studio, sandbox):
    at = studio()
    cold = sandbox.requests_log()
    # The lists (the avatar groups give the looks' order), and the account panel's balance.
    assert {e["path"] for e in cold} == {"/v3/avatars/looks", "/v3/avatars", "/v3/voices", "/v3/users/me"}
    assert all(e["method"] == "GET" for e in cold)
    # Typing, filtering, paging, choosing: nothing goes to HeyGen.
    at.text_area(key=SCRIPT).input("Hi there").run()
    at.button(key="studio_av_next").click().run()
    at.text_input(key="studio_av_search").input("office").run()
    at.selectbox(key="studio_vo_language").set_value("German").run()
    pick(at, pick_ids(at)[0])
    assert len(sandbox.requests_log()) == len(cold)
    # A new browser session shares the cached lists.
    studio()
    assert len(sandbox.requests_log()) == len(cold)
    assert_clean(at)


def test_refresh_lists_fetches_again_and_keeps_the_inputs(studio, sandbox):
    at = studio()
    at.text_area(key=SCRIPT).input("Keep me").run()
    wait_for_catalogue_fetches()  # what the first visit fetches in the background has arrived
    before = len(sandbox.requests_log())
    at.button(key="studio_refresh").click().run()
    wait_for_catalogue_fetches()
    assert len(sandbox.requests_log()) > before
    assert at.text_area(key=SCRIPT).value == "Keep me"
    assert_clean(at)


def test_a_catalogue_failure_is_explained_and_retried_only_on_request(studio, sandbox):
    sandbox.add_fault("GET", "/v3/avatars/looks", status=500, code="internal_error",
                      message="catalogue down", times=None)
    try:
        at = studio()
        assert "The avatar and voice lists could not be loaded" in errors(at)
        assert "catalogue down" in text(at)
        wait_for_catalogue_fetches()  # the voices that were on their way have arrived
        count = len(sandbox.requests_log())
        at.run()
        assert len(sandbox.requests_log()) == count  # a rerun does not hammer HeyGen
    finally:
        sandbox.clear_faults()  # the module's sandbox serves the next tests
    at.button(key="catalogue_retry").click().run()
    assert len(pick_ids(at)) == 24
    assert_clean(at)


# -- the avatar gallery ----------------------------------------------------------------------------------


def test_gallery_pages_of_24(studio, cat):
    at = studio()
    pages = math.ceil(len(cat.public) / 24)
    assert pick_ids(at) == [look.id for look in cat.public[:24]]
    assert f"Page 1 of {pages} · {len(cat.public):,} avatars" in text(at)
    assert at.button(key="studio_av_prev").disabled
    at.button(key="studio_av_next").click().run()
    assert pick_ids(at) == [look.id for look in cat.public[24:48]]
    assert f"Page 2 of {pages}" in text(at)
    at.button(key="studio_av_next").click().run()
    at.button(key="studio_av_prev").click().run()
    assert f"Page 2 of {pages}" in text(at)
    assert_clean(at)


def test_gallery_search_and_filters(studio, cat):
    at = studio()
    at.button(key="studio_av_next").click().run()
    at.text_input(key="studio_av_search").input("kitchen").run()
    expected = [look.id for look in cat.public if "kitchen" in look.name.lower() or "kitchen" in look.tags]
    assert expected and pick_ids(at) == expected[:24]
    assert "Page 1 of" in text(at)  # a new search starts on page 1

    at.text_input(key="studio_av_search").input("").run()
    at.selectbox(key="studio_av_gender").set_value("male").run()
    at.selectbox(key="studio_av_type").set_value("photo_avatar").run()
    at.selectbox(key="studio_av_orientation").set_value("portrait").run()
    expected = [look.id for look in cat.public if look.gender == "male" and look.avatar_type == "photo_avatar"
                and look.preferred_orientation == "portrait"]
    assert expected and pick_ids(at) == expected[:24]
    assert f"{len(expected):,} avatar" in text(at)

    at.text_input(key="studio_av_search").input("no such avatar anywhere").run()
    assert pick_ids(at) == []
    assert "No avatars match these filters" in text(at)
    assert_clean(at)


def test_my_avatars_and_looks_still_training(studio, cat, sandbox):
    at = studio()
    at.segmented_control(key="studio_av_owner").set_value("mine").run()
    assert pick_ids(at) == [look.id for look in cat.private]
    training = [look for look in cat.private if not look.ready]
    ready = [look for look in cat.private if look.ready]
    assert training and ready
    for look in training:
        button = at.button(key=f"studio_av_pick_{look.id}")
        assert button.disabled and button.label == "Not ready yet"
        with pytest.raises(AppTestError):
            button.click()
    assert "Training…" in text(at) and "Failed" in text(at) and "Awaiting consent" in text(at)
    assert not at.button(key=f"studio_av_pick_{ready[0].id}").disabled

    # A look that is not ready, chosen some other way (e.g. an old job), is refused at launch.
    at.session_state["studio_avatar_id"] = training[0].id
    at.run()
    at.text_area(key=SCRIPT).input(HELLO).run()
    at.selectbox(key="studio_vo_choice").set_value(cat.voices[0].voice_id).run()
    generate(at)
    assert "still being prepared" in errors(at)
    assert video_posts(sandbox) == []
    assert_clean(at)


def test_picking_an_avatar_highlights_it_plays_its_clip_and_preselects_its_voice(studio, cat):
    at = studio()
    look = cat.public[2]
    pick(at, look.id)
    assert at.session_state["studio_avatar_id"] == look.id
    button = at.button(key=f"studio_av_pick_{look.id}")
    assert button.label == "✓ Selected" and button.proto.type == "primary"
    assert look.preview_video_url in [v.proto.url for v in at.get("video")]
    assert at.session_state["studio_voice_id"] == look.default_voice_id
    assert at.selectbox(key="studio_vo_choice").value == look.default_voice_id
    assert "Chosen avatar" in text(at) and look.name in text(at)
    assert_clean(at)


def test_a_voice_picked_by_hand_is_kept_when_the_avatar_changes(studio, cat):
    at = studio()
    first = cat.public[0]
    second = next(look for look in cat.public[:24] if look.default_voice_id != first.default_voice_id)
    pick(at, first.id)
    mine = next(v for v in cat.voices if v.voice_id not in (first.default_voice_id, second.default_voice_id))
    at.text_input(key="studio_vo_search").input(mine.name).run()
    at.selectbox(key="studio_vo_choice").set_value(mine.voice_id).run()
    pick(at, second.id)
    assert at.session_state["studio_voice_id"] == mine.voice_id
    at.button(key="studio_vo_use_default").click().run()
    assert at.session_state["studio_voice_id"] == second.default_voice_id
    assert_clean(at)


# -- the voice picker ----------------------------------------------------------------------------------------


def test_voice_filters_and_search(studio, cat):
    at = studio()
    assert len(at.selectbox(key="studio_vo_choice").options) == len(cat.voices) + len(cat.cloned)
    at.selectbox(key="studio_vo_language").set_value("German").run()
    german = [v for v in cat.voices + cat.cloned if v.language == "German"]
    options = at.selectbox(key="studio_vo_choice").options
    assert len(options) == len(german) and all(" · German · " in o for o in options)
    at.selectbox(key="studio_vo_gender").set_value("male").run()
    options = at.selectbox(key="studio_vo_choice").options
    assert options and len(options) == len([v for v in german if v.gender == "male"])
    assert all(o.endswith("Male") for o in options)
    name = next(v for v in german if v.gender == "male").name
    at.text_input(key="studio_vo_search").input(name.split()[0].lower()).run()
    options = at.selectbox(key="studio_vo_choice").options
    assert options and all(name.split()[0] in o for o in options)
    at.text_input(key="studio_vo_search").input("zzz no voice").run()
    assert at.selectbox(key="studio_vo_choice").options == []
    assert_clean(at)


def test_cloned_voices_are_listed_and_marked(studio, cat):
    at = studio()
    clone = cat.cloned[0]
    at.selectbox(key="studio_vo_choice").set_value(clone.voice_id).run()
    assert at.session_state["studio_voice_id"] == clone.voice_id
    assert "Cloned" in text(at)
    assert clone.preview_audio_url in [a.proto.url for a in at.get("audio")]


def test_voice_preview_or_a_note_when_there_is_none(studio, cat):
    at = studio()
    with_clip = next(v for v in cat.voices if v.preview_audio_url)
    without = next(v for v in cat.voices if not v.preview_audio_url)
    at.selectbox(key="studio_vo_choice").set_value(with_clip.voice_id).run()
    assert with_clip.preview_audio_url in [a.proto.url for a in at.get("audio")]
    at.selectbox(key="studio_vo_choice").set_value(without.voice_id).run()
    assert "This voice has no preview clip." in text(at)
    assert all(a.proto.url != with_clip.preview_audio_url for a in at.get("audio"))


# -- the script --------------------------------------------------------------------------------------------


def test_counters_and_title_follow_the_script(studio):
    at = studio()
    at.text_area(key=SCRIPT).input("Hello world").run()
    assert "11 / 5,000 characters · 2 words · about 1 s spoken" in text(at)
    at.text_area(key=SCRIPT).input(" ".join(["word"] * 150)).run()
    assert "150 words · about 1 min spoken" in text(at)
    at.text_area(key=SCRIPT).input("Welcome to our spring sale, everyone, and thanks!").run()
    assert at.text_input(key="studio_title").value == "Welcome to our spring sale, everyone…"
    at.text_input(key="studio_title").input("My own title").run()
    at.text_area(key=SCRIPT).input("Something else entirely now").run()
    assert at.text_input(key="studio_title").value == "My own title"


def test_insert_pause_only_for_voices_that_support_it(studio, cat):
    at = studio()
    pauses = next(v for v in cat.voices if v.support_pause)
    no_pauses = next(v for v in cat.voices if not v.support_pause)
    at.selectbox(key="studio_vo_choice").set_value(pauses.voice_id).run()
    at.text_area(key=SCRIPT).input("Hello.").run()
    at.button(key="studio_insert_pause").click().run()
    assert at.text_area(key=SCRIPT).value == 'Hello. <break time="1s"/>'

    at.selectbox(key="studio_vo_choice").set_value(no_pauses.voice_id).run()
    with pytest.raises(KeyError):
        at.button(key="studio_insert_pause")
    assert "This voice does not support pauses." in text(at)
    assert f"“{no_pauses.name}” does not support pauses" in text(at)
    at.button(key="studio_remove_pauses").click().run()
    assert at.text_area(key=SCRIPT).value == "Hello."
    assert_clean(at)


def test_break_tags_with_a_voice_without_pauses_are_refused(studio, cat, sandbox):
    at = studio()
    pick(at, cat.public[0].id)
    no_pauses = next(v for v in cat.voices if not v.support_pause)
    at.selectbox(key="studio_vo_choice").set_value(no_pauses.voice_id).run()
    at.text_area(key=SCRIPT).input('Hi <break time="1s"/> there').run()
    generate(at)
    assert "does not support pauses" in errors(at)
    assert video_posts(sandbox) == []


@pytest.mark.parametrize("script", ["", "    \n\t  "], ids=["empty", "whitespace"])
def test_an_empty_script_cannot_be_launched(studio, cat, sandbox, script):
    at = studio()
    pick(at, cat.public[0].id)
    at.text_area(key=SCRIPT).input(script).run()
    generate(at)
    assert "The script is empty" in text(at)
    assert "Fix this before generating" in errors(at)
    assert not at.button(key=GENERATE).disabled
    assert video_posts(sandbox) == [] and jobs(sandbox) == []
    assert_clean(at)


def test_an_over_long_script_cannot_be_launched(studio, cat, sandbox):
    at = studio()
    pick(at, cat.public[0].id)
    at.text_area(key=SCRIPT).input("word " * 1040).run()
    assert ":red[**5,200 / 5,000 characters**]" in text(at)
    generate(at)
    assert "5,200 characters long" in errors(at) and "at most 5,000" in errors(at)
    assert video_posts(sandbox) == []
    assert at.text_area(key=SCRIPT).value == "word " * 1040


def test_nothing_chosen_lists_every_problem(studio, sandbox):
    at = studio()
    generate(at)
    problems = errors(at)
    assert "Pick an avatar" in problems and "The script is empty" in problems and "Choose a voice" in problems
    assert video_posts(sandbox) == []


# -- launching --------------------------------------------------------------------------------------------------


def test_launch_records_the_job_first_and_sends_its_idempotency_key(studio, cat, sandbox):
    at = studio()
    look = cat.public[0]
    ready_avatar_video(at, cat)
    generate(at)
    assert_clean(at)
    posts = video_posts(sandbox)
    assert len(posts) == 1
    (job,) = jobs(sandbox)
    assert job.status in ("waiting", "pending", "processing", "completed")
    assert job.video_id and posts[0]["idempotency_key"] == job.idempotency_key
    body = posts[0]["request_json"]
    assert body["type"] == "avatar" and body["avatar_id"] == look.id
    assert body["script"] == HELLO and body["voice_id"] == look.default_voice_id
    assert body["title"] == "Hello and welcome to our spring…"
    # The ratio follows the look's picture until one is chosen by hand.
    fitting = {"portrait": "9:16", "square": "1:1"}.get(look.preferred_orientation, "16:9")
    assert body["resolution"] == "1080p" and body["aspect_ratio"] == fitting
    assert "voice_settings" not in body and "background" not in body
    assert job.inputs["spec"]["avatar_id"] == look.id
    extras = {k: job.inputs[k] for k in ("studio", "source", "speech", "avatar_name", "avatar_type", "voice_name")}
    assert extras == {"studio": 1, "source": "avatar", "speech": "script", "avatar_name": look.name,
                      "avatar_type": look.avatar_type, "voice_name": cat.voice[look.default_voice_id].name}
    assert job.inputs["estimated_seconds"] > 0
    assert at.session_state["selected_job"] == job.id
    assert on_videos_page(at)
    assert not at.session_state["studio_launching"]


def test_options_reach_the_request(studio, cat, sandbox):
    at = studio()
    ready_avatar_video(at, cat)
    at.slider(key="studio_speed").set_value(1.2).run()
    at.slider(key="studio_pitch").set_value(10).run()
    at.segmented_control(key="studio_aspect").set_value("9:16").run()
    at.segmented_control(key="studio_resolution").set_value("720p").run()
    at.segmented_control(key="studio_bg_mode").set_value("colour").run()
    at.color_picker(key="studio_bg_colour").pick("#112233").run()
    at.toggle(key="studio_remove_bg").set_value(True).run()
    at.text_input(key="studio_title").input("Spring sale").run()
    assert "9:16 portrait · 720p · background #112233 · own background removed" in text(at)
    generate(at)
    assert_clean(at)
    body = video_posts(sandbox)[0]["request_json"]
    assert body["voice_settings"] == {"speed": 1.2, "pitch": 10}
    assert body["aspect_ratio"] == "9:16" and body["resolution"] == "720p"
    assert body["background"] == {"type": "color", "value": "#112233"}
    assert body["remove_background"] is True and body["title"] == "Spring sale"


def test_photo_only_options(studio, cat, sandbox):
    at = studio()
    studio_look = cat.first(lambda look: look.avatar_type == "studio_avatar")
    pick(at, studio_look.id)
    with pytest.raises(KeyError):
        at.selectbox(key="studio_expressiveness")
    assert "available for photo avatars and your own photos" in text(at)
    photo_look = cat.first(lambda look: look.avatar_type == "photo_avatar")
    at.text_input(key="studio_av_search").input(photo_look.name).run()
    pick(at, photo_look.id)
    at.selectbox(key="studio_expressiveness").set_value("high").run()
    at.text_input(key="studio_motion_prompt").input("nods and smiles").run()
    at.text_area(key=SCRIPT).input(HELLO).run()
    generate(at)
    assert_clean(at)
    body = video_posts(sandbox)[0]["request_json"]
    assert body["avatar_id"] == photo_look.id
    assert body["expressiveness"] == "high" and body["motion_prompt"] == "nods and smiles"


def test_background_image_is_checked_and_uploaded(studio, cat, sandbox):
    at = studio()
    ready_avatar_video(at, cat)
    at.segmented_control(key="studio_bg_mode").set_value("image").run()
    uploader(at, "background").upload("tiny.png", corpus.tiny_png(), "image/png").run()
    assert "too small" in errors(at)
    uploader(at, "background").clear().upload("office.png", corpus.png(1600, 900), "image/png").run()
    assert "Ready to send · 1600×900" in text(at)
    generate(at)
    assert_clean(at)
    (upload,) = asset_posts(sandbox)
    asset_id = upload["response_json"]["data"]["asset_id"]
    assert video_posts(sandbox)[0]["request_json"]["background"] == {"type": "image", "asset_id": asset_id}
    assert jobs(sandbox)[0].inputs["background_name"] == "office.png"


def test_a_heygen_refusal_keeps_every_input_and_retries_the_same_job(studio, cat, sandbox):
    sandbox.add_fault("POST", "/v3/videos", status=402, code="insufficient_credit",
                      message="Your wallet balance is too low for this video.")
    at = studio()
    ready_avatar_video(at, cat)
    at.text_input(key="studio_title").input("Spring sale").run()
    generate(at)
    assert_clean(at)
    assert "The video was not sent" in errors(at)
    assert "does not have enough credit" in errors(at)
    assert "insufficient_credit" in text(at) and "Your wallet balance is too low" in text(at)
    assert at.text_area(key=SCRIPT).value == HELLO
    assert at.text_input(key="studio_title").value == "Spring sale"
    assert at.session_state["studio_avatar_id"] == cat.public[0].id
    assert not at.button(key=GENERATE).disabled
    (failed,) = jobs(sandbox)
    assert failed.status == "submit_failed"

    # Generate again with nothing changed: the same job, the same idempotency key.
    generate(at)
    assert_clean(at)
    posts = video_posts(sandbox)
    assert [p["status"] for p in posts] == [402, 200]
    assert posts[0]["idempotency_key"] == posts[1]["idempotency_key"] == failed.idempotency_key
    (job,) = jobs(sandbox)
    assert job.id == failed.id and job.video_id
    assert on_videos_page(at)


def test_a_retry_with_changed_inputs_is_a_new_job(studio, cat, sandbox):
    sandbox.add_fault("POST", "/v3/videos", status=402, code="insufficient_credit")
    at = studio()
    ready_avatar_video(at, cat)
    generate(at)
    assert "does not have enough credit" in errors(at)
    at.text_area(key=SCRIPT).input(HELLO + " Today only.").run()
    assert "The video was not sent" not in errors(at)  # the old error no longer applies
    generate(at)
    assert_clean(at)
    posts = video_posts(sandbox)
    assert len(posts) == 2 and posts[0]["idempotency_key"] != posts[1]["idempotency_key"]
    statuses = sorted(j.status for j in jobs(sandbox))
    assert len(statuses) == 2 and statuses.count("submit_failed") == 1


def test_heygen_field_errors_show_next_to_the_field_and_lower_the_limit(studio, cat, sandbox):
    sandbox.add_fault("POST", "/v3/videos", status=400, code="invalid_parameter",
                      message="script must be at most 1500 characters for this account")
    at = studio()
    ready_avatar_video(at, cat, script="word " * 400)
    generate(at)
    assert "script must be at most 1500 characters" in text(at)
    assert "2,000 / 1,500 characters" in text(at)
    assert at.text_area(key=SCRIPT).value == "word " * 400


def test_a_second_click_while_the_video_is_being_sent_makes_no_second_video(studio, cat, sandbox):
    """The first click's run is cut short while HeyGen is answering (as a second click does in a
    browser); the second click then finds the launch in flight and only finishes it."""
    at = studio()
    ready_avatar_video(at, cat)
    sandbox.add_fault("POST", "/v3/videos", kind="slow", delay_ms=2500)
    at.button(key=GENERATE).click()
    with pytest.raises(RuntimeError, match="timed out"):
        at.run(timeout=1.0)
    assert at.session_state["studio_launching"] is True
    (job,) = jobs(sandbox)
    assert len(video_posts(sandbox)) == 1
    at.button(key=GENERATE).click().run()  # the second click
    assert_clean(at)
    assert len(video_posts(sandbox)) == 1
    assert [j.id for j in jobs(sandbox)] == [job.id]
    assert at.session_state["selected_job"] == job.id and on_videos_page(at)


def test_a_launch_cut_short_before_sending_is_finished_once(studio, cat, sandbox):
    at = studio()
    pick(at, cat.public[0].id)
    use_audio_tab(at)
    uploader(at, "audio").upload("voice.wav", corpus.wav(2), "audio/wav").run()
    sandbox.add_fault("POST", "/v3/assets", kind="slow", delay_ms=2500)
    at.button(key=GENERATE).click()
    with pytest.raises(RuntimeError, match="timed out"):
        at.run(timeout=1.0)
    assert len(asset_posts(sandbox)) == 1 and video_posts(sandbox) == []
    at.button(key=GENERATE).click().run()
    assert_clean(at)
    assert len(asset_posts(sandbox)) == 1 and len(video_posts(sandbox)) == 1
    assert len(jobs(sandbox)) == 1 and on_videos_page(at)


def test_rerunning_after_a_launch_sends_nothing_more(studio, cat, sandbox):
    at = studio()
    ready_avatar_video(at, cat)
    generate(at)
    at.switch_page("pages/studio.py").run()
    at.run()
    assert len(video_posts(sandbox)) == 1
    assert at.text_area(key=SCRIPT).value == HELLO  # still there for the next video


# -- your photo ------------------------------------------------------------------------------------------------

GOOD_PHOTOS = [
    ("face.jpg", corpus.jpeg, "image/jpeg", "Kept your photo exactly as it was"),
    ("face.png", corpus.png, "image/png", "Converted from PNG to JPEG"),
    ("face.webp", corpus.webp, "image/webp", "Converted from WebP to JPEG"),
    ("print.jpg", corpus.cmyk_jpeg, "image/jpeg", "Converted from CMYK (print colours) to RGB"),
    ("scan.png", corpus.png_16_bit, "image/png", "Converted from 16-bit to 8-bit colour"),
]


@pytest.mark.parametrize(("name", "make", "mime", "note"), GOOD_PHOTOS, ids=[g[0] for g in GOOD_PHOTOS])
def test_a_good_photo_is_prepared_and_shown(studio, name, make, mime, note):
    at = studio()
    use_photo_tab(at)
    uploader(at, "image").upload(name, make(), mime).run()
    assert_clean(at)
    assert errors(at) == ""
    assert "Ready to send · 640×800" in text(at) and note in text(at)
    assert "clear, frontal face" in text(at)
    assert f"your photo {name} (640×800)" in text(at)
    assert at.image


def test_a_photo_video_uploads_the_prepared_photo_on_launch(studio, cat, sandbox):
    at = studio()
    use_photo_tab(at)
    uploader(at, "image").upload("face.png", corpus.png(), "image/png").run()
    assert asset_posts(sandbox) == []  # nothing is sent before Generate
    voice = cat.voices[0]
    at.selectbox(key="studio_vo_choice").set_value(voice.voice_id).run()
    at.text_area(key=SCRIPT).input(HELLO).run()
    at.selectbox(key="studio_expressiveness").set_value("medium").run()
    generate(at)
    assert_clean(at)
    (upload,) = asset_posts(sandbox)
    assert upload["response_json"]["data"]["mime_type"] == "image/jpeg"
    asset_id = upload["response_json"]["data"]["asset_id"]
    body = video_posts(sandbox)[0]["request_json"]
    assert body["type"] == "image" and body["image"] == {"type": "asset_id", "asset_id": asset_id}
    assert body["expressiveness"] == "medium" and body["voice_id"] == voice.voice_id
    (job,) = jobs(sandbox)
    assert job.inputs["photo_name"] == "face.png" and job.inputs["source"] == "photo"
    assert job.inputs["photo_notes"] == ["Converted from PNG to JPEG"]

    # Back in the Studio for another take: the photo is offered again by its asset id.
    at.switch_page("pages/studio.py").run()
    assert "Previously uploaded photo **face.png**" in text(at)
    at.text_area(key=SCRIPT).input(HELLO + " Second take.").run()
    generate(at)
    assert len(asset_posts(sandbox)) == 1
    assert video_posts(sandbox)[1]["request_json"]["image"] == body["image"]


def test_inputs_and_files_survive_a_visit_to_another_page(studio, cat, sandbox):
    at = studio()
    pick(at, cat.public[3].id)
    at.text_area(key=SCRIPT).input(HELLO).run()
    at.segmented_control(key="studio_aspect").set_value("9:16").run()
    use_audio_tab(at)
    uploader(at, "audio").upload("voice.wav", corpus.wav(2), "audio/wav").run()
    at.switch_page("pages/settings.py").run()
    at.switch_page("pages/studio.py").run()
    assert_clean(at)
    assert at.text_area(key=SCRIPT).value == HELLO
    assert at.segmented_control(key="studio_aspect").value == "9:16"
    assert at.session_state["studio_speech_tab"] == "Your audio"
    assert "Using **voice.wav**, uploaded earlier" in text(at)
    generate(at)
    assert_clean(at)
    assert len(asset_posts(sandbox)) == 1
    assert video_posts(sandbox)[0]["request_json"]["audio_asset_id"]


BAD_PHOTOS = [
    ("report.jpg", corpus.pdf_named_jpg, "not_an_image"),
    ("cut.jpg", corpus.truncated_jpeg, "truncated"),
    ("empty.jpg", lambda: b"", "empty"),
    ("bomb.png", corpus.png_bomb, "too_many_pixels"),
    ("cutout.png", corpus.png_over_memory, "too_large_decoded"),
    ("party.gif", corpus.animated_gif, "unsupported_format"),
    ("moving.png", corpus.animated_png, "animated"),
    ("icon.png", corpus.tiny_png, "too_small"),
    ("huge.jpg", corpus.big_file, "too_large_file"),
]


@pytest.mark.parametrize(("name", "make", "code"), BAD_PHOTOS, ids=[b[0] for b in BAD_PHOTOS])
def test_each_bad_photo_gets_its_own_message(studio, cat, sandbox, name, make, code):
    data = make()
    with pytest.raises(MediaError) as refused:
        prepare_image(data, name)
    assert refused.value.code == code
    at = studio()
    use_photo_tab(at)
    at.selectbox(key="studio_vo_choice").set_value(cat.voices[0].voice_id).run()
    at.text_area(key=SCRIPT).input(HELLO).run()
    uploader(at, "image").upload(name, data, "image/jpeg").run()
    assert_clean(at)
    assert str(refused.value) in errors(at)
    generate(at)
    assert_clean(at)
    assert asset_posts(sandbox) == [] and video_posts(sandbox) == []
    assert str(refused.value) in errors(at)


# -- your audio ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "mime", "fmt"), [
    ("voice.wav", corpus.wav(3), "audio/wav", "WAV"),
    ("voice.mp3", corpus.mp3(3), "audio/mpeg", "MP3"),
], ids=["wav", "mp3"])
def test_an_audio_video_uploads_the_recording_on_launch(studio, cat, sandbox, name, data, mime, fmt):
    at = studio()
    pick(at, cat.public[0].id)
    use_audio_tab(at)
    uploader(at, "audio").upload(name, data, mime).run()
    assert_clean(at)
    assert errors(at) == ""
    assert f"{fmt} · 3 s ·" in text(at)
    assert any("/media/" in a.proto.url for a in at.get("audio"))  # the recording's own player
    assert asset_posts(sandbox) == []
    generate(at)
    assert_clean(at)
    (upload,) = asset_posts(sandbox)
    body = video_posts(sandbox)[0]["request_json"]
    assert body["audio_asset_id"] == upload["response_json"]["data"]["asset_id"]
    assert "script" not in body and "voice_id" not in body
    (job,) = jobs(sandbox)
    assert job.inputs["audio_name"] == name and job.inputs["speech"] == "audio"
    assert job.inputs["audio_seconds"] == pytest.approx(3.0, abs=0.05)
    assert job.title == "voice"


BAD_AUDIO = [
    ("script.mp3", corpus.text_as_mp3, "not_audio"),
    ("long.wav", lambda: corpus.wav(660), "audio_too_long"),
    ("huge.mp3", lambda: corpus.big_file(201), "too_large_file"),  # over HeyGen's 200 MB audio maximum
    ("empty.mp3", lambda: b"", "empty"),
]


@pytest.mark.parametrize(("name", "make", "code"), BAD_AUDIO, ids=[b[0] for b in BAD_AUDIO])
def test_each_bad_recording_gets_its_own_message(studio, cat, sandbox, name, make, code):
    data = make()
    with pytest.raises(MediaError) as refused:
        inspect_audio(data, name)
    assert refused.value.code == code
    at = studio()
    pick(at, cat.public[0].id)
    use_audio_tab(at)
    uploader(at, "audio").upload(name, data, "audio/mpeg").run()
    assert_clean(at)
    assert str(refused.value) in errors(at)
    generate(at)
    assert_clean(at)
    assert asset_posts(sandbox) == [] and video_posts(sandbox) == []


def test_the_audio_tab_without_a_recording_asks_for_one(studio, cat, sandbox):
    at = studio()
    pick(at, cat.public[0].id)
    use_audio_tab(at)
    generate(at)
    assert "Upload an audio file" in errors(at)
    assert video_posts(sandbox) == []


# -- Edit & retry ----------------------------------------------------------------------------------------------


def test_edit_and_retry_fills_in_everything(studio, cat, sandbox):
    at = studio()
    look = cat.public[30]
    at.button(key="studio_av_next").click().run()
    pick(at, look.id)
    voice = cat.voices[5]
    at.selectbox(key="studio_vo_choice").set_value(voice.voice_id).run()
    at.text_area(key=SCRIPT).input(HELLO).run()
    at.slider(key="studio_speed").set_value(0.8).run()
    at.segmented_control(key="studio_aspect").set_value("9:16").run()
    at.segmented_control(key="studio_bg_mode").set_value("colour").run()
    at.color_picker(key="studio_bg_colour").pick("#abcdef").run()
    at.text_input(key="studio_title").input("First take").run()
    generate(at)
    (job,) = jobs(sandbox)

    fresh = studio()  # another session, as after a reload
    fresh.session_state["studio_prefill"] = job.id
    fresh.run()
    assert_clean(fresh)
    assert "Settings loaded from “First take”" in text(fresh)
    assert "studio_prefill" not in fresh.session_state
    assert fresh.session_state["studio_avatar_id"] == look.id
    assert look.id in pick_ids(fresh)  # the gallery turned to its page
    assert fresh.session_state["studio_voice_id"] == voice.voice_id
    assert fresh.text_area(key=SCRIPT).value == HELLO
    assert fresh.slider(key="studio_speed").value == pytest.approx(0.8)
    assert fresh.segmented_control(key="studio_aspect").value == "9:16"
    assert fresh.color_picker(key="studio_bg_colour").value == "#abcdef"
    assert fresh.text_input(key="studio_title").value == "First take"
    generate(fresh)
    assert_clean(fresh)
    first, second = video_posts(sandbox)
    assert first["idempotency_key"] != second["idempotency_key"]
    assert first["request_json"] == second["request_json"]


def test_edit_and_retry_reuses_uploaded_photo_and_audio(studio, cat, sandbox):
    at = studio()
    use_photo_tab(at)
    use_audio_tab(at)
    uploader(at, "image").upload("me.png", corpus.png(), "image/png").run()
    uploader(at, "audio").upload("take1.wav", corpus.wav(2), "audio/wav").run()
    generate(at)
    (job,) = jobs(sandbox)
    assert len(asset_posts(sandbox)) == 2

    at.session_state["studio_prefill"] = job.id
    at.switch_page("pages/studio.py").run()
    assert_clean(at)
    assert "Previously uploaded photo **me.png**" in text(at)
    assert "Previously uploaded audio **take1.wav** (2 s)" in text(at)
    generate(at)
    assert_clean(at)
    assert len(asset_posts(sandbox)) == 2  # nothing uploaded again
    first, second = video_posts(sandbox)
    assert second["request_json"]["image"] == first["request_json"]["image"]
    assert second["request_json"]["audio_asset_id"] == first["request_json"]["audio_asset_id"]


def test_edit_and_retry_of_an_unknown_job_says_so(studio):
    at = studio()
    at.session_state["studio_prefill"] = "no-such-job"
    at.run()
    assert_clean(at)
    assert "could not be found" in text(at)
