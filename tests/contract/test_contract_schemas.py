"""The committed HeyGen v3 contract: up to date, well-formed, accepts HeyGen's examples, rejects bad bodies."""

from __future__ import annotations

import copy
import importlib.util
import json
import os
from pathlib import Path

import jsonschema
import pytest

from tests.contract.contract import (
    CONTRACT_FILE,
    load_contract,
    operation_for,
    schema_for,
    validate_error,
    validate_query,
    validate_request,
    validate_response,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests/fixtures/heygen"

EXPECTED_OPERATIONS = {
    "GET /v3/users/me",
    "GET /v3/avatars/looks",
    "GET /v3/avatars",
    "GET /v3/voices",
    "POST /v3/assets",
    "POST /v3/videos",
    "GET /v3/videos",
    "GET /v3/videos/{video_id}",
    "DELETE /v3/videos/{video_id}",
    "GET /v3/video-agents/styles",
    "POST /v3/video-agents",
    "GET /v3/videos/statuses",
    "GET /v3/video-agents",
    "GET /v3/video-agents/{session_id}",
    "POST /v3/video-agents/{session_id}",
    "POST /v3/video-agents/{session_id}/stop",
    "GET /v3/video-agents/{session_id}/videos",
    "GET /v3/brand-kits",
    "POST /v3/voices/speech",
    "POST /v3/assets/direct-uploads",
    "POST /v3/assets/{asset_id}/complete",
    "GET /v3/assets/{asset_id}",
    "POST /v3/lipsyncs",
    "GET /v3/lipsyncs",
    "GET /v3/lipsyncs/{lipsync_id}",
    "GET /v3/video-translations/languages",
    "POST /v3/video-translations",
    "GET /v3/video-translations",
    "GET /v3/video-translations/{video_translation_id}",
    "GET /v3/video-translations/statuses",
    "POST /v3/video-translations/proofreads",
    "GET /v3/video-translations/proofreads/{proofread_id}",
    "GET /v3/video-translations/proofreads/{proofread_id}/srt",
    "PUT /v3/video-translations/proofreads/{proofread_id}/srt",
    "POST /v3/video-translations/proofreads/{proofread_id}/generate",
    "GET /v3/brand-glossaries",
}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extractor():
    spec = importlib.util.spec_from_file_location("extract_contract", REPO_ROOT / "scripts/extract_contract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


# --- the committed file ---------------------------------------------------------------------

def in_ci() -> bool:
    """True when the CI environment variable is set to anything but an empty, 0, false or no value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_official_spec(path: Path) -> None:
    """Skip the calling test when HeyGen's OpenAPI file `path` is missing, or fail it when running in CI."""
    if path.is_file():
        return
    try:
        shown = f"../{path.relative_to(REPO_ROOT.parent).as_posix()}"
    except ValueError:
        shown = str(path)
    if in_ci():
        pytest.fail(f"HeyGen's official OpenAPI file is missing: {shown} ({path}). CI must check the committed "
                    "contract against it: put the file there beside the repository.", pytrace=False)
    pytest.skip(f"HeyGen's OpenAPI file is not beside the repository ({shown})")


def test_committed_schema_matches_the_official_spec(extractor):
    require_official_spec(extractor.DEFAULT_SPEC)
    require_official_spec(extractor.DEFAULT_JULY)
    expected = extractor.render(extractor.build_contract(extractor.DEFAULT_SPEC))
    assert CONTRACT_FILE.read_text(encoding="utf-8") == expected, (
        "tests/contract/heygen-v3-schemas.json is out of date: run python scripts/extract_contract.py"
    )


@pytest.mark.parametrize("value", ["true", "1", "yes", "True"])
def test_a_missing_official_spec_fails_in_ci_naming_the_file(extractor, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    missing = extractor.DEFAULT_SPEC.with_name("missing-" + extractor.DEFAULT_SPEC.name)
    with pytest.raises(pytest.fail.Exception) as info:
        require_official_spec(missing)
    assert f"../shared/heygen-api/openapi/{missing.name}" in str(info.value)


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_a_missing_official_spec_is_skipped_outside_ci(extractor, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    missing = extractor.DEFAULT_SPEC.with_name("missing-" + extractor.DEFAULT_SPEC.name)
    with pytest.raises(pytest.skip.Exception) as info:
        require_official_spec(missing)
    assert f"../shared/heygen-api/openapi/{missing.name}" in str(info.value)


def test_schema_file_is_a_valid_2020_12_schema():
    doc = load_contract()
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # The 2020-12 metaschema checks every schema under $defs too.
    jsonschema.Draft202012Validator.check_schema(doc)


def test_every_reference_resolves_to_a_local_definition():
    doc = load_contract()
    refs = set(_refs(doc["$defs"])) | {doc["x-error-envelope"]}
    for op in doc["x-operations"].values():
        refs |= {ref for ref in op.values() if ref is not None}
    assert refs, "the contract has no references at all"
    for ref in refs:
        assert ref.startswith("#/$defs/") and ref[len("#/$defs/"):] in doc["$defs"], ref


def test_contract_covers_exactly_the_operations_the_studio_uses():
    operations = load_contract()["x-operations"]
    assert set(operations) == EXPECTED_OPERATIONS
    assert operations["POST /v3/videos"]["request"] == "#/$defs/op_post_v3_videos_request"
    assert operations["POST /v3/assets"]["request"] is None  # multipart upload, not JSON


def _keywords(node):
    """Every schema keyword used in ``node`` (property names are not keywords)."""
    if isinstance(node, list):
        for sub in node:
            yield from _keywords(sub)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            if key == "properties":
                for sub in value.values():
                    yield from _keywords(sub)
            elif key != "enum" and key != "const":
                yield from _keywords(value)


def test_prose_is_dropped_but_property_names_are_kept():
    used = set(_keywords(load_contract()["$defs"]))
    assert not used & {"description", "examples", "example", "discriminator", "default", "nullable"}
    # "title" is a property of a video; only the prose keyword may go.
    detail = load_contract()["$defs"]["op_get_v3_videos_video_id_response"]["properties"]["data"]
    assert "title" in detail["properties"]


def test_video_status_follows_julys_enum_without_waiting():
    doc = load_contract()
    assert not any("status/enum" in o["target"] and "waiting" in o["change"] for o in doc["x-overrides"])
    for status in ("pending", "processing", "completed", "failed"):
        validate_response("GET", "/v3/videos/{video_id}", {"data": {"id": "v1", "status": status}})
        validate_response("GET", "/v3/videos", {"data": [{"id": "v1", "status": status}]})
    with pytest.raises(jsonschema.ValidationError):
        validate_response("GET", "/v3/videos/{video_id}", {"data": {"id": "v1", "status": "waiting"}})
    with pytest.raises(jsonschema.ValidationError):
        validate_response("GET", "/v3/videos", {"data": [{"id": "v1", "status": "waiting"}]})


def test_every_operation_comes_from_the_july_list_and_april_gives_only_the_error_envelope():
    doc = load_contract()
    assert set(doc["x-source-july"]["operations"]) == EXPECTED_OPERATIONS
    assert not any(name.startswith("Create") or name == "VideoDetail" for name in doc["$defs"])  # no April shapes
    assert doc["x-error-envelope"] == "#/$defs/ErrorEnvelope"


def test_july_unions_are_told_apart_by_their_discriminator():
    # The endpoint list drops the constants on union branches; the extractor pins them again,
    # so a studio (multi-scene) body is checked against the studio branch only.
    scene = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}, "duration": 3}
    validate_request("POST", "/v3/videos", {"type": "studio", "scenes": [scene]})
    with pytest.raises(jsonschema.ValidationError):
        validate_request("POST", "/v3/videos", {"type": "studio", "scenes": [{**scene, "type": "clip"}]})
    with pytest.raises(jsonschema.ValidationError):
        validate_request("POST", "/v3/videos", {"type": "avatar", "avatar_id": "lk_1", "script": "Hi.",
                                                "voice_id": "v_1", "engine": {"type": "avatar_vi"}})
    validate_request("POST", "/v3/videos", {"type": "avatar", "avatar_id": "lk_1", "script": "Hi.",
                                            "voice_id": "v_1", "engine": None})


def test_bulk_statuses_name_their_status_values_as_a_recorded_override():
    doc = load_contract()
    body = {"data": [{"video_id": "v1", "status": "queued"},
                     {"video_id": "v2", "status": "failed", "error": {"code": "x", "message": "y"}},
                     {"video_id": "v3", "status": "not_found", "error": None}],
            "has_more": False, "next_token": None}
    validate_response("GET", "/v3/videos/statuses", body)
    validate_query("GET", "/v3/videos/statuses", {"video_ids": "v1,v2", "batch_ids": "b1"})
    with pytest.raises(jsonschema.ValidationError) as caught:
        validate_response("GET", "/v3/videos/statuses", {"data": [{"video_id": "v1", "status": "waiting"}]})
    assert "$.data[0].status" in str(caught.value)
    for broken in ({"data": [{"video_id": "v1"}]}, {"data": {"video_id": "v1", "status": "queued"}}, {"has_more": False}):
        with pytest.raises(jsonschema.ValidationError):
            validate_response("GET", "/v3/videos/statuses", broken)
    assert operation_for("GET", "/v3/videos/statuses") == "GET /v3/videos/statuses"


# --- HeyGen's example bodies ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "method", "path", "status", "code"),
    [
        ("v3.error.authentication-failed-401.json", "GET", "/v3/users/me", 401, "authentication_failed"),
        ("v3.error.insufficient-credit-402.json", "POST", "/v3/videos", 402, "insufficient_credit"),
        ("v3.error.video-not-found-404.json", "GET", "/v3/videos/{video_id}", 404, "not_found"),
        ("v3.error.rate-limit-429.json", "POST", "/v3/videos", 429, "rate_limit_exceeded"),
    ],
)
def test_example_error_bodies_fit_the_error_envelope(name, method, path, status, code):
    body = fixture(name)
    assert body["error"]["code"] == code
    validate_response(method, path, body, status=status)
    validate_error(body)


def test_example_upload_success_fits_the_assets_response():
    validate_response("POST", "/v3/assets", fixture("v3.upload-asset.success.json"))


def test_example_failed_video_fits_video_detail_apart_from_its_trimmed_id():
    # The captured body kept only the fields of interest inside `data` (its `id` was cut out),
    # so strict validation must fail on exactly that: a missing `id`.
    body = fixture("v3.video.failed.insufficient-credit.partial.json")
    with pytest.raises(jsonschema.ValidationError) as caught:
        validate_response("GET", "/v3/videos/{video_id}", body)
    assert caught.value.validator == "required" and "'id'" in str(caught.value)

    # With only `id` removed from `required`, every field present is still checked for its
    # name, type and enum (status "failed", failure_code/failure_message strings).
    schema = schema_for("op_get_v3_videos_video_id_response")
    detail = schema["$defs"]["op_get_v3_videos_video_id_response"]["properties"]["data"]
    detail["required"] = [field for field in detail["required"] if field != "id"]
    jsonschema.Draft202012Validator(schema).validate(body)
    broken = copy.deepcopy(body)
    broken["data"]["failure_code"] = 402
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


# --- the schema can fail --------------------------------------------------------------------

VALID_LOOK = {"id": "lk_1", "name": "Business", "avatar_type": "photo_avatar", "tags": [], "group_id": None}
VALID_VIDEO_REQUEST = {"type": "avatar", "avatar_id": "lk_1", "script": "Hello there.", "voice_id": "v_1"}


def test_valid_baselines_pass():
    validate_response("GET", "/v3/avatars/looks", {"data": [VALID_LOOK], "has_more": False, "next_token": None})
    validate_response("GET", "/v3/videos/{video_id}", {"data": {"id": "v1", "status": "completed", "duration": 1.5}})
    validate_request("POST", "/v3/videos", VALID_VIDEO_REQUEST)
    validate_request("POST", "/v3/videos", {"type": "image", "image": {"type": "asset_id", "asset_id": "a1"},
                                            "audio_asset_id": "a2"})
    validate_query("GET", "/v3/avatars/looks", {"limit": "50", "ownership": "private"})


def test_unknown_video_status_is_rejected():
    with pytest.raises(jsonschema.ValidationError) as caught:
        validate_response("GET", "/v3/videos/abc", {"data": {"id": "v1", "status": "exploded"}})
    assert caught.value.validator == "enum"
    assert str(caught.value).startswith("GET /v3/videos/{video_id} response body: at $.data.status:")


def test_look_without_id_is_rejected():
    look = {k: v for k, v in VALID_LOOK.items() if k != "id"}
    with pytest.raises(jsonschema.ValidationError) as caught:
        validate_response("GET", "/v3/avatars/looks", {"data": [look], "has_more": False, "next_token": None})
    assert caught.value.validator == "required" and "$.data[0]" in str(caught.value)


def test_string_where_an_integer_belongs_is_rejected():
    body = fixture("v3.upload-asset.success.json")
    body["data"]["size_bytes"] = str(body["data"]["size_bytes"])
    with pytest.raises(jsonschema.ValidationError) as caught:
        validate_response("POST", "/v3/assets", body)
    assert caught.value.validator == "type"
    with pytest.raises(jsonschema.ValidationError):
        validate_query("GET", "/v3/avatars/looks", {"limit": "ten"})


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"type": None}, "$:"),  # no type: neither shape
        ({"type": "video"}, "$:"),  # unknown type
        ({"avatar_id": None}, "$:"),  # avatar shape without its avatar_id
        ({"resolution": "8k"}, "$.resolution"),
        ({"voice_settings": {"speed": "fast"}}, "$.voice_settings.speed"),
        ({"aspect_ratio": "3:2"}, "$.aspect_ratio"),
    ],
)
def test_bad_video_requests_are_rejected(change, where):
    body = {**VALID_VIDEO_REQUEST, **change}
    body = {k: v for k, v in body.items() if v is not None}
    with pytest.raises(jsonschema.ValidationError) as caught:
        validate_request("POST", "/v3/videos", body)
    assert f"POST /v3/videos request body: at {where}" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_image_source_must_be_one_of_the_three_shapes():
    for image in ({"type": "asset_id"}, {"type": "path", "path": "/tmp/x.png"},
                  {"type": "url", "asset_id": "a1"}):
        with pytest.raises(jsonschema.ValidationError):
            validate_request("POST", "/v3/videos", {"type": "image", "image": image, "audio_asset_id": "a"})


