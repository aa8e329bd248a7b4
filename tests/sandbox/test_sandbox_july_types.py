"""Sandbox: POST /v3/videos as July's schema has it: four types, the avatar's default voice, motion_prompt."""

import pytest


def _looks(api):
    looks = []
    for ownership in ("public", "private"):
        looks += api.get("/v3/avatars/looks", params={"ownership": ownership, "limit": 50}).json()["data"]
    return [look for look in looks if look.get("status", "completed") == "completed"]


def _look(api, avatar_type, avatar_v=None):
    for look in _looks(api):
        if look["avatar_type"] != avatar_type:
            continue
        if avatar_v is not None and ("avatar_v" in look["supported_api_engines"]) != avatar_v:
            continue
        return look
    pytest.skip(f"no {avatar_type} look (avatar_v={avatar_v}) in the catalogue")


def test_an_avatar_script_without_voice_id_uses_the_looks_default_voice(sandbox, api):
    sandbox.configure(render_seconds=0.3)
    look = api.first_look()
    assert look["default_voice_id"]
    created = api.post("/v3/videos", json={"type": "avatar", "avatar_id": look["id"], "script": "Hello there."})
    assert created.status_code == 200, created.text
    assert created.json()["data"]["status"] == "pending"
    seen, last = api.wait_terminal(created.json()["data"]["video_id"], interval=0.02)
    assert seen[-1] == "completed"
    # an image video has no avatar to take a voice from: voice_id is still needed there
    image = api.upload("face.png")["asset_id"]
    refused = api.post("/v3/videos", json={"type": "image", "image": {"type": "asset_id", "asset_id": image},
                                           "script": "Hello there."})
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "voice_id"


def test_motion_prompt_is_refused_for_a_video_avatar_on_the_default_engine(api, v3_error):
    video_avatar = _look(api, "studio_avatar")
    body = {"type": "avatar", "avatar_id": video_avatar["id"], "script": "Hello.",
            "voice_id": video_avatar["default_voice_id"], "motion_prompt": "wave with the right hand"}
    error = v3_error(api.post("/v3/videos", json=body), 400, "invalid_parameter", "motion_prompt")
    assert "motion_prompt" in error["message"] and "avatar_v" in error["message"]
    error = v3_error(api.post("/v3/videos", json={**body, "engine": {"type": "avatar_iv"}}),
                     400, "invalid_parameter", "motion_prompt")
    # accepted where the schema says so: a video avatar on Avatar V, a photo avatar on either engine
    twin = _look(api, "digital_twin", avatar_v=True)
    on_v = {**body, "avatar_id": twin["id"], "voice_id": twin["default_voice_id"], "engine": {"type": "avatar_v"}}
    assert api.post("/v3/videos", json=on_v).status_code == 200
    photo = _look(api, "photo_avatar")
    on_photo = {**body, "avatar_id": photo["id"], "voice_id": photo["default_voice_id"]}
    assert api.post("/v3/videos", json=on_photo).status_code == 200
    assert api.post("/v3/videos", json={**on_photo, "engine": {"type": "avatar_iv"}}).status_code == 200


def test_cinematic_avatar_is_accepted_with_a_prompt_and_one_to_three_looks(sandbox, api, v3_error):
    sandbox.configure(render_seconds=0.3)
    looks = [look["id"] for look in _looks(api)[:4]]
    body = {"type": "cinematic_avatar", "prompt": "A presenter walks through a sunny office and waves.",
            "avatar_id": looks[:2], "duration": 6, "aspect_ratio": "9:16", "resolution": "1080p",
            "title": "Cinematic"}
    created = api.post("/v3/videos", json=body)
    assert created.status_code == 200, created.text
    video_id = created.json()["data"]["video_id"]
    assert created.json()["data"]["status"] == "pending"
    seen, last = api.wait_terminal(video_id, interval=0.02)
    data = last.json()["data"]
    assert seen[-1] == "completed" and data["title"] == "Cinematic" and data["duration"] == pytest.approx(6, abs=0.01)
    assert api.post("/v3/videos", json={"type": "cinematic_avatar", "prompt": "Wave.",
                                        "avatar_id": looks[:1], "auto_duration": True}).status_code == 200
    for changes, param in (
        ({"prompt": None}, "prompt"),
        ({"avatar_id": None}, "avatar_id"),
        ({"avatar_id": looks[0]}, "avatar_id"),  # a list, not one id
        ({"avatar_id": looks[:4]}, "avatar_id"),  # at most 3
        ({"avatar_id": ["nobody_here"]}, "avatar_id[0]"),
        ({"duration": 3}, "duration"),
        ({"duration": 16}, "duration"),
        ({"aspect_ratio": "4:5"}, "aspect_ratio"),
        ({"resolution": "4k"}, "resolution"),
        ({"script": "Hello.", "voice_id": "v"}, "script"),
    ):
        v3_error(api.post("/v3/videos", json={**body, **changes}), 400, "invalid_parameter", param)


def test_an_unknown_type_is_refused_naming_julys_four_types(api, v3_error):
    look = api.first_look()
    for video_type in ("cartoon", None):
        body = {"type": video_type, "avatar_id": look["id"], "script": "Hi.", "voice_id": look["default_voice_id"]}
        error = v3_error(api.post("/v3/videos", json=body), 400, "invalid_parameter", "type")
        for name in ("avatar", "image", "studio", "cinematic_avatar"):
            assert f"'{name}'" in error["message"]
