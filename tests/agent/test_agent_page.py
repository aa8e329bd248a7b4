"""The Prompt to video page driven through AppTest against the sandbox over real HTTP: every
validation message, attachments good and bad, the launch (landing on Videos with the job stored),
a failed launch that keeps everything and retries safely, Edit & retry, and the styles."""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path

import pytest

import agent_corpus as corpus
from heygen import Client
from heygen.studio.config import account_fingerprint
from heygen.studio.kinds import KINDS
from heygen.studio.jobs import JobStore
from tests.support import shown
from ui import agent_form as form

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "contract"))
import contract  # noqa: E402

PROMPT = "A 45-second product intro for our new running shoe, upbeat, for Instagram"


# -- helpers ------------------------------------------------------------------------------------------


def text(at) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(shown(str(e.value)) for e in getattr(at, kind))
    return "\n".join(parts)


def errors(at) -> str:
    return "\n".join(shown(str(e.value)) for e in at.error)


def field_errors(at) -> list[str]:
    return [html.unescape(str(m.value)) for m in at.markdown if "hg-field-error" in str(m.value)]


def uploader(at):
    return next(u for u in at.get("file_uploader") if (u.key or "").startswith("agent_files_"))


def attach(at, *files):
    up = uploader(at)
    for name, data, mime in files:
        up.upload(name, data, mime)
    return at.run()


def write(at, prompt: str = PROMPT):
    return at.text_area(key=form.PROMPT).input(prompt).run()


def generate(at):
    return at.button(key=form.FORM.keys.generate).click().run()


def on_videos_page(at) -> bool:
    return [t.value for t in at.title][:1] == ["Videos"]


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]


def store() -> JobStore:
    return JobStore(Path(os.environ["HEYGEN_STUDIO_DATA_DIR"]), kinds=KINDS)


def jobs(sandbox):
    return store().list(account_fingerprint(os.environ["HEYGEN_API_KEY"], sandbox.base_url))


def style_buttons(at) -> list[str]:
    return [b.key.removeprefix("agent_style_pick_") for b in at.button if (b.key or "").startswith("agent_style_pick_")]


@pytest.fixture
def api(sandbox, api_key):
    with Client(api_key, sandbox.base_url) as client:
        yield client


PDF = ("brochure.pdf", corpus.pdf(), "application/pdf")
PNG = ("running shoe.png", corpus.png(), "image/png")


# -- the page -------------------------------------------------------------------------------------------


def test_the_page_shows_every_section_and_fetches_the_styles_once(app, sandbox, calls, api):
    at = app()
    assert [t.value for t in at.title] == ["Prompt to video"]
    assert [s.value for s in at.subheader] == [
        "1 · Describe your video", "2 · Add your material", "3 · Visual style", "4 · Presenter", "Format", "Mode"]
    styles = api.video_agents.styles()
    assert style_buttons(at) == ["none", *[s.style_id for s in styles]]
    assert at.button(key="agent_style_pick_none").label == "✓ Selected"
    assert at.button(key=form.FORM.keys.generate).label == "Generate with Video Agent"
    assert "Video Agent renders often take 10–30 minutes." in text(at)
    summary = text(at)
    for line in ("HeyGen decides", "HeyGen chooses", "— not written yet"):
        assert line in summary
    count = len(calls("GET", "/v3/video-agents/styles"))
    write(at, "Hello")
    at.button(key=f"agent_style_pick_{styles[2].style_id}").click().run()
    at2 = app()  # another browser session shares the cached list
    assert len(calls("GET", "/v3/video-agents/styles")) == count == 2  # one from the page, one from `api`
    assert at.button(key=f"agent_style_pick_{styles[2].style_id}").label == "✓ Selected"
    assert f"Style: **{styles[2].name}**." in text(at)
    assert calls("POST", "/v3/video-agents") == []
    assert_clean(at)
    assert_clean(at2)


def test_the_counter_and_the_title_follow_the_prompt(app):
    at = app()
    assert "0 / 10,000 characters · 0 words" in text(at)
    write(at, "  A short intro for our spring sale.  ")
    assert "34 / 10,000 characters · 7 words" in text(at)
    assert at.text_input(key=form.TITLE).placeholder == "Agent: A short intro for our spring…"
    assert "Agent: A short intro for our spring…" in text(at)
    assert at.text_area(key=form.PROMPT).max_chars == 10_000
    assert_clean(at)


def test_an_example_fills_the_prompt(app):
    at = app()
    at.pills(key=form.EXAMPLES_KEY).set_value("Product intro").run()
    assert at.text_area(key=form.PROMPT).value == form.EXAMPLES["Product intro"]
    assert "Need a starting point?" not in [p.label for p in at.pills]
    assert_clean(at)


