"""The Batch page's preview row speaks the chosen row with the template's voice and speed (once per
text), and the template's captions, aspect ratio and fit reach every row's POST /v3/videos body."""

from __future__ import annotations

from heygen import Client
from tests.batch_page.page_helpers import API_KEY, metric, open_page, run, shown, upload, video_posts

CSV = b"first_name,company\nSiobhan,Northwind\nBen,Harbour\n"
SCRIPT = "Hi {{first_name}}! A short hello to everyone at {{company}}."


def speech_posts(sandbox) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/voices/speech"]


def captions(at) -> str:
    return "\n".join(shown(str(c.value)) for c in at.caption)


def template_with(sandbox, *, speaks: bool):
    """A session with the contacts, the script, a landscape look and a voice that can (or cannot) speak."""
    with Client(API_KEY, sandbox.base_url) as client:
        speaking = client.voices.speech_voice_ids()
        looks = client.avatars.looks(ownership="public", avatar_type="studio_avatar")
        voices = client.voices.list(type="public")
    look = next(x for x in looks if x.ready and x.preferred_orientation == "landscape")
    voice = next(v for v in voices if (v.voice_id in speaking) is speaks)
    at = open_page()
    upload(at, CSV)
    at.text_area(key="batch_script").input(SCRIPT)
    run(at)
    at.button(key=f"batch_av_pick_{look.id}").click()
    run(at)
    at.session_state["batch_voice_id"] = voice.voice_id
    at.session_state["batch_voice_manual"] = True
    return run(at), look, voice


def test_the_preview_row_is_heard_once_with_the_voice_and_speed(sandbox):
    at, _, voice = template_with(sandbox, speaks=True)
    at.selectbox(key="batch_preview_row").set_value(2)
    run(at)
    assert at.text_area(key="batch_listen_part").value == "Hi Ben! A short hello to everyone at Harbour."
    at.slider(key="batch_speed").set_value(1.2)
    run(at)
    at.button(key="batch_listen_button").click()
    run(at)
    assert not at.exception, [e.value for e in at.exception]
    (post,) = speech_posts(sandbox)
    assert post["request_json"] == {"text": "Hi Ben! A short hello to everyone at Harbour.",
                                    "voice_id": voice.voice_id, "speed": 1.2}
    assert "spoken by HeyGen just now" in captions(at)
    at.button(key="batch_listen_button").click()
    run(at)
    assert "played again from the copy kept here" in captions(at)
    assert len(speech_posts(sandbox)) == 1
    # Another row is another text: its box follows the row until edited.
    at.selectbox(key="batch_preview_row").set_value(1)
    run(at)
    assert at.text_area(key="batch_listen_part").value.startswith("Hi Siobhan!")


def test_a_voice_that_cannot_speak_gets_a_note(sandbox):
    at, _, _ = template_with(sandbox, speaks=False)
    assert "Listen is not available" in captions(at)
    assert not [b for b in at.button if b.key == "batch_listen_button"]
    assert speech_posts(sandbox) == []


def test_captions_ratio_and_fit_reach_every_row(sandbox, worker):
    at, look, _ = template_with(sandbox, speaks=True)
    at.segmented_control(key="batch_aspect").set_value("1:1")
    at.segmented_control(key="batch_captions").set_value("burned")
    at.segmented_control(key="batch_fit").set_value("contain")
    run(at)
    assert metric(at, "Ready rows") == "2 of 2"
    at.button(key="batch_start_sample").click()
    run(at)
    worker.tick()  # the background worker sends the sample
    (post,) = video_posts(sandbox)
    body = post["request_json"]
    assert body["avatar_id"] == look.id and body["aspect_ratio"] == "1:1" and body["fit"] == "contain"
    assert body["caption"] == {"file_format": "srt", "style": "default"}
