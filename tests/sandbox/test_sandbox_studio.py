"""Sandbox: multi-scene videos (type studio) are checked scene by scene and last as long as their scenes."""

import json
from pathlib import Path

import pytest

from heygen.sandbox.media import script_duration

CLIP = (Path(__file__).resolve().parents[2] / "heygen" / "sandbox" / "media" / "landscape.mp4").read_bytes()
SCRIPT = "Welcome to our product tour. Today we look at three things you can do in a minute."


@pytest.fixture
def assets(api):
    image = api.upload("slide.png")["asset_id"]
    clip = api.upload("demo.mp4", CLIP, "video/mp4")["asset_id"]
    return {"image": image, "clip": clip}


def three_scenes(api, assets, **changes):
    look = api.first_look()
    scenes = [
        {"type": "avatar_video", "input": {"type": "avatar", "avatar_id": look["id"], "script": SCRIPT,
                                           "voice_id": look["default_voice_id"]}},
        {"type": "image", "source": {"type": "asset_id", "asset_id": assets["image"]}, "duration": 7},
        {"type": "video", "source": {"type": "asset_id", "asset_id": assets["clip"]},
         "playback": {"volume": 0.5, "mute": False}},
    ]
    return {"type": "studio", "title": "Tour", "aspect_ratio": "16:9", "resolution": "1080p", "scenes": scenes,
            **changes}


def test_three_scene_video_lasts_the_sum_of_its_scenes(sandbox, api, assets):
    sandbox.configure(render_seconds=0.3)
    created = api.post("/v3/videos", json=three_scenes(api, assets, caption={"file_format": "srt"}))
    assert created.status_code == 200, created.text
    video_id = created.json()["data"]["video_id"]
    _, last = api.wait_terminal(video_id)
    data = last.json()["data"]
    assert data["status"] == "completed" and data["title"] == "Tour"
    # the avatar's spoken script, 7 s of still image, and the 4 s bundled clip
    assert data["duration"] == pytest.approx(script_duration(SCRIPT) + 7 + 4.0, abs=0.05)
    assert data["video_url"]


def _refused(api, body):
    answer = api.post("/v3/videos", json=body)
    assert answer.status_code == 400, answer.text
    return answer.json()["error"]


@pytest.mark.parametrize("change, param, words", [
    (lambda s: s[1].pop("duration"), "scenes[1].duration", "either duration"),
    (lambda s: s[1].update(duration=301), "scenes[1].duration", "at most 300"),
    (lambda s: s[1].update(script="Hi"), "scenes[1].voice_id", "voice_id is required"),
    (lambda s: s[0]["input"].pop("script"), "scenes[0].input.script", "needs speech"),
    (lambda s: s[0]["input"].update(avatar_id="nobody"), "scenes[0].input.avatar_id", "not found"),
    (lambda s: s[0]["input"].update(script="x" * 5001), "scenes[0].input.script", "5000"),
    (lambda s: s[2]["source"].update(asset_id="missing"), "scenes[2].source.asset_id", "not found"),
    (lambda s: s[2].update(playback={"volume": 2}), "scenes[2].playback.volume", "0 to 1"),
    (lambda s: s[2].update(zoom=2), "scenes[2].zoom", "unexpected field"),
    (lambda s: s[0].update(type="slide"), "scenes[0].type", "avatar_video, image, video"),
])
def test_each_scene_is_checked_and_named(api, assets, change, param, words):
    body = three_scenes(api, assets)
    change(body["scenes"])
    error = _refused(api, body)
    assert error["param"] == param
    number = int(param.split("[")[1].split("]")[0]) + 1
    assert error["message"].startswith(f"Scene {number}:") and words in error["message"]


def test_a_clip_scene_needs_a_video_and_an_image_scene_an_image(api, assets):
    body = three_scenes(api, assets)
    body["scenes"][2]["source"] = {"type": "asset_id", "asset_id": assets["image"]}
    assert "expected video/" in _refused(api, body)["message"]
    body = three_scenes(api, assets)
    body["scenes"][1]["source"] = {"type": "asset_id", "asset_id": assets["clip"]}
    assert _refused(api, body)["param"] == "scenes[1].source.asset_id"


