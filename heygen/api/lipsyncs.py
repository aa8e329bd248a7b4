"""Lip-syncs: replace the audio of an existing video and re-animate the speaker's lips (all or a time range)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import errors
from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

LIPSYNCS_PAGE_MAX = 100
MODES = ("speed", "precision")
RUNNING_STATUSES = ("pending", "running")
TERMINAL_STATUSES = ("completed", "failed")


@dataclass
class Lipsync:
    """A lip-sync job as HeyGen reports it: ``pending``, ``running``, ``completed`` or ``failed``."""

    id: str = ""
    status: str = "pending"
    title: str | None = None
    created_at: int | None = None
    duration: float | None = None
    video_url: str | None = None
    caption_url: str | None = None
    failure_message: str | None = None
    callback_id: str | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass
class LipsyncSpec:
    """Everything needed to create one lip-sync; ``to_body()`` gives the ``POST /v3/lipsyncs`` JSON.

    The source video is a URL (``video_url``) or an uploaded asset (``video_asset_id``); the new
    audio likewise (``audio_url`` / ``audio_asset_id``). ``start_time``/``end_time`` (seconds)
    limit the change to a part of the video; ``mode`` is ``speed`` or ``precision``.
    """

    video_url: str | None = None
    video_asset_id: str | None = None
    audio_url: str | None = None
    audio_asset_id: str | None = None
    title: str | None = None
    mode: str = "speed"
    start_time: float | None = None
    end_time: float | None = None

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"video": _ref(self.video_asset_id, self.video_url, "video"),
                                "audio": _ref(self.audio_asset_id, self.audio_url, "audio"),
                                "mode": self.mode}
        if self.title:
            body["title"] = self.title
        if self.start_time is not None:
            body["start_time"] = float(self.start_time)
        if self.end_time is not None:
            body["end_time"] = float(self.end_time)
        return body


def _ref(asset_id: str | None, url: str | None, name: str) -> dict[str, str]:
    if asset_id:
        return {"type": "asset_id", "asset_id": asset_id}
    if url:
        return {"type": "url", "url": url}
    raise errors.InvalidRequestError(f"No {name} was given for the lip-sync.", param=name)


class Lipsyncs:
    """``client.lipsyncs``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def create(self, spec: LipsyncSpec | dict[str, Any], *, idempotency_key: str | None = None) -> str:
        """Start a lip-sync, once; returns its id. A failure that may have reached HeyGen
        (``errors.unclear``) is for the caller to reconcile, never resent blindly."""
        body = spec.to_body() if isinstance(spec, LipsyncSpec) else dict(spec)
        answer = self._client.request(
            "POST", "/v3/lipsyncs", json=body, headers={"Idempotency-Key": idempotency_key or uuid.uuid4().hex},
            retry="unsent", operation="POST /v3/lipsyncs",
        )
        data = answer.get("data")
        lipsync_id = data.get("lipsync_id") if isinstance(data, dict) else None
        if not isinstance(lipsync_id, str) or not lipsync_id:
            raise errors.UnexpectedResponseError("HeyGen accepted the lip-sync but did not return its id.",
                                                 operation="POST /v3/lipsyncs")
        return lipsync_id

    def get(self, lipsync_id: str) -> Lipsync:
        """The lip-sync's status and, once completed, its (freshly signed) video link."""
        if not lipsync_id or not str(lipsync_id).strip():
            raise errors.InvalidRequestError("No lip-sync id was given.", param="lipsync_id")
        body = self._client.request("GET", f"/v3/lipsyncs/{quote(str(lipsync_id).strip(), safe='')}",
                                    operation="GET /v3/lipsyncs/{lipsync_id}")
        found = from_api(Lipsync, body.get("data"))
        if not found.id:
            found.id = lipsync_id
        return found

    def list(self, *, limit: int | None = None) -> list[Lipsync]:
        """Lip-syncs on the account, newest first (all pages, or the first ``limit``)."""
        items = self._client.paginate("/v3/lipsyncs", {}, page_size=LIPSYNCS_PAGE_MAX, limit=limit,
                                      operation="GET /v3/lipsyncs")
        return [from_api(Lipsync, item) for item in items]
