"""Sandbox: looks, groups, voices and styles — pagination, filters, determinism, previews."""

import io
import wave

import pytest
import requests
from PIL import Image

from heygen.sandbox import Sandbox


def collect(api, path, params, page_size):
    """Every item of a list, following next_token; also the page count."""
    items, token, pages = [], None, 0
    for _ in range(200):
        query = dict(params, limit=page_size, **({"token": token} if token else {}))
        response = api.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"data", "has_more", "next_token"}
        assert len(body["data"]) <= page_size
        items.extend(body["data"])
        pages += 1
        if not body["has_more"]:
            assert body["next_token"] is None
            return items, pages
        assert isinstance(body["next_token"], str) and body["next_token"]
        token = body["next_token"]
    raise AssertionError("pagination did not end")


def test_all_looks_reachable_by_following_tokens(api):
    looks, pages = collect(api, "/v3/avatars/looks", {}, 50)
    assert len(looks) >= 1000
    assert pages == -(-len(looks) // 50)
    ids = [look["id"] for look in looks]
    assert len(set(ids)) == len(ids)
    assert {look["avatar_type"] for look in looks} == {"studio_avatar", "digital_twin", "photo_avatar"}
    assert {look["gender"] for look in looks} == {"male", "female"}
    assert {look["preferred_orientation"] for look in looks} == {"portrait", "landscape", "square"}
    required = {"id", "name", "avatar_type", "group_id", "preview_image_url", "preview_video_url",
                "gender", "tags", "default_voice_id", "supported_api_engines", "image_width",
                "image_height", "preferred_orientation", "status", "error"}
    assert all(set(look) == required for look in looks)
    groups = {}
    for look in looks:
        groups.setdefault(look["group_id"], []).append(look)
    assert len(groups) >= 100
    assert max(len(v) for v in groups.values()) >= 4


def test_default_page_sizes_and_limit_caps(api, v3_error):
    assert len(api.get("/v3/avatars/looks").json()["data"]) == 20
    assert len(api.get("/v3/voices").json()["data"]) == 20
    assert len(api.get("/v3/avatars/looks", params={"limit": 50}).json()["data"]) == 50
    assert len(api.get("/v3/voices", params={"limit": 100}).json()["data"]) == 100
    for path, bad in (("/v3/avatars/looks", 51), ("/v3/avatars/looks", 0), ("/v3/avatars", 51),
                      ("/v3/voices", 101), ("/v3/voices", -1), ("/v3/voices", "ten"),
                      ("/v3/videos", 101), ("/v3/video-agents/styles", 101)):
        v3_error(api.get(path, params={"limit": bad}), 400, "invalid_parameter", "limit")


def test_garbage_and_foreign_tokens_are_rejected(api, v3_error):
    v3_error(api.get("/v3/avatars/looks", params={"token": "garbage"}), 400, "invalid_parameter", "token")
    voice_token = api.get("/v3/voices").json()["next_token"]
    v3_error(api.get("/v3/avatars/looks", params={"token": voice_token}), 400, "invalid_parameter", "token")
    tampered = voice_token[:-2] + ("AA" if voice_token[-2:] != "AA" else "BB")
    v3_error(api.get("/v3/voices", params={"token": tampered}), 400, "invalid_parameter", "token")


def test_look_filters(api, v3_error):
    for avatar_type in ("studio_avatar", "digital_twin", "photo_avatar"):
        looks = api.get("/v3/avatars/looks", params={"avatar_type": avatar_type, "limit": 50}).json()["data"]
        assert looks and all(look["avatar_type"] == avatar_type for look in looks)
    v3_error(api.get("/v3/avatars/looks", params={"avatar_type": "cartoon"}), 400, "invalid_parameter", "avatar_type")
    v3_error(api.get("/v3/avatars/looks", params={"ownership": "mine"}), 400, "invalid_parameter", "ownership")
    public = api.get("/v3/avatars/looks", params={"ownership": "public", "limit": 50}).json()["data"]
    assert all(look["status"] in ("completed", None) for look in public)
    group_id = public[0]["group_id"]
    in_group = api.get("/v3/avatars/looks", params={"group_id": group_id, "limit": 50}).json()["data"]
    assert len(in_group) >= 2 and all(look["group_id"] == group_id for look in in_group)
    assert api.get("/v3/avatars/looks", params={"group_id": "nope"}).json()["data"] == []


def test_private_looks_include_training_and_failed(api):
    private, _ = collect(api, "/v3/avatars/looks", {"ownership": "private"}, 50)
    assert 10 <= len(private) <= 20
    statuses = [look["status"] for look in private]
    assert statuses.count("processing") >= 2
    assert statuses.count("failed") == 1
    failed = next(look for look in private if look["status"] == "failed")
    assert set(failed["error"]) == {"code", "message"}
    assert all(look["error"] is None for look in private if look["status"] != "failed")


def test_default_voices_exist(api):
    voices, _ = collect(api, "/v3/voices", {}, 100)
    private, _ = collect(api, "/v3/voices", {"type": "private"}, 100)
    known = {v["voice_id"] for v in voices + private}
    looks = api.get("/v3/avatars/looks", params={"limit": 50}).json()["data"]
    assert all(look["default_voice_id"] in known for look in looks)


def test_groups_list(api, v3_error):
    groups, _ = collect(api, "/v3/avatars", {}, 50)
    assert len(groups) >= 100
    sample = groups[10]
    assert isinstance(sample["created_at"], int) and sample["looks_count"] >= 1
    looks = api.get("/v3/avatars/looks", params={"group_id": sample["id"], "limit": 50}).json()["data"]
    assert len(looks) == sample["looks_count"]
    private = api.get("/v3/avatars", params={"ownership": "private", "limit": 50}).json()["data"]
    assert 1 <= len(private) < len(groups)
    v3_error(api.get("/v3/avatars", params={"ownership": "x"}), 400, "invalid_parameter", "ownership")


def test_voices_cover_many_languages(api):
    voices, _ = collect(api, "/v3/voices", {}, 100)
    assert len(voices) >= 1000
    languages = {v["language"] for v in voices}
    assert {"English", "Spanish", "French", "German", "Portuguese", "Italian", "Japanese", "Hindi"} <= languages
    assert all(v["type"] == "public" for v in voices)
    assert any(not v["support_pause"] for v in voices)
    assert sum(v["support_pause"] for v in voices) > len(voices) / 2
    assert any(v["support_locale"] for v in voices)
    assert any(v["preview_audio_url"] is None for v in voices)
    assert len({v["voice_id"] for v in voices}) == len(voices)


def test_voice_filters(api, v3_error):
    spanish = api.get("/v3/voices", params={"language": "Spanish", "gender": "female", "limit": 100}).json()["data"]
    assert spanish and all(v["language"] == "Spanish" and v["gender"] == "female" for v in spanish)
    private = api.get("/v3/voices", params={"type": "private"}).json()["data"]
    assert 3 <= len(private) <= 10 and all(v["type"] == "private" for v in private)
    starfish, _ = collect(api, "/v3/voices", {"engine": "starfish"}, 100)
    everything, _ = collect(api, "/v3/voices", {}, 100)
    assert 0 < len(starfish) < len(everything)
    v3_error(api.get("/v3/voices", params={"type": "shared"}), 400, "invalid_parameter", "type")


def test_styles(api):
    styles = api.get("/v3/video-agents/styles").json()
    assert 10 <= len(styles["data"]) <= 20 and styles["has_more"] is False
    first = styles["data"][0]
    assert set(first) == {"style_id", "name", "thumbnail_url", "preview_video_url", "tags", "aspect_ratio"}
    cinematic = api.get("/v3/video-agents/styles", params={"tag": "cinematic"}).json()["data"]
    assert cinematic and all("cinematic" in s["tags"] for s in cinematic)
    assert len(cinematic) < len(styles["data"])
    thumb = requests.get(first["thumbnail_url"], timeout=10)
    assert thumb.headers["Content-Type"] == "image/png"
    Image.open(io.BytesIO(thumb.content)).verify()


def test_catalogue_is_the_same_on_every_start(api):
    first = api.get("/v3/avatars/looks", params={"limit": 50}).json()["data"]
    voices = api.get("/v3/voices", params={"limit": 100}).json()["data"]
    with Sandbox() as other:
        session = requests.Session()
        session.headers["X-Api-Key"] = other.api_key
        again = session.get(other.base_url + "/v3/avatars/looks", params={"limit": 50}, timeout=10).json()["data"]
        voices_again = session.get(other.base_url + "/v3/voices", params={"limit": 100}, timeout=10).json()["data"]
    strip = lambda items: [{k: v for k, v in i.items() if not str(v).startswith("http")} for i in items]  # noqa: E731
    assert strip(first) == strip(again)
    assert strip(voices) == strip(voices_again)


def test_look_previews_are_distinct_pngs(api):
    looks = api.get("/v3/avatars/looks", params={"ownership": "public", "limit": 6}).json()["data"]
    images = []
    for look in looks:
        response = requests.get(look["preview_image_url"], timeout=10)
        assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        image.load()
        assert 200 <= max(image.size) <= 400
        if look["preferred_orientation"] == "portrait":
            assert image.size[1] > image.size[0]
        images.append(response.content)
    assert len(set(images)) == len(images)


@pytest.mark.parametrize("index", [0, 1])
def test_voice_previews_are_short_wavs(api, index):
    voices = [v for v in api.get("/v3/voices", params={"limit": 100}).json()["data"] if v["preview_audio_url"]]
    response = requests.get(voices[index]["preview_audio_url"], timeout=10)
    assert response.headers["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(response.content)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert 1.0 <= seconds <= 2.0
