"""Running a batch one short step at a time, for a worker that sleeps until each step is due.

``BatchRunner.step()`` never waits: it asks HeyGen about the renders that are due a status check
(heygen.studio.watch.check_many: one request for up to 100 of them). Before a row of the batch has
finished, renders are spaced by the PollPolicy; after that, each is first asked about when it should be
done, judging by how long the batch's finished renders took by HeyGen's own clock (``timing``), and the
renders expected within moments of each other go in one request. Then, while the batch is sampling or
running, it sends queued rows (heygen.studio.launch.submit, one request each, several at once) into the
slots free, those just found finished included; only then does it fetch the finished renders' details
(their links, one request each). Everything it records goes to the stores before it returns, so any
later step (after a reload or a restart) carries on; the render times learned are kept by the runner
(a new runner learns them again from the next render that finishes, judging by this computer's clock
meanwhile).

Give it a Client made with ``max_retries=0``: the runner handles 429s and network trouble itself
(a batch-wide "not before" time, re-sending with the same idempotency key), and a client that
retries on its own would sleep inside the step instead.

Stops and waits:
- 429 on any request: no request for this batch before Retry-After (``Batch.not_before``); creates
  sent at the same moment are settled each on its own answer.
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
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from heygen.api import errors
from .. import kinds, reconcile
from ..errors import NotSendable
from ..jobs import Job
from ..watch import COMPLETED, OVERDUE, REJECTED, RUNNING, CheckResult, PollPolicy, check_many
from . import from_template
from .store import ACTIVE_STATES, Batch, BatchRow, BatchStateError, BatchStore, count_statuses
from .timing import BatchTiming, RenderTimes, check_at, due_at, render_seconds

if TYPE_CHECKING:
    from heygen.api.client import Client

__all__ = ["BatchRunner", "StepReport", "idempotency_key"]

# Once every row is done, the batch is finished from any of these states.
_FINISHABLE = frozenset({"running", "paused", "stopped_credit"})
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_SENT = "sent"  # what became of a row's send, unless it raised

_T = TypeVar("_T")
_R = TypeVar("_R")


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
    """Drives batches of ``store``. Safe to share between threads; one step per batch runs at a time.

    ``timing`` says when renders are asked about once their length is learned (``policy`` before);
    ``parallel`` is the most requests one step has in flight at once (creates, then finished renders' details).
    """

    def __init__(
        self,
        store: BatchStore,
        *,
        policy: PollPolicy | None = None,
        timing: BatchTiming | None = None,
        rate_limit_wait: float = 10.0,
        trouble_wait: float = 5.0,
        parallel: int = 10,
    ) -> None:
        self.store = store
        self.jobs = store.jobs
        self.policy = policy or PollPolicy()
        self.timing = timing or BatchTiming()
        self.rate_limit_wait = rate_limit_wait  # when a 429 has no Retry-After
        self.trouble_wait = trouble_wait  # after a network or server failure
        self.parallel = max(1, parallel)
        self.render_times = RenderTimes()
        self._pool: ThreadPoolExecutor | None = None  # made on first use; its threads end with the runner
        self._pool_guard = threading.Lock()

    def step(self, client: Client, batch_id: str, *, now: float | None = None, max_requests: int | None = None) -> StepReport:
        """Poll the due renders, send queued rows up to the concurrency limit, then fetch what finished; never waits.

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

    def render_seconds(self, batch_id: str, rows: list[BatchRow]) -> float | None:
        """How long the batch's renders typically take (``timing.render_seconds``); None before one has finished."""
        return render_seconds(self.render_times.of(batch_id), rows, self.timing)

    def due_at(self, row: BatchRow, typical: float | None = None) -> float:
        """When a rendering row's next status check is due (``timing.due_at``), ``typical`` being the batch's
        typical render in seconds (None: not known yet)."""
        return due_at(row, typical, self.policy, self.timing)

    def concurrently(self, fn: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
        """``[fn(item) for item in items]``, up to ``parallel`` at a time; in order."""
        if len(items) <= 1 or self.parallel == 1:
            return [fn(item) for item in items]
        with self._pool_guard:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="batch-step")
        return list(self._pool.map(fn, items))


@dataclass(frozen=True)
class _Ended:
    """A render the bulk answer says has ended, its detail (links or failure) still to fetch."""

    row: BatchRow
    job: Job
    kind: kinds.JobKind
    policy: PollPolicy


class _OneAtATime:
    """A store (JobStore, BatchStore) whose methods run one call at a time: a step's threads overlap their HeyGen
    requests, and take their turns at the database here rather than in the database's own lock waits."""

    def __init__(self, store: Any, lock: threading.Lock) -> None:
        self._store, self._lock = store, lock

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)
        return call


