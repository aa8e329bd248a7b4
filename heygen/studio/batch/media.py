"""A row's own media: the background its ``background`` cell gives, the voice its ``voice_id`` cell names.

- ``read_background(cell)``: a link to a picture, the id of a file uploaded to HeyGen, or what
  keeps the cell from being used. ``POST /v3/videos`` takes a background of type ``image`` with a
  ``url`` or an ``asset_id`` (or a colour): a picture only, so a link to a video clip is
  recognised by its extension and refused.
- ``match_voice(cell, voices)``: the voice a cell names, by id or else by name.
- ``asset_kinds(client, ids)``: what HeyGen says each uploaded file is (``GET /v3/assets/{id}``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from heygen.api import errors
from heygen.api.voices import Voice

if TYPE_CHECKING:
    from heygen.api.client import Client

__all__ = [
    "BACKGROUND_KINDS", "BackgroundCell", "IMAGE_EXTENSIONS", "MAX_ASSET_LOOKUPS", "MAX_URL_CHARS", "VIDEO_EXTENSIONS",
    "VoiceIndex", "VoiceMatch", "asset_ids", "asset_kinds", "match_voice", "read_background", "voice_key",
]

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
VIDEO_EXTENSIONS = (".mp4", ".mov", ".webm", ".m4v", ".avi", ".mkv")
MAX_URL_CHARS = 2048
MAX_ASSET_LOOKUPS = 20  # distinct uploaded files asked about for one file of contacts
# image_url and asset can be sent; video_url (a clip: HeyGen takes pictures only), unknown_type (a
# link whose path ends in no picture extension), bad_link (http(s) without a host, or with spaces),
# not_link (neither a link nor an id) and too_long (over MAX_URL_CHARS) cannot.
BACKGROUND_KINDS = ("image_url", "asset", "video_url", "unknown_type", "bad_link", "not_link", "too_long")
_ASSET_ID = re.compile(r"^[A-Za-z0-9_-]{6,128}$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class BackgroundCell:
    """What a non-empty ``background`` cell holds: ``kind`` (one of BACKGROUND_KINDS), the trimmed
    ``value``, and the ``extension`` its link ends in (lower case, "" when none)."""

    kind: str
    value: str
    extension: str = ""

    @property
    def usable(self) -> bool:
        return self.kind in ("image_url", "asset")

    @property
    def url(self) -> str | None:
        return self.value if self.kind == "image_url" else None

    @property
    def asset_id(self) -> str | None:
        return self.value if self.kind == "asset" else None


def read_background(cell: Any) -> BackgroundCell | None:
    """What the cell gives as a background; None when it is empty."""
    value = "" if cell is None else str(cell).strip()
    if not value:
        return None
    if _SCHEME.match(value) and value.split(":", 1)[0].lower() in ("http", "https"):
        if len(value) > MAX_URL_CHARS:
            return BackgroundCell("too_long", value)
        parts = urlsplit(value)
        if not parts.hostname or any(ch.isspace() for ch in value):
            return BackgroundCell("bad_link", value)
        extension = PurePosixPath(unquote(parts.path)).suffix.lower()
        if extension in IMAGE_EXTENSIONS:
            return BackgroundCell("image_url", value, extension)
        if extension in VIDEO_EXTENSIONS:
            return BackgroundCell("video_url", value, extension)
        return BackgroundCell("unknown_type", value, extension)
    if _ASSET_ID.match(value):
        return BackgroundCell("asset", value)
    return BackgroundCell("not_link", value)


def asset_ids(cells: Iterable[Any]) -> list[str]:
    """The distinct asset ids among ``background`` cells, in order of first use."""
    found = (read_background(cell) for cell in cells)
    return list(dict.fromkeys(b.value for b in found if b is not None and b.kind == "asset"))


def voice_key(name: str) -> str:
    """A voice name as it is compared: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class VoiceMatch:
    """The voice a cell names: ``voice_id`` when exactly one fits (``by`` "id" or "name"); else None,
    with ``by`` "unknown" or "ambiguous" (then ``candidates`` are the voices the name fits)."""

    voice_id: str | None
    by: str
    candidates: tuple[Voice, ...] = ()


class VoiceIndex:
    """The voices by id and by name, to match many cells against one list."""

    def __init__(self, voices: Mapping[str, Voice] | Iterable[Voice]) -> None:
        listed = list(voices.values()) if isinstance(voices, Mapping) else list(voices)
        self.ids = {v.voice_id for v in listed}
        self.names: dict[str, list[Voice]] = {}
        for voice in listed:
            self.names.setdefault(voice_key(voice.name or ""), []).append(voice)

    def match(self, cell: str) -> VoiceMatch:
        """The voice ``cell`` names: a voice id (exactly), or else a voice name (any case)."""
        value = (cell or "").strip()
        if value in self.ids:
            return VoiceMatch(value, "id")
        named = tuple(self.names.get(voice_key(value), ())) if value else ()
        if len(named) == 1:
            return VoiceMatch(named[0].voice_id, "name")
        return VoiceMatch(None, "ambiguous" if named else "unknown", named)


def match_voice(cell: str, voices: Mapping[str, Voice] | Iterable[Voice]) -> VoiceMatch:
    """The voice ``cell`` names: a voice id (exactly), or else a voice name (any case)."""
    return VoiceIndex(voices).match(cell)


def asset_kinds(client: Client, ids: Iterable[str], *, limit: int = MAX_ASSET_LOOKUPS) -> dict[str, str | None]:
    """HeyGen's type of each uploaded file ("image", "video", ...), or None for a file HeyGen does not have.

    The first ``limit`` distinct ids are asked about, one request each; ids past the limit, and
    every id from the first request that fails for another reason (network, key, rate limit)
    on, are left out: they were not checked.
    """
    found: dict[str, str | None] = {}
    for asset_id in list(dict.fromkeys(ids))[:limit]:
        try:
            info = client.assets.get(asset_id)
        except (errors.NotFoundError, errors.InvalidRequestError):
            found[asset_id] = None
            continue
        except errors.HeyGenError:
            break
        found[asset_id] = (info.type or "").strip().lower() or "file"
    return found
