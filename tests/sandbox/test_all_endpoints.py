"""Sandbox: every endpoint of the July v3 reference either answers to its schema or says the sandbox does not offer it.

The (method, path) pairs come from the shared reference, not from the sandbox. Which ones must answer 2xx is
the sandbox's own route table (``api.implemented``), so an endpoint that gets implemented is held to its
response schema from then on; every other one must answer 404 with the error envelope and the "does not
offer" message, never a neighbouring route's answer (a 405, or another route's 404).
"""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

import jsonschema
import pytest
import requests

from heygen.sandbox import Sandbox
from heygen.sandbox.api import implemented
from heygen.sandbox.endpoints import ENDPOINTS

REFERENCE_PATH = Path("heygen-api") / "v3-2026-07" / "endpoints.json"
MISSING_ID = "sandbox_unknown_id"
HOOK_URL = "http://127.0.0.1:9/hooks"  # loopback, nothing listens: deliveries fail quietly
SRT = "1\n00:00:00,000 --> 00:00:01,000\nHola a todos.\n"


def _reference_file() -> Path | None:
    """The shared reference: ../shared next to the repository (looked for up the tree from this file)."""
    for parent in Path(__file__).resolve().parents:
        found = parent / "shared" / REFERENCE_PATH
        if found.is_file():
            return found
    return None


REFERENCE = _reference_file()
pytestmark = pytest.mark.skipif(REFERENCE is None, reason=f"the shared API reference (../shared/{REFERENCE_PATH}) "
                                                          "is not on this machine")
SPECS = json.loads(REFERENCE.read_text())["endpoints"] if REFERENCE else []


def _order(spec: dict) -> tuple:
    """Deletions last, stopping a session just before them: everything else still finds its fixtures."""
    return (spec["method"] == "DELETE", spec["path"].endswith("/stop"))


ORDERED = sorted(SPECS, key=_order)


# ---------------------------------------------------------------- schemas


def json_schema(schema):
    """An OpenAPI schema as JSON Schema: ``nullable: true`` becomes a union with null."""
    if isinstance(schema, list):
        return [json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: json_schema(value) for key, value in schema.items()
           if key not in ("nullable", "discriminator")}
    if schema.get("properties") is not None and not isinstance(schema.get("properties"), dict):
        out.pop("properties")
    if schema.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        elif kind is None:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def test_the_conversion_lets_null_through_only_where_nullable():
    schema = json_schema({"type": "object", "properties": {
        "a": {"type": "string", "nullable": True, "enum": ["x"]}, "b": {"type": "integer"}}})
    jsonschema.validate({"a": None, "b": 1}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"a": "x", "b": None}, schema)


# ---------------------------------------------------------------- the world the requests need