class _Step:
    """One step's work and bookkeeping."""

    def __init__(self, runner: BatchRunner, client: Client, batch_id: str, now: float, max_requests: int | None):
        self.r = runner
        lock = threading.Lock()
        self.store = _OneAtATime(runner.store, lock)
        self.jobs = _OneAtATime(runner.jobs, lock)
        self.client = client
        self.batch = self.store.require(batch_id)
        self.now = now
        self.budget = max_requests
        self.requests = 0
        self.polled = 0
        self.submitted = 0
        self.halted = False  # no more requests in this step
        self.landed = 0  # rows that stopped rendering during this step's polls
        self.ended: list[_Ended] = []  # found ended by the bulk answer; their details come after the sends
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
        if not self.halted:
            self._fetch_ended()
        rows = self.store.rows(batch.id)
        batch = self.store.require(batch.id)
        if batch.state in _FINISHABLE and all(r.terminal for r in rows):
            try:
                batch = self.store.set_state(batch.id, "finished", from_states=_FINISHABLE)
            except BatchStateError:
                batch = self.store.require(batch.id)
        if batch.state == "finished":
            self.r.render_times.forget(batch.id)
        return StepReport(
            batch_id=batch.id,
            state=batch.state,
            counts=count_statuses(rows),
            polled=self.polled,
            submitted=self.submitted,
            requests=self.requests,
            not_before=batch.not_before if batch.not_before is not None and batch.not_before > self.now else None,
            next_step_at=self._next_step_at(batch, rows),
            problems=list(dict.fromkeys(self.problems)),
        )

    # -- budget

    def _can_request(self, more: int = 1) -> bool:
        return not self.halted and (self.budget is None or self.requests + more <= self.budget)

    def _halt_until(self, when: float) -> None:
        self.halted = True
        current = self.store.require(self.batch.id).not_before
        self.store.set_not_before(self.batch.id, max(when, current or 0.0))

    # -- watching

    def _poll(self, rows: list[BatchRow]) -> None:
        if not self._can_request():
            return
        typical = self.r.render_seconds(self.batch.id, rows)
        rendering = sorted((self.r.due_at(r, typical), r.row, r) for r in rows if r.status == "rendering")
        when = check_at([due for due, _, _ in rendering], typical, self.r.timing)
        if when is None or when > self.now:
            return
        # Before the batch knows how long its renders take, renders due within the shortest interval ride
        # along in the same bulk request: renders sent moments apart keep sharing one request.
        horizon = self.now + (self.r.policy.interval(0) if typical is None else 0.0)
        due: list[tuple[BatchRow, Job]] = []
        for at, _, row in rendering:
            if at > horizon:
                break
            job = self.jobs.get(row.job_id)
            if job is not None:
                due.append((row, job))
        if not due:
            return
        rows_of = {job.id: row for row, job in due}
        deferred: dict[str, kinds.JobKind] = {}

        def kind_of(job: Job) -> kinds.JobKind:
            # A render found ended is noted here; its detail request waits until the freed slots are filled.
            kind = kinds.of(job)
            if kind.name not in deferred:
                def later(client, store, job, policy, now, failures) -> CheckResult:
                    self.ended.append(_Ended(rows_of[job.id], job, kind, policy))
                    return CheckResult(RUNNING, job, requested=False)

                deferred[kind.name] = replace(kind, statuses=replace(kind.statuses, detail=later))
            return deferred[kind.name]

        budget = None if self.budget is None else self.budget - self.requests
        results = check_many(self.client, self.jobs, [job for _, job in due], self.r.policy, now=self.now,
                             due=lambda job: True, deadline_from={job.id: row.watch_from for row, job in due},
                             max_requests=budget, kind_of=kind_of)
        self.landed += len(self.ended)
        for (row, _), result in zip(due, results):
            if result.outcome == OVERDUE:
                self.store.set_row(self.batch.id, row.row, gave_up=True)
                self.landed += 1
                continue
            if result.stopped:
                self.landed += 1
            self._heard(row, result)

    def _fetch_ended(self) -> None:
        """The detail request of each render found ended in this step (its links or its failure), recorded."""
        budget = len(self.ended) if self.budget is None else max(0, self.budget - self.requests)
        todo = self.ended[:budget]  # those left over are found ended again by the next step
        results = self.r.concurrently(
            lambda e: e.kind.statuses.detail(self.client, self.jobs, e.job, e.policy, self.now, 0), todo)
        for ended, result in zip(todo, results):
            self._heard(ended.row, result)

    def _heard(self, row: BatchRow, result: CheckResult) -> None:
        """Count a status answer's requests and act on its error; learn the render's length from a finished one."""
        if result.outcome == COMPLETED:
            self.r.render_times.learn(self.batch.id, row.row, result.rendered)
        if not result.requested:
            return
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
        """Send queued rows into the free slots, all at once; then settle each row on its own answer."""
        batch = self.batch
        if batch.state not in ACTIVE_STATES or (batch.state == "sampling" and batch.stop_reason):
            return
        queued = [r for r in rows if r.status == "queued"]
        if batch.state == "sampling":
            queued = [r for r in queued if r.row == batch.sample_row]
        room = batch.concurrency - (sum(1 for r in rows if r.status == "rendering") - self.landed)
        if not queued or room <= 0 or not self._can_request():
            return
        if self.store.require(batch.id).state not in ACTIVE_STATES:
            return  # a pause clicked meanwhile takes effect at once
        picked: list[tuple[BatchRow, Job]] = []  # recorded one after the other, then sent all at once
        orphans: dict[tuple[int, str], Job] | None = None
        for row in queued:
            if len(picked) >= room or not self._can_request(len(picked) + 1):
                break
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
                job = self._new_job(row, orphans.pop((row.row, idempotency_key(batch.id, row.row, row.attempt)), None))
                if job is None:
                    continue
            if not reconcile.may_send(job):
                # an earlier step was cut off after sending: look for the video, never resend blindly
                reconcile.mark_checking(self.jobs, job, None)
                room -= 1
                continue
            picked.append((row, job))
        outcomes = self.r.concurrently(lambda pick: self._send_one(pick[1]), picked)
        stops = [stop for (row, _), outcome in zip(picked, outcomes) if (stop := self._settle(row, outcome))]
        # A stop is recorded only once every row of this send is settled: a page that stops redrawing
        # when the batch stops must not keep a row refused for credit as failed, before it was marked resend.
        for state, error in stops:
            self._stop(state, error)

    def _send_one(self, job: Job) -> str | errors.HeyGenError | NotSendable:
        """Send the job's create once: ``_SENT``, or the error the send raised."""
        try:
            kinds.of(job).send(self.client, self.jobs, job)
        except (errors.HeyGenError, NotSendable) as exc:  # NotSendable: HeyGen may have it, or it is being sent
            return exc
        return _SENT

    def _orphans(self, rows: list[BatchRow]) -> dict[tuple[int, str], Job]:
        """Jobs recorded for this batch but never attached to their row (a crash in between)."""
        attached = {r.job_id for r in rows if r.job_id}
        found = self.jobs.list(self.batch.account, batch_id=self.batch.id, statuses=["submitting"])
        return {(j.batch_row, j.idempotency_key): j for j in found if j.id not in attached and j.batch_row is not None}

    def _new_job(self, row: BatchRow, orphan: Job | None) -> Job | None:
        batch = self.batch
        key = idempotency_key(batch.id, row.row, row.attempt)
        job = orphan
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
        if orphan is None:
            self.jobs.delete(job.id)  # another step attached its own job first
        return None

    def _settle(self, row: BatchRow, outcome: str | errors.HeyGenError | NotSendable
                ) -> tuple[str, errors.HeyGenError] | None:
        """Record what one send came to: the row sent, to be sent again, failed, or being looked for;
        returns the state the batch is to stop in (and why), for the caller to record."""
        self.requests += 1
        if outcome == _SENT:
            self.submitted += 1
            if row.resend:
                self.store.set_row(self.batch.id, row.row, resend=False)
            return None
        exc = outcome
        if isinstance(exc, errors.InsufficientCreditError):
            self.store.set_row(self.batch.id, row.row, resend=True)
            self.halted = True
            return "stopped_credit", exc
        if isinstance(exc, errors.RateLimitError):
            self.store.set_row(self.batch.id, row.row, resend=True)
            self._halt_until(self.now + (exc.retry_after if exc.retry_after is not None else self.r.rate_limit_wait))
        elif isinstance(exc, errors.AuthenticationError):
            self.store.set_row(self.batch.id, row.row, resend=True)
            self.halted = True
            return "paused", exc
        elif not isinstance(exc, NotSendable) and not errors.unclear(exc):
            if isinstance(exc, errors.NetworkError):  # nothing was sent: the same job goes again shortly
                self.store.set_row(self.batch.id, row.row, resend=True)
                self.problems.append(f"Row {row.row}: {exc} It was not sent; the studio tries again shortly.")
                self._halt_until(self.now + self.r.trouble_wait)
            else:
                self.store.set_row(self.batch.id, row.row, resend=False)
                self.problems.append(f"Row {row.row}: {exc}")
        else:
            # HeyGen may have made the video: the job is "checking" and is looked for, never resent.
            self.store.set_row(self.batch.id, row.row, resend=False)
            self.problems.append(f"Row {row.row}: {reconcile.MAY_HAVE}; the studio is checking before sending "
                                 "anything again.")
            self._halt_until(self.now + self.r.trouble_wait)
        return None

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
        typical = self.r.render_seconds(batch.id, rows)
        due = [self.r.due_at(r, typical) for r in rows if r.status == "rendering"]
        times = [when] if (when := check_at(due, typical, self.r.timing)) is not None else []
        queued = [r for r in rows if r.status == "queued"]
        if batch.state == "sampling":
            queued = [r for r in queued if r.row == batch.sample_row]
        can_send = batch.state in ACTIVE_STATES and not (batch.state == "sampling" and batch.stop_reason)
        if can_send and queued and len(due) < batch.concurrency:
            times.append(self.now)
        if not times:
            return None
        when = min(times)
        if batch.not_before is not None:
            when = max(when, batch.not_before)
        return when
