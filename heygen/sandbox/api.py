"""The /v3 endpoints: routing, auth and the answers, in the official v3 shapes."""

from __future__ import annotations

import hmac
import re
import time
import uuid
from urllib.parse import urlsplit

from . import agent_chat, direct, media, routing, studio, templates, translations, upload, validate
from . import lookups, video_batches
from . import webhooks
from .answers import Lookup, make_token, page, read_token, video_detail
from .answers import id_list as _id_list
from .answers import idempotent as _idempotent
from .answers import new_video_id as _new_video_id
from .errors import ApiError, invalid
from .state import Asset, SandboxState
from .subtitles import speech_of, spliced

AUTH_MESSAGE = "Invalid or expired API key. Verify your x-api-key header."


# ---------------------------------------------------------------- account and catalogue


def users_me(state, req):
    """GET /v3/users/me."""
    config = state.get_config()
    name = state.username
    return 200, {"data": {
        "username": name,
        "email": f"{name}@example.com",
        "first_name": "Sandbox",
        "last_name": "User",
        "billing_type": "wallet",
        "wallet": {"currency": "usd", "remaining_balance": config["balance"], "auto_reload": None},
        "subscription": None,
        "usage_based": None,
    }}


def list_looks(state, req):
    """GET /v3/avatars/looks."""
    query = req.query
    avatar_type = validate.query_enum(query, "avatar_type", ("studio_avatar", "digital_twin", "photo_avatar"))
    ownership = validate.query_enum(query, "ownership", ("public", "private"))
    group_id = validate.query_value(query, "group_id")
    looks = [
        look for look in state.catalogue.looks
        if (avatar_type is None or look.avatar_type == avatar_type)
        and (ownership is None or look.ownership == ownership)
        and (not group_id or look.group_id == group_id)
    ]
    base = state.base_url
    return 200, page(state, "looks", looks, query, 20, 50, lambda look: look.item(base))


def list_groups(state, req):
    """GET /v3/avatars."""
    ownership = validate.query_enum(req.query, "ownership", ("public", "private"))
    groups = [g for g in state.catalogue.groups if ownership is None or g.ownership == ownership]
    base = state.base_url
    return 200, page(state, "groups", groups, req.query, 20, 50, lambda g: g.item(base))


def list_voices(state, req):
    """GET /v3/voices."""
    query = req.query
    voice_type = validate.query_enum(query, "type", ("public", "private"), "public")
    language = (validate.query_value(query, "language") or "").strip().lower()
    gender = (validate.query_value(query, "gender") or "").strip().lower()
    engine = (validate.query_value(query, "engine") or "").strip().lower()
    voices = [
        v for v in state.catalogue.voices
        if v.type == voice_type
        and (not language or v.language.lower() == language)
        and (not gender or v.gender == gender)
        and (not engine or engine in v.engines)
    ]
    base = state.base_url
    drop = state.get_config()["voices_drop_field"]
    return 200, page(state, "voices", voices, query, 20, 100,
                     lambda v: {k: x for k, x in v.item(base).items() if k != drop})


def list_styles(state, req):
    """GET /v3/video-agents/styles."""
    tag = (validate.query_value(req.query, "tag") or "").strip().lower()
    styles = [s for s in state.catalogue.styles if not tag or tag in s.tags]
    base = state.base_url
    return 200, page(state, "styles", styles, req.query, 20, 100, lambda s: s.item(base))


def _session_item(state, session_id: str, video) -> dict:
    phase = state.phase(video) if video is not None else "failed"
    status = {"completed": "completed", "failed": "failed", None: "failed"}.get(phase, "generating")
    if agent_chat.stale(state, video, time.time()):
        status = "generating"
    progress = 100 if status == "completed" else 0 if video is None else min(
        99, int(100 * max(0.0, time.time() - video.created_at) / max(video.render_seconds, 0.001)))
    return {
        "session_id": session_id, "status": status, "progress": progress,
        "title": video.title if video is not None else None,
        "video_id": video.id if video is not None else None,
        "created_at": int(video.created_at) if video is not None else None,
    }


