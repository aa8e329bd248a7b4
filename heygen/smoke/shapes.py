"""The answer shapes the studio relies on, and a check of HeyGen's JSON against them.

Each list item or object is described by ``Field``s. ``EVERY``: every item carries the field with
a value of its type. ``SOME``: at least one item of the page carries a value (a field the studio
shows or builds on, such as preview images or default voices), and any value sent has its type.
``TYPED``: optional, but a value sent has its type. The shapes follow HeyGen's July 2026 v3
schemas, narrowed to what the studio reads (``heygen.api`` dataclasses and the pages using them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

EVERY = "every"
SOME = "some"
TYPED = "typed"

STR = (str,)
INT = (int,)
NUMBER = (int, float)
BOOL = (bool,)
LIST = (list,)


@dataclass(frozen=True)
class Field:
    """One field an item should carry: its JSON types, how often, and its allowed values if fixed."""

    name: str
    types: tuple[type, ...]
    presence: str = EVERY
    values: tuple[str, ...] | None = None


LOOK = (
    Field("id", STR),
    Field("name", STR),
    Field("avatar_type", STR, values=("studio_avatar", "digital_twin", "photo_avatar")),
    Field("preview_image_url", STR, SOME),
    Field("preview_video_url", STR, SOME),
    Field("gender", STR, SOME),
    Field("default_voice_id", STR, SOME),
    Field("supported_api_engines", LIST, SOME),
    Field("preferred_orientation", STR, TYPED, values=("portrait", "landscape", "square")),
    Field("image_width", INT, TYPED),
    Field("image_height", INT, TYPED),
    Field("tags", LIST, TYPED),
    Field("group_id", STR, TYPED),
    Field("status", STR, TYPED, values=("processing", "pending_consent", "failed", "completed")),
)

VOICE = (
    Field("voice_id", STR),
    Field("name", STR),
    Field("language", STR),
    Field("gender", STR),
    Field("support_pause", BOOL),
    Field("type", STR, values=("public", "private")),
    Field("preview_audio_url", STR, SOME),
    Field("support_locale", BOOL, TYPED),
)

USER = (
    Field("username", STR),
    Field("billing_type", STR, TYPED, values=("wallet", "subscription", "usage_based")),
    Field("wallet", (dict,), TYPED),
    Field("subscription", (dict,), TYPED),
    Field("usage_based", (dict,), TYPED),
)

STATUS_ENTRY = (
    Field("video_id", STR),
    Field("status", STR),
)

SESSION_ITEM = (
    Field("session_id", STR),
    Field("created_at", INT),
    Field("title", STR, TYPED),
)

SESSION_STATUSES = ("thinking", "waiting_for_input", "reviewing", "generating", "completed", "failed")

SESSION = (
    Field("session_id", STR),
    Field("status", STR, values=SESSION_STATUSES),
    Field("created_at", INT),
    Field("progress", INT, TYPED),
    Field("video_id", STR, TYPED),
    Field("title", STR, TYPED),
    Field("messages", LIST, TYPED),
)

MESSAGE = (
    Field("role", STR),
    Field("content", STR),
    Field("type", STR, values=("text", "resource", "error")),
)

CREATED = (
    Field("video_id", STR),
    Field("status", STR),
)

# The studio treats any other status as still running: a finished video must use these words.
BULK_STATUSES = ("queued", "pending", "waiting", "processing", "completed", "failed", "not_found")

FINISHED_VIDEO = (
    Field("id", STR),
    Field("status", STR, values=("completed",)),
    Field("video_url", STR),
    Field("duration", NUMBER),
    Field("subtitle_url", STR),
    Field("thumbnail_url", STR),
    Field("created_at", INT),
    Field("completed_at", INT, TYPED),
    Field("captioned_video_url", STR, TYPED),
    Field("title", STR, TYPED),
)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def outline(item: Any) -> str:
    """An item's keys and JSON types, never its values: ``{id: string, gender: null}``."""
    if not isinstance(item, dict):
        return _json_type(item)
    return "{" + ", ".join(f"{key}: {_json_type(value)}" for key, value in item.items()) + "}"


def _fits(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


def problems(items: Iterable[Any], fields: tuple[Field, ...]) -> list[str]:
    """What in ``items`` does not fit ``fields``: one short phrase per field at fault, naming how
    many items miss it and the outline of the first such item. Empty when everything fits."""
    items = list(items)
    found: list[str] = []
    if not items:
        return found
    for spec in fields:
        missing, wrong, bad_values = [], [], []
        for item in items:
            value = item.get(spec.name) if isinstance(item, dict) else None
            if value is None:
                missing.append(item)
            elif not _fits(value, spec.types):
                wrong.append(item)
            elif spec.values is not None and value not in spec.values:
                bad_values.append(value)
        if wrong:
            found.append(f"{spec.name} has the wrong type in {len(wrong)} of {len(items)}, e.g. {outline(wrong[0])}")
        if bad_values:
            seen = ", ".join(sorted({repr(v)[:30] for v in bad_values})[:3])
            found.append(f"{spec.name} is {seen} (expected one of {', '.join(spec.values)})")
        if spec.presence == EVERY and missing:
            found.append(f"{spec.name} missing in {len(missing)} of {len(items)}, e.g. {outline(missing[0])}")
        elif spec.presence == SOME and len(missing) == len(items):
            found.append(f"{spec.name} missing in all {len(items)}, e.g. {outline(missing[0])}")
    return found
