"""One look at one job: at most one status request, recorded in the job store, and what it means for watching.

``check()`` watches a video job (``GET /v3/videos/{id}``); ``CheckResult`` is what any kind's check learned;
``watch_error`` records a failed status request; ``Check`` and ``Watched`` are the shapes the kinds give.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from heygen.api import errors
from .. import reconcile
from ..jobs import Job, JobStore
from .links import record_video
from .policy import (
    CONNECTION_LOST, NOT_FOUND, OVERDUE, REJECTED, RUNNING, STOPPED, SUBMIT_GRACE_SECONDS, UNCLEAR, PollPolicy,
    outcome_of,
)

if TYPE_CHECKING:
    from heygen.api.client import Client

    from .bulk import BulkStatuses


@dataclass(frozen=True)
class CheckResult:
    """What one check learned. ``wait`` is the delay before the next check when still running."""

    outcome: str
    job: Job
    wait: float = 0.0
    error: errors.HeyGenError | None = None
    requested: bool = True  # False when the check made no HeyGen request
    # HeyGen requests this result accounts for; None: one when requested, else none. check_many
    # counts a bulk status request once, on the first job of its chunk.
    requests: int | None = None
    # Seconds HeyGen took to make the render by its own clock (its completed_at - created_at), when its answer
    # gave both.
    rendered: float | None = None

    @property
    def stopped(self) -> bool:
        return self.outcome in STOPPED

    @property
    def request_count(self) -> int:
        """How many HeyGen requests to count for this result."""
        return int(self.requested) if self.requests is None else self.requests


def check(
    client: Client,
    store: JobStore,
    job: Job,
    policy: PollPolicy,
    *,
    consecutive_failures: int = 0,
    deadline_from: float | None = None,
    now: float | None = None,
    find_lost: reconcile.FindLost | None = None,
) -> CheckResult:
    """Ask HeyGen once about ``job`` (unless it has already stopped) and record the answer.

    ``deadline_from`` restarts the deadline (after "keep waiting"); ``consecutive_failures`` counts
    network or server failures in a row before this check; ``find_lost`` looks for what a create whose
    answer was lost made (default: a video of the job's title).
    """
    now = time.time() if now is None else now
    known = outcome_of(job, now)
    if known is not None:
        return CheckResult(known, job, requested=False)
    if job.video_id is None:
        if job.status == "submitting" and now - job.updated_at > SUBMIT_GRACE_SECONDS:
            job = reconcile.mark_checking(store, job, None)  # outcome_of: the create had gone out
        if job.status != reconcile.CHECKING:
            return CheckResult(RUNNING, job, wait=policy.first, requested=False)
        found = reconcile.look(client, store, job, now=now, find_lost=find_lost)
        if found.outcome == reconcile.NOT_FOUND:
            return CheckResult(UNCLEAR, found.job, requested=found.requested)
        wait = policy.first if found.outcome == reconcile.ADOPTED else found.wait
        return CheckResult(RUNNING, found.job, wait=wait, error=found.error, requested=found.requested)
    started = deadline_from or job.submitted_at or job.created_at
    if now - started > policy.deadline:
        return CheckResult(OVERDUE, job, requested=False)
    return _detail(client, store, job, policy, now, consecutive_failures)


def _detail(client: Client, store: JobStore, job: Job, policy: PollPolicy, now: float, failures: int) -> CheckResult:
    """One ``GET /v3/videos/{id}`` for ``job``, recorded, and what it means for watching."""
    try:
        video = client.videos.get(job.video_id)
    except errors.HeyGenError as exc:
        return watch_error(store, job, exc, policy, consecutive_failures=failures)
    job = record_video(store, job.id, video)
    known = outcome_of(job)
    if known is not None:
        rendered = video.completed_at - video.created_at if video.completed_at and video.created_at else None
        return CheckResult(known, job, rendered=rendered)
    return CheckResult(RUNNING, job, wait=policy.wait_after_poll(job, now))


def watch_error(
    store: JobStore, job: Job, exc: errors.HeyGenError, policy: PollPolicy, *, consecutive_failures: int = 0
) -> CheckResult:
    """Record a failed status request about ``job`` and say what it means for watching it."""
    if isinstance(exc, errors.NotFoundError):
        job = store.record_watch_error(job.id, status="not_found", error_detail=exc.to_dict())
        return CheckResult(NOT_FOUND, job, error=exc)
    if isinstance(exc, (errors.AuthenticationError, errors.PermissionDeniedError)):
        job = store.record_watch_error(job.id, status="rejected", error_detail=exc.to_dict())
        return CheckResult(REJECTED, job, error=exc)
    if isinstance(exc, errors.RateLimitError):
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        wait = max(exc.retry_after or 0.0, policy.interval(job.polls))
        return CheckResult(RUNNING, job, wait=wait, error=exc)
    job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
    if consecutive_failures + 1 >= policy.max_network_failures:
        return CheckResult(CONNECTION_LOST, job, error=exc)
    return CheckResult(RUNNING, job, wait=policy.interval(job.polls), error=exc)


class Check(Protocol):
    """The shape every kind's ``check`` has (``watch.check``, ``lipsync.check``, ``translate.check``, …): one look at
    ``job`` (at most one HeyGen request unless said otherwise), recorded in the store, and what it means for
    watching. ``find_lost`` is the kind's way of looking for a create whose answer was lost."""

    def __call__(self, client: Client, store: JobStore, job: Job, policy: PollPolicy, *,
                 consecutive_failures: int = 0, deadline_from: float | None = None, now: float | None = None,
                 find_lost: reconcile.FindLost | None = None) -> CheckResult: ...


class Watched(Protocol):
    """What ``check_many`` needs of a job's kind (``heygen.studio.kinds.JobKind`` has it): whether its renders are
    asked about in bulk, at which endpoint, and its check for one job."""

    @property
    def bulk(self) -> bool: ...

    @property
    def statuses(self) -> BulkStatuses: ...

    @property
    def check(self) -> Callable[..., CheckResult]: ...