def list_sessions(state, req):
    """GET /v3/video-agents (newest first)."""
    with state.lock:
        pairs = list(state.sessions.items())
        chats = list(agent_chat.chats(state).values())
    items = []
    for session_id, video_id in reversed(pairs):
        video = state.videos.get(video_id)
        item = _session_item(state, session_id, video)
        items.append({"session_id": session_id, "created_at": item["created_at"] or 0, "title": item["title"]})
    items += [{"session_id": c.session_id, "created_at": int(c.created_at), "title": c.title} for c in chats]
    items.sort(key=lambda item: -item["created_at"])  # stable: one-shot sessions keep their newest-first order
    return 200, page(state, "sessions", items, req.query, 10, 100, lambda item: item)


def get_session(state, req, session_id):
    """GET /v3/video-agents/{session_id}."""
    with state.lock:
        video_id = state.sessions.get(session_id)
        chat = agent_chat.chats(state).get(session_id)
    if chat is None and video_id is None:
        raise ApiError(404, "not_found", "Session not found.")
    agent_chat.look(state, session_id)
    if chat is not None:
        return 200, {"data": agent_chat.session_item(state, chat)}
    return 200, {"data": {**_session_item(state, session_id, state.videos.get(video_id)), "messages": []}}


# ---------------------------------------------------------------- assets


def upload_asset(state, req):
    """POST /v3/assets (multipart, one 'file' part, at most max_upload_bytes)."""
    limit = state.get_config()["max_upload_bytes"]
    if req.content_length is not None and req.content_length > limit:
        size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
        raise ApiError(413, "payload_too_large",
                       f"The file is too large ({req.content_length} bytes): the maximum upload size is {size}.")
    body = req.body(limit)
    filename, mime, data = upload.file_part(req.content_type, body)
    asset_id = uuid.uuid4().hex
    extension = media.SUPPORTED_UPLOADS[mime]
    state.add_asset(Asset(asset_id, data, mime, filename, extension, time.time()))
    return 200, {"data": {
        "asset_id": asset_id,
        "url": f"{state.base_url}/media/assets/{asset_id}{extension}",
        "mime_type": mime,
        "size_bytes": len(data),
    }}


# ---------------------------------------------------------------- videos


def create_video(state, req):
    """POST /v3/videos."""
    return _idempotent(state, req, "videos", lambda: make_video(state, req.json()))


def make_video(state, body):
    """One video from a POST /v3/videos body: (200, {data: {video_id, status}}); ApiError when it is refused."""
    if isinstance(body, dict) and body.get("type") == "studio":
        return _create_studio_video(state, body)
    fields = validate.create_video(body, Lookup(state))
    script = fields["script"]
    if fields.get("duration") is not None:  # cinematic_avatar: as long as asked (10 s by default)
        duration = fields["duration"]
    elif script is not None:
        duration = media.script_duration(script)
    elif fields["audio_asset"] is not None:
        duration = media.wav_duration(fields["audio_asset"].data) or 8.0
    else:
        duration = 8.0
    audio_url = fields["audio_url"] or ""
    image_key = None
    if fields["type"] == "image":
        image = fields["image"]
        image_key = str(image.get("asset_id") or image.get("url") or image.get("data", "")[:64])
    video = state.add_video(
        id=_new_video_id(),
        title=fields["title"],
        aspect_ratio=fields["aspect_ratio"],
        script=script,
        duration=duration,
        look_id=fields["look"].id if fields["look"] is not None else None,
        image_key=image_key,
        audio_url_is_api=bool(re.search(r"/v[123]/", audio_url)),
        captions=fields.get("captions"),
        output_format=fields.get("output_format") or "mp4",
    )
    first = "waiting" if state.get_config()["waiting_phase"] else "pending"
    return 200, {"data": {"video_id": video.id, "status": first}}


def _create_studio_video(state, body):
    """POST /v3/videos with type studio: every scene checked; the video lasts as long as its scenes."""
    fields = studio.create_studio_video(body, Lookup(state))
    video = state.add_video(
        id=_new_video_id(), title=fields["title"], aspect_ratio=fields["aspect_ratio"], script=fields["script"],
        duration=round(sum(fields["scene_seconds"]), 2), look_id=None, image_key=None, speech=fields["speech"],
    )
    first = "waiting" if state.get_config()["waiting_phase"] else "pending"
    return 200, {"data": {"video_id": video.id, "status": first}}