def test_bodies_without_their_envelope_are_rejected():
    with pytest.raises(jsonschema.ValidationError):
        validate_error({"code": "not_found", "message": "Video not found."})
    with pytest.raises(jsonschema.ValidationError):
        validate_error({"error": {"code": 404, "message": "Video not found."}})
    with pytest.raises(jsonschema.ValidationError):
        validate_response("GET", "/v3/videos/{video_id}", {"id": "v1", "status": "completed"})


# --- helper behaviour -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/v3/videos/abc", "GET /v3/videos/{video_id}"),
        ("delete", "/v3/videos/abc", "DELETE /v3/videos/{video_id}"),
        ("GET", "/v3/videos", "GET /v3/videos"),
        ("GET", "/v3/avatars/looks", "GET /v3/avatars/looks"),
        ("GET", "http://127.0.0.1:8123/v3/videos/v_1?x=1", "GET /v3/videos/{video_id}"),
    ],
)
def test_operation_for_maps_concrete_paths(method, path, expected):
    assert operation_for(method, path) == expected


@pytest.mark.parametrize(("method", "path"), [("GET", "/v3/videos/a/b"), ("PUT", "/v3/videos"), ("GET", "/v2/videos")])
def test_operation_for_rejects_unknown_operations(method, path):
    with pytest.raises(KeyError):
        operation_for(method, path)


