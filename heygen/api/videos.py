"""Videos: create an avatar, photo or multi-scene video, watch it, list and delete."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import errors
from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

VIDEOS_PAGE_MAX = 100
STATUSES_MAX = 100  # video ids per GET /v3/videos/statuses
RUNNING_STATUSES = ("waiting", "pending", "processing")
TERMINAL_STATUSES = ("completed", "failed")
RESOLUTIONS = ("720p", "1080p", "4k")
ASPECT_RATIOS = ("16:9", "9:16", "1:1", "4:5", "5:4", "auto")
CAPTIONS = ("sidecar", "burned")  # an SRT file only, or also burned into the picture
FITS = ("cover", "contain")
OUTPUT_FORMATS = ("mp4", "webm")  # webm: transparent background, for looks that support it
ENGINES = ("avatar_iv", "avatar_v")  # Avatar IV is HeyGen's default; Avatar V where the look lists it
EXPRESSIVENESS = ("low", "medium", "high")


@dataclass
class Video:
    """A video as HeyGen reports it. Any status other than completed/failed counts as running."""

    id: str = ""
    title: str | None = None
    status: str = "pending"
    created_at: int | None = None
    completed_at: int | None = None
    video_url: str | None = None
    thumbnail_url: str | None = None
    gif_url: str | None = None
    captioned_video_url: str | None = None
    subtitle_url: str | None = None
    duration: float | None = None
    folder_id: str | None = None
    output_language: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    video_page_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass
class VideoStatus:
    """One entry of ``GET /v3/videos/statuses``: ``queued``, ``processing``, ``completed``, ``failed``
    or ``not_found``; any other status is kept as sent and counts as running."""

    video_id: str = ""
    status: str = "queued"
    failure_code: str | None = None
    failure_message: str | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass
class VideoPage:
    """One page of ``GET /v3/videos``: its videos and the token of the next page (None: the last)."""

    videos: list[Video] = field(default_factory=list)
    next_token: str | None = None


@dataclass
class VideoCreated:
    video_id: str = ""
    status: str = "waiting"


@dataclass
class VideoSpec:
    """Everything needed to create one video; ``to_body()`` gives the ``POST /v3/videos`` JSON.

    Exactly one of ``avatar_id`` (``type: avatar``) or an image (``image_asset_id`` /
    ``image_url``, ``type: image``); exactly one of ``script`` + ``voice_id`` or
    ``audio_asset_id`` / ``audio_url``. ``captions`` is None (none), ``"sidecar"`` (an SRT file)
    or ``"burned"`` (also burned in); ``fit`` one of ``FITS``; ``output_format`` one of
    ``OUTPUT_FORMATS``; ``engine`` one of ``ENGINES`` (sent for avatar looks only).
    """

    avatar_id: str | None = None
    image_asset_id: str | None = None
    image_url: str | None = None
    script: str | None = None
    voice_id: str | None = None
    audio_asset_id: str | None = None
    audio_url: str | None = None
    title: str | None = None
    resolution: str | None = None
    aspect_ratio: str | None = None
    background_color: str | None = None
    background_asset_id: str | None = None
    background_url: str | None = None
    remove_background: bool | None = None
    speed: float | None = None
    pitch: float | None = None
    locale: str | None = None
    expressiveness: str | None = None
    motion_prompt: str | None = None
    callback_url: str | None = None
    callback_id: str | None = None
    captions: str | None = None
    fit: str | None = None
    output_format: str | None = None
    engine: str | None = None

    @property
    def type(self) -> str:
        return "avatar" if self.avatar_id else "image"

    @property
    def job_kind(self) -> str:
        """The studio's name for a job made from this spec."""
        return self.type

    def to_dict(self) -> dict[str, Any]:
        """Only the fields that are set, for storing with a job."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VideoSpec:
        return from_api(cls, data)

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type}
        if self.avatar_id:
            body["avatar_id"] = self.avatar_id
        elif self.image_asset_id:
            body["image"] = {"type": "asset_id", "asset_id": self.image_asset_id}
        elif self.image_url:
            body["image"] = {"type": "url", "url": self.image_url}
        if self.script is not None:
            body["script"] = self.script
            if self.voice_id:
                body["voice_id"] = self.voice_id
        if self.audio_asset_id:
            body["audio_asset_id"] = self.audio_asset_id
        elif self.audio_url:
            body["audio_url"] = self.audio_url
        for name in ("title", "resolution", "aspect_ratio", "remove_background", "expressiveness",
                     "motion_prompt", "callback_url", "callback_id", "fit", "output_format"):
            value = getattr(self, name)
            if value is not None and value != "":
                body[name] = value
        if self.captions == "sidecar":
            body["caption"] = {"file_format": "srt"}
        elif self.captions == "burned":
            body["caption"] = {"file_format": "srt", "style": "default"}
        if self.engine and self.avatar_id:
            body["engine"] = {"type": self.engine}
        if self.background_color:
            body["background"] = {"type": "color", "value": self.background_color}
        elif self.background_asset_id:
            body["background"] = {"type": "image", "asset_id": self.background_asset_id}
        elif self.background_url:
            body["background"] = {"type": "image", "url": self.background_url}
        settings = {k: v for k, v in (("speed", self.speed), ("pitch", self.pitch), ("locale", self.locale)) if v is not None}
        if settings and "script" in body:
            body["voice_settings"] = settings
        return body


STUDIO_ASPECT_RATIOS = ("16:9", "9:16", "4:5", "5:4", "1:1", "auto")
STUDIO_SCENES_MAX = 50
CAPTION_STYLES = ("default",)


@dataclass
class StudioSpec:
    """A multi-scene video (``type: studio``): 1 to 50 scenes given in their wire form.

    ``scenes`` are the JSON objects HeyGen expects (``avatar_video``, ``image`` or ``video``).
    A file still to upload is filled in by ``fill(target, asset_id)``, where ``target`` is a path
    such as ``"2/source"`` (scene index, then keys): a path ending in ``asset_id`` takes the id as
    a string, any other path an ``{"type": "asset_id", "asset_id": ...}`` reference.
    ``captions`` is None (no captions asked for), ``"sidecar"`` (an SRT file) or ``"burned"``.
    """

    scenes: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None
    resolution: str | None = None
    aspect_ratio: str | None = None
    captions: str | None = None
    callback_url: str | None = None
    callback_id: str | None = None

    type = "studio"
    job_kind = "scenes"

    def to_dict(self) -> dict[str, Any]:
        """The fields that are set, marked ``type: studio``, for storing with a job."""
        data = {k: v for k, v in asdict(self).items() if v is not None}
        data["type"] = self.type
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StudioSpec:
        spec = from_api(cls, {k: v for k, v in (data or {}).items() if k != "scenes"})
        scenes = (data or {}).get("scenes")
        spec.scenes = [dict(s) for s in scenes if isinstance(s, dict)] if isinstance(scenes, list) else []
        return spec

    def _slot(self, target: str) -> tuple[dict[str, Any], str]:
        index, *keys = target.split("/")
        node = self.scenes[int(index)]
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        return node, keys[-1]

    def filled(self, target: str) -> bool:
        """True when the file at ``target`` already has an asset id."""
        node, key = self._slot(target)
        value = node.get(key)
        return bool(value.get("asset_id") if isinstance(value, dict) else value)

    def fill(self, target: str, asset_id: str) -> None:
        """Put an uploaded file's asset id at ``target``."""
        node, key = self._slot(target)
        node[key] = asset_id if key.endswith("asset_id") else {"type": "asset_id", "asset_id": asset_id}

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "scenes": [dict(s) for s in self.scenes]}
        for name in ("title", "resolution", "aspect_ratio", "callback_url", "callback_id"):
            value = getattr(self, name)
            if value is not None and value != "":
                body[name] = value
        if self.captions == "sidecar":
            body["caption"] = {"file_format": "srt"}
        elif self.captions == "burned":
            body["caption"] = {"file_format": "srt", "style": "default"}
        return body


