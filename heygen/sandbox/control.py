"""The /_sandbox/* control endpoints that tests in other processes use to drive the sandbox."""

from __future__ import annotations

import re

from . import misspeak, translations
from .errors import error_body

LOOPBACK = ("127.", "::1", "::ffff:127.")


def is_loopback(address: str) -> bool:
    """Whether a client address is on this machine."""
    return address.startswith(LOOPBACK)


def _bad(message: str):
    return 400, error_body("invalid_parameter", message)


def handle(state, method: str, path: str, query: dict, read_json):
    """Answer a control request: (status, JSON body)."""
    path = path.rstrip("/")
    if path == "/_sandbox/health" and method in ("GET", "HEAD"):
        return 200, {"ok": True}
    if path == "/_sandbox/config":
        if method == "GET":
            return 200, {"data": state.get_config()}
        if method == "POST":
            body = read_json()
            if not isinstance(body, dict):
                return _bad("Send a JSON object of config values.")
            try:
                return 200, {"data": state.configure(**body)}
            except ValueError as exc:
                return _bad(str(exc))
    if path == "/_sandbox/faults":
        if method == "GET":
            return 200, {"data": state.list_faults()}
        if method == "DELETE":
            state.clear_faults()
            return 200, {"data": []}
        if method == "POST":
            body = read_json()
            if not isinstance(body, dict):
                return _bad("Send a JSON object describing the fault.")
            try:
                return 200, {"data": state.add_fault(**body)}
            except ValueError as exc:
                return _bad(str(exc))
    if path == "/_sandbox/faults/release" and method == "POST":
        return 200, {"data": {"released": state.release_faults()}}
    if path == "/_sandbox/misspeak":
        if method == "GET":
            return 200, {"data": misspeak.listing(state)}
        if method == "DELETE":
            misspeak.clear(state)
            return 200, {"data": []}
        if method == "POST":
            body = read_json()
            if not isinstance(body, dict):
                return _bad("Send a JSON object: which videos (nth, match, kind, times or video_id) and what "
                            "they say wrongly (swap, change_number, drop_sentence, placeholder, stretch).")
            try:
                found = translations.book(state).translations.get
                return 200, {"data": misspeak.add(state, found, **body)}
            except KeyError:
                return 404, error_body("not_found", f"No video, lip-sync or translation {body.get('video_id')}.")
            except ValueError as exc:
                return _bad(str(exc))
    if path == "/_sandbox/requests":
        media = (query.get("media") or ["0"])[-1] in ("1", "true", "yes")
        if method == "GET":
            return 200, {"data": state.requests_log(media=media)}
        if method == "DELETE":
            state.clear_log()
            return 200, {"data": []}
    if path == "/_sandbox/idempotency" and method == "GET":
        return 200, {"data": state.idempotency_snapshot()}
    if path == "/_sandbox/reset" and method == "POST":
        state.reset()
        return 200, {"ok": True}
    match = re.fullmatch(r"/_sandbox/videos/([^/]+)", path)
    if match and method == "POST":
        body = read_json()
        if not isinstance(body, dict):
            return _bad("Send a JSON object with outcome, failure_code, failure_message.")
        unknown = set(body) - {"outcome", "failure_code", "failure_message", "render_seconds"}
        if unknown:
            return _bad(f"unknown option(s): {', '.join(sorted(unknown))}")
        try:
            video = state.set_video_fate(match.group(1), **body)
        except KeyError:
            return 404, error_body("not_found", "Video not found.")
        except (TypeError, ValueError) as exc:
            return _bad(str(exc))
        return 200, {"data": {"id": video.id, "outcome": video.outcome,
                              "failure_code": video.failure_code,
                              "failure_message": video.failure_message,
                              "render_seconds": video.render_seconds}}
    match = re.fullmatch(r"/_sandbox/lipsyncs/([^/]+)", path)
    if match and method == "POST":
        body = read_json()
        if not isinstance(body, dict):
            return _bad("Send a JSON object with outcome, failure_message, render_seconds.")
        unknown = set(body) - {"outcome", "failure_message", "render_seconds"}
        if unknown:
            return _bad(f"unknown option(s): {', '.join(sorted(unknown))}")
        try:
            lipsync = state.set_lipsync_fate(match.group(1), **body)
        except KeyError:
            return 404, error_body("not_found", "Lipsync not found.")
        except (TypeError, ValueError) as exc:
            return _bad(str(exc))
        return 200, {"data": {"id": lipsync.id, "outcome": lipsync.outcome,
                              "failure_message": lipsync.failure_message, "render_seconds": lipsync.render_seconds}}
    if path == "/_sandbox/translations" and method in ("GET", "POST"):
        return translations.control(state, method, read_json)
    return 404, error_body("not_found", f"No control endpoint {method} {path}.")
