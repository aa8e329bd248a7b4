"""Output formats: the aspect ratio suggested for a look or photo, what a look supports, the
checks before launch and the POST /v3/videos body they become."""

from __future__ import annotations

import pytest

from heygen.api.avatars import AvatarLook
from heygen.api.videos import VideoSpec
from heygen.studio.formats import suggested_aspect, supports_avatar_v, supports_transparent
from heygen.studio.validation import validate_spec

STUDIO_V = AvatarLook(id="s1", name="Anna", avatar_type="studio_avatar", supported_api_engines=["avatar_v", "avatar_iv"],
                      preferred_orientation="landscape")
TWIN = AvatarLook(id="t1", name="Ben", avatar_type="digital_twin", supported_api_engines=["avatar_iv"],
                  image_width=1080, image_height=1920)
PHOTO = AvatarLook(id="p1", name="Cleo", avatar_type="photo_avatar", supported_api_engines=["avatar_iv"],
                   preferred_orientation="square")


def spec(look: AvatarLook | None = STUDIO_V, **changes) -> VideoSpec:
    base = dict(avatar_id=look.id if look else None, image_asset_id=None if look else "img", script="Hello.",
                voice_id="v1")
    return VideoSpec(**{**base, **changes})


@pytest.mark.parametrize("look, size, ratio", [
    (STUDIO_V, None, "16:9"), (TWIN, None, "9:16"), (PHOTO, None, "1:1"),
    (None, (1200, 1600), "9:16"), (None, (1000, 980), "1:1"), (None, (1600, 900), "16:9"), (None, None, None),
    (AvatarLook(id="x", avatar_type="studio_avatar"), None, None),
])
def test_the_suggested_aspect_fits_the_picture(look, size, ratio):
    assert suggested_aspect(look, size=size) == ratio


def test_what_a_look_supports():
    assert supports_avatar_v(STUDIO_V) and not supports_avatar_v(TWIN) and not supports_avatar_v(None)
    assert supports_transparent(STUDIO_V) and not supports_transparent(PHOTO) and not supports_transparent(None)


def test_the_options_become_the_july_body():
    body = spec(captions="burned", aspect_ratio="1:1", fit="contain", output_format="webm", engine="avatar_v").to_body()
    assert body["caption"] == {"file_format": "srt", "style": "default"}
    assert (body["aspect_ratio"], body["fit"], body["output_format"], body["engine"]) == (
        "1:1", "contain", "webm", {"type": "avatar_v"})
    assert spec(captions="sidecar").to_body()["caption"] == {"file_format": "srt"}
    plain = spec().to_body()
    assert not {"caption", "fit", "output_format", "engine"} & set(plain)
    assert "engine" not in spec(None, engine="avatar_v").to_body()  # an image video has no engine
    assert VideoSpec.from_dict(spec(captions="burned", fit="cover").to_dict()).captions == "burned"


def test_good_options_pass():
    assert validate_spec(spec(captions="burned", fit="cover", output_format="webm", engine="avatar_v"),
                         avatar=STUDIO_V) == {}
    assert validate_spec(spec(TWIN, captions="sidecar", output_format="mp4", engine="avatar_iv"), avatar=TWIN) == {}


@pytest.mark.parametrize("look, changes, field, words", [
    (STUDIO_V, {"captions": "karaoke"}, "captions", "Captions must be"),
    (STUDIO_V, {"fit": "stretch"}, "fit", "cover, contain"),
    (STUDIO_V, {"output_format": "mov"}, "output_format", "mp4, webm"),
    (PHOTO, {"output_format": "webm"}, "output_format", "“Cleo” does not support a transparent background"),
    (None, {"output_format": "webm"}, "output_format", "not your own photo"),
    (STUDIO_V, {"output_format": "webm", "background_color": "#112233"}, "background", "no background"),
    (TWIN, {"engine": "avatar_v"}, "engine", "“Ben” cannot use Avatar V"),
    (None, {"engine": "avatar_v"}, "engine", "avatars only"),
    (STUDIO_V, {"engine": "avatar_x"}, "engine", "avatar_iv, avatar_v"),
])
def test_options_heygen_would_refuse_are_caught(look, changes, field, words):
    problems = validate_spec(spec(look, **changes), avatar=look)
    assert words in problems[field]
