"""Sandbox: every POST /v3/videos and /v3/video-agents validation rule, with the offending param."""

import base64

import pytest

PNG_B64 = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()


@pytest.fixture
def ids(api):
    """Real ids to build bodies from."""
    look = api.first_look()
    voices = api.get("/v3/voices", params={"limit": 100}).json()["data"]
    private = api.get("/v3/avatars/looks", params={"ownership": "private", "limit": 50}).json()["data"]
    groups = api.get("/v3/avatars", params={"ownership": "public", "limit": 1}).json()["data"]
    return {
        "look": look["id"],
        "voice": look["default_voice_id"],
        "no_pause_voice": next(v["voice_id"] for v in voices if not v["support_pause"]),
        "pause_voice": next(v["voice_id"] for v in voices if v["support_pause"]),
        "training": next(l["id"] for l in private if l["status"] == "processing"),
        "failed": next(l["id"] for l in private if l["status"] == "failed"),
        "group": groups[0]["id"],
        "image": api.upload("face.png")["asset_id"],
        "audio": api.upload("voice.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, "audio/wav")["asset_id"],
    }


def avatar_body(ids, **changes):
    body = {"type": "avatar", "avatar_id": ids["look"], "script": "Hello there.", "voice_id": ids["voice"]}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not DROP}


DROP = object()

# (name, changes to a valid avatar body, expected param)
AVATAR_CASES = [
    ("type missing", {"type": DROP}, "type"),
    ("type unknown", {"type": "cartoon"}, "type"),
    ("avatar_id missing", {"avatar_id": DROP}, "avatar_id"),
    ("avatar_id unknown", {"avatar_id": "nobody_here"}, "avatar_id"),
    ("avatar_id not a string", {"avatar_id": 42}, "avatar_id"),
    ("neither script nor audio", {"script": DROP, "voice_id": DROP}, "script"),
    ("script empty", {"script": ""}, "script"),
    ("script whitespace", {"script": "   \n\t "}, "script"),
    ("script too long", {"script": "a" * 5001}, "script"),
    ("script not a string", {"script": ["hi"]}, "script"),
    ("voice_id unknown", {"voice_id": "ffff"}, "voice_id"),
    ("script and audio_url", {"audio_url": "https://example.com/a.mp3"}, "audio_url"),
    ("resolution", {"resolution": "8k"}, "resolution"),
    ("aspect_ratio", {"aspect_ratio": "4:3"}, "aspect_ratio"),
    ("expressiveness", {"expressiveness": "extreme"}, "expressiveness"),
    ("remove_background", {"remove_background": "yes"}, "remove_background"),
    ("title", {"title": 12}, "title"),
    ("motion_prompt", {"motion_prompt": {"x": 1}}, "motion_prompt"),
    ("callback_url", {"callback_url": 1}, "callback_url"),
    ("callback_id", {"callback_id": 1}, "callback_id"),
    ("background not object", {"background": "#ffffff"}, "background"),
    ("background type", {"background": {"type": "video"}}, "background.type"),
    ("background colour", {"background": {"type": "color", "value": "red"}}, "background.value"),
    ("background short hex", {"background": {"type": "color", "value": "#fff"}}, "background.value"),
    ("background image empty", {"background": {"type": "image"}}, "background.url"),
    ("background image both", {"background": {"type": "image", "url": "https://e.com/a.png", "asset_id": "x"}},
     "background.asset_id"),
    ("background unknown asset", {"background": {"type": "image", "asset_id": "nope"}}, "background.asset_id"),
    ("speed low", {"voice_settings": {"speed": 0.4}}, "voice_settings.speed"),
    ("speed high", {"voice_settings": {"speed": 1.6}}, "voice_settings.speed"),
    ("speed text", {"voice_settings": {"speed": "fast"}}, "voice_settings.speed"),
    ("pitch", {"voice_settings": {"pitch": 51}}, "voice_settings.pitch"),
    ("pitch bool", {"voice_settings": {"pitch": True}}, "voice_settings.pitch"),
    ("voice_settings type", {"voice_settings": [1]}, "voice_settings"),
]


@pytest.mark.parametrize("name,changes,param", AVATAR_CASES, ids=[c[0] for c in AVATAR_CASES])
def test_avatar_body_rules(api, ids, v3_error, name, changes, param):
    response = api.post("/v3/videos", json=avatar_body(ids, **changes))
    v3_error(response, 400, "invalid_parameter", param)


