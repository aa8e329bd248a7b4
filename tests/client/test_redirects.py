"""The API key never leaves the configured server: no redirect is followed with it, media links never get it.

A second server on another loopback address (127.0.0.2) stands for "another host" and records the
headers of everything that reaches it.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from heygen import Client
from heygen.api import errors

from tests.client.conftest import API_KEY

OTHER_HOST = "127.0.0.2"


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, routes: dict[str, tuple[int, dict[str, str], bytes]]):
        self.seen: list[dict] = []
        self.routes = routes
        super().__init__((host, 0), _RecordingHandler)

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - base class signature
        pass

    def _answer(self):
        self.server.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers.items())})
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?")[0]
        status, headers, body = self.server.routes.get(path, (200, {"Content-Type": "application/json"},
                                                              b'{"data": {}}'))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value.replace("{other}", self.server.routes.get("_other", (0, {}, b""))[2].decode()))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer


@pytest.fixture
def other_host():
    try:
        server = _Recorder(OTHER_HOST, {
            "/file.mp4": (200, {"Content-Type": "video/mp4"}, b"\x00\x00\x00\x18ftypmp42-bytes"),
        })
    except OSError as exc:  # pragma: no cover - every Linux loopback has 127.0.0.0/8
        pytest.fail(f"Could not listen on {OTHER_HOST}: {exc}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _keyed(server: _Recorder) -> list[dict]:
    return [s for s in server.seen if any(v == API_KEY for v in s["headers"].values())
            or any(k.lower() == "x-api-key" for k in s["headers"])]


@pytest.mark.parametrize("call", [
    lambda c: c.users.me(),
    lambda c: c.avatars.looks(limit=5),
    lambda c: c.voices.list(limit=5),
    lambda c: c.videos.get("v123"),
    lambda c: c.videos.list(limit=5),
    lambda c: c.assets.upload(b"\xff\xd8\xff\xe0jpeg", filename="a.jpg", mime_type="image/jpeg"),
], ids=["me", "looks", "voices", "video", "videos", "upload"])
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_api_redirect_to_another_host_is_refused_with_a_plain_message(sandbox, other_host, call, status):
    sandbox.add_fault(kind="redirect", status=status, location=f"{other_host.origin}/v3/steal", times=None)
    client = Client(API_KEY, sandbox.base_url, timeout=(2.0, 5.0), sleep=lambda s: None)
    with pytest.raises(errors.RedirectError) as info:
        call(client)
    message = str(info.value)
    assert message == (f"HeyGen's address answered with a redirect to {OTHER_HOST}:{other_host.server_address[1]}; "
                       "the studio does not follow it with your key.")
    assert not errors.unclear(info.value)
    for text in (message, repr(info.value), str(info.value.to_dict()), str(info.value.details())):
        assert API_KEY not in text
    assert other_host.seen == []


def test_a_redirected_create_is_not_sent_on(sandbox, other_host):
    sandbox.add_fault(kind="redirect", method="POST", path="/v3/videos", status=307,
                      location=f"{other_host.origin}/v3/videos")
    client = Client(API_KEY, sandbox.base_url, sleep=lambda s: None)
    with pytest.raises(errors.RedirectError):
        client.videos.create({"type": "avatar", "avatar_id": "x", "voice_id": "y", "script": "Hi."})
    assert other_host.seen == []
    assert client.videos.list() == []


def test_redirect_location_query_never_reaches_the_message(sandbox, other_host):
    sandbox.add_fault(kind="redirect", location=f"{other_host.origin}/login?token=abc&next=/v3", times=None)
    client = Client(API_KEY, sandbox.base_url, sleep=lambda s: None)
    with pytest.raises(errors.RedirectError) as info:
        client.users.me()
    assert "token" not in str(info.value) and "/login" not in str(info.value)


def test_media_download_never_carries_the_key_even_on_the_api_host(sandbox):
    client = Client(API_KEY, sandbox.base_url, sleep=lambda s: None)
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    sandbox.configure(render_seconds=0.0)
    created = client.videos.create({"type": "avatar", "avatar_id": look.id, "voice_id": voice.voice_id,
                                    "script": "Hello."})
    video = client.videos.get(created.video_id)
    assert video.video_url and video.video_url.startswith(sandbox.base_url)
    data = b"".join(client.download(video.video_url))
    assert data[4:8] == b"ftyp"
    media_calls = [e for e in sandbox.requests_log(media=True) if e["path"].startswith(("/media/", "/videos/"))]
    assert media_calls, "the download never reached the sandbox"
    assert [e["key_sent"] for e in media_calls] == [False] * len(media_calls)


def test_media_redirects_are_followed_without_the_key(other_host):
    start = _Recorder("127.0.0.1", {
        "/signed/video.mp4": (302, {"Location": f"{other_host.origin}/file.mp4"}, b""),
    })
    threading.Thread(target=start.serve_forever, daemon=True).start()
    try:
        client = Client(API_KEY, start.origin, sleep=lambda s: None)
        data = b"".join(client.download(f"{start.origin}/signed/video.mp4?X-Amz-Signature=abc"))
    finally:
        start.shutdown()
        start.server_close()
    assert data.startswith(b"\x00\x00\x00\x18ftyp")
    assert [s["path"] for s in other_host.seen] == ["/file.mp4"]
    assert _keyed(start) == [] and _keyed(other_host) == []


def test_media_redirect_loops_stop_at_the_hop_limit():
    loop = _Recorder("127.0.0.1", {"/a": (302, {"Location": "/b"}, b""), "/b": (302, {"Location": "/a"}, b"")})
    threading.Thread(target=loop.serve_forever, daemon=True).start()
    try:
        client = Client(API_KEY, loop.origin, sleep=lambda s: None)
        with pytest.raises(errors.UnexpectedResponseError) as info:
            client.download(f"{loop.origin}/a", max_hops=3)
    finally:
        loop.shutdown()
        loop.server_close()
    assert "redirected more than 3 times" in str(info.value)
    assert len(loop.seen) == 4 and _keyed(loop) == []


def test_media_redirect_to_a_non_web_scheme_is_refused():
    odd = _Recorder("127.0.0.1", {"/a": (302, {"Location": "file:///etc/passwd"}, b"")})
    threading.Thread(target=odd.serve_forever, daemon=True).start()
    try:
        client = Client(API_KEY, odd.origin, sleep=lambda s: None)
        with pytest.raises(errors.UnexpectedResponseError):
            client.download(f"{odd.origin}/a")
    finally:
        odd.shutdown()
        odd.server_close()