# -- validation messages ------------------------------------------------------------------------------


@pytest.mark.parametrize("prompt", ["", "   \n  "])
def test_an_empty_prompt_is_explained_and_nothing_is_sent(app, sandbox, calls, prompt):
    at = app()
    write(at, prompt)
    assert "the prompt is empty" not in text(at)  # no message before the first attempt
    generate(at)
    assert "Fix this before generating:" in errors(at)
    assert "Describe the video you want: the prompt is empty." in errors(at)
    assert field_errors(at) == ['<div class="hg-field-error">Describe the video you want: the prompt is empty.</div>']
    assert not on_videos_page(at) and not at.button(key=form.FORM.keys.generate).disabled
    assert jobs(sandbox) == [] and calls("POST", "/v3/video-agents") == []
    assert_clean(at)


def test_the_prompt_box_holds_at_most_10000_characters_and_says_when_an_old_prompt_was_cut(app, sandbox, account):
    at = app()
    assert at.text_area(key=form.PROMPT).max_chars == 10_000  # the browser stops typing there, counting live
    at.text_area(key=form.PROMPT).input("x" * 10_001).run()
    assert at.text_area(key=form.PROMPT).value == ""
    at.text_area(key=form.PROMPT).input("x" * 10_000).run()
    assert "10,000 / 10,000 characters · 1 word<" in text(at)  # one word, not "1 words"
    # A job whose prompt is longer (made elsewhere) is loaded cut, and the page says so.
    old = store().create(account=account, kind="agent", title="Old", inputs={"spec": {"prompt": "word " * 2001}})
    at.session_state[form.FORM.keys.prefill] = old.id
    at.run()
    assert len(at.text_area(key=form.PROMPT).value) == 10_000
    assert "Its prompt had 10,005 characters and was cut to the first 10,000; check its end." in text(at)
    assert_clean(at)


def test_more_than_20_files_are_refused(app, sandbox):
    at = app()
    write(at)
    attach(at, *[(f"clip {n}.wav", corpus.wav(1 + n / 10), "audio/wav") for n in range(21)])
    assert "21 of 20 files" in text(at)
    generate(at)
    assert "Video Agent takes at most 20 files and 21 are attached; remove 1." in errors(at)
    assert jobs(sandbox) == []
    assert_clean(at)


def test_choosing_an_avatar_or_voice_myself_needs_a_choice(app, sandbox, api):
    at = app()
    write(at)
    at.segmented_control(key=form.AVATAR_MODE).set_value("pick").run()
    at.segmented_control(key=form.VOICE_MODE).set_value("pick").run()
    assert "— pick one" in text(at) and "— choose one" in text(at)
    generate(at)
    assert "Fix these 2 things before generating:" in errors(at)
    assert "Pick an avatar below, or let HeyGen choose." in errors(at)
    assert "Choose a voice below, or let HeyGen choose." in errors(at)
    assert jobs(sandbox) == []
    # Going back to "HeyGen chooses" clears both.
    at.segmented_control(key=form.AVATAR_MODE).set_value("auto").run()
    at.segmented_control(key=form.VOICE_MODE).set_value("auto").run()
    assert "let HeyGen choose" not in errors(at)
    assert_clean(at)


def test_an_avatar_still_training_is_refused(app, sandbox, api):
    training = next(look for look in api.avatars.looks(ownership="private") if not look.ready)
    at = app()
    write(at)
    at.segmented_control(key=form.AVATAR_MODE).set_value("pick").run()
    at.session_state["agent_avatar_id"] = training.id
    at.run()
    generate(at)
    assert f"“{training.name}” is still being prepared by HeyGen; pick another avatar." in errors(at)
    assert jobs(sandbox) == []
    assert_clean(at)


def test_a_style_no_longer_offered_is_refused(app, sandbox):
    at = app()
    write(at)
    at.session_state[form.STYLE_ID] = "style_retired"
    at.run()
    generate(at)
    assert "The style chosen earlier is no longer offered; choose another or none." in errors(at)
    at.button(key="agent_style_pick_none").click().run()
    assert "no longer offered" not in errors(at)
    assert jobs(sandbox) == []
    assert_clean(at)


# -- attachments ---------------------------------------------------------------------------------------


