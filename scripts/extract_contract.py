#!/usr/bin/env python3
"""Extract the JSON Schemas HeyGen Studio relies on from HeyGen's current v3 endpoint list.

Writes tests/contract/heygen-v3-schemas.json: a compact, deterministic JSON Schema (draft
2020-12) document holding, for each operation in JULY_OPERATIONS, its JSON request body schema
(if any), its 200 response schema and its query parameters (as one object schema, if any), all
taken from the July 2026 endpoint list (shared/heygen-api/v3-2026-07/endpoints.json). HeyGen's
2026-04-08 OpenAPI file supplies only the shared error envelope (read from the error answers of
ERROR_SOURCES). Prose (descriptions, titles, examples, defaults) is dropped; every validation
keyword is kept. Known divergences between the list and the live API are applied from OVERRIDES
and recorded in the output.

Usage (from anywhere):
    python scripts/extract_contract.py [SPEC] [--july PATH] [--out PATH]   write the schema file
    python scripts/extract_contract.py [SPEC] [--july PATH] --check        exit 1 if the file is out of date
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_ROOT.parent / "shared/heygen-api/openapi/heygen-external-api.2026-04-08.official.json"
DEFAULT_JULY = REPO_ROOT.parent / "shared/heygen-api/v3-2026-07/endpoints.json"
JULY_NAME = "v3-2026-07/endpoints.json"
DEFAULT_OUT = REPO_ROOT / "tests/contract/heygen-v3-schemas.json"

# Operations of the April OpenAPI file whose error answers give the shared error envelope.
ERROR_SOURCES: list[tuple[str, str]] = [
    ("GET", "/v3/users/me"),
    ("POST", "/v3/videos"),
    ("GET", "/v3/videos/{video_id}"),
]

# Every operation the studio uses, taken from the July 2026 endpoint list (JULY_NAME).
JULY_OPERATIONS: list[tuple[str, str]] = [
    ("GET", "/v3/users/me"),
    ("GET", "/v3/avatars/looks"),
    ("GET", "/v3/avatars"),
    ("GET", "/v3/voices"),
    ("POST", "/v3/assets"),
    ("POST", "/v3/videos"),
    ("GET", "/v3/videos"),
    ("GET", "/v3/videos/{video_id}"),
    ("DELETE", "/v3/videos/{video_id}"),
    ("GET", "/v3/video-agents/styles"),
    ("POST", "/v3/video-agents"),
    ("GET", "/v3/video-agents"),
    ("GET", "/v3/video-agents/{session_id}"),
    ("GET", "/v3/videos/statuses"),
    ("POST", "/v3/video-agents/{session_id}"),
    ("POST", "/v3/video-agents/{session_id}/stop"),
    ("GET", "/v3/video-agents/{session_id}/videos"),
    ("GET", "/v3/brand-kits"),
    ("POST", "/v3/voices/speech"),
    ("POST", "/v3/assets/direct-uploads"),
    ("POST", "/v3/assets/{asset_id}/complete"),
    ("GET", "/v3/assets/{asset_id}"),
    ("POST", "/v3/lipsyncs"),
    ("GET", "/v3/lipsyncs"),
    ("GET", "/v3/lipsyncs/{lipsync_id}"),
    ("GET", "/v3/video-translations/languages"),
    ("POST", "/v3/video-translations"),
    ("GET", "/v3/video-translations"),
    ("GET", "/v3/video-translations/{video_translation_id}"),
    ("GET", "/v3/video-translations/statuses"),
    ("POST", "/v3/video-translations/proofreads"),
    ("GET", "/v3/video-translations/proofreads/{proofread_id}"),
    ("GET", "/v3/video-translations/proofreads/{proofread_id}/srt"),
    ("PUT", "/v3/video-translations/proofreads/{proofread_id}/srt"),
    ("POST", "/v3/video-translations/proofreads/{proofread_id}/generate"),
    ("GET", "/v3/brand-glossaries"),
]

# Request bodies in these media types are not JSON and get no request schema.
NON_JSON_REQUESTS = {("POST", "/v3/assets"): "multipart"}

# The endpoint list's names for query parameter types, as JSON Schema types.
_QUERY_TYPES = {"int": "integer", "bool": "boolean", "float": "number"}

ERROR_ENVELOPE = "ErrorEnvelope"

# JSON Schema keywords copied into the output (values converted recursively where they hold
# schemas). Anything not listed here or in DROP_KEYWORDS stops the extraction, so a new
# constraint in a future spec cannot be lost silently.
KEEP_KEYWORDS = {
    "type", "enum", "const", "required", "properties", "items", "prefixItems",
    "additionalProperties", "anyOf", "oneOf", "allOf", "not",
    "minLength", "maxLength", "pattern", "format",
    "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "$ref",
}
# Annotations without effect on validation. `discriminator` is OpenAPI-only; the union it
# annotates stays a oneOf whose branches are told apart by a const (checked below).
DROP_KEYWORDS = {
    "description", "title", "example", "examples", "default", "discriminator",
    "deprecated", "readOnly", "writeOnly", "externalDocs", "xml",
}
SCHEMA_LIST_KEYWORDS = {"anyOf", "oneOf", "allOf", "prefixItems"}
SCHEMA_KEYWORDS = {"items", "not", "additionalProperties"}

COMPONENT_PREFIX = "#/components/schemas/"
DEFS_PREFIX = "#/$defs/"


def op_def_name(method: str, path: str, kind: str) -> str:
    """$defs name for an operation's inline request/response schema, e.g. op_get_v3_videos_video_id_response."""
    slug = re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")
    return f"op_{method.lower()}_{slug}_{kind}"


