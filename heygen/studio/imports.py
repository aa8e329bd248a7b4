"""Bringing videos made elsewhere (HeyGen's web app, other tools) into the history.

The account's videos are listed page by page (``GET /v3/videos``). Each one chosen becomes a job of
kind "imported" that HeyGen already has: it is never sent, and is watched, kept on disk and shown
like the studio's own renders. A video already in the history is refused, never added twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from heygen.api.videos import Video

from . import watch
from .jobs import Job, JobStore

if TYPE_CHECKING:
    from heygen.api.client import Client

KIND = "imported"
PAGE_SIZE = 10
ORIGIN = "Imported from HeyGen"


@dataclass(frozen=True)
class Listed:
    """One video of the account as the import list shows it; ``job_id`` is its history entry, if any."""

    video: Video
    job_id: str | None = None
    imported: bool = False  # True when that entry is an import (else the studio made it)

    @property
    def in_history(self) -> bool:
        return self.job_id is not None


@dataclass
class ImportResult:
    """What one import did: the new jobs, and the videos refused (title, reason)."""

    added: list[Job] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def list_page(client: Client, store: JobStore, account: str, *, token: str | None = None,
              limit: int = PAGE_SIZE) -> tuple[list[Listed], str | None]:
    """One page of the account's videos, each marked with its history entry; and the next page's token."""
    page = client.videos.page(token=token, limit=limit)
    listed = []
    for video in page.videos:
        owner = store.find_by_video_id(account, video.id)
        listed.append(Listed(video, owner.id if owner else None, bool(owner and owner.kind == KIND)))
    return listed, page.next_token


def title_of(video: Video) -> str:
    """The history title of an imported video."""
    return (video.title or "").strip() or f"HeyGen video {video.id}"


def import_videos(store: JobStore, account: str, videos: Iterable[Video]) -> ImportResult:
    """Add each video to the history as an imported job with HeyGen's status and links.

    A video already in the account's history (imported before, or made by the studio) is refused
    with a plain reason, as is one chosen twice in the same call.
    """
    result = ImportResult()
    seen: set[str] = set()
    for video in videos:
        title = title_of(video)
        if not video.id:
            result.refused.append((title, "HeyGen gave no id for this video."))
            continue
        owner = store.find_by_video_id(account, video.id)
        if owner is not None or video.id in seen:
            how = "imported" if owner is None or owner.kind == KIND else "made in the studio"
            result.refused.append((title, f"“{title}” is already in your history ({how}); it was not added again."))
            continue
        seen.add(video.id)
        job = store.create(account=account, kind=KIND, title=title,
                           inputs={KIND: {"video_id": video.id, "created_at": video.created_at}})
        job = store.mark_submitted(job.id, video.id, "waiting")
        result.added.append(watch.record_video(store, job.id, video))
    return result


def never_send(client: Client, store: JobStore, job: Job, **_kwargs) -> Job:
    """An imported video is already on HeyGen: there is nothing to send."""
    return job