def test_good_attachments_are_listed_and_nothing_is_uploaded_yet(app, calls):
    at = app()
    attach(at, PDF, PNG, ("teaser.mp4", corpus.mp4(), "video/mp4"), ("teaser.webm", corpus.webm(), "video/webm"),
           ("jingle.wav", corpus.wav(3), "audio/wav"), ("voice.mp3", corpus.mp3(75), "audio/mpeg"))
    shown = text(at)
    for line in ("**brochure.pdf** · <span class='ag-file-meta'>PDF document · 1 KB",
                 "**running shoe.png** · <span class='ag-file-meta'>Image · 900×600 · Converted from PNG to JPEG",
                 "**teaser.mp4** · <span class='ag-file-meta'>MP4 clip · 48 KB",
                 "**teaser.webm** · <span class='ag-file-meta'>WebM clip · 4 KB",
                 "**jingle.wav** · <span class='ag-file-meta'>WAV audio · 3 s",
                 "**voice.mp3** · <span class='ag-file-meta'>MP3 audio · 1:15"):
        assert line in shown, line
    assert "6 of 20 files" in shown
    assert "1 PDF, 1 image, 2 clips, 2 audio" in shown
    assert len(at.get("image")) == 1  # the picture is previewed
    assert calls("POST", "/v3/assets") == []
    assert_clean(at)


BAD = [
    ("notes.docx", corpus.docx(), "This file is a ZIP archive or an Office document; Video Agent takes JPEG, PNG or "
                                  "WebP images, PDF documents, MP4 or WebM clips, and MP3 or WAV audio. Save documents "
                                  "as PDF first."),
    ("notes.txt", corpus.text(), "This file is plain text;"),
    ("spin.gif", corpus.animated_gif(), "This file is a GIF image; please upload a JPEG, PNG or WebP photo."),
    ("logo.png", corpus.tiny_png(), "This image is only 120×80 pixels; Video Agent needs images of at least 256 "
                                    "pixels on the shorter side."),
    ("song.m4a", corpus.m4a(), "This file is M4A audio; Video Agent takes MP3 or WAV audio."),
    ("phone.mov", corpus.mov(), "This file is a QuickTime video; Video Agent takes MP4 or WebM clips."),
    ("film.mkv", corpus.mkv(), "This file is a Matroska (MKV) video;"),
    ("track.flac", corpus.flac(), "This file is FLAC audio; Video Agent takes MP3 or WAV audio."),
    ("empty.pdf", b"", "This file is empty (0 bytes); please choose the file again."),
    ("huge.pdf", corpus.big_pdf(), "This file is 33.0 MB; HeyGen accepts files of at most 32 MB."),
    ("odd.pdf", corpus.pdf_without_version(), "This PDF is damaged"),
    ("long.wav", corpus.wav(601), "This audio is 10 min 1 s long; HeyGen accepts at most 10 minutes."),
]


def test_every_bad_attachment_is_refused_with_its_own_message(app, sandbox, calls):
    at = app()
    write(at)
    attach(at, PDF, *[(name, data, "application/octet-stream") for name, data, _ in BAD])
    shown = text(at)
    for name, _, message in BAD:
        line = next((m for m in shown.splitlines() if f"**{name}**" in m), "")
        assert message.replace("&", "&amp;") in line, (name, line)
    assert "1 of 20 files" in shown  # only the good PDF counts
    generate(at)
    assert f"{len(BAD)} attached files cannot be used; remove them (×) or attach different files." in errors(at)
    assert jobs(sandbox) == [] and calls("POST", "/v3/assets") == []
    assert_clean(at)


def test_the_same_file_twice_is_refused_once(app):
    at = app()
    attach(at, PDF, ("copy.pdf", PDF[1], "application/pdf"))
    assert "This is the same file as “brochure.pdf”, which is already attached." in text(at)
    generate(at)
    assert "One attached file cannot be used; remove it (×) or attach a different file." in errors(at)
    assert_clean(at)


# -- launching -------------------------------------------------------------------------------------------


