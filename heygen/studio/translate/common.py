"""What every part of translating shares: the kind, its statuses and limits, and a job's stored request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..inputs import Patch
from ..jobs import Job, JobStore
from ..states import JobStatus

KIND = "translation"
# How a source video's fresh link is fetched, by the source job's kind (heygen.studio.kinds.video_link_of).
LinkOf = Callable[[str | None], Callable[[Any, str], str | None]]
LABEL = "Translation"
STATUS_OF = {"pending": "pending", "running": "processing", "completed": "completed", "failed": "failed"}
PROOFREADING = JobStatus.PROOFREADING  # HeyGen prepares the subtitles to review (watched by the worker)
REVIEW = JobStatus.REVIEW  # the subtitles wait for the user (not watched)
FAILED_CODE = "translation_failed"
REVIEW_WAIT = 600.0  # a job waiting for the user is looked at rarely, and without asking HeyGen
QUEUED = JobStatus.QUEUED  # recorded, waiting for a free slot among its request's translations
DEFAULT_AT_ONCE = 3  # translations of one request running at once, by default (as a batch's renders)
MAX_AT_ONCE = 10
MAX_MANY = 200  # translations one "several videos" request may make


def details_of(job: Job) -> dict[str, Any]:
    """The translation request stored with the job."""
    value = (job.inputs or {}).get(KIND)
    return value if isinstance(value, dict) else {}


def update_details(store: JobStore, job: Job, **changes: Any) -> Job:
    """Set ``changes`` in the job's translation details as stored (the other details are kept)."""
    return store.update_inputs(job.id, **{KIND: Patch(**changes)})