def test_body_must_be_a_json_object(api, v3_error):
    v3_error(api.post("/v3/videos", data="not json", headers={"Content-Type": "application/json"}),
             400, "invalid_parameter")
    v3_error(api.post("/v3/videos", json=["type", "avatar"]), 400, "invalid_parameter")
    v3_error(api.post("/v3/videos"), 400, "invalid_parameter")


def test_unknown_look_message_names_it(api, ids, v3_error):
    error = v3_error(api.post("/v3/videos", json=avatar_body(ids, avatar_id="ghost_look")),
                     400, "invalid_parameter", "avatar_id")
    assert error["message"].startswith("Avatar look 'ghost_look' not found")
    error = v3_error(api.post("/v3/videos", json=avatar_body(ids, avatar_id=ids["group"])),
                     400, "invalid_parameter", "avatar_id")
    assert "group" in error["message"]


@pytest.mark.parametrize("which", ["training", "failed"])
def test_looks_that_are_not_ready_are_refused(api, ids, v3_error, which):
    error = v3_error(api.post("/v3/videos", json=avatar_body(ids, avatar_id=ids[which])),
                     400, "invalid_parameter", "avatar_id")
    assert "not ready" in error["message"]


def test_break_tags_need_a_voice_that_supports_pause(api, ids, v3_error):
    script = 'Welcome. <break time="1s"/> Let us begin.'
    error = v3_error(api.post("/v3/videos", json=avatar_body(ids, script=script, voice_id=ids["no_pause_voice"])),
                     400, "invalid_parameter", "script")
    assert "pause" in error["message"]
    ok = api.post("/v3/videos", json=avatar_body(ids, script=script, voice_id=ids["pause_voice"]))
    assert ok.status_code == 200, ok.text


def test_script_limit_is_in_the_message(api, ids, v3_error):
    error = v3_error(api.post("/v3/videos", json=avatar_body(ids, script="b" * 5001)), 400, "invalid_parameter", "script")
    assert "5000" in error["message"]
    assert api.post("/v3/videos", json=avatar_body(ids, script="b" * 5000)).status_code == 200


def test_audio_rules(api, ids, v3_error):
    audio = {"type": "avatar", "avatar_id": ids["look"], "audio_asset_id": ids["audio"]}
    assert api.post("/v3/videos", json=audio).status_code == 200
    assert api.post("/v3/videos", json={**audio, "audio_asset_id": None,
                                        "audio_url": "https://cdn.example.com/a.mp3"}).status_code == 200
    v3_error(api.post("/v3/videos", json={**audio, "script": "Hi", "voice_id": ids["voice"]}),
             400, "invalid_parameter", "audio_asset_id")
    v3_error(api.post("/v3/videos", json={**audio, "audio_asset_id": "missing"}), 400, "invalid_parameter", "audio_asset_id")
    v3_error(api.post("/v3/videos", json={**audio, "audio_asset_id": ids["image"]}), 400, "invalid_parameter", "audio_asset_id")
    v3_error(api.post("/v3/videos", json={**audio, "audio_url": "https://e.com/a.mp3"}), 400, "invalid_parameter", "audio_url")
    v3_error(api.post("/v3/videos", json={"type": "avatar", "avatar_id": ids["look"], "audio_url": "ftp://x/a.mp3"}),
             400, "invalid_parameter", "audio_url")


IMAGE_CASES = [
    ("image missing", DROP, "image"),
    ("image not object", "https://e.com/a.png", "image"),
    ("image type unknown", {"type": "file", "path": "a.png"}, "image.type"),
    ("asset_id unknown", {"type": "asset_id", "asset_id": "nope"}, "image.asset_id"),
    ("asset_id extra key", {"type": "asset_id", "asset_id": "X", "url": "https://e.com/a.png"}, "image.url"),
    ("url missing", {"type": "url"}, "image.url"),
    ("url not http", {"type": "url", "url": "file:///etc/passwd"}, "image.url"),
    ("base64 bad data", {"type": "base64", "media_type": "image/png", "data": "***"}, "image.data"),
    ("base64 media_type", {"type": "base64", "media_type": "text/plain", "data": PNG_B64}, "image.media_type"),
    ("base64 missing data", {"type": "base64", "media_type": "image/png"}, "image.data"),
]


