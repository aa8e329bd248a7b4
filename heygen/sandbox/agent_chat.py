"""Video Agent chat sessions in the sandbox (``mode: chat``), its session routes and the brand kits.

A chat session plays a fixed script, driven by the clock like the renders:
  1. after create: ``thinking``, then ``waiting_for_input`` with one question from the agent;
  2. the user's answer (``POST /v3/video-agents/{id}``): ``thinking``, then ``generating`` a draft
     (the session's ``progress`` follows the render), then ``completed`` with a message naming it;
  3. any later message asks for changes: ``thinking``, ``generating`` a revised video, ``completed``.
``POST …/stop`` ends the session: a render under way fails ("stopped"), finished videos stay.

Two ways a session may mislead, as users of the live API report (config, both off by default):
``agent_session_hidden_looks`` N: a new session (chat or one-shot) answers 404 "Session not found" to
its first N looks (``GET /v3/video-agents/{id}``); ``agent_session_stale_seconds``: a session keeps
saying ``generating`` (and holds back its closing message) this long after its video has finished,
while ``GET /v3/videos/{id}`` already says ``completed``. A message is judged by the true state.
``GET …/videos`` lists every video of the session, newest first. One-shot sessions (``mode:
generate``) live in ``state.sessions`` as before; the routes here answer for both.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from .answers import new_video_id, page, video_detail
from .errors import ApiError, invalid
from .media import script_duration

QUESTION = ("Happy to make this. Who is the video for, and is there a date, offer or link it must mention? "
            "Tell me and I will write the draft.")
DRAFT_READY = "Your draft video is ready. Tell me what to change (for example: a shorter intro) and I will revise it."
REVISION_READY = "The revised video is ready. Anything else to change?"
STOPPED = "Stopped. The videos made so far are kept."
MESSAGE_MAX = 10_000

BRAND_KITS = (
    {"brand_kit_id": "bk_stride_sport", "name": "Stride Sport", "colors": ["#FF5A1F", "#1F1D2E", "#FFFFFF"],
     "logo_url": None},
    {"brand_kit_id": "bk_calm_corporate", "name": "Calm Corporate", "colors": ["#2D5BFF", "#F4F6FB"],
     "logo_url": None},
)
BRAND_KIT_IDS = frozenset(kit["brand_kit_id"] for kit in BRAND_KITS)


@dataclass
class Run:
    """One turn of the agent: the opening question, a draft or a revision."""

    kind: str  # "question", "draft" or "revision"
    started_at: float
    video_id: str | None = None
    announced: bool = False  # its closing message has been added
    closing: dict | None = None  # that message


@dataclass
class Chat:
    """One chat-mode session."""

    session_id: str
    created_at: float
    title: str
    prompt: str
    aspect_ratio: str
    look_id: str | None
    image_key: str | None
    brand_kit_id: str | None
    messages: list = field(default_factory=list)  # oldest first
    runs: list = field(default_factory=list)
    videos: list = field(default_factory=list)  # video ids, oldest first
    closed: bool = False


def think_seconds(state) -> float:
    """How long the agent "thinks" before it asks or starts rendering."""
    config = state.get_config()
    agent = config["agent_render_seconds"]
    agent = 3 * config["render_seconds"] if agent is None else agent
    return min(3.0, 0.1 * float(agent))


def chats(state) -> dict:
    """The sandbox's chat sessions by id (kept on the state, emptied by its reset)."""
    with state.lock:
        found = getattr(state, "chats", None)
        if found is None:
            found = state.chats = {}
        return found


def check_brand_kit(brand_kit_id) -> None:
    """400 naming ``brand_kit_id`` when it is not one of the sandbox's kits."""
    if brand_kit_id is not None and brand_kit_id not in BRAND_KIT_IDS:
        raise invalid("brand_kit_id", f"Brand kit '{brand_kit_id}' not found.")


def _message(role: str, content: str, at: float, kind: str = "text", resource_ids=None) -> dict:
    return {"role": role, "content": content, "type": kind, "created_at": int(at), "resource_ids": resource_ids}


