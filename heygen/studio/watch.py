"""Watching a render: when to ask HeyGen next, and what each answer means for the job.

One ``check()`` makes at most one status request, records what it learned in the job store, and
says whether watching goes on (and after how long) or has stopped for good, and why.
``check_many()`` does the same for many jobs at once: one bulk status request for up to 100 due
renders of a kind (``GET /v3/videos/statuses``, ``GET /v3/video-translations/statuses``), plus one
detail request for each that has just finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from heygen.api import errors
from . import reconcile
from .jobs import Job, JobStore
from .scripting import find_breaks, word_count
from heygen.api.videos import STATUSES_MAX, Video

if TYPE_CHECKING:
    from heygen.api.client import Client

# Outcomes of one check. Only "running" keeps polling.
RUNNING = "running"
COMPLETED = "completed"
FAILED = "failed"
NOT_FOUND = "not_found"
REJECTED = "rejected"
OVERDUE = "overdue"
CONNECTION_LOST = "connection_lost"
NOT_SUBMITTED = "not_submitted"
UNCLEAR = "unclear"  # the create's answer was lost and reconciliation found no video: the user decides
STOPPED = frozenset({COMPLETED, FAILED, NOT_FOUND, REJECTED, OVERDUE, CONNECTION_LOST, NOT_SUBMITTED, UNCLEAR})

FAILURE_HINTS = {
    "download_failed": "HeyGen could not download your audio or image. Upload the file in the Studio "
                       "(not a link) and try again.",
    "insufficient_credit": "The account ran out of credit during the render. Add credits, then use Edit & retry.",
    "movio_payment_insufficient_credit": "The account ran out of credit during the render. Add credits, then "
                                         "use Edit & retry.",
    "no_face_detected": "HeyGen found no clear face in the photo. Use a well-lit, frontal photo of one person.",
    "audio_unreadable": "HeyGen could not read the audio file. Export it again as MP3 or WAV and retry.",
    "script_too_long": "The script is longer than HeyGen allows. Shorten it and retry.",
    "avatar_not_found": "The avatar is no longer available. Pick another one and retry.",
    "internal_error": "HeyGen had an internal problem with this render. Edit & retry usually works.",
}


def failure_hint(code: str | None, message: str | None) -> str | None:
    """Our advice for a failed render, from HeyGen's ``failure_code`` (or its message)."""
    if code and code.lower() in FAILURE_HINTS:
        return FAILURE_HINTS[code.lower()]
    text = (message or "").lower()
    if "face" in text:
        return FAILURE_HINTS["no_face_detected"]
    if "download" in text:
        return FAILURE_HINTS["download_failed"]
    if "credit" in text:
        return FAILURE_HINTS["insufficient_credit"]
    if "audio" in text:
        return FAILURE_HINTS["audio_unreadable"]
    return None


# The job input holding when the user last spoke to HeyGen and awaits its answer (a chat message).
REPLY_FROM = "reply_awaited_from"