def test_a_full_launch_lands_on_videos_with_the_job_stored(app, sandbox, calls, api):
    look = next(look for look in api.avatars.looks(ownership="public") if look.ready)
    voice = api.voices.list(limit=3)[2]
    style = next(s for s in api.video_agents.styles() if s.aspect_ratio == "9:16")
    at = app()
    write(at)
    attach(at, PDF, PNG)
    at.button(key=f"agent_style_pick_{style.style_id}").click().run()
    at.segmented_control(key=form.ORIENTATION).set_value("portrait").run()
    at.segmented_control(key=form.AVATAR_MODE).set_value("pick").run()
    at.button(key=f"agent_av_pick_{look.id}").click().run()
    at.segmented_control(key=form.VOICE_MODE).set_value("pick").run()
    at.selectbox(key="agent_vo_choice").set_value(voice.voice_id).run()
    summary = text(at)
    for line in (look.name, voice.name, style.name, "Portrait (9:16)", "1 PDF, 1 image", "Agent: A 45-second"):
        assert line in summary, line
    assert calls("POST", "/v3/assets") == []

    generate(at)
    assert_clean(at)
    assert on_videos_page(at)
    (job,) = jobs(sandbox)
    assert at.session_state["selected_job"] == job.id
    assert job.kind == "agent" and job.video_id and job.status in ("waiting", "pending", "processing")
    assert job.title == "Agent: A 45-second product intro for our…"
    assert job.inputs["spec"]["prompt"] == PROMPT and job.inputs["style_name"] == style.name
    assert job.inputs["avatar_name"] == look.name and job.inputs["voice_name"] == voice.name
    (post,) = calls("POST", "/v3/video-agents")
    assert post["idempotency_key"] == job.idempotency_key
    body = post["request_json"]
    contract.validate_request("POST", "/v3/video-agents", body)
    assets = [f["asset_id"] for f in job.inputs["files"]]
    assert body == {"prompt": PROMPT, "avatar_id": look.id, "voice_id": voice.voice_id, "style_id": style.style_id,
                    "orientation": "portrait", "files": [{"type": "asset_id", "asset_id": a} for a in assets]}
    assert len(calls("POST", "/v3/assets")) == 2
    # The Videos page shows the render as a Video Agent render, and the history lists it by its title.
    assert "Video Agent render" in text(at)
    titles = list(at.dataframe[0].value["Title"])
    assert titles == [job.title]


def test_the_title_typed_is_the_history_title(app, sandbox):
    at = app()
    write(at)
    at.text_input(key=form.TITLE).input("Stride X launch").run()
    generate(at)
    (job,) = jobs(sandbox)
    assert job.title == "Stride X launch" and job.inputs["title_set"] is True
    assert_clean(at)


def test_a_failed_launch_keeps_everything_and_the_retry_reuses_the_job(app, sandbox, calls):
    at = app()
    write(at)
    attach(at, PDF, PNG)
    sandbox.add_fault(method="POST", path="/v3/video-agents", status=402, code="insufficient_credit",
                      message="Not enough credit for Video Agent.", times=1)
    generate(at)
    assert_clean(at)
    assert not on_videos_page(at)
    assert "The video was not sent: Your HeyGen account does not have enough credit for this." in errors(at)
    assert "Your prompt and files are all still here." in text(at)
    assert at.text_area(key=form.PROMPT).value == PROMPT
    assert "**brochure.pdf**" in text(at) and "**running shoe.png**" in text(at)
    assert not at.button(key=form.FORM.keys.generate).disabled
    (job,) = jobs(sandbox)
    assert job.status == "submit_failed" and all(f["asset_id"] for f in job.inputs["files"])

    generate(at)
    assert on_videos_page(at)
    (again,) = jobs(sandbox)
    assert again.id == job.id and again.video_id
    assert len(calls("POST", "/v3/assets")) == 2, "files are uploaded once"
    assert [p["idempotency_key"] for p in calls("POST", "/v3/video-agents")] == [job.idempotency_key] * 2
    assert_clean(at)


def test_changed_inputs_after_a_failure_make_a_new_job(app, sandbox, calls):
    at = app()
    write(at)
    sandbox.add_fault(method="POST", path="/v3/video-agents", status=403, code="forbidden", times=1)
    generate(at)
    assert "Your HeyGen account is not allowed to do this" in errors(at)
    write(at, PROMPT + " Add a discount code.")
    assert "Your HeyGen account is not allowed to do this" not in errors(at)  # the old error no longer applies
    generate(at)
    assert on_videos_page(at)
    first, second = sorted(jobs(sandbox), key=lambda j: j.created_at)
    assert first.status == "submit_failed" and second.video_id
    keys = [p["idempotency_key"] for p in calls("POST", "/v3/video-agents")]
    assert keys == [first.idempotency_key, second.idempotency_key] and keys[0] != keys[1]
    assert_clean(at)


def test_a_refusal_by_heygen_is_shown_under_the_field(app, sandbox, calls):
    at = app()
    write(at)
    at.session_state[form.REUSE] = [{"asset_id": "gone-asset", "name": "old brochure.pdf", "kind": "pdf",
                                     "detail": "PDF document · 1 KB"}]
    at.run()
    assert "**old brochure.pdf**" in text(at) and "already on HeyGen" in text(at)
    generate(at)
    assert not on_videos_page(at)
    assert "Asset 'gone-asset' not found." in "\n".join(field_errors(at))
    assert "(field “files[0].asset_id”)" in errors(at)
    # Removing the stale file and generating again works.
    at.button(key="agent_forget_file_0").click().run()
    generate(at)
    assert on_videos_page(at)
    assert_clean(at)


