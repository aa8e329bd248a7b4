"""Watching many renders at once: one bulk status request for up to 100 due renders of a kind
(``GET /v3/videos/statuses``, ``GET /v3/video-translations/statuses``), plus one detail request for each that has
just finished; the rest one by one through their kind's check.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.videos import STATUSES_MAX
from .. import reconcile
from ..jobs import Job, JobStore
from .checks import CheckResult, Watched, _detail, watch_error
from .policy import OVERDUE, RUNNING, PollPolicy, next_check_at, outcome_of

if TYPE_CHECKING:
    from heygen.api.client import Client

# Bulk statuses before processing, and the job statuses that already say "not started yet".
_BULK_QUEUED = "queued"
_QUEUED_STATUSES = ("waiting", "pending")
# Jobs whose own checks keep their timing (a reconciliation look, a launch cut off mid-request).
_SELF_TIMED = frozenset({reconcile.CHECKING, "submitting"})


@dataclass(frozen=True)
class BulkStatuses:
    """A bulk status endpoint, for the kinds of job whose renders can be asked about many at a time.

    ``fetch(client, ids)`` answers by id with entries that have ``status``, ``failure_message`` and
    ``is_terminal`` (``queued``, ``processing``, ``completed``, ``failed`` or ``not_found``), at most
    ``max_ids`` ids per request; ``detail(client, store, job, policy, now, failures)`` makes the one
    request that fetches and records a render that has just finished (its links or its failure);
    ``applies(job)`` says whether the job's ``video_id`` is one the endpoint knows.
    """

    operation: str
    max_ids: int
    fetch: Callable[[Any, list[str]], Mapping[str, Any]]
    detail: Callable[..., CheckResult]
    applies: Callable[[Job], bool] = lambda job: True


# Videos are watched many at a time: one GET /v3/videos/statuses for up to 100, GET /v3/videos/{id} once done.
VIDEO_STATUSES = BulkStatuses("GET /v3/videos/statuses", STATUSES_MAX,
                              lambda client, ids: client.videos.statuses(ids), _detail)


def check_many(
    client: Client,
    store: JobStore,
    jobs: Sequence[Job],
    policy: PollPolicy | Callable[[Job], PollPolicy],
    *,
    now: float | None = None,
    due: Callable[[Job], bool] | None = None,
    deadline_from: Mapping[str, float | None] | None = None,
    consecutive_failures: Mapping[str, int] | None = None,
    max_requests: int | None = None,
    kind_of: Callable[[Job], Watched],
) -> list[CheckResult]:
    """``check()`` for many jobs, asking about up to 100 renders per request; one result per job, in order.

    Due renders with a video id go into their kind's bulk status requests (``BulkStatuses``: videos
    in ``GET /v3/videos/statuses``, translations in ``GET /v3/video-translations/statuses``); one
    that is still queued or processing is recorded as one poll; one that has just completed or
    failed gets one detail request for its links or failure details; ``not_found`` ends it as a 404
    would. A failed bulk request is recorded for every job it asked about, as ``check()`` records it
    for one. Jobs without a video id (a launch being reconciled, a Video Agent session not yet naming
    its video), jobs of kinds not watched in bulk (lip-syncs), jobs whose id the endpoint does not
    know (a translation's proofread) and renders the answer leaves out go one by one through their
    kind's check (``kind_of(job)``, ``heygen.studio.kinds.of``); so do all the renders of a bulk request the server
    refuses with 400 or 404 (a server without the endpoint).

    ``policy`` is one PollPolicy or a function giving each job's. ``due`` says which jobs are due
    (default: ``next_check_at(job) <= now``); others come back RUNNING with their remaining wait
    and ``requested`` False. ``deadline_from`` and ``consecutive_failures`` are ``check()``'s, by job
    id. After a failed request (a 404 aside) no further request is made; neither is one beyond
    ``max_requests``; the jobs left unasked come back RUNNING, ``requested`` False, still due.

    Counting requests: ``CheckResult.requests`` (``request_count``) is the number of HeyGen requests
    a result accounts for. A bulk request counts once, on the first job of its chunk (``requested``
    True there and False on the others unless they needed a request of their own), so the sum over
    the results is the number of requests made.
    """
    rules = policy if callable(policy) and not isinstance(policy, PollPolicy) else (lambda job: policy)
    run = _Run(client, store, jobs, rules, time.time() if now is None else now, deadline_from or {},
                    consecutive_failures or {}, max_requests, kind_of)
    bulk, one_by_one = _sort(run, due)
    for endpoint, chunk in _chunks(bulk):
        _ask_chunk(run, endpoint, chunk, one_by_one)
    for i in one_by_one:
        _ask_alone(run, i)
    return run.finish()


@dataclass
class _Run:
    """One ``check_many`` call: its jobs and settings, the results so far, and the requests it has made."""

    client: Client
    store: JobStore
    jobs: Sequence[Job]
    policy_of: Callable[[Job], PollPolicy]
    now: float
    starts: Mapping[str, float | None]
    failures: Mapping[str, int]
    max_requests: int | None
    kind_of: Callable[[Job], Watched]
    results: list[CheckResult | None] = field(default_factory=list)
    made: int = 0
    halted: bool = False  # a request failed: no further one is made
    bulk_cost: dict[int, int] = field(default_factory=dict)  # the first job of each chunk carries its bulk request

    def __post_init__(self) -> None:
        self.results = [None] * len(self.jobs)

    def may_request(self) -> bool:
        return not self.halted and (self.max_requests is None or self.made < self.max_requests)

    def unasked(self, i: int) -> CheckResult:
        return CheckResult(RUNNING, self.jobs[i], wait=0.0, requested=False)

    def counted(self, result: CheckResult) -> CheckResult:
        self.made += result.request_count
        if result.request_count and result.error is not None and not isinstance(result.error, errors.NotFoundError):
            self.halted = True
        return result

    def finish(self) -> list[CheckResult]:
        """The results, each bulk request counted on the first job of its chunk."""
        for i, extra in self.bulk_cost.items():
            result = self.results[i] or self.unasked(i)
            self.results[i] = replace(result, requested=True, requests=result.request_count + extra)
        return [result or self.unasked(i) for i, result in enumerate(self.results)]


def _sort(run: _Run, due: Callable[[Job], bool] | None) -> tuple[list[tuple[BulkStatuses, list[int]]], list[int]]:
    """Settle the jobs that need no request (stopped, not due, overdue) and sort the others: by bulk endpoint, the
    indices of the jobs it will ask about; and those asked about one by one."""
    bulk: dict[str, list[int]] = {}  # job indices by bulk operation
    endpoints: dict[str, BulkStatuses] = {}
    one_by_one: list[int] = []
    now = run.now
    for i, job in enumerate(run.jobs):
        known = outcome_of(job, now)
        if known is not None:
            run.results[i] = CheckResult(known, job, requested=False)
            continue
        rules = run.policy_of(job)
        if job.status not in _SELF_TIMED:
            when = next_check_at(job, rules)
            if not (due(job) if due is not None else when <= now):
                run.results[i] = CheckResult(RUNNING, job, wait=max(0.0, when - now), requested=False)
                continue
        kind = run.kind_of(job)
        if job.video_id is None or not kind.bulk or not kind.statuses.applies(job):
            one_by_one.append(i)
        elif now - (run.starts.get(job.id) or job.submitted_at or job.created_at) > rules.deadline:
            run.results[i] = CheckResult(OVERDUE, job, requested=False)
        else:
            endpoints[kind.statuses.operation] = kind.statuses
            bulk.setdefault(kind.statuses.operation, []).append(i)
    return [(endpoints[operation], indices) for operation, indices in bulk.items()], one_by_one


def _chunks(bulk: list[tuple[BulkStatuses, list[int]]]) -> list[tuple[BulkStatuses, list[int]]]:
    """Each endpoint's job indices cut into requests of at most its ``max_ids``."""
    return [(endpoint, indices[start:start + endpoint.max_ids])
            for endpoint, indices in bulk for start in range(0, len(indices), endpoint.max_ids)]


def _ask_chunk(run: _Run, endpoint: BulkStatuses, chunk: list[int], one_by_one: list[int]) -> None:
    """One bulk status request for the chunk's jobs, and what each answer means; the jobs it cannot settle join
    ``one_by_one``."""
    jobs = run.jobs
    if not run.may_request():
        for i in chunk:
            run.results[i] = run.unasked(i)
        return
    run.made += 1
    run.bulk_cost[chunk[0]] = 1
    try:
        answers = endpoint.fetch(run.client, [jobs[i].video_id for i in chunk])
    except (errors.NotFoundError, errors.InvalidRequestError):
        one_by_one.extend(chunk)  # the server cannot answer in bulk: ask about each
        return
    except errors.HeyGenError as exc:
        for i in chunk:
            failed = watch_error(run.store, jobs[i], exc, run.policy_of(jobs[i]),
                                 consecutive_failures=run.failures.get(jobs[i].id, 0))
            run.results[i] = replace(failed, requested=False, requests=0)
        run.halted = True
        return
    for i in chunk:
        answer = answers.get(jobs[i].video_id)
        if answer is None:
            one_by_one.append(i)
            continue
        result = _bulk_answer(run, jobs[i], answer, endpoint)
        run.results[i] = run.unasked(i) if result is None else run.counted(result)


def _ask_alone(run: _Run, i: int) -> None:
    """The job's own kind's check, when a request may still be made."""
    job = run.jobs[i]
    if not run.may_request():
        run.results[i] = run.unasked(i)
        return
    result = run.kind_of(job).check(run.client, run.store, job, run.policy_of(job), now=run.now,
                                       consecutive_failures=run.failures.get(job.id, 0),
                                       deadline_from=run.starts.get(job.id))
    run.results[i] = run.counted(result)


def _bulk_answer(run: _Run, job: Job, answer: Any, endpoint: BulkStatuses) -> CheckResult | None:
    """What one bulk status means for ``job``; None when it needs a request that may not be made."""
    policy = run.policy_of(job)
    if answer.status == "not_found":
        exc = errors.NotFoundError(status=404, code="not_found", operation=endpoint.operation,
                                   detail=answer.failure_message)
        return replace(watch_error(run.store, job, exc, policy), requested=False, requests=0)
    if answer.is_terminal:
        if not run.may_request():
            return None
        return endpoint.detail(run.client, run.store, job, policy, run.now, run.failures.get(job.id, 0))
    if answer.status == _BULK_QUEUED:
        status = job.status if job.status in _QUEUED_STATUSES else "pending"
    else:
        status = answer.status
    job = run.store.record_poll(job.id, status=status)
    known = outcome_of(job)
    if known is not None:
        return CheckResult(known, job, requested=False)
    return CheckResult(RUNNING, job, wait=policy.wait_after_poll(job, run.now), requested=False)