class World:
    """A sandbox with one of everything the implemented by-id endpoints can be asked about."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.base = sandbox.base_url
        self.session = requests.Session()
        self.session.headers["X-Api-Key"] = sandbox.api_key
        self.ids: dict[str, str] = {}
        self.template_variables: dict = {}

    def call(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base + path, **kwargs)

    def ok(self, method, path, **kwargs) -> dict:
        response = self.call(method, path, **kwargs)
        assert 200 <= response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()["data"]

    def until(self, what, check, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.05)

    def video_body(self) -> dict:
        return {"type": "avatar", "avatar_id": self.ids["look_id"], "script": "Hello from every endpoint.",
                "voice_id": self.ids["voice_id"]}

    def build(self) -> None:
        look = self.ok("GET", "/v3/avatars/looks", params={"limit": 1, "ownership": "public"})[0]
        self.ids.update(look_id=look["id"], group_id=look["group_id"], voice_id=look["default_voice_id"])
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        self.ids["asset_id"] = self.ok("POST", "/v3/assets", files={"file": ("p.png", png, "image/png")})["asset_id"]
        self.ids["srt_asset_id"] = self.ok(
            "POST", "/v3/assets", files={"file": ("es.srt", SRT.encode(), "application/x-subrip")})["asset_id"]
        wav = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40
        upload = self.ok("POST", "/v3/assets/direct-uploads",
                         json={"filename": "v.wav", "content_type": "audio/wav", "size_bytes": len(wav)})
        assert requests.put(upload["upload_url"], data=wav, headers=upload["upload_headers"], timeout=30).ok
        self.ids["upload_id"] = upload["asset_id"]

        video_id = self.ok("POST", "/v3/videos", json=self.video_body())["video_id"]
        video = self.until("the video", lambda: (lambda d: d if d["status"] == "completed" else None)(
            self.ok("GET", f"/v3/videos/{video_id}")))
        self.ids.update(video_id=video_id, video_url=video["video_url"])
        self.ids["video_batch_id"] = self.ok("POST", "/v3/videos/batches",
                                             json={"videos": [self.video_body()]})["batch_id"]

        speech = self.ok("POST", "/v3/voices/speech", json={"text": "Hello there.", "voice_id": self.ids["voice_id"]})
        self.ids["speech_url"] = speech["audio_url"]
        self.ids["lipsync_id"] = self.ok("POST", "/v3/lipsyncs", json=self.lipsync_body())["lipsync_id"]
        self.ids["video_translation_id"] = self.ok(
            "POST", "/v3/video-translations", json=self.translation_body())["video_translation_ids"][0]
        proofread_id = self.ok("POST", "/v3/video-translations/proofreads",
                               json={**self.translation_body(), "title": "Proofread"})["proofread_ids"][0]
        self.until("the proofread", lambda: self.ok(
            "GET", f"/v3/video-translations/proofreads/{proofread_id}")["status"] == "completed")
        self.ids["proofread_id"] = proofread_id

        session_id = self.ok("POST", "/v3/video-agents", json={"prompt": "A welcome video.", "mode": "chat"})[
            "session_id"]
        self.until("the agent's question", lambda: self.ok(
            "GET", f"/v3/video-agents/{session_id}")["status"] == "waiting_for_input")
        self.ids["session_id"] = session_id

        if implemented("GET", "/v3/templates"):
            templates = self.ok("GET", "/v3/templates")
            self.ids["template_id"] = templates[0]["template_id" if "template_id" in templates[0] else "id"]
            if implemented("GET", "/v3/templates/{template_id}"):
                # Every variable as the template defines it, each text one given a value.
                defined = self.ok("GET", f"/v3/templates/{self.ids['template_id']}").get("variables") or {}
                self.template_variables = {
                    name: {**var, "properties": {**var.get("properties", {}), "content": "Sam"}}
                    if var.get("type") == "text" else var for name, var in defined.items()}
        if implemented("POST", "/v3/webhooks/endpoints"):
            self.ids["endpoint_id"] = self.ok("POST", "/v3/webhooks/endpoints", json={"url": HOOK_URL})["endpoint_id"]

    def lipsync_body(self) -> dict:
        return {"video": {"type": "url", "url": self.ids["video_url"]},
                "audio": {"type": "url", "url": self.ids["speech_url"]}}

    def translation_body(self) -> dict:
        return {"video": {"type": "url", "url": self.ids["video_url"]}, "output_languages": ["Spanish (Spain)"]}


# What each implemented endpoint is sent (path parameters not named here come from World.ids by name).
def _requests(world: World) -> dict:
    ids = world.ids
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    return {
        ("GET", "/v3/assets/statuses"): {"params": {"asset_ids": ids["asset_id"]}},
        ("POST", "/v3/assets"): {"files": {"file": ("q.png", png, "image/png")}},
        ("POST", "/v3/assets/direct-uploads"): {"json": {"filename": "a.wav", "content_type": "audio/wav",
                                                         "size_bytes": 48}},
        ("POST", "/v3/assets/{asset_id}/complete"): {"path": {"asset_id": ids["upload_id"]}, "json": {}},
        ("GET", "/v3/lipsyncs/statuses"): {"params": {"lipsync_ids": ids["lipsync_id"]}},
        ("POST", "/v3/lipsyncs"): {"json": world.lipsync_body()},
        ("PATCH", "/v3/lipsyncs/{lipsync_id}"): {"json": {"title": "Renamed lip-sync"}},
        ("POST", "/v3/templates/{template_id}"): {"json": {"variables": world.template_variables,
                                                                 "title": "From a template"}},
        ("POST", "/v3/video-agents"): {"json": {"prompt": "A short welcome video."}},
        ("POST", "/v3/video-agents/{session_id}"): {"json": {"message": "Yes, friendly and short."}},
        ("POST", "/v3/video-agents/{session_id}/stop"): {"json": {}},
        ("POST", "/v3/video-translations"): {"json": world.translation_body()},
        ("POST", "/v3/video-translations/proofreads"): {"json": {**world.translation_body(), "title": "Proof"}},
        ("POST", "/v3/video-translations/proofreads/{proofread_id}/generate"): {"json": {}},
        ("PUT", "/v3/video-translations/proofreads/{proofread_id}/srt"): {
            "json": {"srt": {"type": "asset_id", "asset_id": ids["srt_asset_id"]}}},
        ("GET", "/v3/video-translations/statuses"): {"params": {"video_translation_ids": ids["video_translation_id"]}},
        ("PATCH", "/v3/video-translations/{video_translation_id}"): {"json": {"title": "Renamed translation"}},
        ("POST", "/v3/videos"): {"json": world.video_body()},
        ("POST", "/v3/videos/batches"): {"json": {"videos": [world.video_body(), world.video_body()]}},
        ("GET", "/v3/videos/batches/{batch_id}"): {"path": {"batch_id": ids["video_batch_id"]}},
        ("GET", "/v3/videos/statuses"): {"params": {"video_ids": ids["video_id"]}},
        ("POST", "/v3/voices/speech"): {"json": {"text": "Hello.", "voice_id": ids["voice_id"]}},
        ("POST", "/v3/webhooks/endpoints"): {"json": {"url": HOOK_URL}},
        ("PATCH", "/v3/webhooks/endpoints/{endpoint_id}"): {"json": {"url": HOOK_URL + "/2"}},
        ("POST", "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret"): {"json": {}},
    }


def _path(template: str, given: dict, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: given.get(m.group(1)) or ids.get(m.group(1)) or MISSING_ID, template)


@pytest.fixture(scope="module")
def world():
    with Sandbox(render_seconds=0.6, max_concurrent_renders=100) as sandbox:
        built = World(sandbox)
        built.build()
        yield built
        built.session.close()


# ---------------------------------------------------------------- the walk


def test_the_reference_has_85_endpoints_and_the_sandbox_knows_the_same_ones():
    pairs = [(spec["method"], spec["path"]) for spec in SPECS]
    assert len(pairs) == 85 == len(set(pairs))
    assert sorted(pairs) == sorted(ENDPOINTS)


@pytest.mark.parametrize("spec", ORDERED, ids=[f"{s['method']} {s['path']}" for s in ORDERED])
def test_endpoint(spec, world):
    method, template = spec["method"], spec["path"]
    if implemented(method, template):
        sent = copy.deepcopy(_requests(world).get((method, template), {}))
        path = _path(template, sent.pop("path", {}), world.ids)
        response = world.call(method, path, **sent)
        assert 200 <= response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        if spec["response_schema"]:
            jsonschema.validate(response.json(), json_schema(spec["response_schema"]))
        return
    # Not implemented: whatever is sent, the answer is "not offered", with the template named.
    body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    response = world.call(method, _path(template, {}, world.ids), **body)
    assert response.status_code == 404, f"{method} {template}: a neighbouring route answered {response.status_code} " \
                                        f"{response.text}"
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "param", "doc_url"}
    assert error["code"] == "not_found"
    assert error["message"] == f"The sandbox does not offer {method} {template}.", error


def test_at_least_the_studio_s_endpoints_and_the_cheap_ones_are_implemented():
    for pair in [("GET", "/v3/videos/{video_id}"), ("POST", "/v3/videos/batches"), ("GET", "/v3/voices/{voice_id}"),
                 ("GET", "/v3/assets/statuses"), ("GET", "/v3/lipsyncs/statuses"),
                 ("DELETE", "/v3/video-translations/{video_translation_id}"), ("GET", "/v3/avatars/{group_id}")]:
        assert implemented(*pair), pair
    assert not implemented("GET", "/v3/ai-clipping")


def test_not_offered_comes_after_the_key_check_and_a_wrong_method_names_the_reference_s_methods(world):
    response = requests.get(world.base + "/v3/assets/search", timeout=30)
    assert response.status_code == 401
    response = world.call("GET", "/v3/videos/batches")
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    response = world.call("PUT", "/v3/assets")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"
    # An unknown id under a literal-free route still reaches its handler.
    response = world.call("GET", f"/v3/assets/{MISSING_ID}")
    assert response.status_code == 404 and response.json()["error"]["message"] == "Asset not found."