def create_video_agent(state, req):
    """POST /v3/video-agents."""
    def create():
        fields = validate.create_video_agent(req.json(), Lookup(state))
        style = state.catalogue.style_by_id.get(fields["style_id"]) if fields["style_id"] else None
        orientation = fields["orientation"]
        if orientation is None and style is not None and style.aspect_ratio == "9:16":
            orientation = "portrait"
        prompt = fields["prompt"].strip()
        if fields.get("mode") == "chat":  # no video yet: the agent asks first (see agent_chat)
            chat = agent_chat.open_chat(
                state, title=prompt[:60], prompt=prompt, aspect_ratio="9:16" if orientation == "portrait" else "16:9",
                look_id=fields["avatar_id"],
                image_key=None if fields["avatar_id"] else f"agent:{style.style_id if style else 'default'}",
                brand_kit_id=fields.get("brand_kit_id"))
            return 200, {"data": {"session_id": chat.session_id, "status": "thinking", "video_id": None,
                                  "created_at": int(chat.created_at)}}
        agent_chat.check_brand_kit(fields.get("brand_kit_id"))
        video = state.add_video(
            id=_new_video_id(),
            title=prompt[:60],
            aspect_ratio="9:16" if orientation == "portrait" else "16:9",
            script=prompt,
            duration=media.script_duration(prompt),
            look_id=fields["avatar_id"],
            image_key=None if fields["avatar_id"] else f"agent:{style.style_id if style else 'default'}",
            kind="agent",
        )
        session_id = "sess_" + uuid.uuid4().hex[:20]
        with state.lock:
            state.sessions[session_id] = video.id
        named = state.get_config()["agent_create_names_video"]
        return 200, {"data": {"session_id": session_id, "status": "generating" if named else "thinking",
                              "video_id": video.id if named else None, "created_at": int(video.created_at)}}
    return _idempotent(state, req, "video-agents", create)


def get_video(state, req, video_id):
    """GET /v3/videos/{video_id}."""
    video = state.visible_video(video_id)
    if video is None:
        raise ApiError(404, "not_found", "Video not found.")
    return 200, {"data": video_detail(state, video)}


STATUSES_MAX = 100
BULK_STATUS = {"waiting": "queued", "pending": "queued"}


def _status_item(state: SandboxState, video_id: str) -> dict:
    """One entry of GET /v3/videos/statuses: queued, processing, completed, failed or not_found."""
    video = state.visible_video(video_id)
    if video is None:
        return {"video_id": video_id, "status": "not_found"}
    detail = video_detail(state, video)
    status = detail["status"]
    if status is None:  # vanished since the lookup above
        return {"video_id": video_id, "status": "not_found"}
    item = {"video_id": video_id, "status": BULK_STATUS.get(status, status)}
    if status == "failed":
        item["error"] = {"code": detail["failure_code"], "message": detail["failure_message"]}
    return item


def video_statuses(state, req):
    """GET /v3/videos/statuses (up to STATUSES_MAX video_ids, and every item of the batch_ids)."""
    video_ids = _id_list(req.query, "video_ids")
    batch_ids = _id_list(req.query, "batch_ids")
    if not video_ids and not batch_ids:
        raise invalid("video_ids", "Give video_ids (comma-separated video ids) or batch_ids.")
    if len(video_ids) > STATUSES_MAX:
        raise invalid("video_ids", f"video_ids takes at most {STATUSES_MAX} ids (got {len(video_ids)}).")
    entries = [_status_item(state, video_id) for video_id in video_ids]
    entries += video_batches.expanded(state, batch_ids, lambda vid: _status_item(state, vid), make_video)
    return 200, {"data": entries, "has_more": False, "next_token": None}


def create_video_batch(state, req):
    """POST /v3/videos/batches: 202 with the batch id; each item is made like a POST /v3/videos body."""
    def create():
        return 202, {"data": video_batches.create(state, req.json(), make_video)}
    return _idempotent(state, req, "video-batches", create)


