"""The background worker: watches every unfinished render, sends queued translations as slots free up,
and advances every running batch, whether or not a browser is open.

It runs on Huey. A chain of ``tick`` tasks (one every ``TICK_SECONDS``) schedules the work: one
``watch`` task per account with renders to watch, and one ``advance`` task per running batch. Each
runs under a lease (``Lease``), so two workers never watch the same account or step the same
batch at once, and a worker that was killed gives its leases up when they expire.

- Default (one laptop): Huey's SQLite storage in the data folder, and a consumer inside the app's
  own process (``start_in_process``), exactly once per process.
- Team mode: ``HEYGEN_STUDIO_QUEUE_URL=redis://…`` and ``python -m heygen.worker`` on as many
  machines as wanted; the app servers then start no consumer of their own.

The worker only acts for accounts it has a client for: the key in its own environment, and, inside
the app's process, the clients of the browser sessions that connected (``accounts.register``).
Keys are never written anywhere.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from heygen.api import errors

from . import archive, inspection, kinds, leases, states, translate, watch
from .batch.runner import BatchRunner
from .batch.store import ACTIVE_STATES, BatchStore
from .datadir import private_dir, private_file
from .jobs import Job, JobStore
from .watch import PollPolicy

if TYPE_CHECKING:
    from heygen.api.client import Client

log = logging.getLogger("heygen.studio.worker")

QUEUE_URL_ENV = "HEYGEN_STUDIO_QUEUE_URL"
QUEUE_FILENAME = "queue.sqlite3"
TICK_SECONDS = 1.0
SCHEDULER_SECONDS = 1  # how often the consumer moves scheduled tasks to the queue (Huey's finest)
MIN_STEP_GAP = 0.02  # the least time between two steps of one batch
STEP_LOOP_SECONDS = 10.0  # the longest one advance task keeps stepping its batch
LEASE_SECONDS = 20.0  # a killed worker's batch waits at most this long; sends stay safe past it (start_sending)
ARCHIVE_LEASE_SECONDS = 60.0  # renewed while a large video downloads
ARCHIVE_SCAN = 100  # the most recent completed renders looked at per account and tick
ARCHIVE_RETRY_SECONDS = 120.0  # after a failed download, wait this long before trying that job again
# Statuses of a single render the worker watches (batch rows are watched by their batch's step).
WATCHED = states.WATCHED
SENT = tuple(status for status in WATCHED if status != states.JobStatus.QUEUED)  # ... once sent (queued: send_queued)
# Batch states in which a step may have something to do without the user.
ADVANCING = (*ACTIVE_STATES, "paused", "stopped_credit")


class Accounts:
    """Clients the worker may use, by account fingerprint (process memory only, never stored)."""

    def __init__(self) -> None:
        self._clients: dict[str, Client] = {}
        self._lock = threading.Lock()

    def register(self, account: str, client: Client) -> None:
        """Let the worker act for ``account`` with ``client`` (one that never retries or waits)."""
        with self._lock:
            self._clients[account] = client

    def get(self, account: str) -> Client | None:
        with self._lock:
            return self._clients.get(account)

    def known(self) -> list[str]:
        with self._lock:
            return sorted(self._clients)

    def unregister(self, account: str) -> None:
        """Stop acting for ``account`` (its key is forgotten)."""
        with self._lock:
            self._clients.pop(account, None)

    def clear(self) -> None:
        with self._lock:
            self._clients.clear()


accounts = Accounts()


def make_huey(data_dir: Path | str, queue_url: str | None = None):
    """Huey on Redis when ``queue_url`` is a redis:// URL, else on SQLite in the data folder."""
    if queue_url:
        if not queue_url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"{QUEUE_URL_ENV} must be a redis:// URL")
        return RedisHuey("heygen-studio", url=queue_url)
    folder = private_dir(Path(data_dir))
    queue = private_file(folder / QUEUE_FILENAME)  # SQLite keeps the mode of the file (and gives it to -wal/-shm)
    return SqliteHuey("heygen-studio", filename=str(queue))


@dataclass
class TickReport:
    """What one tick scheduled (or, run inline, did)."""

    watched_accounts: list[str] = field(default_factory=list)
    advanced_batches: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    requests: int = 0


def _kept_subtitles(job_id: str, media_root: Path) -> str | None:
    """The text of a job's kept subtitles, or None when none are kept."""
    try:
        path = archive.local_files(job_id, media_root).get(archive.SUBTITLES)
        return path.read_text(encoding="utf-8", errors="replace") if path is not None else None
    except (OSError, ValueError):
        return None


