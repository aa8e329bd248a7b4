"""Validate HeyGen v3 bodies against the committed contract (tests/contract/heygen-v3-schemas.json).

Public API:
    operation_for(method, concrete_path) -> "METHOD /template"
    validate_request(method, path, body)              JSON request body of an operation
    validate_response(method, path, body, status=200) 200 body, or the error envelope for >= 400
    validate_error(body)                              the shared error envelope
    validate_query(method, path, params)              query parameters as sent on the wire
    schema_for(ref) -> dict                           a self-contained schema for one $defs entry
    load_contract() -> dict                           the whole contract document

`path` may be a template ("/v3/videos/{video_id}"), a concrete path ("/v3/videos/abc") or a
full URL. Failures raise ContractViolation, a jsonschema.ValidationError whose str() is one
readable line naming the operation, the JSON location and the problem.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from jsonschema.exceptions import relevance

CONTRACT_FILE = Path(__file__).with_name("heygen-v3-schemas.json")


class ContractViolation(jsonschema.ValidationError):
    """A body that breaks the HeyGen v3 contract; str() is the short message only."""

    def __str__(self) -> str:
        return self.message


@functools.lru_cache(maxsize=1)
def load_contract() -> dict:
    """The parsed contract document (cached; treat as read-only)."""
    return json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))


def _operations() -> dict[str, dict]:
    return load_contract()["x-operations"]


@functools.lru_cache(maxsize=None)
def _template_patterns() -> list[tuple[str, str, re.Pattern]]:
    patterns = []
    for key in _operations():
        method, template = key.split(" ", 1)
        regex = "".join(
            "[^/]+" if part.startswith("{") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", template)
        )
        patterns.append((method, template, re.compile(regex + r"/?")))
    # Literal templates win over templated ones when both match.
    patterns.sort(key=lambda item: ("{" in item[1], item[1]))
    return patterns


def operation_for(method: str, concrete_path: str) -> str:
    """Map a method and a concrete path or URL to its "METHOD /template" key; KeyError if unknown."""
    method = method.upper()
    path = urlsplit(concrete_path).path or concrete_path
    if f"{method} {path}" in _operations():
        return f"{method} {path}"
    for op_method, template, pattern in _template_patterns():
        if op_method == method and pattern.fullmatch(path):
            return f"{op_method} {template}"
    raise KeyError(f"{method} {path} is not an operation in the HeyGen v3 contract")


@functools.lru_cache(maxsize=None)
def _validator(ref: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_for(ref))


def schema_for(ref: str) -> dict:
    """A standalone 2020-12 schema for `ref` ("#/$defs/Name" or "Name"), carrying all $defs."""
    if not ref.startswith("#/$defs/"):
        ref = "#/$defs/" + ref
    contract = load_contract()
    if ref[len("#/$defs/"):] not in contract["$defs"]:
        raise KeyError(f"{ref} is not in the HeyGen v3 contract")
    return {"$schema": contract["$schema"], "$defs": copy.deepcopy(contract["$defs"]), "$ref": ref}


def _location(error: jsonschema.ValidationError) -> str:
    where = "$"
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    return where


def _branches(error: jsonschema.ValidationError) -> tuple[dict[int, list], dict[int, list]]:
    """All oneOf/anyOf branch errors by branch index, and the branches that could still be the
    intended one (not rejected by a discriminator const, not a bare null alternative)."""
    branches: dict[int, list] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    live = {
        index: errs for index, errs in branches.items()
        if not any(e.validator == "const" and len(e.relative_path) == 1 for e in errs)
        and not (len(errs) == 1 and errs[0].validator == "type" and errs[0].validator_value == "null")
    }
    return branches, live


def _most_relevant(errors: list) -> jsonschema.ValidationError:
    return max(errors, key=relevance)


def _focus(error: jsonschema.ValidationError) -> tuple[jsonschema.ValidationError, str]:
    """The most specific error behind `error` and a readable message for it."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        branches, live = _branches(error)
        if len(live) == 1:
            error = _most_relevant(next(iter(live.values())))
            continue
        shown = live or branches
        detail = "; ".join(
            f"[{i}] {_focus(_most_relevant(errs))[1]}" for i, errs in sorted(shown.items())
        )
        return error, f"matches none of the allowed shapes: {detail}"
    return error, error.message


def _check(validator: jsonschema.Draft202012Validator, instance, what: str) -> None:
    errors = list(validator.iter_errors(instance))
    if not errors:
        return
    error, message = _focus(_most_relevant(errors))
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    raise ContractViolation(
        f"{what}: at {_location(error)}: {message}{more}",
        validator=error.validator,
        validator_value=error.validator_value,
        instance=error.instance,
        schema=error.schema,
        path=error.absolute_path,
        schema_path=error.absolute_schema_path,
        cause=error,
    )


def _operation(method: str, path: str) -> tuple[str, dict]:
    key = f"{method.upper()} {path}"
    if key not in _operations():
        key = operation_for(method, path)
    return key, _operations()[key]


def validate_request(method: str, path_template: str, body) -> None:
    """Raise ContractViolation unless `body` is a valid JSON request body for the operation."""
    key, op = _operation(method, path_template)
    if op["request"] is None:
        raise KeyError(f"{key} takes no JSON request body in the HeyGen v3 contract")
    _check(_validator(op["request"]), body, f"{key} request body")


def validate_response(method: str, path_template: str, body, status: int = 200) -> None:
    """Raise ContractViolation unless `body` fits the operation's 200 schema (status < 400)
    or the error envelope (status >= 400)."""
    key, op = _operation(method, path_template)
    if status >= 400:
        _check(_validator(load_contract()["x-error-envelope"]), body, f"{key} {status} error body")
    else:
        _check(_validator(op["response"]), body, f"{key} response body")


def validate_error(body) -> None:
    """Raise ContractViolation unless `body` is HeyGen's {"error": {...}} envelope."""
    _check(_validator(load_contract()["x-error-envelope"]), body, "error body")


def _as_sent(value: str, schema: dict):
    """Parse a query-string value the way a typed server would, per its schema type."""
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else (kinds or [])
    if "integer" in kinds and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "number" in kinds and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    if "boolean" in kinds and value in ("true", "false"):
        return value == "true"
    return value


def validate_query(method: str, path_template: str, params: dict) -> None:
    """Raise ContractViolation unless `params` (values as str or as typed) are valid query
    parameters for the operation; numeric strings count as numbers, as on the wire."""
    key, op = _operation(method, path_template)
    if op.get("query") is None:
        if params:
            raise ContractViolation(f"{key} query: takes no query parameters, got {sorted(params)}")
        return
    props = load_contract()["$defs"][op["query"][len("#/$defs/"):]]["properties"]
    parsed = {
        name: _as_sent(value, props.get(name, {})) if isinstance(value, str) else value
        for name, value in params.items()
    }
    _check(_validator(op["query"]), parsed, f"{key} query")