def test_request_validation_needs_an_operation_with_a_json_body():
    with pytest.raises(KeyError):
        validate_request("POST", "/v3/assets", {"file": "x"})


# --- the extractor refuses to lose information ----------------------------------------------

def test_extractor_rejects_unknown_keywords(extractor):
    with pytest.raises(extractor.ExtractionError, match="patternProperties"):
        extractor._convert({"type": "object", "patternProperties": {"^x": {}}}, "here", set())


def test_extractor_folds_nullable_into_the_type(extractor):
    assert extractor._convert({"type": "string", "nullable": True}, "here", set()) == {"type": ["string", "null"]}
    assert extractor._convert({"type": "string", "nullable": False}, "here", set()) == {"type": "string"}
    with pytest.raises(extractor.ExtractionError, match="nullable"):
        extractor._convert({"nullable": True}, "here", set())


def test_extractor_refuses_a_july_operation_the_openapi_file_has_caught_up_with(extractor, tmp_path):
    july = tmp_path / "endpoints.json"
    july.write_text(json.dumps({"endpoints": [{
        "method": "GET", "path": "/v3/videos/statuses", "params": [{"name": "video_ids", "in": "query", "type": "string"}],
        "request_schema": None, "response_schema": {"type": "object", "properties": {"data": {"type": "array"}}},
    }]}), encoding="utf-8")
    spec = {"paths": {"/v3/videos/statuses": {"get": {
        "parameters": [{"name": "video_ids", "in": "query", "schema": {"type": "string"}}],
        "responses": {"200": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"data": {"type": "array"}}}}}}},
    }}}}
    components: dict = {}
    op_defs, entry = extractor._july_operation(json.loads(july.read_text()), "GET", "/v3/videos/statuses")
    april_defs, april_entry, _ = extractor._openapi_operation(spec, components, "GET", "/v3/videos/statuses", set())
    assert (op_defs, entry) == (april_defs, april_entry)  # the case build_contract refuses
    with pytest.raises(extractor.ExtractionError, match="not in"):
        extractor._july_operation({"endpoints": []}, "GET", "/v3/videos/statuses")


def test_extractor_rejects_an_override_the_spec_already_has(extractor):
    doc = {"$defs": {"op_get_v3_videos_video_id_response": {"properties": {"data": {"properties": {
        "status": {"enum": ["pending", "waiting"]}}}}}}}
    append = [{"target": "/$defs/op_get_v3_videos_video_id_response/properties/data/properties/status/enum",
               "append": "waiting", "reason": "test"}]
    with pytest.raises(extractor.ExtractionError, match="already in the spec"):
        extractor.apply_overrides(doc, append)
    with pytest.raises(extractor.ExtractionError, match="does not exist"):
        extractor.apply_overrides({"$defs": {}}, append)
    with pytest.raises(extractor.ExtractionError, match="does not exist"):
        extractor.apply_overrides({"$defs": {}}, extractor.OVERRIDES[:1])
