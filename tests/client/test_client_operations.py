"""Every client operation against the sandbox over real HTTP."""

from __future__ import annotations

import io
import time

import pytest

from heygen import Client, NotFoundError, PayloadTooLargeError, VideoSpec
from heygen.api.errors import InvalidRequestError



def wait_terminal(client: Client, video_id: str, *, tries: int = 200):
    for _ in range(tries):
        video = client.videos.get(video_id)
        if video.is_terminal:
            return video
        time.sleep(0.05)
    raise AssertionError(f"video {video_id} never finished")


def test_me_reports_name_and_balance(client):
    user = client.users.me()
    assert user.username
    assert user.display_name
    assert user.billing_type in ("wallet", "subscription", "usage_based")
    assert "left" in user.balance_text or "spent" in user.balance_text


def test_all_looks_follow_next_token_with_pages_of_at_most_50(client, sandbox, api_calls):
    looks = client.avatars.looks()
    assert len(looks) >= 1000
    assert len({look.id for look in looks}) == len(looks)
    assert {look.avatar_type for look in looks} >= {"studio_avatar", "digital_twin", "photo_avatar"}
    calls = api_calls("GET", "/v3/avatars/looks")
    assert len(calls) >= 20
    assert all(int(_q(c, "limit")) <= 50 for c in calls)
    assert _q(calls[0], "token") in (None, "")
    assert all(_q(c, "token") for c in calls[1:])


def test_looks_limit_and_filters(client, sandbox, api_calls):
    first = client.avatars.looks(limit=7)
    assert len(first) == 7
    assert [int(_q(c, "limit")) for c in api_calls("GET", "/v3/avatars/looks")] == [7]
    photos = client.avatars.looks(avatar_type="photo_avatar", limit=60)
    assert len(photos) == 60 and all(p.avatar_type == "photo_avatar" for p in photos)
    mine = client.avatars.looks(ownership="private")
    assert mine and any(not look.ready for look in mine), "private looks still training are reported"
    assert all(look.ready for look in client.avatars.looks(ownership="public", limit=100))


def test_groups(client):
    groups = client.avatars.groups(limit=120)
    assert len(groups) == 120
    assert all(g.id and g.looks_count >= 1 for g in groups)
    group = groups[0]
    looks = client.avatars.looks(group_id=group.id)
    assert looks and all(look.group_id == group.id for look in looks)


def test_voices_pages_of_at_most_100_and_languages(client, sandbox, api_calls):
    voices = client.voices.list()
    assert len(voices) >= 1000
    assert len({v.language for v in voices}) >= 8
    assert all(int(_q(c, "limit")) <= 100 for c in api_calls("GET", "/v3/voices"))
    french = client.voices.list(language="French", limit=30)
    assert french and all(v.language == "French" for v in french)
    cloned = client.voices.list(type="private")
    assert cloned and all(v.type == "private" for v in cloned)


def test_upload_asset_sends_multipart_file(client, sandbox):
    asset = client.assets.upload(b"\xff\xd8\xff" + b"0" * 2000, filename="face.jpg", mime_type="image/jpeg")
    assert asset.asset_id and asset.url
    assert asset.size_bytes == 2003
    stream = io.BytesIO(b"RIFF" + b"1" * 500)
    assert client.assets.upload(stream, filename="voice.wav", mime_type="audio/wav").size_bytes == 504


def test_upload_over_32_mb_is_refused_before_sending(client, sandbox, api_calls):
    with pytest.raises(PayloadTooLargeError) as info:
        client.assets.upload(b"0" * (32 * 1024 * 1024 + 1), filename="huge.mp4", mime_type="video/mp4")
    assert "32 MB" in str(info.value)
    assert api_calls("POST", "/v3/assets") == []


def test_create_avatar_video_and_watch_it_complete(client, sandbox, api_calls):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Hello from the studio.",
                     title="Greeting", resolution="720p", aspect_ratio="9:16")
    created = client.videos.create(spec, idempotency_key="idem-123")
    assert created.video_id
    (call,) = api_calls("POST", "/v3/videos")
    assert call["idempotency_key"] == "idem-123"
    video = wait_terminal(client, created.video_id)
    assert video.status == "completed"
    assert video.video_url and video.thumbnail_url and video.duration
    assert video.title == "Greeting"


