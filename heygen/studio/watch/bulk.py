"""Watching many renders at once: one bulk status request for up to 100 due renders of a kind
(``GET /v3/videos/statuses``, ``GET /v3/video-translations/statuses``), plus one detail request for each that has
just finished; the rest one by one through their kind's check.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from collections import Counter
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
    (default: ``next_check_at(job) <= now``, where the renders of a bulk endpoint in their dense window share
    its requests: ``PollPolicy.interval``'s ``sharing``); others come back RUNNING with their remaining wait
    and ``requested`` False, unless they ride along: a bulk request made for due renders also asks about the
    endpoint's renders not due yet, soonest due first, in the places its ``max_ids`` leaves free (they cost no
    request more; one found finished gets its detail request). ``deadline_from`` and ``consecutive_failures``
    are ``check()``'s, by job id. After a failed request (a 404 aside) no further request is made; neither is one beyond
    ``max_requests``; the jobs left unasked come back RUNNING, ``requested`` False, still due.

    Counting requests: ``CheckResult.requests`` (``request_count``) is the number of HeyGen requests
    a result accounts for. A bulk request counts once, on the first job of its chunk (``requested``
    True there and False on the others unless they needed a request of their own), so the sum over
    the results is the number of requests made.
    """
    rules = policy if callable(policy) and not isinstance(policy, PollPolicy) else (lambda job: policy)
    run = _Run(client, store, jobs, rules, time.time() if now is None else now, deadline_from or {},
               consecutive_failures or {}, max_requests, kind_of)
    plan = _sort(run, due)
    for endpoint, chunk in plan.chunks():
        _ask_chunk(run, endpoint, chunk, plan.one_by_one)
    for i in plan.one_by_one:
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
    sharing: Counter[str] = field(default_factory=Counter)  # renders in their dense window, by bulk operation

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


@dataclass
class _Plan:
    """Who is asked about how: job indices by bulk operation (due, then riders soonest due first), and one by one."""

    endpoints: dict[str, BulkStatuses] = field(default_factory=dict)
    due: dict[str, list[int]] = field(default_factory=dict)
    riders: dict[str, list[tuple[float, int]]] = field(default_factory=dict)  # (next check, index)
    one_by_one: list[int] = field(default_factory=list)

    def chunks(self) -> list[tuple[BulkStatuses, list[int]]]:
        """Each endpoint's due jobs cut into requests of at most its ``max_ids``; riders fill the places left."""
        out = []
        for operation, indices in self.due.items():
            size = self.endpoints[operation].max_ids
            free = -len(indices) % size
            board = indices + [i for _, i in sorted(self.riders.get(operation, []))[:free]]
            out += [(self.endpoints[operation], board[start:start + size]) for start in range(0, len(board), size)]
        return out


def _sort(run: _Run, due: Callable[[Job], bool] | None) -> _Plan:
    """Settle the jobs that need no request now (stopped, not due, overdue) and plan the others' requests. A job not
    due rides along in a bulk request made anyway for its kind (it costs no request more)."""
    plan = _Plan()
    watched = []  # (index, its policy, its bulk endpoint or None) of the jobs still watched
    for i, job in enumerate(run.jobs):
        known = outcome_of(job, run.now)
        if known is not None:
            run.results[i] = CheckResult(known, job, requested=False)
        else:
            watched.append((i, run.policy_of(job), _endpoint(run.kind_of(job), job)))
    run.sharing.update(endpoint.operation for i, rules, endpoint in watched
                       if endpoint is not None and rules.finishing(run.jobs[i], run.now))
    for i, rules, endpoint in watched:
        job = run.jobs[i]
        operation = endpoint.operation if endpoint is not None else None
        late = endpoint is not None and _overdue(run, job, rules)
        if job.status not in _SELF_TIMED:
            when = next_check_at(job, rules, run.sharing[operation] if operation else 1)
            if not (due(job) if due is not None else when <= run.now):
                run.results[i] = CheckResult(RUNNING, job, wait=max(0.0, when - run.now), requested=False)
                if operation and not late:
                    plan.riders.setdefault(operation, []).append((when, i))
                continue
        if endpoint is None:
            plan.one_by_one.append(i)
        elif late:
            run.results[i] = CheckResult(OVERDUE, job, requested=False)
        else:
            plan.endpoints[endpoint.operation] = endpoint
            plan.due.setdefault(endpoint.operation, []).append(i)
    return plan


def _endpoint(kind: Watched, job: Job) -> BulkStatuses | None:
    """The bulk endpoint that asks about ``job``, or None when it is asked about on its own."""
    return kind.statuses if job.video_id is not None and kind.bulk and kind.statuses.applies(job) else None


def _overdue(run: _Run, job: Job, rules: PollPolicy) -> bool:
    return run.now - (run.starts.get(job.id) or job.submitted_at or job.created_at) > rules.deadline


def _ask_chunk(run: _Run, endpoint: BulkStatuses, chunk: list[int], one_by_one: list[int]) -> None:
    """One bulk status request for the chunk's jobs, and what each answer means. A due job it cannot settle joins
    ``one_by_one``; a rider (a job not due, which already has its result) it cannot settle keeps its result."""
    jobs = run.jobs
    riders = {i for i in chunk if run.results[i] is not None}
    if not run.may_request():
        for i in set(chunk) - riders:
            run.results[i] = run.unasked(i)
        return
    run.made += 1
    run.bulk_cost[chunk[0]] = 1
    try:
        answers = endpoint.fetch(run.client, [jobs[i].video_id for i in chunk])
    except (errors.NotFoundError, errors.InvalidRequestError):
        one_by_one.extend(i for i in chunk if i not in riders)  # the server cannot answer in bulk: ask each
        return
    except errors.HeyGenError as exc:
        for i in set(chunk) - riders:
            failed = watch_error(run.store, jobs[i], exc, run.policy_of(jobs[i]),
                                 consecutive_failures=run.failures.get(jobs[i].id, 0))
            run.results[i] = replace(failed, requested=False, requests=0)
        run.halted = True
        return
    for i in chunk:
        answer = answers.get(jobs[i].video_id)
        result = _bulk_answer(run, jobs[i], answer, endpoint) if answer is not None else None
        if result is not None:
            run.results[i] = run.counted(result)
        elif i in riders:
            continue
        elif answer is None:
            one_by_one.append(i)
        else:
            run.results[i] = run.unasked(i)


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
    return CheckResult(RUNNING, job, wait=policy.wait_after_poll(job, run.now, run.sharing[endpoint.operation]),
                       requested=False)