def get_video_batch(state, req, batch_id):
    """GET /v3/videos/batches/{batch_id}: the aggregate and one page of items."""
    limit = validate.query_limit(req.query, 100, 100)
    offset = read_token(state, f"batch:{batch_id}", req.query) or 0
    batch = video_batches.find(state, batch_id, make_video)
    data = video_batches.detail(batch, lambda vid: _status_item(state, vid), offset, limit)
    data["next_token"] = make_token(state, f"batch:{batch_id}", offset + limit) if data["has_more"] else None
    return 200, {"data": data}


def delete_video(state, req, video_id):
    """DELETE /v3/videos/{video_id}."""
    if not state.delete_video(video_id):
        raise ApiError(404, "not_found", "Video not found.")
    return 200, {"data": {"id": video_id, "deleted": True}}


def list_videos(state, req):
    """GET /v3/videos (newest first; the cursor is a creation sequence number)."""
    query = req.query
    limit = validate.query_limit(query, 10, 100)
    before = read_token(state, "videos", query)
    title = (validate.query_value(query, "title") or "").lower()
    folder_id = validate.query_value(query, "folder_id")
    videos = [
        v for v in state.list_videos()
        if (before is None or v.seq < before)
        and (not title or title in (v.title or "").lower())
        and not folder_id  # sandbox videos live in no folder
    ]
    chunk = videos[:limit]
    has_more = len(videos) > limit
    return 200, {
        "data": [video_detail(state, v) for v in chunk],
        "has_more": has_more,
        "next_token": make_token(state, "videos", chunk[-1].seq) if has_more else None,
    }


# ---------------------------------------------------------------- lip-syncs


def lipsync_detail(state: SandboxState, lipsync) -> dict:
    """The lipsync resource JSON as it is now."""
    status = state.lipsync_phase(lipsync)
    completed = status == "completed"
    return {
        "id": lipsync.id,
        "title": lipsync.title,
        "status": status,
        "created_at": int(lipsync.created_at),
        "duration": lipsync.duration if completed else None,
        "video_url": state.sign(f"/media/lipsyncs/{lipsync.id}.mp4") if completed else None,
        "caption_url": state.sign(f"/media/lipsyncs/{lipsync.id}.srt") if completed and lipsync.captions else None,
        "failure_message": lipsync.failure_message if status == "failed" else None,
        "callback_id": None,
    }


def create_lipsync(state, req):
    """POST /v3/lipsyncs."""
    def create():
        lookup = Lookup(state)
        body = req.json()
        fields = validate.create_lipsync(body, lookup)
        source = lookup.source(body.get("video"))
        words = _speech_text(state, body.get("audio"))
        duration = fields["source_duration"] or 8.0
        start, end = body.get("start_time"), body.get("end_time")
        said = getattr(source, "speech", None) or (speech_of(source.script, source.duration)
                                                   if getattr(source, "script", None) else None)
        # Part of a video re-voiced: the rest of it still says what it said.
        speech = spliced(said, float(start or 0), float(end if end is not None else duration), words) \
            if said is not None and words is not None and (start is not None or end is not None) else None
        lipsync = state.add_lipsync(
            id="ls_" + uuid.uuid4().hex[:24],
            title=fields["title"],
            aspect_ratio=getattr(source, "aspect_ratio", "16:9"),
            duration=duration,
            script=words,
            speech=speech,
            captions=words is not None or body.get("enable_caption") is True,
        )
        return 200, {"data": {"lipsync_id": lipsync.id}}
    return _idempotent(state, req, "lipsyncs", create)


def _speech_text(state, ref) -> str | None:
    """The words of audio the sandbox spoke itself (a POST /v3/voices/speech link), or None."""
    if not isinstance(ref, dict) or ref.get("type") != "url" or not isinstance(ref.get("url"), str):
        return None
    if not ref["url"].startswith(state.base_url + "/"):
        return None
    match = re.fullmatch(r"/media/speech/([0-9a-f]+)\.wav", urlsplit(ref["url"]).path)
    with state.lock:
        kept = state.speech.get(match.group(1)) if match else None
    return kept[1] if kept else None