@dataclass(frozen=True)
class PollPolicy:
    """How often to ask, and when to give up asking on our own.

    When the render's elapsed time is known, the schedule follows its expected length
    (``expected_seconds``): sparse while the render cannot be done yet, dense around the expected
    finish, then gradually slower if it runs late. Without it (``interval(polls)`` alone), it is a
    plain back-off from ``first`` to ``maximum``.
    """

    first: float = 5.0  # shortest interval before dense polling: the first checks after sending
    maximum: float = 30.0  # longest interval once the render could be done
    growth: float = 1.35  # back-off factor of the schedule without an elapsed time
    deadline: float = 30 * 60.0
    max_network_failures: int = 3
    # Expected length of a render: overhead + render_factor x spoken length.
    words_per_minute: float = 150.0  # speaking rate of a script
    render_factor: float = 2.0  # seconds of rendering per second of video (assumed)
    overhead_seconds: float = 30.0  # queue and processing on top of the rendering (assumed)
    default_expected: float = 180.0  # when the length is unknown (audio by link)
    # What the kind says of its renders' length (heygen.studio.kinds): a fixed expectation for kinds whose inputs
    # do not tell it (Video Agent renders), else the input holding the finished video's length when known.
    fixed_expected: float | None = None
    length_input: str = "audio_seconds"
    # The schedule around the expected finish, as fractions of the expected length.
    sparse_fraction: float = 0.6  # before the dense window: wait this fraction of the time elapsed
    sparse_maximum: float = 120.0  # longest interval before the dense window
    dense_from: float = 0.8  # the dense window opens at this fraction of the expected length
    dense_until: float = 1.25  # ... and closes at this one
    dense: float = 8.0  # interval in the dense window (shortest)
    dense_fraction: float = 0.01  # ... or this fraction of the expected length if longer, up to maximum
    overrun_fraction: float = 0.1  # after the window: dense + this fraction of the time past it
    # The least time between two checks: 0, or the safety net's interval while webhooks bring the news.
    floor: float = 0.0
    # After the user spoke to HeyGen (a chat message, ``reply_from``): the schedule starts again from the message and
    # checks at least every ``reply_maximum`` seconds for ``reply_window`` seconds, then slows down gradually.
    reply_maximum: float | None = None  # None: the kind has no such schedule
    reply_window: float = 300.0

    def interval(self, polls: int, elapsed: float | None = None, expected: float | None = None) -> float:
        """Seconds to wait before the next status request (never less than ``floor``).

        ``polls``: requests so far; ``elapsed``: seconds since the render was sent (None: plain
        back-off); ``expected``: its expected length in seconds (None: ``default_expected``).
        """
        return max(self.floor, self._schedule(polls, elapsed, expected))

    def _schedule(self, polls: int, elapsed: float | None, expected: float | None) -> float:
        if elapsed is None:
            early = 3  # the first few polls keep the first interval
            if polls < early:
                return self.first
            return min(self.maximum, self.first * self.growth ** (polls - early + 1))
        expected = self.default_expected if expected is None or expected <= 0 else expected
        dense = min(self.maximum, max(self.dense, self.dense_fraction * expected))
        opens, closes = self.dense_from * expected, self.dense_until * expected
        if elapsed < opens:
            wait = min(max(self.maximum, self.sparse_maximum), max(self.first, self.sparse_fraction * elapsed))
            return max(min(wait, opens - elapsed), min(self.first, dense))
        if elapsed < closes:
            return dense
        return min(max(self.maximum, dense), dense + self.overrun_fraction * (elapsed - closes))

    def wait_after_poll(self, job: Job, now: float) -> float:
        """``interval`` for ``job`` at time ``now``: its polls so far, time since it was sent, expected length
        (or, while HeyGen answers the user's latest message, the reply schedule from that message)."""
        spoke = self.replying_since(job)
        if spoke is None or spoke > now:
            return self.interval(job.polls, now - (job.submitted_at or job.created_at), self.expected_seconds(job))
        since = now - spoke
        cap = self.reply_maximum + self.sparse_fraction * max(0.0, since - self.reply_window)
        return max(self.floor, min(self._schedule(0, since, self.expected_seconds(job)), cap))

    def replying_since(self, job: Job) -> float | None:
        """When the user last spoke to HeyGen about ``job`` (``REPLY_FROM`` in its inputs), for a policy with a
        reply schedule; else None."""
        spoke = (job.inputs or {}).get(REPLY_FROM) if self.reply_maximum is not None else None
        return float(spoke) if isinstance(spoke, (int, float)) and not isinstance(spoke, bool) else None

    def expected_seconds(self, job: Job) -> float | None:
        """How long the job's render should take at HeyGen, from its stored inputs; None when unknown."""
        if self.fixed_expected is not None:
            return self.fixed_expected
        inputs = job.inputs or {}
        spec = inputs.get("spec") if isinstance(inputs.get("spec"), dict) else {}
        audio = inputs.get(self.length_input)
        script = spec.get("script")
        if isinstance(audio, (int, float)) and not isinstance(audio, bool) and audio > 0:
            spoken = float(audio)
        elif isinstance(script, str) and script.strip():
            speed = spec.get("speed")
            rate = speed if isinstance(speed, (int, float)) and not isinstance(speed, bool) and speed > 0 else 1.0
            pauses = sum(tag.seconds or 0.0 for tag in find_breaks(script))
            spoken = word_count(script) * 60.0 / self.words_per_minute / rate + pauses
        else:
            return None
        return self.overhead_seconds + self.render_factor * spoken


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

    @property
    def stopped(self) -> bool:
        return self.outcome in STOPPED

    @property
    def request_count(self) -> int:
        """How many HeyGen requests to count for this result."""
        return int(self.requested) if self.requests is None else self.requests


# A launch still "submitting" after this long was cut off (the app closed or reloaded mid-launch).
SUBMIT_GRACE_SECONDS = 120.0


def outcome_of(job: Job, now: float | None = None) -> str | None:
    """The stopped outcome a job already has in the store, or None while it is still watchable."""
    if job.video_id is None:
        if job.status == "submit_failed":
            return NOT_SUBMITTED
        if job.status == reconcile.UNCLEAR:
            return UNCLEAR
        if job.status == "submitting" and (time.time() if now is None else now) - job.updated_at > SUBMIT_GRACE_SECONDS:
            # Cut off mid-launch: if the create had gone out, HeyGen may have it (check() looks for it).
            return None if (job.inputs or {}).get("sent_at") is not None else NOT_SUBMITTED
        return None
    return {"completed": COMPLETED, "failed": FAILED, "not_found": NOT_FOUND, "rejected": REJECTED}.get(job.status)


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
        return CheckResult(known, job)
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