class Worker:
    """The studio's background work on one Huey instance: ticks, per-account watching, per-batch steps."""

    def __init__(
        self,
        huey,
        store: JobStore,
        batches: BatchStore,
        *,
        policy_for: Callable[[str], PollPolicy] = lambda kind: PollPolicy(),
        policy_for_job: Callable[[Job], PollPolicy] | None = None,
        accounts: Accounts = accounts,
        tick_seconds: float = TICK_SECONDS,
        media_root: Path | str | None = None,
        retention: Callable[[], object] | None = None,
    ) -> None:
        self.huey = huey
        self.store = store
        self.batches = batches
        self.policy_for = policy_for
        # A single render's policy may depend on more than its kind (webhooks reach its account: a slow safety net).
        self.policy_for_job = policy_for_job or (lambda job: policy_for(job.kind))
        self.accounts = accounts
        self.tick_seconds = tick_seconds
        self.media_root = Path(media_root) if media_root is not None else None
        self.retention = retention
        self.checks = inspection.CheckStore(store.db)
        self._archive_failed: dict[str, float] = {}
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.leases = leases.for_huey(huey)
        self.runner = BatchRunner(batches, policy=policy_for("avatar"))
        self._failures: dict[str, int] = {}
        self._queue_not_before: dict[str, float] = {}  # by account: no queued translation sent before then
        self._consumer: Consumer | None = None
        self._stopping = threading.Event()  # set when this worker's consumer stops: steps in a loop end
        self._register_tasks(huey)

    def _register_tasks(self, huey) -> None:
        """This worker's Huey tasks: the tick, an account's watch, a batch's steps, a job's media."""

        @huey.task(name="studio.tick")
        def tick_task(token: str) -> None:
            if huey.get("tick:token", peek=True) != token:
                return  # a newer chain was started; this one ends here
            try:
                self.schedule()
            except Exception:  # a bad tick must never end the chain
                log.exception("Worker tick failed")
            finally:
                tick_task.schedule(args=(token,), delay=self.tick_seconds)

        @huey.task(name="studio.watch")
        def watch_task(account: str) -> None:
            self.watch_account(account)

        @huey.task(name="studio.advance")
        def advance_task(batch_id: str) -> None:
            self._keep_stepping(batch_id, advance_task)

        @huey.task(name="studio.archive")
        def archive_task(job_id: str) -> None:
            self.keep_media(job_id)

        self._tick_task, self._watch_task, self._advance_task = tick_task, watch_task, advance_task
        self._archive_task = archive_task

    def _keep_stepping(self, batch_id: str, advance_task) -> None:
        """Step a batch as its steps fall due, for at most STEP_LOOP_SECONDS, then hand it over."""
        # The batch's next step is slept for here, so it happens when due rather than when the
        # queue's scheduler or the next tick comes round to it (a second or more late, on every
        # render's detection), while no other task waits for a thread and for at most
        # STEP_LOOP_SECONDS. Meanwhile the ticks queue no step of this batch (``_stepping``).
        # Otherwise the task hands over: a short wait to a new task now, a longer one scheduled,
        # one of two ticks or more left to the ticks.
        until = time.monotonic() + STEP_LOOP_SECONDS
        marker = f"stepping:{batch_id}"
        self.huey.put(marker, time.time() + STEP_LOOP_SECONDS + self.tick_seconds)
        try:
            while not self._stopping.is_set():
                next_at = self.advance_batch(batch_id, report_next=True)
                if next_at is None:
                    return
                delay = max(next_at - time.time(), MIN_STEP_GAP)
                crowded = delay > SCHEDULER_SECONDS and self.huey.pending_count() > 0
                if crowded or time.monotonic() + delay > until:
                    if delay >= self.tick_seconds * 2:
                        return  # the ticks come round to it first
                    if delay > SCHEDULER_SECONDS:
                        advance_task.schedule(args=(batch_id,), delay=delay)
                    else:
                        advance_task(batch_id)
                    return
                self._stopping.wait(delay)
        finally:
            self.huey.delete(marker)

    # -- scheduling ----------------------------------------------------------------------------

    def start_chain(self) -> None:
        """Start (or take over) the one chain of ticks; older chains stop at their next link."""
        token = uuid.uuid4().hex
        self.huey.put("tick:token", token)
        self._tick_task(token)

    def schedule(self) -> TickReport:
        """Queue a watch for every account with renders to watch and a step for every running batch."""
        report = TickReport()
        for account in self.accounts.known():
            if self._watchable(account):
                self._watch_task(account)
                report.watched_accounts.append(account)
            for batch in self._live_batches(account):
                if not self._stepping(batch.id):
                    self._advance_task(batch.id)
                    report.advanced_batches.append(batch.id)
            for job_id in self._to_keep(account):
                self._archive_task(job_id)
                report.archived.append(job_id)
        return report

    def _stepping(self, batch_id: str) -> bool:
        """True while a task keeps stepping the batch (a worker killed meanwhile: until its mark expires)."""
        until = self.huey.get(f"stepping:{batch_id}", peek=True)
        return isinstance(until, (int, float)) and until > time.time()

    def _live_batches(self, account: str) -> list:
        """Batches that may have work without the user: sending, or with renders still in flight."""
        return [b for b in self.batches.list(account) if b.state in ADVANCING]

    def run_once(self, now: float | None = None) -> TickReport:
        """Do one tick's work inline (no queue): every account's watch and every batch's step."""
        report = TickReport()
        for account in self.accounts.known():
            report.requests += self.watch_account(account, now=now)
            report.watched_accounts.append(account)
            for batch in self._live_batches(account):
                report.requests += self.advance_batch(batch.id, now=now)
                report.advanced_batches.append(batch.id)
            for job_id in self._to_keep(account):
                if self.keep_media(job_id, now=now):
                    report.archived.append(job_id)
        return report

    # -- the work ------------------------------------------------------------------------------

    def _watchable(self, account: str) -> bool:
        return any(j.batch_id is None for j in self.store.list(account, statuses=WATCHED, limit=50))

    def watch_account(self, account: str, now: float | None = None) -> int:
        """Check the renders of ``account`` (not batch rows) that are due, in bulk, then send its queued
        translations that have a free slot; HeyGen requests made."""
        client = self.accounts.get(account)
        if client is None:
            return 0
        lease = leases.Lease(self.leases, f"watch:{account}", self.owner, LEASE_SECONDS)
        if not lease.acquire(now):
            return 0
        with lease.kept():
            now_ = time.time() if now is None else now
            jobs = [j for j in self.store.list(account, statuses=SENT, limit=1000) if j.batch_id is None
                    and not (j.status == "submitting" and now_ - j.updated_at <= watch.SUBMIT_GRACE_SECONDS)]
            requests = self._watch(client, jobs, now_) if jobs else 0
            if now_ >= self._queue_not_before.get(account, 0.0):
                # translations waiting for a slot: sent now that the checks above may have freed some
                sent = translate.send_queued(client, self.store, account, now=now_, link_of=kinds.video_link_of)
                requests += sent.requests
                self._queue_not_before[account] = sent.retry_at or 0.0
            return requests

    def _watch(self, client: Client, jobs: list, now_: float) -> int:
        """One bulk check of ``jobs`` (due ones only); HeyGen requests made."""
        results = watch.check_many(
            client, self.store, jobs, self.policy_for_job, now=now_,
            deadline_from={j.id: (j.inputs or {}).get("deadline_from") for j in jobs},
            consecutive_failures={j.id: self._failures.get(j.id, 0) for j in jobs}, kind_of=kinds.of,
        )
        for job, result in zip(jobs, results):
            if result.requested:
                transient = result.error is not None and not isinstance(result.error, errors.RateLimitError)
                self._failures[job.id] = self._failures.get(job.id, 0) + 1 if transient else 0
            if result.stopped:
                self._failures.pop(job.id, None)
        return sum(r.request_count for r in results)

    def advance_batch(self, batch_id: str, now: float | None = None, *, report_next: bool = False):
        """One step of a batch (send queued rows within its concurrency, watch its renders).

        Returns the HeyGen requests made, or with ``report_next`` when the batch next has work (a
        time.time() value, or None).
        """
        batch = self.batches.get(batch_id)
        client = self.accounts.get(batch.account) if batch is not None else None
        lease = leases.Lease(self.leases, f"batch:{batch_id}", self.owner, LEASE_SECONDS)
        if client is None or not lease.acquire(now):
            return None if report_next else 0
        with lease.kept():
            report = self.runner.step(client, batch_id, now=now)
            return report.next_step_at if report_next else report.requests

    def _to_keep(self, account: str, now: float | None = None) -> list[str]:
        """Recently completed renders of ``account`` whose files are not all on disk yet."""
        if self.media_root is None or self.accounts.get(account) is None:
            return []
        now = time.time() if now is None else now
        wanted = []
        finished = self.store.list(account, statuses=("completed",), limit=ARCHIVE_SCAN)
        checked = self.checks.summaries(job.id for job in finished)
        for job in finished:
            if now - self._archive_failed.get(job.id, 0.0) < ARCHIVE_RETRY_SECONDS:
                continue
            kept = archive.local_files(job, self.media_root)
            if archive.VIDEO not in kept or (job.subtitle_url and archive.SUBTITLES not in kept):
                wanted.append(job.id)
            elif job.id not in checked and kinds.of(job).meant(job) is not None:
                wanted.append(job.id)  # kept, not checked yet (the check comes after keeping)
            elif kinds.of(job).more_to_keep(job, self.media_root):
                wanted.append(job.id)  # its own video kept, not yet the others it has (a chat's revisions)
        return wanted

    def keep_media(self, job_id: str, now: float | None = None) -> bool:
        """Download a completed render's files to the media folder (once, under a lease); True when kept."""
        job = self.store.get(job_id)
        if job is None or self.media_root is None or job.status != "completed":
            return False
        client = self.accounts.get(job.account)
        if client is None:
            return False
        lease = leases.Lease(self.leases, f"archive:{job_id}", self.owner, ARCHIVE_LEASE_SECONDS)
        if not lease.acquire(now):
            return False
        with lease.kept():
            try:
                policy = self.retention() if self.retention is not None else None
                result = archive.keep(client, job, self.media_root, store=self.store,
                                      refresh=kinds.of(job).refresh, policy=policy, now=now)
            except (archive.ArchiveError, errors.HeyGenError, OSError) as exc:
                self._archive_failed[job_id] = time.time() if now is None else now
                log.warning("Could not keep the files of job %s: %s", job_id, exc)
                return False
            if result.skipped:  # the retention setting keeps nothing of this one: do not ask every tick
                self._archive_failed[job_id] = time.time() if now is None else now
            else:
                self.check_video(job_id)
                self._keep_more(client, job_id, now)
            return not result.skipped

    def _keep_more(self, client: Client, job_id: str, now: float | None) -> None:
        """Keep the videos a finished job has beyond its own (a chat session's revisions), like its own."""
        job = self.store.get(job_id)
        try:
            kinds.of(job).keep_more(client, job, self.media_root)
        except (archive.ArchiveError, errors.HeyGenError, OSError) as exc:
            self._archive_failed[job_id] = time.time() if now is None else now
            log.warning("Could not keep the other videos of job %s: %s", job_id, exc)

    def check_video(self, job_id: str) -> inspection.Check | None:
        """Check a finished video's kept subtitles against what it was meant to say, and record the result
        (None when its kind has nothing to check)."""
        job = self.store.get(job_id)
        if job is None or self.media_root is None:
            return None
        meant = kinds.of(job).meant(job)
        if meant is None:
            return None
        if job.batch_id and meant.mode == inspection.SCRIPT:  # names sent spelled as they should sound
            batch = self.batches.get(job.batch_id)
            if batch is not None and batch.template.pronunciations:
                meant = replace(meant, said_as={p.written: p.spoken for p in batch.template.pronunciations})
        source_srt = _kept_subtitles(meant.source_job, self.media_root) if meant.source_job else None
        report = inspection.inspect(meant, _kept_subtitles(job.id, self.media_root),
                                    accepted=[a.key for a in self.checks.accepted_for(job)], source_srt=source_srt)
        if report.open:
            log.info("Job %s: its video's check found %d thing(s) to look at", job_id, len(report.open))
        return self.checks.record(job_id, report)

    # -- running --------------------------------------------------------------------------------

    def start_consumer(self, *, workers: int = 2) -> Consumer:
        """Run a Huey consumer in this process's threads (no signal handlers: any thread may call this)."""

        class InProcessConsumer(Consumer):
            def _set_signal_handlers(self) -> None:  # only the main thread may set them
                pass

        consumer = InProcessConsumer(self.huey, workers=workers, worker_type="thread", periodic=False,
                                     scheduler_interval=SCHEDULER_SECONDS, initial_delay=0.1, backoff=1.15, max_delay=0.5)
        self._stopping.clear()
        consumer.start()
        self._consumer = consumer
        self.start_chain()
        return consumer

    def stop_steps(self) -> None:
        """End the batch steps running in a loop at their next wait (before the consumer stops)."""
        self._stopping.set()

    def stop_consumer(self) -> None:
        """Stop the in-process consumer (waits briefly for tasks in flight)."""
        self.stop_steps()
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
            self._consumer = None


__all__ = ["Accounts", "Lease", "TICK_SECONDS", "TickReport", "Worker", "accounts", "make_huey"]