def get_lipsync(state, req, lipsync_id):
    """GET /v3/lipsyncs/{lipsync_id}."""
    lipsync = state.visible_lipsync(lipsync_id)
    if lipsync is None:
        raise ApiError(404, "not_found", "Lipsync not found.")
    return 200, {"data": lipsync_detail(state, lipsync)}


LIPSYNC_BULK_STATUS = {"pending": "queued", "running": "processing"}


def lipsync_statuses(state, req):
    """GET /v3/lipsyncs/statuses (the id goes in ``video_id``, as the shared read model names it)."""
    ids = _id_list(req.query, "lipsync_ids")
    batch_ids = _id_list(req.query, "batch_ids")
    if not ids and not batch_ids:
        raise invalid("lipsync_ids", "Give lipsync_ids (comma-separated lipsync ids) or batch_ids.")
    if len(ids) > STATUSES_MAX:
        raise invalid("lipsync_ids", f"lipsync_ids takes at most {STATUSES_MAX} ids (got {len(ids)}).")
    entries = []
    for lipsync_id in ids:
        lipsync = state.visible_lipsync(lipsync_id)
        status = state.lipsync_phase(lipsync) if lipsync is not None else None
        if status is None:
            entries.append({"video_id": lipsync_id, "status": "not_found"})
            continue
        entry = {"video_id": lipsync_id, "status": LIPSYNC_BULK_STATUS.get(status, status)}
        if status == "failed":
            entry["error"] = {"code": "lipsync_failed", "message": lipsync.failure_message}
        entries.append(entry)
    return 200, {"data": entries, "has_more": False, "next_token": None}  # the sandbox makes no lip-sync batches


def rename_lipsync(state, req, lipsync_id):
    """PATCH /v3/lipsyncs/{lipsync_id}: a new title."""
    body = validate.require_object(req.json())
    extra = sorted(set(body) - {"title"})
    if extra:
        raise invalid(extra[0], f"Unknown field {extra[0]!r}; only title can be changed.")
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        raise invalid("title", "title is required and must be a non-empty string.")
    lipsync = state.visible_lipsync(lipsync_id)
    if lipsync is None:
        raise ApiError(404, "not_found", "Lipsync not found.")
    with state.lock:
        lipsync.title = title
    return 200, {"data": lipsync_detail(state, lipsync)}


def delete_lipsync(state, req, lipsync_id):
    """DELETE /v3/lipsyncs/{lipsync_id}."""
    lipsync = state.visible_lipsync(lipsync_id)
    if lipsync is None:
        raise ApiError(404, "not_found", "Lipsync not found.")
    with state.lock:
        lipsync.deleted = True
    return 200, {"data": {"id": lipsync_id}}


def list_lipsyncs(state, req):
    """GET /v3/lipsyncs (newest first; the cursor is a creation sequence number)."""
    limit = validate.query_limit(req.query, 10, 100)
    before = read_token(state, "lipsyncs", req.query)
    items = [x for x in state.list_lipsyncs() if before is None or x.seq < before]
    chunk = items[:limit]
    has_more = len(items) > limit
    return 200, {
        "data": [lipsync_detail(state, x) for x in chunk],
        "has_more": has_more,
        "next_token": make_token(state, "lipsyncs", chunk[-1].seq) if has_more else None,
    }


# ---------------------------------------------------------------- text to speech


def text_to_speech(state, req):
    """POST /v3/voices/speech."""
    fields = validate.text_to_speech(req.json(), Lookup(state))
    audio, duration, stamps = media.speech_wav(fields["text"], fields["voice"].pitch_hz, fields["speed"])
    speech_id = uuid.uuid4().hex
    with state.lock:
        state.speech[speech_id] = (audio, fields["text"])
        while len(state.speech) > 20:
            state.speech.popitem(last=False)
    return 200, {"data": {
        "audio_url": state.sign(f"/media/speech/{speech_id}.wav"),
        "duration": duration,
        "request_id": speech_id,
        "word_timestamps": stamps,
    }}


# ---------------------------------------------------------------- routing

