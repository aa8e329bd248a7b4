"""Avatars: looks (what ``avatar_id`` takes) and groups (the people behind them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

LOOKS_PAGE_MAX = 50
GROUPS_PAGE_MAX = 50
AVATAR_TYPES = ("studio_avatar", "digital_twin", "photo_avatar")
OWNERSHIPS = ("public", "private")


@dataclass
class AvatarProblem:
    code: str = ""
    message: str = ""


@dataclass
class AvatarLook:
    """One look of an avatar; its ``id`` is what ``avatar_id`` takes."""

    id: str = ""
    name: str = ""
    avatar_type: str = ""
    group_id: str | None = None
    preview_image_url: str | None = None
    preview_video_url: str | None = None
    gender: str | None = None
    tags: list[str] = field(default_factory=list)
    default_voice_id: str | None = None
    supported_api_engines: list[str] = field(default_factory=list)
    image_width: int | None = None
    image_height: int | None = None
    preferred_orientation: str | None = None
    status: str | None = None
    error: AvatarProblem | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """True when the look can be used (HeyGen's own looks have no status)."""
        return self.status in (None, "", "completed")

    @property
    def is_photo(self) -> bool:
        return self.avatar_type == "photo_avatar"


@dataclass
class AvatarGroup:
    """A person with one or more looks. A group id is NOT an ``avatar_id``."""

    id: str = ""
    name: str = ""
    preview_image_url: str | None = None
    preview_video_url: str | None = None
    gender: str | None = None
    created_at: int | None = None
    looks_count: int = 0
    default_voice_id: str | None = None
    consent_status: str | None = None
    status: str | None = None
    error: AvatarProblem | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Avatars:
    """``client.avatars``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def looks(
        self,
        *,
        avatar_type: str | None = None,
        ownership: str | None = None,
        group_id: str | None = None,
        limit: int | None = None,
    ) -> list[AvatarLook]:
        """Every look matching the filters (all pages), or the first ``limit``."""
        params = {"avatar_type": avatar_type, "ownership": ownership, "group_id": group_id}
        items = self._client.paginate(
            "/v3/avatars/looks", params, page_size=LOOKS_PAGE_MAX, limit=limit, operation="GET /v3/avatars/looks"
        )
        return [from_api(AvatarLook, item) for item in items]

    def groups(self, *, ownership: str | None = None, limit: int | None = None) -> list[AvatarGroup]:
        """Every avatar group (person), or the first ``limit``."""
        items = self._client.paginate(
            "/v3/avatars", {"ownership": ownership}, page_size=GROUPS_PAGE_MAX, limit=limit, operation="GET /v3/avatars"
        )
        return [from_api(AvatarGroup, item) for item in items]
