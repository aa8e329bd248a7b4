"""A render's answer saved in its job, and its files: fresh links, downloads that renew an expired link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from heygen.api import errors
from heygen.api.videos import Video
from ..jobs import Job, JobStore

if TYPE_CHECKING:
    from heygen.api.client import Client


def record_video(store: JobStore, job_id: str, video: Video) -> Job:
    """Save what HeyGen said about a video (one status answer) in the job."""
    return store.record_poll(
        job_id,
        status=video.status,
        video_url=video.video_url,
        thumbnail_url=video.thumbnail_url,
        gif_url=video.gif_url,
        captioned_video_url=video.captioned_video_url,
        subtitle_url=video.subtitle_url,
        video_page_url=video.video_page_url,
        duration=video.duration,
        failure_code=video.failure_code,
        failure_message=video.failure_message,
        completed_at=float(video.completed_at) if video.completed_at else None,
    )


def refresh_links(client: Client, store: JobStore, job: Job) -> Job:
    """Fetch the video again (``GET /v3/videos/{id}``) for fresh (re-signed) links and save them; the refresh of
    the kinds whose renders are videos (``JobKind.refresh``)."""
    return record_video(store, job.id, client.videos.get(job.video_id))


def video_link(client: Client, video_id: str) -> str | None:
    """A freshly signed link to a finished video (``GET /v3/videos/{id}``)."""
    return client.videos.get(video_id).video_url


class Refresh(Protocol):
    """How a kind renews a finished job's links: asks HeyGen again and returns the job as saved."""

    def __call__(self, client: Client, store: JobStore, job: Job) -> Job: ...


def fetch_file(client: Client, store: JobStore, job: Job, field: str, refresh: Refresh = refresh_links) -> bytes:
    """The bytes of one of the job's files (``video_url``, ``subtitle_url``...), renewing an expired link once with
    the job's kind's ``refresh``."""
    url = getattr(job, field)
    if not url:
        raise errors.NotFoundError("This file is not available for this video.")
    try:
        return b"".join(client.download(url))
    except errors.NotFoundError:
        job = refresh(client, store, job)
        url = getattr(job, field)
        if not url:
            raise
        return b"".join(client.download(url))
