"""Pieces every group of endpoints answers with: the id lookups the validators need, pagination tokens and
pages, a video's detail, new ids, and idempotent creates."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from urllib.parse import urlsplit

from . import validate
from .errors import invalid
from .state import SandboxState


class Lookup:
    """Id lookups the validators need, over the catalogue and the uploaded assets."""

    def __init__(self, state: SandboxState):
        self.state = state
        self.catalogue = state.catalogue

    def look(self, look_id):
        return self.catalogue.look_by_id.get(look_id) if isinstance(look_id, str) else None

    def group(self, group_id):
        return self.catalogue.group_by_id.get(group_id) if isinstance(group_id, str) else None

    def voice(self, voice_id):
        return self.catalogue.voice_by_id.get(voice_id) if isinstance(voice_id, str) else None

    def style(self, style_id):
        return self.catalogue.style_by_id.get(style_id) if isinstance(style_id, str) else None

    def asset(self, asset_id):
        return self.state.get_asset(asset_id)

    def source(self, ref):
        """The sandbox's own video or lip-sync that a {type: url} reference points at, or None."""
        if not isinstance(ref, dict) or ref.get("type") != "url" or not isinstance(ref.get("url"), str):
            return None
        match = re.fullmatch(r"/media/(videos|lipsyncs)/([^/]+)\.mp4", urlsplit(ref["url"]).path)
        if match is None:
            return None
        if match.group(1) == "videos":
            return self.state.visible_video(match.group(2))
        return self.state.visible_lipsync(match.group(2))

    def source_duration(self, ref):
        """The length of a source video the sandbox serves itself, or None."""
        found = self.source(ref)
        return found.duration if found is not None else None



def _token_signature(state: SandboxState, raw: str) -> str:
    return hmac.new(state.secret, raw.encode(), hashlib.sha256).hexdigest()[:16]


def make_token(state: SandboxState, kind: str, position: int) -> str:
    """An opaque cursor for one list endpoint."""
    raw = f"{kind}:{position}"
    text = f"{raw}:{_token_signature(state, raw)}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def read_token(state: SandboxState, kind: str, query: dict) -> int | None:
    """The position a cursor points at (None without a token); 400 on a foreign or broken one."""
    token = validate.query_value(query, "token")
    if token is None or token == "":
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        token_kind, position, signature = text.rsplit(":", 2)
        valid = token_kind == kind and hmac.compare_digest(
            _token_signature(state, f"{token_kind}:{position}"), signature)
        value = int(position)
    except (ValueError, UnicodeDecodeError):
        valid, value = False, 0
    if not valid or value < 0:
        raise invalid("token", "token is not a valid pagination token for this list; "
                               "pass the next_token of the previous page unchanged.")
    return value


def page(state, kind, items, query, default_limit, max_limit, render) -> dict:
    """One page of a catalogue list with has_more and next_token."""
    limit = validate.query_limit(query, default_limit, max_limit)
    offset = read_token(state, kind, query) or 0
    chunk = items[offset:offset + limit]
    has_more = offset + limit < len(items)
    return {
        "data": [render(item) for item in chunk],
        "has_more": has_more,
        "next_token": make_token(state, kind, offset + limit) if has_more else None,
    }


def video_detail(state: SandboxState, video) -> dict:
    """The VideoDetail JSON of a video as it is now."""
    status = state.phase(video)
    finished = status in ("completed", "failed")
    completed = status == "completed"
    failure_code = failure_message = None
    if status == "failed":
        if video.audio_url_is_api and video.outcome != "fail":
            failure_code = "download_failed"
            failure_message = ("Failed to download audio_url: it points at an API endpoint, not an "
                               "audio file. Upload the file with POST /v3/assets and pass audio_asset_id.")
        else:
            failure_code, failure_message = video.failure_code, video.failure_message
    path = f"/media/videos/{video.id}"
    return {
        "id": video.id,
        "title": video.title,
        "status": status,
        "created_at": int(video.created_at),
        "completed_at": int(video.created_at + video.render_seconds) if finished else None,
        "video_url": state.sign(f"{path}.mp4") if completed else None,
        "thumbnail_url": state.sign(f"{path}.png") if completed else None,
        "gif_url": None,
        "captioned_video_url": (state.sign(f"{path}.captioned.mp4")
                                if completed and getattr(video, "captions", None) == "burned" else None),
        "subtitle_url": state.sign(f"{path}.srt") if completed else None,
        "duration": video.duration if completed else None,
        "folder_id": None,
        "output_language": None,
        "failure_code": failure_code,
        "failure_message": failure_message,
        "video_page_url": f"{state.base_url}/videos/{video.id}",
    }


def new_video_id() -> str:
    """A new video id, as HeyGen makes them."""
    return "v_" + uuid.uuid4().hex[:24]


def idempotent(state, req, scope, create):
    """Run `create` under the request's Idempotency-Key (replay, 409 or first run)."""
    key = req.header("Idempotency-Key")
    with state.idempotency_slot(scope, key) as stored:
        if stored is not None:
            return stored["status"], stored["body"], {"Idempotent-Replayed": "true"}
        state.sleep(state.get_config()["latency_ms"] / 1000.0)
        status, body = create()
        state.remember(scope, key, status, body)
        return status, body


def id_list(query: dict, name: str) -> list:
    """The distinct, non-empty ids of a comma-separated query parameter, in order."""
    ids = []
    for raw in query.get(name) or []:
        for part in raw.split(","):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    return ids