ID = r"([^/]+)"
ROUTES = (
    ("/v3/users/me", {"GET": users_me}),
    ("/v3/avatars/looks", {"GET": list_looks}),
    (f"/v3/avatars/looks/{ID}", {"GET": lookups.get_look}),
    ("/v3/avatars", {"GET": list_groups}),
    (f"/v3/avatars/{ID}", {"GET": lookups.get_group}),
    ("/v3/voices", {"GET": list_voices}),
    (f"/v3/voices/{ID}", {"GET": lookups.get_voice}),
    ("/v3/voices/speech", {"POST": text_to_speech}),
    ("/v3/assets", {"POST": upload_asset}),
    ("/v3/assets/direct-uploads", {"POST": direct.create}),
    ("/v3/assets/statuses", {"GET": lookups.asset_statuses}),
    (f"/v3/assets/{ID}/complete", {"POST": direct.complete}),
    (f"/v3/assets/{ID}", {"GET": direct.get}),
    ("/v3/videos", {"GET": list_videos, "POST": create_video}),
    ("/v3/videos/statuses", {"GET": video_statuses}),
    ("/v3/videos/batches", {"POST": create_video_batch}),
    (f"/v3/videos/batches/{ID}", {"GET": get_video_batch}),
    (f"/v3/videos/{ID}", {"GET": get_video, "DELETE": delete_video}),
    ("/v3/video-agents", {"GET": list_sessions, "POST": create_video_agent}),
    ("/v3/video-agents/styles", {"GET": list_styles}),
    (f"/v3/video-agents/{ID}", {"GET": get_session, "POST": agent_chat.post_message}),
    (f"/v3/video-agents/{ID}/stop", {"POST": agent_chat.stop}),
    (f"/v3/video-agents/{ID}/videos", {"GET": agent_chat.session_videos}),
    ("/v3/brand-kits", {"GET": agent_chat.list_brand_kits}),
    ("/v3/lipsyncs", {"GET": list_lipsyncs, "POST": create_lipsync}),
    ("/v3/lipsyncs/statuses", {"GET": lipsync_statuses}),
    (f"/v3/lipsyncs/{ID}", {"GET": get_lipsync, "PATCH": rename_lipsync, "DELETE": delete_lipsync}),
    *translations.ROUTES,
    *webhooks.ROUTES,
    *templates.ROUTES,
)
SELF_DELAYED = {create_video, create_video_batch, create_video_agent, create_lipsync, *translations.SELF_DELAYED}  # latency applied inside the idempotency slot
ROUTER = routing.Router(ROUTES)


def implemented(method: str, template: str) -> bool:
    """Whether the sandbox implements this (method, path template) of the reference; else it answers 'not offered'."""
    return ROUTER.implemented(method, template)


def authorised(state: SandboxState, req) -> bool:
    """Whether the request carries the sandbox's API key."""
    given = req.header("X-Api-Key") or ""
    return bool(state.api_key) and hmac.compare_digest(given.encode(), state.api_key.encode())


def dispatch(state: SandboxState, req):
    """Answer one /v3 request: (status, body, headers). Raises ApiError for v3 errors."""
    if not req.path.startswith("/v3/"):
        raise ApiError(404, "not_found", f"No endpoint {req.method} {req.path}.")
    route = ROUTER.resolve(req.method, req.path)
    if route is not None and route.handler is None and not route.not_offered:
        allowed = ", ".join(route.allowed)
        raise ApiError(405, "method_not_allowed",
                       f"Method {req.method} is not allowed on {req.path}; use {allowed}.",
                       headers={"Allow": allowed})
    if not authorised(state, req):
        raise ApiError(401, "authentication_failed", AUTH_MESSAGE)
    if route is None:
        raise ApiError(404, "not_found", f"No endpoint {req.method} {req.path}.")
    if route.handler is None:
        raise ApiError(404, "not_found", f"The sandbox does not offer {req.method} {route.template}.")
    if route.handler not in SELF_DELAYED:
        state.sleep(state.get_config()["latency_ms"] / 1000.0)
    result = route.handler(state, req, *route.args)
    return result if len(result) == 3 else (result[0], result[1], {})