def open_chat(state, *, title: str, prompt: str, aspect_ratio: str, look_id, image_key, brand_kit_id) -> Chat:
    """Start a chat session: it thinks, then asks its question."""
    check_brand_kit(brand_kit_id)
    now = time.time()
    chat = Chat(session_id="sess_" + uuid.uuid4().hex[:20], created_at=now, title=title, prompt=prompt,
                aspect_ratio=aspect_ratio, look_id=look_id, image_key=image_key, brand_kit_id=brand_kit_id)
    chat.messages.append(_message("user", prompt, now))
    chat.runs.append(Run("question", now))
    with state.lock:
        chats(state)[chat.session_id] = chat
    return chat


def _advance(state, chat: Chat, now: float) -> str:
    """Add the messages that are due by ``now`` and return the session's status (lock held)."""
    think = think_seconds(state)
    if chat.closed:
        return "completed" if _finished_videos(state, chat) else "failed"
    run = chat.runs[-1]
    if now - run.started_at < think:
        return "thinking"
    if run.kind == "question":
        if not run.announced:
            run.announced = True
            chat.messages.append(_message("model", QUESTION, run.started_at + think))
        return "waiting_for_input"
    video = state.videos.get(run.video_id)
    phase = state.phase(video, now) if video is not None else None
    if phase in ("waiting", "pending", "processing"):
        return "generating"
    if not run.announced:
        run.announced = True
        end = video.created_at + video.render_seconds if video is not None else now
        if phase == "completed":
            text = DRAFT_READY if run.kind == "draft" else REVISION_READY
            run.closing = _message("model", text, end, "resource", [run.video_id])
        else:
            reason = video.failure_message if video is not None else "The video is gone."
            run.closing = _message("model", f"The render failed: {reason}", end, "error")
        chat.messages.append(run.closing)
    return "completed" if phase == "completed" else "failed"


def _finished_videos(state, chat: Chat) -> list:
    return [v for v in (state.videos.get(i) for i in chat.videos) if v is not None and state.phase(v) == "completed"]


def _progress(state, chat: Chat, status: str, now: float) -> int:
    if status == "completed":
        return 100
    run = chat.runs[-1]
    if status == "thinking":
        return 5
    if status == "waiting_for_input":
        return 10
    if status == "generating":
        video = state.videos.get(run.video_id)
        fraction = (now - video.created_at) / max(video.render_seconds, 0.001) if video is not None else 0.0
        return max(10, min(99, int(10 + 90 * fraction)))
    return 0


def look(state, session_id: str) -> None:
    """Count one look at a session; 404 while it is among the first ``agent_session_hidden_looks``."""
    with state.lock:
        seen = state.session_looks.get(session_id, 0)
        state.session_looks[session_id] = seen + 1
        hidden = seen < state.config["agent_session_hidden_looks"]
    if hidden:
        raise ApiError(404, "not_found", "Session not found.")


def stale(state, video, now: float) -> bool:
    """Whether a session whose render is ``video`` still says "generating" although the video is finished."""
    if video is None:
        return False
    end = video.created_at + video.render_seconds
    return end <= now < end + float(state.config["agent_session_stale_seconds"])


def session_item(state, chat: Chat) -> dict:
    """The GET /v3/video-agents/{session_id} data of a chat session as it is now."""
    now = time.time()
    with state.lock:
        status = _advance(state, chat, now)
        think = think_seconds(state)
        shown = [r.video_id for r in chat.runs if r.video_id and now - r.started_at >= think]
        messages = list(reversed(chat.messages))[:40]
        progress = _progress(state, chat, status, now)
        run = chat.runs[-1]
        if status in ("completed", "failed") and not chat.closed and stale(state, state.videos.get(run.video_id), now):
            status, progress = "generating", 99
            messages = [m for m in messages if m is not run.closing]
    return {"session_id": chat.session_id, "status": status, "progress": progress, "title": chat.title,
            "video_id": shown[-1] if shown else None, "created_at": int(chat.created_at), "messages": messages}


