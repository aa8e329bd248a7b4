"""Sandbox templates: list, detail and generate answer July's schemas; every variable type is offered and
checked; a generated video is an ordinary sandbox video that says the filled-in script."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from heygen.sandbox.templates import TEXT_MAX, VARIABLE_TYPES

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "heygen-api" / "v3-2026-07" / "endpoints.json"
WELCOME = "tpl_customer_welcome"


@pytest.fixture(scope="module")
def schemas():
    if not REFERENCE.exists():
        pytest.skip(f"the July reference is not at {REFERENCE}")
    endpoints = json.loads(REFERENCE.read_text())["endpoints"]
    return {(e["method"], e["path"]): e for e in endpoints}


def _nullable(schema):
    """OpenAPI's ``nullable: true`` as JSON Schema's ``type: [..., "null"]``."""
    if isinstance(schema, list):
        return [_nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _nullable(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable") and isinstance(schema.get("type"), str):
        out["type"] = [schema["type"], "null"]
    return out


def _valid(schemas, method, path, body, part="response_schema"):
    jsonschema.Draft202012Validator(_nullable(schemas[(method, path)][part])).validate(body)


def _text(value):
    return {"type": "text", "properties": {"content": value}}


def test_list_and_detail_fit_the_schema_and_cover_every_variable_type(api, schemas):
    first = api.get("/v3/templates", params={"limit": 2})
    assert first.status_code == 200, first.text
    _valid(schemas, "GET", "/v3/templates", first.json())
    assert first.json()["has_more"] is True
    rest = api.get("/v3/templates", params={"token": first.json()["next_token"]}).json()
    assert rest["has_more"] is False and rest["next_token"] is None
    ids = [t["id"] for t in first.json()["data"] + rest["data"]]
    assert len(ids) == len(set(ids)) == 3

    seen = set()
    for template_id in ids:
        answer = api.get(f"/v3/templates/{template_id}")
        assert answer.status_code == 200, answer.text
        _valid(schemas, "GET", "/v3/templates/{template_id}", answer.json())
        data = answer.json()["data"]
        assert data["scene_ids"] == [s["scene_id"] for s in data["scenes"]]
        for name, value in data["variables"].items():
            assert value["name"] == name and value["type"] in VARIABLE_TYPES
            seen.add(value["type"])
        for scene in data["scenes"]:
            assert {v["name"] for v in scene["variables"]} <= set(data["variables"])
    assert seen == set(VARIABLE_TYPES)


def test_defaults_can_be_posted_back_and_the_video_says_the_filled_in_script(api, schemas, sandbox):
    detail = api.get(f"/v3/templates/{WELCOME}").json()["data"]
    variables = dict(detail["variables"])
    variables["first_name"] = _text("Ada")
    body = {"variables": variables, "title": "Welcome Ada"}
    _valid(schemas, "POST", "/v3/templates/{template_id}", body, "request_schema")

    answer = api.post(f"/v3/templates/{WELCOME}", json=body)

    assert answer.status_code == 200, answer.text
    _valid(schemas, "POST", "/v3/templates/{template_id}", answer.json())
    video = answer.json()["data"]
    assert video["status"] == "pending" and video["title"] == "Welcome Ada"
    statuses = api.get("/v3/videos/statuses", params={"video_ids": video["id"]}).json()["data"]
    assert statuses[0]["video_id"] == video["id"] and statuses[0]["status"] in ("queued", "processing", "completed")
    seen, last = api.wait_terminal(video["id"])
    assert seen[-1] == "completed", seen
    subtitles = api.session.get(last.json()["data"]["subtitle_url"], timeout=10).text
    said = " ".join(line for line in subtitles.splitlines() if line and not line[0].isdigit())
    assert "Hello Ada, welcome to Northwind." in said
    assert "Your account is ready" in said


def test_scene_ids_choose_and_repeat_scenes(api, sandbox):
    body = {"variables": {"first_name": _text("Bo"), "company": _text("Fabrikam")},
            "scene_ids": ["scene_next", "scene_hello"]}
    video = api.post(f"/v3/templates/{WELCOME}", json=body).json()["data"]
    _, last = api.wait_terminal(video["id"])
    subtitles = api.session.get(last.json()["data"]["subtitle_url"], timeout=10).text
    assert subtitles.index("Your account") < subtitles.index("Hello Bo, welcome to Fabrikam.")


def test_every_media_character_and_voice_variable_is_accepted_by_url_asset_or_id(api):
    detail = api.get("/v3/templates/tpl_product_launch").json()["data"]
    image = api.upload("backdrop.png")
    variables = {
        "product": _text("Lumen"),
        "backdrop": {"type": "image", "properties": {"asset_id": image["asset_id"]}},
        "demo": {"type": "video", "properties": {"url": "https://cdn.example.com/demo.mp4", "volume": 0.5}},
        "music": {"type": "audio", "properties": {"url": "https://cdn.example.com/tune.mp3"}},
        "presenter": detail["variables"]["presenter"],
        "narrator": {"type": "voice", "properties": {"voice_id": api.voice()["voice_id"]}},
    }
    answer = api.post("/v3/templates/tpl_product_launch", json={"variables": variables})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("variables", "extra", "param", "words"), [
    ({"first_name": _text("Ada"), "nickname": _text("A")}, {}, "variables.nickname", "Unknown variable"),
    ({"first_name": {"type": "image", "properties": {"url": "https://x.example/a.png"}}}, {},
     "variables.first_name.type", "of type text"),
    ({"first_name": _text("Ada"), "logo": {"type": "image", "properties": {"url": "not a link"}}}, {},
     "variables.logo.properties.url", "http(s) URL"),
    ({"first_name": _text("Ada"), "logo": {"type": "image", "properties": {}}}, {},
     "variables.logo.properties", "url or properties.asset_id"),
    ({"first_name": _text("Ada"), "presenter": {"type": "character", "properties": {"character_id": "nobody"}}},
     {}, "variables.presenter.properties.character_id", "not found"),
    ({"first_name": _text("Ada"), "narrator": {"type": "voice", "properties": {"voice_id": "nobody"}}},
     {}, "variables.narrator.properties.voice_id", "not found"),
    ({"company": _text("Acme")}, {}, "variables.first_name", "no default"),
    ({"first_name": _text("  ")}, {}, "variables.first_name", "no default"),
    ({"first_name": _text("x" * (TEXT_MAX + 1))}, {}, "variables.first_name.properties.content", "at most"),
    ({"first_name": _text("Ada")}, {"scene_ids": ["scene_hello", "scene_gone"]}, "scene_ids", "Unknown scene id"),
    ({"first_name": _text("Ada")}, {"dimension": {"width": 1080, "height": 1920}}, "dimension", "aspect ratio"),
])
def test_a_bad_request_gets_a_400_naming_the_field_and_makes_no_video(api, v3_error, variables, extra, param, words):
    before = len(api.get("/v3/videos").json()["data"])
    answer = api.post(f"/v3/templates/{WELCOME}", json={"variables": variables, **extra})
    error = v3_error(answer, 400, "invalid_parameter", param)
    assert words in error["message"]
    assert len(api.get("/v3/videos").json()["data"]) == before


def test_an_asset_of_the_wrong_kind_is_refused(api, v3_error):
    audio = api.upload("voice.wav", b"RIFF" + b"\x00" * 40 + b"WAVEfmt ", "audio/wav")
    answer = api.post(f"/v3/templates/{WELCOME}", json={"variables": {
        "first_name": _text("Ada"), "logo": {"type": "image", "properties": {"asset_id": audio["asset_id"]}}}})
    assert "expected image" in v3_error(answer, 400, "invalid_parameter", "variables.logo.properties.asset_id")["message"]


def test_an_unknown_template_is_404(api, v3_error):
    v3_error(api.get("/v3/templates/tpl_nope"), 404, "not_found")
    v3_error(api.post("/v3/templates/tpl_nope", json={"variables": {}}), 404, "not_found")


def test_the_same_idempotency_key_replays_the_first_answer(api):
    body = {"variables": {"first_name": _text("Ada")}, "title": "Once"}
    headers = {"Idempotency-Key": "tpl-once-1"}
    first = api.post(f"/v3/templates/{WELCOME}", json=body, headers=headers)
    again = api.post(f"/v3/templates/{WELCOME}", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    titled = [v for v in api.get("/v3/videos", params={"title": "Once"}).json()["data"]]
    assert len(titled) == 1
