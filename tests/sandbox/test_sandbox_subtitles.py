"""Sandbox: by default a finished video's subtitles speak what was sent, word for word, in short cues timed
within the video — avatar and photo videos, multi-scene videos, Video Agent videos and lip-syncs."""

import pytest
import requests

from heygen.sandbox.media import script_duration
from tests.sandbox.srt_check import check_timing, cues, fetch, said, words

SCRIPT = ("Hi John, welcome to Acme Cloud. Our spring webinar is on 14 March at 3 pm, and seats cost $1,299 for "
          "the whole team. <break time=\"1s\"/> Bring your questions! We will answer every one of them live, "
          "with a recording sent the day after.")


@pytest.fixture(autouse=True)
def instant(sandbox):
    sandbox.configure(render_seconds=0)


def finished(api, video_id):
    data = api.get(f"/v3/videos/{video_id}").json()["data"]
    assert data["status"] == "completed", data
    return data


def test_an_avatar_video_says_its_script_in_short_cues_within_its_length(api):
    video_id = api.create_video(script=SCRIPT).json()["data"]["video_id"]
    data = finished(api, video_id)
    assert data["duration"] == script_duration(SCRIPT)
    srt = fetch(data["subtitle_url"])
    assert said(srt) == words(SCRIPT)
    found = check_timing(srt, data["duration"])
    assert len(found) >= 6 and found[0][0] == 0.0
    pause_after = next(i for i, cue in enumerate(found) if cue[2].endswith("team."))
    # the <break>, after the short rest that ends every sentence
    assert found[pause_after + 1][0] - found[pause_after][1] == pytest.approx(1.0 + 0.3, abs=0.002)
    assert all(not line.rstrip(".!?").count(". ") for _, _, line in found)  # no cue runs across a sentence end


def test_a_photo_video_says_its_script(api):
    photo = api.upload("face.png")
    voice = api.voice()
    video_id = api.post("/v3/videos", json={"type": "image", "image": {"type": "asset_id",
                                                                       "asset_id": photo["asset_id"]},
                                            "script": SCRIPT, "voice_id": voice["voice_id"]}).json()["data"]["video_id"]
    data = finished(api, video_id)
    srt = fetch(data["subtitle_url"])
    assert said(srt) == words(SCRIPT)
    check_timing(srt, data["duration"])


def test_a_multi_scene_video_says_each_scene_in_order_from_where_the_scene_starts(api):
    look, voice = api.first_look(), api.voice()
    slide = api.upload("slide.png")["asset_id"]
    first, last = "Welcome to the tour. Here is what is new.", "That is all for 2026. Thanks for watching!"
    body = {"type": "studio", "scenes": [
        {"type": "avatar_video", "input": {"type": "avatar", "avatar_id": look["id"], "script": first,
                                           "voice_id": look["default_voice_id"]}},
        {"type": "image", "source": {"type": "asset_id", "asset_id": slide}, "duration": 7},
        {"type": "image", "source": {"type": "asset_id", "asset_id": slide}, "script": last,
         "voice_id": voice["voice_id"]},
    ]}
    created = api.post("/v3/videos", json=body)
    assert created.status_code == 200, created.text
    data = finished(api, created.json()["data"]["video_id"])
    assert data["duration"] == pytest.approx(script_duration(first) + 7 + script_duration(last), abs=0.01)
    srt = fetch(data["subtitle_url"])
    assert said(srt) == words(first) + words(last)
    found = check_timing(srt, data["duration"])
    third = next(cue for cue in found if cue[2].startswith("That is all"))
    assert third[0] == pytest.approx(script_duration(first) + 7, abs=0.002)  # nothing is said over the still


def test_the_video_agent_says_the_prompt_with_its_dates_and_numbers(api):
    prompt = "Invite our customers to the product webinar on 14 March at 3 pm. Early seats cost $49."
    video_id = api.post("/v3/video-agents", json={"prompt": prompt}).json()["data"]["video_id"]
    srt = fetch(finished(api, video_id)["subtitle_url"])
    assert said(srt) == words(prompt)
    assert "14 March" in " ".join(said(srt)) and "$49." in said(srt)


def test_a_chat_agent_draft_says_the_prompt_and_the_answer(api):
    prompt = "A video for the webinar on 14 March."
    session = api.post("/v3/video-agents", json={"prompt": prompt, "mode": "chat"}).json()["data"]["session_id"]
    assert api.get(f"/v3/video-agents/{session}").json()["data"]["status"] == "waiting_for_input"
    answer = "For our 250 partners; mention the code SPRING24."
    assert api.post(f"/v3/video-agents/{session}", json={"message": answer}).status_code == 200
    video_id = api.get(f"/v3/video-agents/{session}").json()["data"]["video_id"]
    data = finished(api, video_id)
    srt = fetch(data["subtitle_url"])
    assert said(srt) == words(prompt) + words(answer)
    check_timing(srt, data["duration"])


def test_a_lipsync_with_speech_made_from_a_script_has_captions_that_say_it(api):
    source = finished(api, api.create_video(script=SCRIPT).json()["data"]["video_id"])
    voice = api.voice(engine="starfish")
    text = "Our spring offer ends on Friday 21 March."
    speech = api.post("/v3/voices/speech", json={"text": text, "voice_id": voice["voice_id"]}).json()["data"]
    body = {"video": {"type": "url", "url": source["video_url"]}, "audio": {"type": "url", "url": speech["audio_url"]}}
    lipsync_id = api.post("/v3/lipsyncs", json=body).json()["data"]["lipsync_id"]
    data = api.get(f"/v3/lipsyncs/{lipsync_id}").json()["data"]
    assert data["status"] == "completed" and data["duration"] == source["duration"]
    srt = fetch(data["caption_url"])
    assert said(srt) == words(text)
    check_timing(srt, data["duration"])
    assert requests.get(data["caption_url"].split("?")[0], timeout=10).status_code == 403  # presigned only

    audio = api.upload("voice.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, "audio/wav")
    plain = {"video": body["video"], "audio": {"type": "asset_id", "asset_id": audio["asset_id"]}}
    uploaded = api.post("/v3/lipsyncs", json=plain).json()["data"]["lipsync_id"]
    assert api.get(f"/v3/lipsyncs/{uploaded}").json()["data"]["caption_url"] is None  # words unknown, not asked
    asked = api.post("/v3/lipsyncs", json={**plain, "enable_caption": True}).json()["data"]["lipsync_id"]
    captioned = api.get(f"/v3/lipsyncs/{asked}").json()["data"]
    assert [c[2] for c in cues(fetch(captioned["caption_url"]))] == ["[Narration from uploaded audio]"]


def test_a_long_script_is_still_timed_inside_the_video(api):
    script = " ".join(f"Sentence number {n} is here." for n in range(1, 120))
    data = finished(api, api.create_video(script=script).json()["data"]["video_id"])
    srt = fetch(data["subtitle_url"])
    assert said(srt) == words(script)
    assert cues(srt)[-1][1] <= data["duration"]
