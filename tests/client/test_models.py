"""Models built from HeyGen's answers tolerate unknown fields, nulls and surprising types."""

from __future__ import annotations

from heygen.api._model import from_api
from heygen.api.avatars import AvatarLook
from heygen.api.users import User
from heygen.api.videos import Video, VideoSpec
from heygen.api.voices import Voice


def test_unknown_fields_are_kept_aside_and_nulls_become_defaults():
    look = from_api(AvatarLook, {
        "id": "look_1", "name": "Anna", "avatar_type": "studio_avatar", "tags": None, "gender": None,
        "supported_api_engines": ["v3", None, 7], "image_width": 1080.0, "brand_new_field": {"x": 1},
    })
    assert look.id == "look_1" and look.tags == [] and look.gender is None
    assert look.supported_api_engines == ["v3", "7"]
    assert look.image_width == 1080
    assert look.extra == {"brand_new_field": {"x": 1}}
    assert look.ready


def test_wrong_types_do_not_crash():
    voice = from_api(Voice, {"voice_id": 42, "support_pause": "yes", "name": None, "language": ["en"]})
    assert voice.voice_id == "42"
    assert voice.support_pause is False and voice.name == "" and voice.language == ""
    assert from_api(Video, None).status == "pending"
    assert from_api(Video, {"id": "v", "status": "rendering_in_new_way", "duration": "12"}).is_terminal is False


def test_nested_objects_and_balance_words():
    user = from_api(User, {"username": "dana", "billing_type": "subscription",
                           "subscription": {"plan": "pro", "credits": {"premium_credits": {"remaining": 1200},
                                                                       "add_on_credits": None}},
                           "wallet": None})
    assert user.display_name == "dana"
    assert user.balance_text == "1,200 credits left (pro plan)"
    wallet = from_api(User, {"first_name": "Dana", "last_name": "M", "wallet": {"currency": "usd",
                                                                               "remaining_balance": 12.5}})
    assert wallet.display_name == "Dana M" and wallet.balance_text == "$12.50 left"


def test_video_spec_round_trips_and_builds_both_shapes():
    spec = VideoSpec(avatar_id="a", script="Hi", voice_id="v", speed=1.1, background_color="#000000")
    assert VideoSpec.from_dict(spec.to_dict()) == spec
    assert spec.to_body() == {"type": "avatar", "avatar_id": "a", "script": "Hi", "voice_id": "v",
                              "background": {"type": "color", "value": "#000000"}, "voice_settings": {"speed": 1.1}}
    photo = VideoSpec(image_asset_id="img", audio_asset_id="aud", speed=1.2)
    assert photo.to_body() == {"type": "image", "image": {"type": "asset_id", "asset_id": "img"},
                               "audio_asset_id": "aud"}
