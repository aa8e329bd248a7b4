"""Running a batch one short step at a time, for a page that refreshes every few seconds.

``BatchRunner.step()`` never waits: it asks HeyGen about the renders that are due a status check
(heygen.studio.watch.check_many: one request for up to 100 of them, plus one for each that has just
finished; renders due soon after ride along). Until a row of the batch has completed, each render is
spaced by the PollPolicy; after that, a render is first checked when it should be done, judging by
the batch's completed ones (``typical_render_seconds``). Then, while the batch is
sampling or running, sends queued rows (heygen.studio.launch.submit, one request each) until the
concurrency limit of renders in flight is reached. Everything it learns is written to the
stores before it returns, so any later step (after a reload or a restart) carries on.

Give it a Client made with ``max_retries=0``: the runner handles 429s and network trouble itself
(a batch-wide "not before" time, re-sending with the same idempotency key), and a client that
retries on its own would sleep inside the step instead.

Stops and waits:
- 429 on any request: no request for this batch before Retry-After (``Batch.not_before``).
- 402 on a submit: state "stopped_credit" with the reason; renders in flight are still watched.
- 401 anywhere: state "paused" with the reason (the key needs fixing).
- network or server trouble on a status check, or a submit that surely never left: a short
  batch-wide wait, then the same request again.
- a submit whose answer was lost (timeout, dropped connection, 5xx, 409): the row's job is
  "checking" and is reconciled (heygen.studio.reconcile), never resent; if nothing turns up, the row fails
  with that reason and "Retry failed rows" is the user's choice.
- a 400/403/404 on a submit fails that row only.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from heygen.api import errors
from .. import kinds, reconcile
from ..errors import NotSendable
from ..jobs import Job
from ..watch import OVERDUE, REJECTED, PollPolicy, check_many
from . import from_template
from .store import ACTIVE_STATES, Batch, BatchRow, BatchStateError, BatchStore, count_statuses

if TYPE_CHECKING:
    from heygen.api.client import Client

__all__ = ["BatchRunner", "StepReport", "idempotency_key"]

# Once every row is done, the batch is finished from any of these states.
_FINISHABLE = frozenset({"running", "paused", "stopped_credit"})
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


# A row is first checked at LIKELY_DONE_SHARE of the batch's typical render time; after that, every
# LATE_FIRST_SHARE of it (at least LATE_FLOOR_SECONDS) plus LATE_GROWTH of the time it has run late,
# up to the policy's maximum interval.
LIKELY_DONE_SHARE = 1.0
LATE_FIRST_SHARE = 0.05
LATE_FLOOR_SECONDS = 0.1
LATE_GROWTH = 0.1


def typical_render_seconds(rows: list[BatchRow]) -> float | None:
    """How long the batch's renders take: the lower quartile of the times from sending to finding a
    render completed, over its completed rows (this computer's clock only, so HeyGen's clock cannot
    skew it; renders watched again after a retry only make it longer, hence not the median); None
    before any row has completed."""
    spans = sorted(r.last_polled_at - r.submitted_at for r in rows
                   if r.status == "completed" and r.last_polled_at and r.submitted_at
                   and r.last_polled_at > r.submitted_at)
    return spans[len(spans) // 4] if spans else None


def idempotency_key(batch_id: str, row: int, attempt: int) -> str:
    """The key every submit of this row's attempt carries: a row attempt can only ever make one video."""
    return f"batch-{batch_id}-row-{row}-try-{attempt}"


@dataclass(frozen=True)
class StepReport:
    """What one step did and what the batch looks like after it.

    ``next_step_at`` (a time.time() value) is when another step has something to do; None when
    nothing will happen without the user (finished, paused with nothing in flight, ...).
    ``not_before`` is set while HeyGen asked the batch to hold off (429) or after network trouble.
    ``busy`` is True when another step on the same batch was running, so this one did nothing.
    ``polled`` counts status requests (one bulk request for many renders counts once);
    ``requests`` counts every HeyGen request of the step, status requests included.
    """

    batch_id: str
    state: str
    counts: dict[str, int]
    polled: int = 0
    submitted: int = 0
    requests: int = 0
    not_before: float | None = None
    next_step_at: float | None = None
    problems: list[str] = field(default_factory=list)
    busy: bool = False

    @property
    def in_flight(self) -> int:
        return self.counts.get("rendering", 0)

    @property
    def finished(self) -> bool:
        return self.state == "finished"

    def wait(self, now: float | None = None) -> float | None:
        """Seconds until the next useful step (0 = now), or None when there is none."""
        if self.next_step_at is None:
            return None
        return max(0.0, self.next_step_at - (time.time() if now is None else now))


