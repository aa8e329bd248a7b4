"""Sandbox: served media — MP4 clips with Range support, presigned-link expiry, thumbnails, SRT."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from PIL import Image


def finished(sandbox, api, **fields):
    sandbox.configure(render_seconds=0)
    video_id = api.create_video(**fields).json()["data"]["video_id"]
    data = api.get(f"/v3/videos/{video_id}").json()["data"]
    assert data["status"] == "completed"
    return data


@pytest.mark.parametrize("aspect,size", [("16:9", (640, 360)), ("9:16", (360, 640))])
def test_mp4_is_a_real_clip_per_aspect_ratio(sandbox, api, aspect, size):
    data = finished(sandbox, api, aspect_ratio=aspect)
    response = requests.get(data["video_url"], timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.headers["Accept-Ranges"] == "bytes"
    body = response.content
    assert body[4:8] == b"ftyp" and 10_000 < len(body) < 150_000
    assert b"avc1" in body[:4096]  # H.264 sample entry, moov first (+faststart)
    assert body.find(b"moov") < body.find(b"mdat")
    thumb = Image.open(io.BytesIO(requests.get(data["thumbnail_url"], timeout=10).content))
    assert (thumb.size[0] > thumb.size[1]) == (size[0] > size[1])


def test_range_requests(sandbox, api):
    url = finished(sandbox, api)["video_url"]
    whole = requests.get(url, timeout=10).content
    size = len(whole)
    part = requests.get(url, headers={"Range": "bytes=0-99"}, timeout=10)
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 0-99/{size}"
    assert part.content == whole[:100]
    tail = requests.get(url, headers={"Range": "bytes=-50"}, timeout=10)
    assert tail.status_code == 206 and tail.content == whole[-50:]
    rest = requests.get(url, headers={"Range": f"bytes={size - 10}-"}, timeout=10)
    assert rest.status_code == 206 and rest.content == whole[-10:]
    clamp = requests.get(url, headers={"Range": f"bytes=5-{size * 2}"}, timeout=10)
    assert clamp.status_code == 206 and clamp.content == whole[5:]
    beyond = requests.get(url, headers={"Range": f"bytes={size}-"}, timeout=10)
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{size}"
    head = requests.head(url, timeout=10)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == size and head.content == b""


def test_presigned_links_expire_and_renew(sandbox, api):
    data = finished(sandbox, api)
    assert requests.get(data["video_url"], timeout=10).status_code == 200
    query = parse_qs(urlsplit(data["video_url"]).query)
    assert set(query) == {"expires", "signature"}
    tampered = data["video_url"].replace("signature=", "signature=0")
    denied = requests.get(tampered, timeout=10)
    assert denied.status_code == 403 and b"AccessDenied" in denied.content
    bare = data["video_url"].split("?")[0]
    assert requests.get(bare, timeout=10).status_code == 403
    sandbox.configure(url_ttl_seconds=0)
    expired_url = api.get(f"/v3/videos/{data['id']}").json()["data"]["video_url"]
    expired = requests.get(expired_url, timeout=10)
    assert expired.status_code == 403
    assert b"Request has expired" in expired.content
    sandbox.configure(url_ttl_seconds=3600)
    fresh = api.get(f"/v3/videos/{data['id']}").json()["data"]["video_url"]
    assert fresh != expired_url
    assert requests.get(fresh, timeout=10).status_code == 200


def test_deleted_video_media_is_gone(sandbox, api):
    data = finished(sandbox, api)
    api.delete(f"/v3/videos/{data['id']}")
    response = requests.get(data["video_url"], timeout=10)
    assert response.status_code == 404 and b"NoSuchKey" in response.content


def test_subtitles_follow_the_script(sandbox, api):
    script = "Welcome to the spring launch. Our new plan saves your team hours every single week."
    data = finished(sandbox, api, script=script)
    srt = requests.get(data["subtitle_url"], timeout=10).text
    assert srt.startswith("1\n00:00:00,000 --> ")
    assert "Welcome to the spring launch." in srt and "week." in srt
    assert "\n2\n" in srt


def test_subtitles_for_audio_videos(sandbox, api):
    sandbox.configure(render_seconds=0)
    audio = api.upload("voice.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40, "audio/wav")
    look = api.first_look()
    video_id = api.post("/v3/videos", json={"type": "avatar", "avatar_id": look["id"],
                                            "audio_asset_id": audio["asset_id"]}).json()["data"]["video_id"]
    data = api.get(f"/v3/videos/{video_id}").json()["data"]
    srt = requests.get(data["subtitle_url"], timeout=10).text
    assert srt.startswith("1\n") and "-->" in srt


def test_api_endpoint_as_audio_url_fails_to_download(sandbox, api):
    sandbox.configure(render_seconds=0)
    look = api.first_look()
    body = {"type": "avatar", "avatar_id": look["id"], "audio_url": "https://api.heygen.com/v1/audio/123"}
    video_id = api.post("/v3/videos", json=body).json()["data"]["video_id"]
    data = api.get(f"/v3/videos/{video_id}").json()["data"]
    assert data["status"] == "failed" and data["failure_code"] == "download_failed"


def test_look_preview_clip_and_video_page(sandbox, api):
    look = api.first_look()
    clip = requests.get(look["preview_video_url"], headers={"Range": "bytes=0-9"}, timeout=10)
    assert clip.status_code == 206 and clip.content[4:8] == b"ftyp"
    data = finished(sandbox, api)
    page = requests.get(data["video_page_url"], timeout=10)
    assert page.status_code == 200 and "<video" in page.text


def test_unknown_media_is_404(sandbox):
    for path in ("/media/public/looks/nobody.png", "/media/assets/abc.png", "/media/elsewhere"):
        response = requests.get(sandbox.base_url + path, timeout=10)
        assert response.status_code == 404, path