_ENVELOPE_REASON = (
    "The spec leaves the envelope key optional, which would let any object pass; "
    "HeyGen's v3 conventions define every success body as {\"data\": ...} "
    "and every error body as {\"error\": {...}}."
)

_BULK_STATUS_REASON = (
    "The endpoint's description lists its statuses: queued, processing, completed or failed, "
    "plus not_found for unknown or unowned ids; the schema leaves the field a free string."
)

# Deliberate, reviewed divergences from the spec, applied to the extracted document.
# "append" adds one value to the list at `target`; "set" replaces (or creates) the value at
# `target`. Extraction fails when a target is missing or an override changes nothing, so an
# override the spec has caught up with is noticed and removed.
OVERRIDES: list[dict] = [
    # (No "waiting" video status: July's enum is pending | processing | completed | failed and the
    # contract follows it; the studio still reads "waiting" should the live API send it.)
    # Error bodies must carry "error"; success bodies must carry "data".
    {"target": f"/$defs/{ERROR_ENVELOPE}/required", "set": ["error"], "reason": _ENVELOPE_REASON},
    *(
        {"target": f"/$defs/{op_def_name(m, p, 'response')}/required", "set": ["data"],
         "reason": _ENVELOPE_REASON}
        for m, p in JULY_OPERATIONS
    ),
    # The bulk statuses endpoint names its status values in prose only.
    {"target": f"/$defs/{op_def_name('GET', '/v3/videos/statuses', 'response')}/properties/data/items/properties/status/enum",
     "set": ["queued", "processing", "completed", "failed", "not_found"], "reason": _BULK_STATUS_REASON},
    {"target": f"/$defs/{op_def_name('GET', '/v3/video-translations/statuses', 'response')}/properties/data/items"
               "/properties/status/enum",
     "set": ["queued", "processing", "completed", "failed", "not_found"], "reason": _BULK_STATUS_REASON},
]


class ExtractionError(Exception):
    """The spec does not have the shape this script expects."""


def _convert(node, where: str, refs: set[str]):
    """Return `node` with prose dropped and component refs rewritten to local $defs refs."""
    if not isinstance(node, dict):
        if isinstance(node, bool):
            return node
        raise ExtractionError(f"{where}: expected a schema object, got {type(node).__name__}")
    out = {}
    for key, value in node.items():
        if key == "nullable":
            continue  # OpenAPI 3.0's spelling of "or null", folded into `type` below
        if key in DROP_KEYWORDS or key.startswith("x-"):
            continue
        if key not in KEEP_KEYWORDS:
            raise ExtractionError(f"{where}: unsupported keyword {key!r}; add it to KEEP_KEYWORDS or DROP_KEYWORDS")
        here = f"{where}/{key}"
        if key == "$ref":
            if not value.startswith(COMPONENT_PREFIX):
                raise ExtractionError(f"{here}: unsupported reference {value!r}")
            name = value[len(COMPONENT_PREFIX):]
            refs.add(name)
            out[key] = DEFS_PREFIX + name
        elif key == "properties":
            out[key] = {prop: _convert(sub, f"{here}/{prop}", refs) for prop, sub in value.items()}
        elif key in SCHEMA_LIST_KEYWORDS:
            out[key] = [_convert(sub, f"{here}/{i}", refs) for i, sub in enumerate(value)]
        elif key in SCHEMA_KEYWORDS:
            out[key] = _convert(value, here, refs)
        else:
            out[key] = copy.deepcopy(value)
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        elif "type" not in out and ("oneOf" in out or "anyOf" in out):
            out = {"anyOf": [out, {"type": "null"}]}  # a nullable union: one of its branches, or null
        else:
            raise ExtractionError(f"{where}: 'nullable' needs a single 'type' or a union to extend")
    return out