class BatchRunner:
    """Drives batches of ``store``. Safe to share between threads; one step per batch runs at a time."""

    def __init__(
        self,
        store: BatchStore,
        *,
        policy: PollPolicy | None = None,
        rate_limit_wait: float = 10.0,
        trouble_wait: float = 5.0,
    ) -> None:
        self.store = store
        self.jobs = store.jobs
        self.policy = policy or PollPolicy()
        self.rate_limit_wait = rate_limit_wait  # when a 429 has no Retry-After
        self.trouble_wait = trouble_wait  # after a network or server failure

    def step(self, client: Client, batch_id: str, *, now: float | None = None, max_requests: int | None = None) -> StepReport:
        """Poll the due renders, then send queued rows up to the concurrency limit; never waits.

        ``now`` (time.time() by default) decides what is due; ``max_requests`` caps the HeyGen
        requests of this step (None: no cap beyond the concurrency limit).
        """
        if getattr(client, "max_retries", 0):
            raise ValueError("BatchRunner needs a Client made with max_retries=0 (it handles retries itself, without waiting).")
        with _locks_guard:
            lock = _locks.setdefault(batch_id, threading.Lock())
        if not lock.acquire(blocking=False):
            batch = self.store.require(batch_id)
            return StepReport(batch_id, batch.state, self.store.counts(batch_id), not_before=batch.not_before,
                              next_step_at=time.time() + 1.0, busy=True)
        try:
            return _Step(self, client, batch_id, time.time() if now is None else now, max_requests).run()
        finally:
            lock.release()

    def due_at(self, row: BatchRow, typical: float | None = None) -> float:
        """When a rendering row's next status check is due.

        ``typical``: how long the batch's renders have taken so far (``typical_render_seconds``). With
        it, a row is first checked when a render like the others would be done, then at short and
        slowly growing intervals; without it (before the sample has finished), the policy's back-off.
        """
        last = row.last_polled_at or row.submitted_at or row.job_created_at or 0.0
        sent = row.submitted_at or row.job_created_at
        if typical is None or sent is None:
            return last + self.policy.interval(row.polls)
        # never later than the deadline allows: an overdue render is still noticed in time
        likely_done = min(sent + LIKELY_DONE_SHARE * typical, (row.watch_from or sent) + 0.9 * self.policy.deadline)
        if last < likely_done:
            return likely_done
        soon = max(LATE_FIRST_SHARE * typical, LATE_FLOOR_SECONDS)
        return last + min(self.policy.maximum, soon + LATE_GROWTH * (last - likely_done))