@pytest.mark.parametrize("name,image,param", IMAGE_CASES, ids=[c[0] for c in IMAGE_CASES])
def test_image_body_rules(api, ids, v3_error, name, image, param):
    if isinstance(image, dict) and image.get("asset_id") == "X":
        image = dict(image, asset_id=ids["image"])
    body = {"type": "image", "script": "Hello.", "voice_id": ids["voice"]}
    if image is not DROP:
        body["image"] = image
    v3_error(api.post("/v3/videos", json=body), 400, "invalid_parameter", param)


def test_image_videos_accept_each_reference_kind(api, ids, v3_error):
    speech = {"script": "Hello.", "voice_id": ids["voice"]}
    for image in ({"type": "asset_id", "asset_id": ids["image"]},
                  {"type": "url", "url": "https://cdn.example.com/face.jpg"},
                  {"type": "base64", "media_type": "image/png", "data": PNG_B64}):
        response = api.post("/v3/videos", json={"type": "image", "image": image, **speech})
        assert response.status_code == 200, response.text
    v3_error(api.post("/v3/videos", json={"type": "image", "image": {"type": "asset_id", "asset_id": ids["audio"]},
                                          **speech}), 400, "invalid_parameter", "image.asset_id")


def test_full_valid_body_and_nulls_are_accepted(api, ids):
    body = avatar_body(
        ids, title="Launch", resolution="1080p", aspect_ratio="9:16", expressiveness="high",
        background={"type": "color", "value": "#1A2b3C"}, remove_background=True,
        voice_settings={"speed": 1.5, "pitch": -50, "locale": "en-US"},
        callback_url="https://example.com/hook", callback_id="abc", unknown_future_field=1,
    )
    response = api.post("/v3/videos", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["status"] == "pending"
    nulls = avatar_body(ids, title=None, resolution=None, background=None, voice_settings=None,
                        audio_url=None, audio_asset_id=None, remove_background=None)
    assert api.post("/v3/videos", json=nulls).status_code == 200
    image_bg = avatar_body(ids, background={"type": "image", "asset_id": ids["image"]})
    assert api.post("/v3/videos", json=image_bg).status_code == 200


AGENT_CASES = [
    ("prompt missing", {}, "prompt"),
    ("prompt empty", {"prompt": " "}, "prompt"),
    ("prompt too long", {"prompt": "x" * 10001}, "prompt"),
    ("unknown field", {"prompt": "Hi", "script": "no"}, "script"),
    ("orientation", {"prompt": "Hi", "orientation": "square"}, "orientation"),
    ("avatar unknown", {"prompt": "Hi", "avatar_id": "nobody"}, "avatar_id"),
    ("voice unknown", {"prompt": "Hi", "voice_id": "nothing"}, "voice_id"),
    ("style unknown", {"prompt": "Hi", "style_id": "style_x"}, "style_id"),
    ("files not list", {"prompt": "Hi", "files": {"type": "url"}}, "files"),
    ("too many files", {"prompt": "Hi", "files": [{"type": "url", "url": "https://e.com/a.png"}] * 21}, "files"),
    ("file extra key", {"prompt": "Hi", "files": [{"type": "url", "url": "https://e.com/a.png", "name": "a"}]},
     "files[0].name"),
    ("file unknown asset", {"prompt": "Hi", "files": [{"type": "asset_id", "asset_id": "nope"}]}, "files[0].asset_id"),
    ("incognito type", {"prompt": "Hi", "incognito_mode": "no"}, "incognito_mode"),
]


@pytest.mark.parametrize("name,body,param", AGENT_CASES, ids=[c[0] for c in AGENT_CASES])
def test_video_agent_rules(api, v3_error, name, body, param):
    v3_error(api.post("/v3/video-agents", json=body), 400, "invalid_parameter", param)


def test_video_agent_accepts_a_full_request(api, ids):
    style = api.get("/v3/video-agents/styles").json()["data"][0]["style_id"]
    files = [{"type": "asset_id", "asset_id": ids["image"]}] * 20
    body = {"prompt": "A 30 second launch teaser", "avatar_id": ids["look"], "voice_id": ids["voice"],
            "style_id": style, "orientation": "portrait", "files": files, "callback_id": "c1",
            "incognito_mode": True}
    response = api.post("/v3/video-agents", json=body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "generating"
    assert data["session_id"] and data["video_id"] and isinstance(data["created_at"], int)