def _check_discriminators(node, where: str, components: dict) -> None:
    """Fail unless every discriminated oneOf's branches pin the discriminator with const/enum."""
    if isinstance(node, list):
        for i, sub in enumerate(node):
            _check_discriminators(sub, f"{where}/{i}", components)
        return
    if not isinstance(node, dict):
        return
    disc = node.get("discriminator")
    if disc is not None:
        prop = disc["propertyName"]
        for i, branch in enumerate(node.get("oneOf", [])):
            if "$ref" in branch:
                branch = components[branch["$ref"][len(COMPONENT_PREFIX):]]
            spec = branch.get("properties", {}).get(prop, {})
            if "const" not in spec and len(spec.get("enum", [])) != 1:
                raise ExtractionError(f"{where}/oneOf/{i}: discriminator {prop!r} is not pinned by const")
            if prop not in branch.get("required", []):
                raise ExtractionError(f"{where}/oneOf/{i}: discriminator {prop!r} is not required")
    for key, sub in node.items():
        if key not in ("discriminator", "example", "examples", "default"):
            _check_discriminators(sub, f"{where}/{key}", components)


def _json_schema(content: dict, where: str) -> dict:
    try:
        return content["application/json"]["schema"]
    except KeyError:
        raise ExtractionError(f"{where}: no application/json schema") from None


