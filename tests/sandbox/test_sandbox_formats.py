"""Sandbox: captions (sidecar SRT or burned in), every aspect ratio, fit, transparent webm and the
Avatar V engine on POST /v3/videos, checked as strictly as the July 2026 schema; and text to speech
that lasts as long as the text at the asked speed."""

from __future__ import annotations

import io
import wave

import pytest
import requests


def looks(api, **params) -> list[dict]:
    return api.get("/v3/avatars/looks", params={"limit": 50, **params}).json()["data"]


def body(look: dict, **fields) -> dict:
    return {"type": "avatar", "avatar_id": look["id"], "script": "Hello from the sandbox, with captions.",
            "voice_id": look["default_voice_id"], **fields}


def test_every_look_lists_july_engines_and_some_offer_avatar_v(api):
    every = looks(api) + looks(api, avatar_type="photo_avatar") + looks(api, avatar_type="digital_twin")
    engines = [set(look["supported_api_engines"]) for look in every]
    assert all(e and e <= {"avatar_v", "avatar_iv", "avatar_iii"} and "avatar_iv" in e for e in engines)
    assert any("avatar_v" in e for e in engines) and any("avatar_v" not in e for e in engines)
    again = looks(api)
    assert [x["supported_api_engines"] for x in again] == [x["supported_api_engines"] for x in every[:len(again)]]


@pytest.mark.parametrize("ratio", ["16:9", "9:16", "1:1", "4:5", "5:4", "auto"])
def test_every_aspect_ratio_is_accepted(api, ratio):
    response = api.post("/v3/videos", json=body(api.first_look(), aspect_ratio=ratio))
    assert response.status_code == 200, response.text


def test_burned_captions_give_a_captioned_video_and_a_subtitle_file(api):
    look = api.first_look()
    video_id = api.post("/v3/videos", json=body(look, aspect_ratio="1:1", fit="contain",
                                                caption={"file_format": "srt", "style": "default"})).json()["data"]["video_id"]
    seen, last = api.wait_terminal(video_id)
    data = last.json()["data"]
    assert seen[-1] == "completed"
    assert data["captioned_video_url"] and data["subtitle_url"]
    srt = requests.get(data["subtitle_url"], timeout=10)
    assert srt.status_code == 200 and "Hello from the sandbox" in srt.text and "-->" in srt.text
    captioned = requests.get(data["captioned_video_url"], timeout=10)
    assert captioned.status_code == 200 and captioned.headers["Content-Type"] == "video/mp4"


def test_sidecar_captions_give_a_subtitle_file_only(api):
    video_id = api.post("/v3/videos", json=body(api.first_look(), caption={})).json()["data"]["video_id"]
    _, last = api.wait_terminal(video_id)
    data = last.json()["data"]
    assert data["subtitle_url"] and data["captioned_video_url"] is None
    signed = data["video_url"].replace(".mp4", ".captioned.mp4")
    assert requests.get(signed, timeout=10).status_code in (403, 404)  # no burned-in video was made


@pytest.mark.parametrize("fields, param", [
    ({"caption": "srt"}, "caption"),
    ({"caption": {"style": "karaoke"}}, "caption.style"),
    ({"caption": {"file_format": "vtt"}}, "caption.file_format"),
    ({"caption": {"font": "Arial"}}, "caption.font"),
    ({"aspect_ratio": "21:9"}, "aspect_ratio"),
    ({"fit": "stretch"}, "fit"),
    ({"output_format": "mov"}, "output_format"),
    ({"engine": "avatar_v"}, "engine"),
    ({"engine": {"type": "avatar_vi"}}, "engine.type"),
    ({"engine": {"type": "avatar_iv", "reference_look_id": "x"}}, "engine.reference_look_id"),
])
def test_malformed_output_options_are_refused(api, v3_error, fields, param):
    v3_error(api.post("/v3/videos", json=body(api.first_look(), **fields)), 400, "invalid_parameter", param)


def test_avatar_v_only_where_the_look_lists_it(api, v3_error):
    every = looks(api, ownership="public")
    with_v = next(x for x in every if "avatar_v" in x["supported_api_engines"])
    without = next(x for x in every if "avatar_v" not in x["supported_api_engines"])
    assert api.post("/v3/videos", json=body(with_v, engine={"type": "avatar_v"})).status_code == 200
    v3_error(api.post("/v3/videos", json=body(without, engine={"type": "avatar_v"})), 400, "invalid_parameter",
             "engine.type")
    v3_error(api.post("/v3/videos", json=body(with_v, engine={"type": "avatar_v"}, expressiveness="high")), 400,
             "invalid_parameter", "expressiveness")


def test_transparent_webm_only_for_looks_with_matting_and_without_background(api, v3_error):
    studio = looks(api, avatar_type="studio_avatar")[0]
    photo = looks(api, avatar_type="photo_avatar")[0]
    response = api.post("/v3/videos", json=body(studio, output_format="webm"))
    assert response.status_code == 200, response.text
    v3_error(api.post("/v3/videos", json=body(photo, output_format="webm")), 400, "invalid_parameter", "output_format")
    v3_error(api.post("/v3/videos", json=body(studio, output_format="webm",
                                              background={"type": "color", "value": "#112233"})),
             400, "invalid_parameter", "background")


def _seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_speech_is_a_wav_as_long_as_the_text_at_its_speed(api, v3_error):
    voice = api.voice(engine="starfish")
    text = "one two three four five six seven eight"
    slow = api.post("/v3/voices/speech", json={"text": text, "voice_id": voice["voice_id"], "speed": 0.5}).json()["data"]
    fast = api.post("/v3/voices/speech", json={"text": text, "voice_id": voice["voice_id"], "speed": 2}).json()["data"]
    slow_wav = requests.get(slow["audio_url"], timeout=10).content
    fast_wav = requests.get(fast["audio_url"], timeout=10).content
    assert _seconds(slow_wav) == pytest.approx(slow["duration"], abs=0.05)
    assert _seconds(slow_wav) == pytest.approx(4 * _seconds(fast_wav), rel=0.05)
    v3_error(api.post("/v3/voices/speech", json={"text": "x" * 5001, "voice_id": voice["voice_id"]}), 400,
             "invalid_parameter", "text")
    v3_error(api.post("/v3/voices/speech", json={"text": "Hi", "voice_id": "nobody"}), 400, "invalid_parameter",
             "voice_id")
    v3_error(api.post("/v3/voices/speech", json={"text": "Hi", "voice_id": voice["voice_id"], "pitch": 3}), 400,
             "invalid_parameter", "pitch")