def spec_from_dict(data: dict[str, Any]) -> VideoSpec | StudioSpec:
    """The spec stored with a job: a multi-scene ``StudioSpec`` or a one-speaker ``VideoSpec``."""
    if isinstance(data, dict) and data.get("type") == "studio":
        return StudioSpec.from_dict(data)
    return VideoSpec.from_dict(data or {})


def new_idempotency_key() -> str:
    """A fresh key for one video submission; store it with the job before sending."""
    return uuid.uuid4().hex


class Videos:
    """``client.videos``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def create(self, spec: VideoSpec | StudioSpec | dict[str, Any], *, idempotency_key: str | None = None) -> VideoCreated:
        """Submit a render, once. It carries an ``Idempotency-Key``, but HeyGen does not document that
        header for creates: a failure that may have reached HeyGen (``errors.unclear``) is reconciled by
        the caller, never resent blindly."""
        body = spec.to_body() if isinstance(spec, (VideoSpec, StudioSpec)) else dict(spec)
        key = idempotency_key or new_idempotency_key()
        answer = self._client.request(
            "POST",
            "/v3/videos",
            json=body,
            headers={"Idempotency-Key": key},
            retry="unsent",  # a lost answer is reconciled, never resent blindly
            operation="POST /v3/videos",
        )
        created = from_api(VideoCreated, answer.get("data"))
        if not created.video_id:
            raise errors.UnexpectedResponseError(
                "HeyGen accepted the video but did not return its id.", operation="POST /v3/videos"
            )
        return created

    def get(self, video_id: str) -> Video:
        """The video's current status and, once completed, its (freshly signed) links."""
        body = self._client.request(
            "GET", f"/v3/videos/{_path_id(video_id)}", operation="GET /v3/videos/{video_id}"
        )
        video = from_api(Video, body.get("data"))
        if not video.id:
            video.id = video_id
        return video

    def statuses(self, video_ids: Iterable[str]) -> dict[str, VideoStatus]:
        """The status of each video, by id: one ``GET /v3/videos/statuses`` per ``STATUSES_MAX`` ids.

        Ids HeyGen's answer leaves out are missing from the result.
        """
        wanted = list(dict.fromkeys(str(v).strip() for v in video_ids if v is not None and str(v).strip()))
        found: dict[str, VideoStatus] = {}
        for start in range(0, len(wanted), STATUSES_MAX):
            chunk = wanted[start:start + STATUSES_MAX]
            body = self._client.request(
                "GET", "/v3/videos/statuses", params={"video_ids": ",".join(chunk)},
                operation="GET /v3/videos/statuses",
            )
            items = body.get("data")
            if not isinstance(items, list):
                raise errors.UnexpectedResponseError(
                    "HeyGen sent video statuses in a shape the studio could not read.",
                    operation="GET /v3/videos/statuses",
                )
            for item in items:
                status = _video_status(item)
                if status is not None and status.video_id in chunk:
                    found[status.video_id] = status
        return found

    def list(self, *, title: str | None = None, folder_id: str | None = None, limit: int | None = None) -> list[Video]:
        """Videos on the account, newest first (all pages, or the first ``limit``)."""
        items = self._client.paginate(
            "/v3/videos", {"title": title, "folder_id": folder_id}, page_size=VIDEOS_PAGE_MAX, limit=limit,
            operation="GET /v3/videos",
        )
        return [from_api(Video, item) for item in items]

    def page(self, *, token: str | None = None, limit: int = 20) -> VideoPage:
        """One page of the account's videos, newest first, including ones made outside the studio."""
        limit = max(1, min(int(limit), VIDEOS_PAGE_MAX))
        body = self._client.request("GET", "/v3/videos", params={"limit": limit, "token": token or None},
                                    operation="GET /v3/videos")
        items = body.get("data")
        if not isinstance(items, list):
            raise errors.UnexpectedResponseError("HeyGen sent the list of videos in a shape the studio could not read.",
                                                 operation="GET /v3/videos")
        videos = [from_api(Video, item) for item in items if isinstance(item, dict)]
        token = body.get("next_token")
        more = body.get("has_more", True) and isinstance(token, str) and token and items
        return VideoPage([v for v in videos if v.id], token if more else None)

    def delete(self, video_id: str) -> bool:
        """Delete a video on HeyGen; True when HeyGen confirms."""
        body = self._client.request(
            "DELETE", f"/v3/videos/{_path_id(video_id)}", operation="DELETE /v3/videos/{video_id}"
        )
        data = body.get("data") or {}
        return bool(data.get("deleted", True)) if isinstance(data, dict) else True


def _video_status(item: Any) -> VideoStatus | None:
    """A VideoStatus from one statuses entry; None when it names no video or no status."""
    if not isinstance(item, dict) or not isinstance(item.get("video_id"), str) or not isinstance(item.get("status"), str):
        return None
    failure = item.get("error") if isinstance(item.get("error"), dict) else {}
    code, message = failure.get("code"), failure.get("message")
    return VideoStatus(
        video_id=item["video_id"], status=item["status"],
        failure_code=None if code is None else str(code), failure_message=None if message is None else str(message),
    )


def _path_id(video_id: str) -> str:
    if not video_id or not str(video_id).strip():
        raise errors.InvalidRequestError("No video id was given.", param="video_id")
    return quote(str(video_id).strip(), safe="")