def test_scene_count_is_one_to_fifty(api, assets):
    body = three_scenes(api, assets)
    assert "1 to 50" in _refused(api, {**body, "scenes": []})["message"]
    still = body["scenes"][1]
    assert "at most 50" in _refused(api, {**body, "scenes": [still] * 51})["message"]
    assert api.post("/v3/videos", json={**body, "scenes": [still] * 50}).status_code == 200


def test_output_settings_are_checked(api, assets):
    body = three_scenes(api, assets)
    assert _refused(api, {**body, "aspect_ratio": "3:2"})["param"] == "aspect_ratio"
    assert _refused(api, {**body, "caption": {"style": "neon"}})["param"] == "caption.style"
    assert _refused(api, {**body, "output_format": "webm"})["param"] == "output_format"
    assert api.post("/v3/videos", json={**body, "aspect_ratio": "1:1"}).status_code == 200


def test_a_failed_render_can_name_the_scene(sandbox, api, assets):
    sandbox.configure(render_seconds=0.3)
    video_id = api.post("/v3/videos", json=three_scenes(api, assets)).json()["data"]["video_id"]
    sandbox.set_video_outcome(video_id, "fail", failure_code="scene_render_failed",
                              failure_message="Scene 3: the clip could not be decoded.")
    _, last = api.wait_terminal(video_id)
    data = last.json()["data"]
    assert data["status"] == "failed" and data["failure_message"].startswith("Scene 3:")


def test_a_mov_clip_can_be_uploaded(api):
    mov = CLIP[:8] + b"qt  " + CLIP[12:]
    asset = api.upload("take.mov", mov, "video/quicktime")
    assert asset["mime_type"] == "video/quicktime"


def _wav(seconds: float) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * int(8000 * seconds))
    return buffer.getvalue()


def test_photo_and_narrated_image_scenes_follow_their_audio(sandbox, api, assets):
    sandbox.configure(render_seconds=0.3)
    voice = api.voice()
    audio = api.upload("take.wav", _wav(2.5), "audio/wav")["asset_id"]
    scenes = [
        {"type": "avatar_video", "input": {"type": "image", "image": {"type": "asset_id", "asset_id": assets["image"]},
                                           "audio_asset_id": audio}},
        {"type": "image", "source": {"type": "asset_id", "asset_id": assets["image"]}, "audio_asset_id": audio},
        {"type": "image", "source": {"type": "asset_id", "asset_id": assets["image"]}, "script": SCRIPT,
         "voice_id": voice["voice_id"]},
    ]
    created = api.post("/v3/videos", json={"type": "studio", "scenes": scenes})
    assert created.status_code == 200, created.text
    _, last = api.wait_terminal(created.json()["data"]["video_id"])
    assert last.json()["data"]["duration"] == pytest.approx(2.5 + 2.5 + script_duration(SCRIPT), abs=0.05)


@pytest.mark.parametrize("scene, param, words", [
    ({"type": "avatar_video", "input": {"type": "image", "script": "Hi", "voice_id": "x"}}, "scenes[0].input.image",
     "input.image is required"),
    ({"type": "avatar_video", "input": {"type": "image", "image": {"type": "asset_id", "asset_id": "IMAGE"},
                                        "script": "Hi"}}, "scenes[0].input.voice_id", "voice_id is required"),
    ({"type": "image", "source": {"type": "asset_id", "asset_id": "IMAGE"}, "duration": 3, "audio_asset_id": "AUDIO"},
     "scenes[0].duration", "Send one of them"),
    ({"type": "image", "source": {"type": "asset_id", "asset_id": "IMAGE"}, "audio_asset_id": "AUDIO",
      "audio_url": "https://example.com/a.mp3"}, "scenes[0].audio_url", "mutually exclusive"),
    ({"type": "avatar_video"}, "scenes[0].input", "input is required"),
])
def test_speaking_scenes_need_exactly_one_audio_source(api, assets, scene, param, words):
    audio = api.upload("take.wav", _wav(1), "audio/wav")["asset_id"]
    text = json.dumps(scene).replace("IMAGE", assets["image"]).replace("AUDIO", audio)
    error = _refused(api, {"type": "studio", "scenes": [json.loads(text)]})
    assert error["param"] == param and error["message"].startswith("Scene 1:") and words in error["message"]
