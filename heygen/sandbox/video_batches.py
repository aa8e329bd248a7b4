"""Video batches: up to 100 create bodies sent in one request, each made into a video on its own.

An item refused by the create rules fails alone; an item the account has no render slot for yet stays
queued without a video id and is created at a later look at the batch, as HeyGen's queue would.
"""

from __future__ import annotations

import time
import uuid
import weakref
from dataclasses import dataclass, field

from .errors import ApiError, invalid

MAX_ITEMS = 100
FIELDS = {"videos", "title", "callback_url"}


@dataclass
class Item:
    body: object
    video_id: str | None = None
    error: dict | None = None  # why the item could not be created


@dataclass
class Batch:
    id: str
    title: str | None
    created_at: float
    items: list = field(default_factory=list)


@dataclass
class Shelf:
    videos: object
    batches: dict = field(default_factory=dict)


_SHELVES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _shelf(state) -> Shelf:
    """This sandbox's batches; a reset (new video table) forgets them."""
    with state.lock:
        found = _SHELVES.get(state)
        if found is None or found.videos is not state.videos:
            found = Shelf(videos=state.videos)
            _SHELVES[state] = found
        return found


def _advance(state, batch: Batch, make_video) -> None:
    """Create the videos of queued items while the account has room (a 429 leaves the rest queued)."""
    for item in batch.items:
        if item.video_id is not None or item.error is not None:
            continue
        try:
            _, answer = make_video(state, item.body)
        except ApiError as exc:
            if exc.status == 429:
                return
            item.error = {"code": exc.code, "message": exc.message}
            continue
        item.video_id = answer["data"]["video_id"]


def create(state, body, make_video) -> dict:
    """A new batch from a POST /v3/videos/batches body; its items are created at once where possible."""
    if not isinstance(body, dict):
        raise invalid(None, "The request body must be a JSON object.")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise invalid(unknown[0], f"Unknown field {unknown[0]!r}; a batch takes videos, title and callback_url.")
    videos = body.get("videos")
    if not isinstance(videos, list) or not 1 <= len(videos) <= MAX_ITEMS:
        raise invalid("videos", f"videos must be a list of 1 to {MAX_ITEMS} video create bodies.")
    for name in ("title", "callback_url"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise invalid(name, f"{name} must be a string.")
    batch = Batch("vb_" + uuid.uuid4().hex[:24], body.get("title"), time.time(), [Item(one) for one in videos])
    shelf = _shelf(state)
    with state.lock:
        shelf.batches[batch.id] = batch
    _advance(state, batch, make_video)
    return {"batch_id": batch.id, "status": "processing", "total_items": len(batch.items),
            "created_at": int(batch.created_at), "title": batch.title}


def item_status(item: Item, status_of) -> tuple[str, dict | None]:
    """queued, processing, completed or failed, with the failure's code and message."""
    if item.error is not None:
        return "failed", dict(item.error)
    if item.video_id is None:
        return "queued", None
    entry = status_of(item.video_id)
    if entry["status"] == "not_found":
        return "failed", {"code": "not_found", "message": "The video no longer exists."}
    return entry["status"], entry.get("error")


def find(state, batch_id: str, make_video) -> Batch:
    """A batch brought up to date; 404 when there is none."""
    with state.lock:
        batch = _shelf(state).batches.get(batch_id)
    if batch is None:
        raise ApiError(404, "not_found", "Batch not found.")
    _advance(state, batch, make_video)
    return batch


def detail(batch: Batch, status_of, offset: int, limit: int) -> dict:
    """GET /v3/videos/batches/{batch_id}'s data: the aggregate and one page of items."""
    states = [item_status(item, status_of) for item in batch.items]
    counts: dict = {}
    for status, _ in states:
        counts[status] = counts.get(status, 0) + 1
    if counts.get("queued") or counts.get("processing"):
        overall = "processing"
    else:
        overall = "failed" if counts.get("failed") == len(states) else "completed"
    page = [{"item_index": index, "video_id": batch.items[index].video_id, "status": status, "error": error}
            for index, (status, error) in enumerate(states)][offset:offset + limit]
    return {"batch_id": batch.id, "title": batch.title, "status": overall, "total_items": len(batch.items),
            "counts_by_status": counts, "created_at": int(batch.created_at), "items": page,
            "has_more": offset + limit < len(states)}


def expanded(state, batch_ids, status_of, make_video) -> list:
    """Bulk-status entries for every item of the named batches."""
    entries = []
    for batch_id in batch_ids:
        with state.lock:
            batch = _shelf(state).batches.get(batch_id)
        if batch is None:  # an unknown batch expands to nothing
            continue
        _advance(state, batch, make_video)
        for index, item in enumerate(batch.items):
            status, error = item_status(item, status_of)
            entry = {"video_id": item.video_id, "batch_id": batch_id, "item_index": index, "status": status}
            if error is not None:
                entry["error"] = error
            entries.append(entry)
    return entries
