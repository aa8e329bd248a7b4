"""heygen.studio.validation: the local checks made before a video is launched."""

from __future__ import annotations

import pytest

from heygen.api.avatars import AvatarLook, AvatarProblem
from heygen.studio.validation import FIELDS, validate_spec
from heygen.api.videos import VideoSpec
from heygen.api.voices import Voice

STUDIO = AvatarLook(id="look_1", name="Anna", avatar_type="studio_avatar")
PHOTO = AvatarLook(id="look_2", name="Ben", avatar_type="photo_avatar")
TRAINING = AvatarLook(id="look_3", name="Cleo", avatar_type="photo_avatar", status="pending",
                      error=AvatarProblem(code="", message="training"))
PAUSES = Voice(voice_id="v1", name="Paula", support_pause=True)
NO_PAUSES = Voice(voice_id="v2", name="Nils", support_pause=False)


def good(**changes) -> VideoSpec:
    base = dict(avatar_id="look_1", script="Hello there.", voice_id="v1")
    base.update(changes)
    return VideoSpec(**base)


def test_a_good_avatar_video_passes():
    assert validate_spec(good(), avatar=STUDIO, voice=PAUSES) == {}
    assert validate_spec(good()) == {}


def test_every_field_name_is_declared():
    spec = VideoSpec(script="", speed=3, pitch=99, resolution="8k", aspect_ratio="4:3", background_color="red",
                     expressiveness="wild", title=5, remove_background="yes", motion_prompt=3)
    errors = validate_spec(spec)
    assert set(errors) <= set(FIELDS)
    assert {"speaker", "script", "voice", "speed", "pitch", "resolution", "aspect_ratio", "background",
            "expressiveness", "title", "remove_background", "motion_prompt"} <= set(errors)


def test_who_speaks():
    assert "speaker" in validate_spec(VideoSpec(script="Hi", voice_id="v1"))
    assert validate_spec(VideoSpec(script="Hi", voice_id="v1"), pending=["image"]) == {}
    assert validate_spec(VideoSpec(image_asset_id="a1", script="Hi", voice_id="v1")) == {}
    both = validate_spec(good(image_asset_id="a1"))
    assert "not both" in both["speaker"]
    assert "not both" in validate_spec(good(), pending=["image"])["speaker"]


def test_a_look_still_training_cannot_be_used():
    errors = validate_spec(good(avatar_id="look_3"), avatar=TRAINING)
    assert "still being prepared" in errors["speaker"]
    assert "Cleo" in errors["speaker"]


@pytest.mark.parametrize("script", ["", "   ", "\n\t  \n"])
def test_empty_or_blank_scripts_are_refused(script):
    assert "empty" in validate_spec(good(script=script))["script"]


def test_script_length_limit():
    assert validate_spec(good(script="a" * 5000)) == {}
    message = validate_spec(good(script="a" * 5001))["script"]
    assert "5,001" in message and "5,000" in message and "by 1 " in message
    assert "script" in validate_spec(good(script="a" * 1501), max_script_chars=1500)


def test_script_xor_audio():
    assert validate_spec(VideoSpec(avatar_id="look_1", audio_asset_id="a9")) == {}
    assert validate_spec(VideoSpec(avatar_id="look_1"), pending=["audio"]) == {}
    assert "not both" in validate_spec(good(audio_asset_id="a9"))["audio"]
    assert "not both" in validate_spec(good(), pending=["audio"])["audio"]
    neither = validate_spec(VideoSpec(avatar_id="look_1"))
    assert "audio" in neither["script"]


def test_a_script_needs_a_voice():
    assert "voice" in validate_spec(good(voice_id=None))
    assert "voice" in validate_spec(good(voice_id=""))
    assert "voice" not in validate_spec(VideoSpec(avatar_id="look_1", audio_asset_id="a9"))


def test_break_tags_need_a_voice_that_supports_pauses():
    script = 'Hello <break time="1s"/> there.'
    assert validate_spec(good(script=script), voice=PAUSES) == {}
    message = validate_spec(good(script=script, voice_id="v2"), voice=NO_PAUSES)["script"]
    assert "Nils" in message and "pauses" in message
    # Unknown voice: nothing to check against.
    assert validate_spec(good(script=script)) == {}


def test_malformed_break_tags_are_refused():
    message = validate_spec(good(script='Hello <break time="later"/>'), voice=PAUSES)["script"]
    assert '<break time="later"/>' in message


@pytest.mark.parametrize(("speed", "ok"), [(0.5, True), (1.5, True), (1, True), (0.49, False), (1.51, False),
                                           (float("nan"), False), (True, False), ("1", False)])
def test_speed_range(speed, ok):
    assert ("speed" not in validate_spec(good(speed=speed))) is ok


@pytest.mark.parametrize(("pitch", "ok"), [(-50, True), (50, True), (0, True), (-50.5, False), (51, False),
                                           (float("inf"), False)])
def test_pitch_range(pitch, ok):
    assert ("pitch" not in validate_spec(good(pitch=pitch))) is ok


@pytest.mark.parametrize("resolution", ["720p", "1080p", "4k"])
def test_resolutions(resolution):
    assert validate_spec(good(resolution=resolution)) == {}


def test_enums():
    assert "resolution" in validate_spec(good(resolution="4K"))
    assert "aspect_ratio" in validate_spec(good(aspect_ratio="21:9"))
    for ratio in ("16:9", "9:16", "1:1", "4:5", "5:4", "auto"):
        assert validate_spec(good(aspect_ratio=ratio)) == {}
    assert "expressiveness" in validate_spec(good(expressiveness="extreme"))


@pytest.mark.parametrize(("colour", "ok"), [("#00ff00", True), ("#00FF00", True), ("00ff00", False),
                                            ("#0f0", False), ("green", False), ("#00ff0g", False)])
def test_background_colour(colour, ok):
    assert ("background" not in validate_spec(good(background_color=colour))) is ok


def test_background_colour_or_image_not_both():
    assert "not both" in validate_spec(good(background_color="#000000", background_asset_id="b1"))["background"]
    assert "not both" in validate_spec(good(background_color="#000000"), pending=["background"])["background"]
    assert validate_spec(good(background_asset_id="b1")) == {}


def test_photo_only_options():
    assert validate_spec(good(avatar_id="look_2", expressiveness="high", motion_prompt="nods"), avatar=PHOTO) == {}
    assert validate_spec(VideoSpec(image_asset_id="a1", script="Hi", voice_id="v1", expressiveness="low",
                                   motion_prompt="smiles")) == {}
    errors = validate_spec(good(expressiveness="high", motion_prompt="nods"), avatar=STUDIO)
    assert "photo" in errors["expressiveness"] and "photo" in errors["motion_prompt"]
    # An empty motion prompt is no motion prompt.
    assert "motion_prompt" not in validate_spec(good(motion_prompt="  "), avatar=STUDIO)


def test_unknown_upload_role_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_spec(good(), pending=["video"])
