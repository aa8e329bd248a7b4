"""Video Agent: make a whole video from a prompt (``POST /v3/video-agents``), talk to a chat session,
and list its visual styles.

HeyGen's Video Agent writes the script, casts and renders the video itself. Creating one opens a
session at ``/v3/video-agents/{session_id}``: its status, progress, messages and current
``video_id``; in ``chat`` mode the session takes follow-up messages (``POST`` on the session),
can be stopped (``…/stop``) and lists every video it made (``…/videos``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import errors
from ._model import from_api
from .videos import Video, new_idempotency_key

if TYPE_CHECKING:
    from .client import Client

PROMPT_MAX = 10_000
FILES_MAX = 20
ORIENTATIONS = ("landscape", "portrait")
STYLES_PAGE_MAX = 100
SESSIONS_PAGE_MAX = 100
# The official file's own example error says 1-50 for styles; used when HeyGen refuses 100.
STYLES_PAGE_FALLBACK = 50
SESSION_STATUSES = ("thinking", "waiting_for_input", "reviewing", "generating", "completed", "failed")
MODES = ("generate", "chat")
MESSAGE_MAX = 10_000
# Every field CreateVideoAgentRequest accepts (it has additionalProperties: false).
BODY_FIELDS = ("prompt", "avatar_id", "voice_id", "style_id", "orientation", "files", "callback_url",
               "callback_id", "incognito_mode", "mode", "brand_kit_id")


@dataclass
class AgentSpec:
    """One Video Agent request; ``to_body()`` gives the ``POST /v3/video-agents`` JSON.

    ``orientation`` is "landscape", "portrait" or None (HeyGen decides from the content).
    ``avatar_id``, ``voice_id`` and ``style_id`` left as None let HeyGen choose.
    ``file_asset_ids`` are assets uploaded with ``POST /v3/assets`` (at most 20).
    ``mode`` is "generate" (one shot, HeyGen's default when None) or "chat" (the agent may ask
    questions and takes revision requests); ``brand_kit_id`` comes from ``GET /v3/brand-kits``.
    """

    prompt: str = ""
    avatar_id: str | None = None
    voice_id: str | None = None
    style_id: str | None = None
    orientation: str | None = None
    file_asset_ids: list[str] = field(default_factory=list)
    callback_url: str | None = None
    callback_id: str | None = None
    incognito_mode: bool | None = None
    mode: str | None = None
    brand_kit_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Only the fields that are set, for storing with a job."""
        out = {k: v for k, v in asdict(self).items() if v is not None}
        if not out.get("file_asset_ids"):
            out.pop("file_asset_ids", None)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgentSpec:
        return from_api(cls, data)

    def to_body(self) -> dict[str, Any]:
        """The request body: the prompt without surrounding blanks, and only the fields that are set."""
        body: dict[str, Any] = {"prompt": (self.prompt or "").strip()}
        for name in ("avatar_id", "voice_id", "style_id", "orientation", "callback_url", "callback_id", "mode",
                     "brand_kit_id"):
            value = getattr(self, name)
            if value is not None and value != "":
                body[name] = value
        if self.file_asset_ids:
            body["files"] = [{"type": "asset_id", "asset_id": asset_id} for asset_id in self.file_asset_ids]
        if self.incognito_mode is not None:
            body["incognito_mode"] = bool(self.incognito_mode)
        return body


@dataclass
class AgentSession:
    """HeyGen's answer to a Video Agent request. ``video_id`` may be None while the agent plans."""

    session_id: str = ""
    status: str = "generating"
    video_id: str | None = None
    created_at: int | None = None


@dataclass
class AgentMessage:
    """One visible message of a session: ``role`` "user" or "model", ``type`` "text", "resource" or "error"."""

    role: str = "model"
    content: str = ""
    type: str = "text"
    created_at: int | None = None
    resource_ids: list[str] = field(default_factory=list)


@dataclass
class AgentSessionState:
    """A Video Agent session as ``GET /v3/video-agents/{session_id}`` (or the session list) reports it.

    ``status`` is one of ``SESSION_STATUSES``; ``progress`` 0-100; ``messages`` oldest first (HeyGen
    sends at most the 40 newest, newest first).
    """

    session_id: str = ""
    status: str = "processing"
    progress: int = 0
    title: str | None = None
    video_id: str | None = None
    created_at: int | None = None
    messages: list[AgentMessage] = field(default_factory=list)


@dataclass
class AgentRun:
    """HeyGen's answer to a follow-up message: the run that processes it."""

    session_id: str = ""
    run_id: str = ""
    title: str | None = None


@dataclass
class StyleItem:
    """A curated visual style for Video Agent; pass ``style_id`` in an ``AgentSpec``."""

    style_id: str = ""
    name: str = ""
    thumbnail_url: str | None = None
    preview_video_url: str | None = None
    tags: list[str] = field(default_factory=list)
    aspect_ratio: str | None = None