def _pointer_parts(pointer: str) -> list[str]:
    if not pointer.startswith("/"):
        raise ExtractionError(f"bad override target {pointer!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def apply_overrides(doc: dict, overrides: list[dict]) -> None:
    """Apply OVERRIDES-style entries to `doc` in place; fail on missing targets and no-ops."""
    for entry in overrides:
        *parents, last = _pointer_parts(entry["target"])
        node = doc
        for part in parents:
            if not isinstance(node, dict) or part not in node:
                raise ExtractionError(f"override target {entry['target']!r} does not exist")
            node = node[part]
        if "append" in entry:
            values = node.get(last)
            if not isinstance(values, list):
                raise ExtractionError(f"override target {entry['target']!r} is not a list")
            if entry["append"] in values:
                raise ExtractionError(f"override {entry['target']!r} += {entry['append']!r} is already in the spec; remove it")
            values.append(entry["append"])
        elif "set" in entry:
            if node.get(last) == entry["set"]:
                raise ExtractionError(f"override {entry['target']!r} = {entry['set']!r} is already in the spec; remove it")
            node[last] = copy.deepcopy(entry["set"])
        else:
            raise ExtractionError(f"override {entry!r} has neither 'append' nor 'set'")


def _openapi_operation(spec: dict, components: dict, method: str, path: str, refs: set[str]):
    """(defs, operation entry, error body schemas) of one operation of the OpenAPI file."""
    key = f"{method} {path}"
    try:
        op = spec["paths"][path][method.lower()]
    except KeyError:
        raise ExtractionError(f"{key}: not in the spec") from None
    _check_discriminators(op, key, components)
    defs: dict[str, dict] = {}

    request_ref = None
    body = op.get("requestBody")
    if body is not None and (method, path) not in NON_JSON_REQUESTS:
        schema = _convert(_json_schema(body["content"], f"{key} request"), f"{key} request", refs)
        if set(schema) == {"$ref"}:
            request_ref = schema["$ref"]
        else:
            name = op_def_name(method, path, "request")
            defs[name] = schema
            request_ref = DEFS_PREFIX + name
    elif body is not None and NON_JSON_REQUESTS[(method, path)] not in body["content"]:
        raise ExtractionError(f"{key}: request is no longer {NON_JSON_REQUESTS[(method, path)]}")

    query_ref = None
    query = [p for p in op.get("parameters", []) if p.get("in") == "query" or "$ref" in p]
    if query:
        props, required = {}, []
        for param in query:
            if "$ref" in param:
                raise ExtractionError(f"{key}: parameter references are not supported")
            props[param["name"]] = _convert(param.get("schema", {}), f"{key} query {param['name']}", refs)
            if param.get("required"):
                required.append(param["name"])
        name = op_def_name(method, path, "query")
        defs[name] = {"type": "object", "properties": props, **({"required": required} if required else {})}
        query_ref = DEFS_PREFIX + name

    responses = op["responses"]
    if "200" not in responses:
        raise ExtractionError(f"{key}: no 200 response")
    name = op_def_name(method, path, "response")
    defs[name] = _convert(_json_schema(responses["200"]["content"], f"{key} 200"), f"{key} 200", refs)

    error_bodies = []
    for status, response in sorted(responses.items()):
        if status.startswith(("4", "5")) and "content" in response:
            schema = _convert(_json_schema(response["content"], f"{key} {status}"), f"{key} {status}", refs)
            error_bodies.append((status, schema))
    return defs, {"query": query_ref, "request": request_ref, "response": DEFS_PREFIX + name}, error_bodies


_MUST_BE = re.compile(r"Must be '([^']+)'")


def _pin_discriminators(node, where: str):
    """Return ``node`` with every discriminated union's branches pinned by ``const``.

    The endpoint list keeps each union's discriminator mapping but not the constant on its
    branches. A branch's value is read from its property's "Must be 'X'" note, else from the
    one mapping key the branch requires as a property (``url``, ``asset_id``), else it is the
    one value left; anything still ambiguous stops the extraction.
    """
    if isinstance(node, list):
        return [_pin_discriminators(sub, f"{where}/{i}") for i, sub in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out = {k: _pin_discriminators(v, f"{where}/{k}") for k, v in node.items()}
    disc = out.get("discriminator")
    if disc is None or "oneOf" not in out:
        return out
    prop, values = disc["propertyName"], list(disc.get("mapping", {}))
    branches = out["oneOf"]
    pinned: list[str | None] = []
    for branch in branches:
        spec = branch.get("properties", {}).get(prop, {})
        found = spec.get("const") or (spec.get("enum") or [None])[0] if len(spec.get("enum", [])) <= 1 else None
        if found is None:
            found = next(iter(_MUST_BE.findall(spec.get("description", ""))), None)
        if found is None:
            named = [v for v in values if v in branch.get("required", [])]
            found = named[0] if len(named) == 1 else None
        pinned.append(found)
    left = [v for v in values if v not in pinned]
    if pinned.count(None) == 1 and len(left) == 1:
        pinned[pinned.index(None)] = left[0]
    if None in pinned or len(set(pinned)) != len(pinned) or (values and set(pinned) != set(values)):
        raise ExtractionError(f"{where}: cannot tell the branches of the {prop!r} union apart ({pinned})")
    for branch, value in zip(branches, pinned):
        props = branch.setdefault("properties", {})
        props[prop] = {**props.get(prop, {}), "const": value}
        props[prop].pop("type", None)
        if prop not in branch.setdefault("required", []):
            branch["required"].append(prop)
    return out


def _july_operation(endpoints: dict, method: str, path: str):
    """(defs, operation entry) of one operation of the July 2026 endpoint list."""
    key = f"{method} {path}"
    found = [e for e in endpoints.get("endpoints", []) if e.get("method") == method and e.get("path") == path]
    if len(found) != 1:
        raise ExtractionError(f"{key}: not in {JULY_NAME} exactly once")
    entry = found[0]
    where = f"{JULY_NAME} {key}"
    defs: dict[str, dict] = {}
    refs: set[str] = set()

    query_ref = None
    query = [p for p in entry.get("params") or [] if p.get("in") == "query"]
    if query:
        props, required = {}, []
        for param in query:
            if not isinstance(param.get("type"), str):
                raise ExtractionError(f"{where}: query parameter {param.get('name')!r} has no type")
            props[param["name"]] = {"type": _QUERY_TYPES.get(param["type"], param["type"])}
            if param.get("required"):
                required.append(param["name"])
        name = op_def_name(method, path, "query")
        defs[name] = {"type": "object", "properties": props, **({"required": required} if required else {})}
        query_ref = DEFS_PREFIX + name

    request_ref = None
    if (method, path) in NON_JSON_REQUESTS:
        if entry.get("body_encoding") != NON_JSON_REQUESTS[(method, path)]:
            raise ExtractionError(f"{where}: request is no longer {NON_JSON_REQUESTS[(method, path)]}")
    elif entry.get("request_schema") is not None:
        if entry.get("body_encoding") not in (None, "json"):
            raise ExtractionError(f"{where}: request is not JSON ({entry['body_encoding']})")
        name = op_def_name(method, path, "request")
        defs[name] = _convert(_pin_discriminators(entry["request_schema"], where), f"{where} request", refs)
        request_ref = DEFS_PREFIX + name

    if not isinstance(entry.get("response_schema"), dict):
        raise ExtractionError(f"{where}: no response schema")
    name = op_def_name(method, path, "response")
    defs[name] = _convert(_pin_discriminators(entry["response_schema"], where), f"{where} response", refs)
    if refs:
        raise ExtractionError(f"{where}: references ({', '.join(sorted(refs))}) are not supported")
    return defs, {"query": query_ref, "request": request_ref, "response": DEFS_PREFIX + name}


def _collect_refs(node, refs: set[str]) -> None:
    """Add the component names ``node`` (a converted schema) refers to."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(DEFS_PREFIX):
            refs.add(ref[len(DEFS_PREFIX):])
        for sub in node.values():
            _collect_refs(sub, refs)
    elif isinstance(node, list):
        for sub in node:
            _collect_refs(sub, refs)


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def build_contract(spec_path: Path, july_path: Path = DEFAULT_JULY) -> dict:
    """Return the contract document: the operations of JULY_OPERATIONS from the July 2026
    endpoint list at `july_path`, and the error envelope from the OpenAPI file at `spec_path`."""
    raw = Path(spec_path).read_bytes()
    spec = json.loads(raw)
    july_raw = Path(july_path).read_bytes()
    july = json.loads(july_raw)
    components = spec.get("components", {}).get("schemas", {})
    defs: dict[str, dict] = {}
    operations: dict[str, dict] = {}
    refs: set[str] = set()
    error_envelope = None

    for method, path in ERROR_SOURCES:
        key = f"{method} {path}"
        _, _, error_bodies = _openapi_operation(spec, components, method, path, set())
        for status, schema in error_bodies:
            _collect_refs(schema, refs)
            if error_envelope is None:
                error_envelope = schema
            elif schema != error_envelope:
                raise ExtractionError(f"{key} {status}: error body differs from the shared envelope")

    if error_envelope is None:
        raise ExtractionError("no error response schema found")
    defs[ERROR_ENVELOPE] = error_envelope

    for method, path in JULY_OPERATIONS:
        key = f"{method} {path}"
        if key in operations:
            raise ExtractionError(f"{key}: listed twice in JULY_OPERATIONS")
        op_defs, entry = _july_operation(july, method, path)
        defs.update(op_defs)
        operations[key] = entry

    # Pull in every component reachable from what the operations use.
    pending = sorted(refs)
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        if name not in components:
            raise ExtractionError(f"reference to missing component {name!r}")
        _check_discriminators(components[name], name, components)
        found: set[str] = set()
        defs[name] = _convert(components[name], f"components/schemas/{name}", found)
        pending.extend(sorted(found - set(defs)))

    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Generated by scripts/extract_contract.py from HeyGen's July 2026 v3 endpoint list (the "
                    "error envelope from its 2026-04-08 OpenAPI file); do not edit by hand.",
        "$defs": defs,
        "x-error-envelope": DEFS_PREFIX + ERROR_ENVELOPE,
        "x-operations": operations,
        "x-source": {"file": Path(spec_path).name, "sha256": hashlib.sha256(raw).hexdigest()},
        "x-source-july": {"file": JULY_NAME, "sha256": hashlib.sha256(july_raw).hexdigest(),
                          "operations": [f"{m} {p}" for m, p in JULY_OPERATIONS]},
    }
    apply_overrides(doc, OVERRIDES)
    doc["x-overrides"] = [
        {"target": e["target"],
         "change": f"append {json.dumps(e['append'])}" if "append" in e else f"set {json.dumps(e['set'])}",
         "reason": e["reason"]}
        for e in OVERRIDES
    ]
    return doc


def render(doc: dict) -> str:
    """Serialise the contract document deterministically."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC, help="HeyGen's OpenAPI JSON file")
    parser.add_argument("--july", type=Path, default=DEFAULT_JULY, help="the July 2026 endpoint list (endpoints.json)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the schema file")
    parser.add_argument("--check", action="store_true", help="only report whether --out is up to date")
    args = parser.parse_args(argv)
    try:
        doc = build_contract(args.spec, args.july)
    except (OSError, ValueError, ExtractionError) as exc:
        print(f"extract_contract: {exc}", file=sys.stderr)
        return 2
    text = render(doc)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            print(f"{args.out} is out of date; run: python scripts/extract_contract.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(doc['$defs'])} schemas, {len(doc['x-operations'])} operations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