def next_check_at(job: Job, policy: PollPolicy) -> float:
    """When ``job`` is due its next status check: ``wait_after_poll`` after its last one (or its sending)."""
    last = job.last_polled_at or job.submitted_at or job.created_at
    spoke = policy.replying_since(job)
    if spoke is not None and spoke > last:
        last = spoke  # the user has just spoken: the schedule starts again from the message
    return last + policy.wait_after_poll(job, last)


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
    detail: Callable[..., "CheckResult"]
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
    now = time.time() if now is None else now
    policy_of = policy if callable(policy) and not isinstance(policy, PollPolicy) else (lambda job: policy)
    starts = deadline_from or {}
    failures = consecutive_failures or {}
    results: list[CheckResult | None] = [None] * len(jobs)
    bulk: dict[str, list[int]] = {}  # job indices by bulk operation
    endpoints: dict[str, BulkStatuses] = {}
    one_by_one: list[int] = []
    for i, job in enumerate(jobs):
        known = outcome_of(job, now)
        if known is not None:
            results[i] = CheckResult(known, job, requested=False)
            continue
        rules = policy_of(job)
        if job.status not in _SELF_TIMED:
            when = next_check_at(job, rules)
            if not (due(job) if due is not None else when <= now):
                results[i] = CheckResult(RUNNING, job, wait=max(0.0, when - now), requested=False)
                continue
        kind = kind_of(job)
        if job.video_id is None or not kind.bulk or not kind.statuses.applies(job):
            one_by_one.append(i)
            continue
        if now - (starts.get(job.id) or job.submitted_at or job.created_at) > rules.deadline:
            results[i] = CheckResult(OVERDUE, job, requested=False)
            continue
        endpoints[kind.statuses.operation] = kind.statuses
        bulk.setdefault(kind.statuses.operation, []).append(i)

    made = 0
    halted = False
    bulk_cost: dict[int, int] = {}  # the first job of each chunk carries its bulk request

    def may_request() -> bool:
        return not halted and (max_requests is None or made < max_requests)

    def unasked(i: int) -> CheckResult:
        return CheckResult(RUNNING, jobs[i], wait=0.0, requested=False)

    def counted(result: CheckResult) -> CheckResult:
        nonlocal made, halted
        made += result.request_count
        if result.request_count and result.error is not None and not isinstance(result.error, errors.NotFoundError):
            halted = True
        return result

    chunks = [(endpoints[operation], indices[start:start + endpoints[operation].max_ids])
              for operation, indices in bulk.items()
              for start in range(0, len(indices), endpoints[operation].max_ids)]
    for endpoint, chunk in chunks:
        if not may_request():
            for i in chunk:
                results[i] = unasked(i)
            continue
        made += 1
        bulk_cost[chunk[0]] = 1
        try:
            answers = endpoint.fetch(client, [jobs[i].video_id for i in chunk])
        except (errors.NotFoundError, errors.InvalidRequestError):
            one_by_one.extend(chunk)  # the server cannot answer in bulk: ask about each
            continue
        except errors.HeyGenError as exc:
            for i in chunk:
                results[i] = replace(watch_error(store, jobs[i], exc, policy_of(jobs[i]),
                                                 consecutive_failures=failures.get(jobs[i].id, 0)),
                                     requested=False, requests=0)
            halted = True
            continue
        for i in chunk:
            job = jobs[i]
            answer = answers.get(job.video_id)
            if answer is None:
                one_by_one.append(i)
                continue
            result = _bulk_answer(client, store, job, answer, policy_of(job), now, failures.get(job.id, 0),
                                  may_request, endpoint)
            results[i] = unasked(i) if result is None else counted(result)

    for i in one_by_one:
        job = jobs[i]
        if not may_request():
            results[i] = unasked(i)
            continue
        results[i] = counted(kind_of(job).check(client, store, job, policy_of(job), now=now,
                                                consecutive_failures=failures.get(job.id, 0),
                                                deadline_from=starts.get(job.id)))

    for i, extra in bulk_cost.items():
        result = results[i] or unasked(i)
        results[i] = replace(result, requested=True, requests=result.request_count + extra)
    return results  # type: ignore[return-value]  # every slot is filled above


def _bulk_answer(client, store, job, answer, policy, now, failures, may_request,
                 endpoint: BulkStatuses) -> CheckResult | None:
    """What one bulk status means for ``job``; None when it needs a request that may not be made."""
    if answer.status == "not_found":
        exc = errors.NotFoundError(status=404, code="not_found", operation=endpoint.operation,
                                   detail=answer.failure_message)
        return replace(watch_error(store, job, exc, policy), requested=False, requests=0)
    if answer.is_terminal:
        if not may_request():
            return None
        return endpoint.detail(client, store, job, policy, now, failures)
    if answer.status == _BULK_QUEUED:
        status = job.status if job.status in _QUEUED_STATUSES else "pending"
    else:
        status = answer.status
    job = store.record_poll(job.id, status=status)
    known = outcome_of(job)
    if known is not None:
        return CheckResult(known, job, requested=False)
    return CheckResult(RUNNING, job, wait=policy.wait_after_poll(job, now), requested=False)


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
