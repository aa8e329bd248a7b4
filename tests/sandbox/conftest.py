"""Fixtures for the sandbox tests: a live sandbox on 127.0.0.1 and a requests session for it."""

from __future__ import annotations

import time

import pytest
import requests

from heygen.sandbox import Sandbox

TERMINAL = ("completed", "failed")


class Api:
    """A requests session pointed at a sandbox, sending its key."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.base = sandbox.base_url
        self.session = requests.Session()
        self.session.headers["X-Api-Key"] = sandbox.api_key

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.session.get(self.url(path), **kwargs)

    def post(self, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.session.post(self.url(path), **kwargs)

    def delete(self, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.session.delete(self.url(path), **kwargs)

    def control(self, method, path, **kwargs):
        """A control-endpoint call without the API key."""
        kwargs.setdefault("timeout", 10)
        return requests.request(method, self.url(path), **kwargs)

    def first_look(self, **params):
        params = {"ownership": "public", "limit": 1, **params}
        return self.get("/v3/avatars/looks", params=params).json()["data"][0]

    def voice(self, **params):
        params = {"language": "English", "limit": 1, **params}
        return self.get("/v3/voices", params=params).json()["data"][0]

    def create_video(self, headers=None, **fields):
        look = self.first_look()
        body = {"type": "avatar", "avatar_id": look["id"], "script": "Hello from the sandbox.",
                "voice_id": look["default_voice_id"], **fields}
        return self.post("/v3/videos", json=body, headers=headers or {})

    def upload(self, name="photo.png", data=None, mime="image/png"):
        data = data if data is not None else b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        response = self.post("/v3/assets", files={"file": (name, data, mime)})
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def wait_terminal(self, video_id, max_polls=400, interval=0.05):
        """Poll a video until it is completed/failed or gone; returns (statuses seen, last response)."""
        seen = []
        for _ in range(max_polls):
            response = self.get(f"/v3/videos/{video_id}")
            if response.status_code != 200:
                return seen, response
            status = response.json()["data"]["status"]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status in TERMINAL:
                return seen, response
            time.sleep(interval)
        raise AssertionError(f"video {video_id} still not terminal after {max_polls} polls: {seen}")


@pytest.fixture
def sandbox():
    """A fresh sandbox with quick renders (and room for many at once: the limit has its own tests)."""
    with Sandbox(render_seconds=0.6, max_concurrent_renders=100) as sb:
        yield sb


@pytest.fixture
def api(sandbox):
    """A requests session for the sandbox."""
    client = Api(sandbox)
    yield client
    client.session.close()


def _assert_v3_error(response, status, code, param=...):
    """The response is a v3 error envelope with this status, code (and param)."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) >= {"code", "message", "param", "doc_url"}
    if param is not ...:
        assert error["param"] == param, error
    return error


@pytest.fixture
def v3_error():
    """`v3_error(response, status, code, param=...)` asserts a v3 error envelope."""
    return _assert_v3_error


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium for the one browser test here."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}