class VideoAgents:
    """``client.video_agents``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def create(self, request: AgentSpec | dict[str, Any], *, idempotency_key: str | None = None) -> AgentSession:
        """Start a Video Agent session, once (a failure that may have reached HeyGen is reconciled by the caller)."""
        body = request.to_body() if isinstance(request, AgentSpec) else dict(request)
        answer = self._client.request(
            "POST",
            "/v3/video-agents",
            json=body,
            headers={"Idempotency-Key": idempotency_key or new_idempotency_key()},
            retry="unsent",  # a lost answer is reconciled, never resent blindly
            operation="POST /v3/video-agents",
        )
        session = from_api(AgentSession, answer.get("data"))
        if not session.session_id and not session.video_id:
            raise errors.UnexpectedResponseError(
                "HeyGen accepted the Video Agent request but did not say how to follow it.",
                operation="POST /v3/video-agents",
            )
        return session

    def session(self, session_id: str) -> AgentSessionState:
        """A session's status and, once the agent has started rendering, its ``video_id``."""
        if not session_id or not str(session_id).strip():
            raise errors.InvalidRequestError("No Video Agent session id was given.", param="session_id")
        body = self._client.request(
            "GET", f"/v3/video-agents/{quote(str(session_id).strip(), safe='')}",
            operation="GET /v3/video-agents/{session_id}",
        )
        state = from_api(AgentSessionState, body.get("data"))
        state.session_id = state.session_id or str(session_id)
        state.progress = max(0, min(100, state.progress))
        state.messages = [m for m in reversed(state.messages) if m.content or m.type == "error"]
        return state

    def send_message(self, session_id: str, message: str) -> AgentRun:
        """Send a follow-up message (an answer, more context, or a change to the video) to a chat session.

        Sent once: a failure that may have reached HeyGen is not retried (the caller looks at the
        session's messages to see whether it arrived)."""
        path = _session_path(session_id)
        text = (message or "").strip() if isinstance(message, str) else ""
        if not text:
            raise errors.InvalidRequestError("The message is empty.", param="message")
        answer = self._client.request("POST", path, json={"message": text}, retry="unsent",
                                      operation="POST /v3/video-agents/{session_id}")
        run = from_api(AgentRun, answer.get("data"))
        run.session_id = run.session_id or str(session_id).strip()
        return run

    def stop(self, session_id: str) -> str:
        """Stop a session's current run at its next checkpoint (what it made is kept); returns the session id."""
        answer = self._client.request("POST", _session_path(session_id) + "/stop", json={},
                                      operation="POST /v3/video-agents/{session_id}/stop")
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        return str(data.get("session_id") or session_id).strip()

    def videos(self, session_id: str) -> list[Video]:
        """Every video the session made, newest first."""
        body = self._client.request("GET", _session_path(session_id) + "/videos",
                                    operation="GET /v3/video-agents/{session_id}/videos")
        items = body.get("data") if isinstance(body.get("data"), list) else []
        return [video for video in (from_api(Video, item) for item in items) if video.id]

    def sessions(self, limit: int | None = None) -> list[AgentSessionState]:
        """The account's Video Agent sessions, newest first (all pages, or the first ``limit``)."""
        items = self._client.paginate("/v3/video-agents", {}, page_size=SESSIONS_PAGE_MAX, limit=limit,
                                      operation="GET /v3/video-agents")
        return [s for s in (from_api(AgentSessionState, item) for item in items) if s.session_id]

    def styles(self, tag: str | None = None, limit: int | None = None) -> list[StyleItem]:
        """Every style (or the first ``limit``), optionally only those with ``tag``, across all pages."""
        params = {"tag": tag or None}
        operation = "GET /v3/video-agents/styles"
        try:
            items = list(self._client.paginate("/v3/video-agents/styles", params, page_size=STYLES_PAGE_MAX,
                                               limit=limit, operation=operation))
        except errors.InvalidRequestError as exc:
            if not _about_limit(exc):
                raise
            items = list(self._client.paginate("/v3/video-agents/styles", params, page_size=STYLES_PAGE_FALLBACK,
                                               limit=limit, operation=operation))
        return [style for style in (from_api(StyleItem, item) for item in items) if style.style_id]


def _session_path(session_id: str) -> str:
    if not session_id or not str(session_id).strip():
        raise errors.InvalidRequestError("No Video Agent session id was given.", param="session_id")
    return f"/v3/video-agents/{quote(str(session_id).strip(), safe='')}"


def _about_limit(exc: errors.InvalidRequestError) -> bool:
    return exc.param == "limit" or "'limit'" in (exc.detail or "") or "limit must" in (exc.detail or "")