def test_an_interrupted_launch_resumes_without_sending_twice(app, sandbox, calls, api):
    at = app()
    write(at)
    generate(at)
    (job,) = jobs(sandbox)
    # A run that stopped after HeyGen answered: the next run finds the job sent and only moves on.
    at2 = app()
    write(at2)
    at2.session_state[form.FORM.keys.launching] = True
    at2.session_state[form.FORM.keys.inflight] = {"job_id": job.id, "payload": [], "signature": "x"}
    at2.run()
    assert on_videos_page(at2)
    assert len(calls("POST", "/v3/video-agents")) == 1
    assert_clean(at2)


# -- Edit & retry ---------------------------------------------------------------------------------------


def test_edit_and_retry_fills_the_form_and_reuses_the_uploaded_files(app, sandbox, calls, api):
    style = api.video_agents.styles()[1]
    at = app()
    write(at)
    attach(at, PDF, PNG)
    at.button(key=f"agent_style_pick_{style.style_id}").click().run()
    at.segmented_control(key=form.ORIENTATION).set_value("landscape").run()
    at.text_input(key=form.TITLE).input("Stride X launch").run()
    generate(at)
    (job,) = jobs(sandbox)

    fresh = app()
    fresh.session_state[form.FORM.keys.prefill] = job.id
    fresh.switch_page("pages/agent.py").run()
    assert_clean(fresh)
    assert fresh.text_area(key=form.PROMPT).value == PROMPT
    assert fresh.text_input(key=form.TITLE).value == "Stride X launch"
    assert fresh.segmented_control(key=form.ORIENTATION).value == "landscape"
    assert fresh.button(key=f"agent_style_pick_{style.style_id}").label == "✓ Selected"
    assert "Settings loaded from “Stride X launch”." in text(fresh)
    assert "**brochure.pdf**" in text(fresh) and "already on HeyGen" in text(fresh)
    assert "1 PDF, 1 image" in text(fresh)

    write(fresh, PROMPT + " Make it 30 seconds.")
    generate(fresh)
    assert on_videos_page(fresh)
    assert len(jobs(sandbox)) == 2
    assert len(calls("POST", "/v3/assets")) == 2, "the files are not uploaded again"
    first, second = [p["request_json"] for p in calls("POST", "/v3/video-agents")]
    assert second["files"] == first["files"] and second["style_id"] == style.style_id
    assert second["prompt"].endswith("Make it 30 seconds.")


def test_edit_and_retry_of_an_unknown_job_says_so(app):
    at = app()
    at.session_state[form.FORM.keys.prefill] = "no-such-job"
    at.run()
    assert "That video's settings could not be found, so nothing was filled in." in text(at)
    assert at.text_area(key=form.PROMPT).value == ""
    assert_clean(at)


def test_a_job_another_page_edits_fills_nothing_here(app, account):
    studio_job = store().create(account=account, kind="avatar", title="A studio video",
                                inputs={"spec": {"script": "Hello there", "prompt": "not a prompt"}})
    at = app()
    write(at, "My own words")
    at.session_state[form.FORM.keys.prefill] = studio_job.id
    at.run()
    assert "That video's settings could not be found, so nothing was filled in." in text(at)
    assert at.text_area(key=form.PROMPT).value == "My own words"
    assert form.FORM.keys.prefill not in at.session_state
    assert_clean(at)


# -- styles --------------------------------------------------------------------------------------------


def test_styles_that_cannot_be_loaded_do_not_block_the_page(app, sandbox, calls):
    sandbox.add_fault(method="GET", path="/v3/video-agents/styles", status=500, message="styles down", times=None)
    at = app()
    assert "The Video Agent styles could not be loaded" in errors(at)
    assert "You can still generate without a style." in text(at)
    count = len(calls("GET", "/v3/video-agents/styles"))
    write(at)
    assert len(calls("GET", "/v3/video-agents/styles")) == count  # reruns do not ask again
    sandbox.clear_faults()
    at.button(key="agent_styles_retry").click().run()
    assert len(style_buttons(at)) == 13
    generate(at)
    assert on_videos_page(at)
    assert_clean(at)


def test_the_style_tags_filter_the_cards(app, api):
    at = app()
    at.pills(key=form.STYLE_TAG).set_value("cinematic").run()
    expected = [s.style_id for s in api.video_agents.styles() if "cinematic" in s.tags]
    assert style_buttons(at) == ["none", *expected]
    assert_clean(at)