def post_message(state, req, session_id):
    """POST /v3/video-agents/{session_id}: an answer or a change; it starts a draft or a revision."""
    body = req.json()
    if not isinstance(body, dict):
        raise invalid(None, "The request body must be a JSON object.")
    for key in body:
        if key not in ("message", "files", "avatar_id", "voice_id", "brand_kit_id"):
            raise invalid(key, f"Unknown field '{key}'.")
    text = body.get("message")
    if not isinstance(text, str) or not text.strip() or len(text) > MESSAGE_MAX:
        raise invalid("message", f"message must contain between 1 and {MESSAGE_MAX} characters.")
    check_brand_kit(body.get("brand_kit_id"))
    with state.lock:
        chat = chats(state).get(session_id)
        one_shot = session_id in state.sessions
    if chat is None:
        if one_shot:
            raise invalid("session_id", "Only sessions created in chat mode take messages.")
        raise ApiError(404, "not_found", "Session not found.")
    now = time.time()
    with state.lock:
        status = _advance(state, chat, now)
        if chat.closed:
            raise invalid("session_id", "This session was stopped; start a new one.")
        if status not in ("waiting_for_input", "completed"):
            raise invalid("session_id", f"The agent is {status.replace('_', ' ')}; send the message when it has "
                                        "finished or stop the session.")
        kind = "draft" if not _finished_videos(state, chat) else "revision"
        count = len(chat.videos) + 1
        script = f"{chat.prompt}\n{text.strip()}"  # what the video says: the prompt, then the latest message
        video = state.add_video(
            id=new_video_id(), title=chat.title if count == 1 else f"{chat.title} (v{count})",
            aspect_ratio=chat.aspect_ratio, script=script,
            duration=max(6.0, min(90.0, script_duration(script))),
            look_id=chat.look_id, image_key=chat.image_key, kind="agent")
        chat.messages.append(_message("user", text.strip(), now))
        chat.runs.append(Run(kind, now, video.id))
        chat.videos.append(video.id)
        run_id = "run_" + uuid.uuid4().hex[:16]
    return 200, {"data": {"session_id": session_id, "run_id": run_id, "title": chat.title}}


def stop(state, req, session_id):
    """POST /v3/video-agents/{session_id}/stop: the render under way fails; finished videos stay."""
    body = req.json() if req.content_length else {}
    if not isinstance(body, dict) or body:
        raise invalid(None, "The stop request takes an empty JSON object.")
    now = time.time()
    with state.lock:
        chat = chats(state).get(session_id)
        video_id = state.sessions.get(session_id) if chat is None else (chat.runs[-1].video_id or None)
        if chat is None and session_id not in state.sessions:
            raise ApiError(404, "not_found", "Session not found.")
        video = state.videos.get(video_id) if video_id else None
        if video is not None and state.phase(video, now) in ("waiting", "pending", "processing"):
            state.set_video_fate(video.id, outcome="fail", failure_code="stopped",
                                 failure_message="The session was stopped before this video was finished.",
                                 render_seconds=max(0.0, now - video.created_at))
        if chat is not None and not chat.closed:
            chat.runs[-1].announced = True
            chat.closed = True
            chat.messages.append(_message("model", STOPPED, now))
    return 200, {"data": {"session_id": session_id}}


def session_videos(state, req, session_id):
    """GET /v3/video-agents/{session_id}/videos: every video of the session, newest first."""
    with state.lock:
        chat = chats(state).get(session_id)
        if chat is None and session_id not in state.sessions:
            raise ApiError(404, "not_found", "Session not found.")
        ids = list(chat.videos) if chat is not None else [state.sessions[session_id]]
    videos = [state.visible_video(i) for i in reversed(ids)]
    return 200, {"data": [video_detail(state, v) for v in videos if v is not None], "has_more": False,
                 "next_token": None}


def list_brand_kits(state, req):
    """GET /v3/brand-kits."""
    return 200, page(state, "brand-kits", list(BRAND_KITS), req.query, 20, 100, dict)