def test_every_create_carries_a_fresh_idempotency_key(client, sandbox, api_calls):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="One.")
    a = client.videos.create(spec)
    b = client.videos.create(spec)
    keys = [c["idempotency_key"] for c in api_calls("POST", "/v3/videos")]
    assert len(keys) == 2 and all(keys) and keys[0] != keys[1]
    assert a.video_id != b.video_id


def test_same_idempotency_key_never_makes_a_second_video(client, sandbox):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Only once.")
    first = client.videos.create(spec, idempotency_key="same-key")
    again = client.videos.create(spec, idempotency_key="same-key")
    assert first.video_id == again.video_id
    assert len(client.videos.list()) == 1


def test_image_video_with_every_optional_field(client, sandbox, api_calls):
    photo = client.assets.upload(b"\x89PNG\r\n\x1a\n" + b"0" * 100, filename="me.png", mime_type="image/png")
    audio = client.assets.upload(b"ID3" + b"0" * 100, filename="talk.mp3", mime_type="audio/mpeg")
    backdrop = client.assets.upload(b"\xff\xd8\xff" + b"0" * 100, filename="bg.jpg", mime_type="image/jpeg")
    spec = VideoSpec(image_asset_id=photo.asset_id, audio_asset_id=audio.asset_id, title="Photo talk",
                     resolution="1080p", aspect_ratio="16:9", background_asset_id=backdrop.asset_id,
                     remove_background=True, expressiveness="high", motion_prompt="nods gently",
                     callback_id="cb-1")
    created = client.videos.create(spec)
    (call,) = api_calls("POST", "/v3/videos")
    body = call["request_json"]
    assert body["type"] == "image"
    assert body["image"] == {"type": "asset_id", "asset_id": photo.asset_id}
    assert body["audio_asset_id"] == audio.asset_id and "script" not in body
    assert body["background"] == {"type": "image", "asset_id": backdrop.asset_id}
    assert wait_terminal(client, created.video_id).status == "completed"


def test_voice_settings_and_colour_background(client, sandbox, api_calls):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Fast and high.", speed=1.2, pitch=10,
                     background_color="#112233")
    client.videos.create(spec)
    body = api_calls("POST", "/v3/videos")[0]["request_json"]
    assert body["voice_settings"] == {"speed": 1.2, "pitch": 10}
    assert body["background"] == {"type": "color", "value": "#112233"}


def test_invalid_video_names_the_field(client):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    with pytest.raises(InvalidRequestError) as info:
        client.videos.create({"type": "avatar", "avatar_id": look.id, "script": "Hi", "voice_id": "no-such-voice"})
    assert info.value.status == 400
    assert info.value.param == "voice_id"
    assert "voice_id" in str(info.value)


def test_list_and_delete_videos(client):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    ids = [client.videos.create(VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=f"Take {i}",
                                          title=f"Take {i}")).video_id for i in range(3)]
    listed = client.videos.list()
    assert [v.id for v in listed] == list(reversed(ids))
    assert [v.id for v in client.videos.list(title="Take 1")] == [ids[1]]
    assert client.videos.delete(ids[0]) is True
    with pytest.raises(NotFoundError):
        client.videos.get(ids[0])


def test_unknown_video_is_not_found(client):
    with pytest.raises(NotFoundError) as info:
        client.videos.get("does-not-exist")
    assert info.value.status == 404 and info.value.code == "not_found"


def test_download_streams_the_finished_mp4_without_the_key(client, sandbox):
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    created = client.videos.create(VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Download me."))
    video = wait_terminal(client, created.video_id)
    data = b"".join(client.download(video.video_url))
    assert data[4:8] == b"ftyp"


def test_base_url_points_every_call_at_that_server(sandbox, api_key):
    c = Client(api_key, sandbox.base_url + "/")
    assert c.base_url == sandbox.base_url
    assert c.users.me().username
    env_client = Client.from_env({"HEYGEN_API_KEY": api_key, "HEYGEN_API_BASE_URL": sandbox.base_url})
    assert env_client.users.me().username


def _q(call: dict, name: str):
    value = (call.get("query") or {}).get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value