class _Step:
    """One step's work and bookkeeping."""

    def __init__(self, runner: BatchRunner, client: Client, batch_id: str, now: float, max_requests: int | None):
        self.r = runner
        self.store = runner.store
        self.jobs = runner.jobs
        self.client = client
        self.batch = self.store.require(batch_id)
        self.now = now
        self.budget = max_requests
        self.requests = 0
        self.polled = 0
        self.submitted = 0
        self.halted = False  # no more requests in this step
        self.landed = 0  # rows that stopped rendering during this step's polls
        self.problems: list[str] = []

    def run(self) -> StepReport:
        batch = self.batch
        rows = self.store.rows(batch.id)
        if batch.not_before is not None and self.now < batch.not_before:
            self.halted = True
        if not self.halted:
            self._poll(rows)
        if not self.halted:
            self._send(rows)
        rows = self.store.rows(batch.id)
        batch = self.store.require(batch.id)
        if batch.state in _FINISHABLE and all(r.terminal for r in rows):
            try:
                batch = self.store.set_state(batch.id, "finished", from_states=_FINISHABLE)
            except BatchStateError:
                batch = self.store.require(batch.id)
        return StepReport(
            batch_id=batch.id,
            state=batch.state,
            counts=count_statuses(rows),
            polled=self.polled,
            submitted=self.submitted,
            requests=self.requests,
            not_before=batch.not_before if batch.not_before is not None and batch.not_before > self.now else None,
            next_step_at=self._next_step_at(batch, rows),
            problems=self.problems,
        )

    # -- budget

    def _can_request(self) -> bool:
        return not self.halted and (self.budget is None or self.requests < self.budget)

    def _halt_until(self, when: float) -> None:
        self.halted = True
        current = self.store.require(self.batch.id).not_before
        self.store.set_not_before(self.batch.id, max(when, current or 0.0))

    # -- watching

    def _poll(self, rows: list[BatchRow]) -> None:
        if not self._can_request():
            return
        typical = typical_render_seconds(rows)
        rendering = sorted((self.r.due_at(r, typical), r.row, r) for r in rows if r.status == "rendering")
        if not rendering or rendering[0][0] > self.now:
            return
        # Renders due within the shortest interval ride along in the same bulk request: it costs nothing
        # more, and renders sent moments apart keep sharing one request instead of one each.
        horizon = self.now + self.r.policy.interval(0)
        due: list[tuple[BatchRow, Job]] = []
        for when, _, row in rendering:
            if when > horizon:
                break
            job = self.jobs.get(row.job_id)
            if job is not None:
                due.append((row, job))
        if not due:
            return
        budget = None if self.budget is None else self.budget - self.requests
        results = check_many(self.client, self.jobs, [job for _, job in due], self.r.policy, now=self.now,
                             due=lambda job: True, deadline_from={job.id: row.watch_from for row, job in due},
                             max_requests=budget, kind_of=kinds.of)
        for (row, _), result in zip(due, results):
            if result.outcome == OVERDUE:
                self.store.set_row(self.batch.id, row.row, gave_up=True)
                self.landed += 1
                continue
            if result.stopped:
                self.landed += 1
            if not result.requested:
                continue
            self.requests += result.request_count
            self.polled += result.request_count
            error = result.error
            if isinstance(error, errors.RateLimitError):
                self._halt_until(self.now + (error.retry_after if error.retry_after is not None else self.r.rate_limit_wait))
            elif result.outcome == REJECTED and isinstance(error, errors.AuthenticationError):
                self._stop("paused", error)
            elif error is not None and isinstance(error, (errors.NetworkError, errors.ServerError,
                                                          errors.UnexpectedResponseError)):
                self._halt_until(self.now + self.r.trouble_wait)

    # -- sending

    def _send(self, rows: list[BatchRow]) -> None:
        batch = self.batch
        if batch.state not in ACTIVE_STATES or (batch.state == "sampling" and batch.stop_reason):
            return
        queued = [r for r in rows if r.status == "queued"]
        if batch.state == "sampling":
            queued = [r for r in queued if r.row == batch.sample_row]
        in_flight = sum(1 for r in rows if r.status == "rendering") - self.landed
        orphans: dict[tuple[int, str], Job] | None = None
        for row in queued:
            if in_flight >= batch.concurrency or not self._can_request():
                return
            state = self.store.require(batch.id).state  # a pause clicked meanwhile takes effect at once
            if state not in ACTIVE_STATES:
                return
            job: Job | None = self.jobs.get(row.job_id) if row.job_id else None
            if job is not None and job.video_id is not None:
                continue  # already at HeyGen: it is watched, never sent again
            if row.job_id and job is None:
                # the job was deleted from the job list: a new one with the same key (HeyGen answers
                # with the video it may already have made for that key)
                if not self.store.detach_job(batch.id, row.row, row.job_id):
                    continue
            if job is None:
                if orphans is None:
                    orphans = self._orphans(rows)
                job = self._new_job(row, orphans)
                if job is None:
                    continue
            if not reconcile.may_send(job):
                # an earlier step was cut off after sending: look for the video, never resend blindly
                reconcile.mark_checking(self.jobs, job, None)
                in_flight += 1
                continue
            self.requests += 1
            outcome = self._submit(row, job)
            if outcome == "sent":
                in_flight += 1
                self.submitted += 1
            elif outcome == "unclear":
                in_flight += 1
                return
            elif outcome == "stop":
                return

    def _orphans(self, rows: list[BatchRow]) -> dict[tuple[int, str], Job]:
        """Jobs recorded for this batch but never attached to their row (a crash in between)."""
        attached = {r.job_id for r in rows if r.job_id}
        found = self.jobs.list(self.batch.account, batch_id=self.batch.id, statuses=["submitting"])
        return {(j.batch_row, j.idempotency_key): j for j in found if j.id not in attached and j.batch_row is not None}

    def _new_job(self, row: BatchRow, orphans: dict[tuple[int, str], Job]) -> Job | None:
        batch = self.batch
        key = idempotency_key(batch.id, row.row, row.attempt)
        job = orphans.pop((row.row, key), None)
        fresh = job is None
        if job is None and batch.template.heygen is not None:  # a row of a HeyGen template
            job = from_template.create_row_job(self.jobs, batch.template, account=batch.account,
                                               batch={"id": batch.id, "name": batch.name}, row=row.data,
                                               row_number=row.row, idempotency_key=key)
        if job is None:
            spec = batch.template.spec_for(row.data, row.row)
            text = batch.template.text_for(row.data)  # script as sent and as written, values (rowtext)
            job = self.jobs.create(
                account=batch.account,
                kind=spec.type,
                title=spec.title or f"Row {row.row}",
                inputs={"spec": spec.to_dict(), "batch": {"id": batch.id, "name": batch.name, "row": row.row},
                        **text.to_inputs()},
                idempotency_key=key,
                batch_id=batch.id,
                batch_row=row.row,
            )
        if self.store.attach_job(batch.id, row.row, job.id, attempt=row.attempt):
            return job
        if fresh:
            self.jobs.delete(job.id)  # another step attached its own job first
        return None

    def _submit(self, row: BatchRow, job: Job) -> str:
        """Send one row; "sent", "row_failed" (that row only) or "stop" (no more sending in this step)."""
        try:
            kinds.of(job).send(self.client, self.jobs, job)
        except errors.InsufficientCreditError as exc:
            self.store.set_row(self.batch.id, row.row, resend=True)
            self._stop("stopped_credit", exc)
            return "stop"
        except errors.RateLimitError as exc:
            self.store.set_row(self.batch.id, row.row, resend=True)
            wait = exc.retry_after if exc.retry_after is not None else self.r.rate_limit_wait
            self._halt_until(self.now + wait)
            return "stop"
        except errors.AuthenticationError as exc:
            self.store.set_row(self.batch.id, row.row, resend=True)
            self._stop("paused", exc)
            return "stop"
        except (errors.HeyGenError, NotSendable) as exc:  # NotSendable: HeyGen may have it, or it is being sent
            if not isinstance(exc, NotSendable) and not errors.unclear(exc):
                if isinstance(exc, errors.NetworkError):  # nothing was sent: the same job goes again shortly
                    self.store.set_row(self.batch.id, row.row, resend=True)
                    self.problems.append(f"Row {row.row}: {exc} It was not sent; the studio tries again shortly.")
                    self._halt_until(self.now + self.r.trouble_wait)
                    return "stop"
                self.store.set_row(self.batch.id, row.row, resend=False)
                self.problems.append(f"Row {row.row}: {exc}")
                return "row_failed"
            # HeyGen may have made the video: the job is "checking" and is looked for, never resent.
            self.store.set_row(self.batch.id, row.row, resend=False)
            self.problems.append(f"Row {row.row}: {reconcile.MAY_HAVE}; the studio is checking before sending "
                                 "anything again.")
            self._halt_until(self.now + self.r.trouble_wait)
            return "unclear"
        if row.resend:
            self.store.set_row(self.batch.id, row.row, resend=False)
        return "sent"

    def _stop(self, state: str, error: errors.HeyGenError) -> None:
        """Stop sending: a running batch takes ``state``; any other keeps its state (a sample waits for the user)."""
        self.halted = True
        reason = error.to_dict()
        if error.hint:
            reason["message"] = f"{error.message} {error.hint}"
        current = self.store.require(self.batch.id).state
        target = state if current in _FINISHABLE else current
        try:
            self.store.set_state(self.batch.id, target, from_states=(current,), stop_reason=reason)
        except BatchStateError:
            pass  # the user changed the state meanwhile; their choice stands
        self.problems.append(reason["message"])

    # -- what next

    def _next_step_at(self, batch: Batch, rows: list[BatchRow]) -> float | None:
        typical = typical_render_seconds(rows)
        times = [self.r.due_at(r, typical) for r in rows if r.status == "rendering"]
        queued = [r for r in rows if r.status == "queued"]
        if batch.state == "sampling":
            queued = [r for r in queued if r.row == batch.sample_row]
        in_flight = len(times)
        can_send = batch.state in ACTIVE_STATES and not (batch.state == "sampling" and batch.stop_reason)
        if can_send and queued and in_flight < batch.concurrency:
            times.append(self.now)
        if not times:
            return None
        when = min(times)
        if batch.not_before is not None:
            when = max(when, batch.not_before)
        return when
