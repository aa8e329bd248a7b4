"""The queue of translations waiting for a free slot: sent in turn, retried, queued again."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heygen.api import errors

from ..errors import NotSendable
from ..jobs import Job, JobNotFoundError, JobStore
from ..states import WATCHED, JobStatus
from .common import DEFAULT_AT_ONCE, KIND, QUEUED, LinkOf, details_of
from .watch import source_key, submit

if TYPE_CHECKING:
    from heygen.api.client import Client

QUEUE_TROUBLE_WAIT = 5.0  # after a send that surely did not reach HeyGen (network), before the next one


@dataclass(frozen=True)
class QueueReport:
    """What one pass over the queued translations did: sent, not sent (each with its reason in its job),
    HeyGen requests made, and when the next send may be tried (None: at the next pass)."""

    sent: int = 0
    not_sent: int = 0
    requests: int = 0
    retry_at: float | None = None


# Refusals that every later send of the same request would meet too: its other queued languages are not sent.
_STOPS_THE_REQUEST = (errors.InsufficientCreditError, errors.AuthenticationError, errors.PermissionDeniedError)
# Statuses in which a translation holds one of its request's slots (on its way at HeyGen).
HOLDS_A_SLOT = tuple(status for status in WATCHED if status != JobStatus.QUEUED)
# Passing trouble on a send that surely did not reach HeyGen: the translation waits for the next pass.
_PASSING = (errors.RateLimitError, errors.NetworkError, errors.ServerError)


def send_queued(client: Client, store: JobStore, account: str, *, now: float | None = None,
                link_of: LinkOf | None = None) -> QueueReport:
    """Send the account's queued translations, oldest first, while their request has a free slot.

    A request holds a slot for each of its translations on its way at HeyGen (sending, being
    looked for after a lost answer, queued or rendering there). Each send is ``submit`` (once, never
    twice: the store's ``start_sending`` claim, then ``reconcile``). A send that surely did not reach
    HeyGen for a passing reason (429, a network failure before sending) is queued again and the pass
    ends; a refusal every later send would meet too (credit, key) marks the request's other queued
    translations not sent with the same reason; any other refusal marks that one translation not sent.
    Meant to run under the worker's per-account lease, so that two passes never fill the same slots.
    """
    now = time.time() if now is None else now
    waiting = sorted((j for j in store.list(account, statuses=(QUEUED,)) if j.kind == KIND),
                     key=lambda j: (j.created_at, j.id))
    if not waiting:
        return QueueReport()
    run = _Pass(now=now, busy=_slots_taken(store, account))
    for job in waiting:
        details = details_of(job)
        group = details.get("group")
        if group in run.stopped:
            store.mark_submit_failed(job.id, run.stopped[group])
            run.not_sent += 1
            continue
        if run.busy.get(group, 0) >= _at_once(details):
            continue
        asks_link = not details.get("source_asset_id") and source_key(details) not in run.links
        try:
            submit(client, store, job, links=run.links, link_of=link_of)
        except JobNotFoundError:
            continue  # removed from the history meanwhile
        except (errors.HeyGenError, NotSendable) as exc:  # NotSendable: HeyGen may have it, or it is being sent
            # the link's request, then the create's unless fetching the link failed
            run.requests += asks_link + (not asks_link or source_key(details) in run.links)
            retry_at = _refused(store, job, group, exc, run)
            if retry_at is not None:
                return run.report(retry_at)
            continue
        run.requests += 1 + asks_link
        run.sent += 1
        run.take_slot(group)
    return run.report()


@dataclass
class _Pass:
    """One pass over the queue: the slots taken by request, the requests refused for good (with the reason),
    the source links fetched (each video's once), and what was done."""

    now: float
    busy: dict[str, int]
    stopped: dict[str, dict] = field(default_factory=dict)
    links: dict[tuple, str] = field(default_factory=dict)
    sent: int = 0
    not_sent: int = 0
    requests: int = 0

    def take_slot(self, group: str) -> None:
        """One more translation of the request ``group`` on its way."""
        self.busy[group] = self.busy.get(group, 0) + 1

    def report(self, retry_at: float | None = None) -> QueueReport:
        """What this pass did, and when the next send may be tried."""
        return QueueReport(self.sent, self.not_sent, self.requests, retry_at)


def _slots_taken(store: JobStore, account: str) -> dict[str, int]:
    """How many translations of each request are on their way at HeyGen."""
    busy: dict[str, int] = {}
    for job in store.list(account, statuses=HOLDS_A_SLOT, limit=1000):
        if job.kind == KIND:
            group = details_of(job).get("group")
            busy[group] = busy.get(group, 0) + 1
    return busy


def _refused(store: JobStore, job: Job, group: str, exc: errors.HeyGenError | NotSendable, run: _Pass) -> float | None:
    """Record a send that did not go through; when the pass ends here, the time to try again."""
    now_job = store.get(job.id)
    status = now_job.status if now_job is not None else None
    if status in (JobStatus.SUBMITTING, JobStatus.CHECKING):  # another sender has it, or HeyGen may have
        run.take_slot(group)
        return run.now + QUEUE_TROUBLE_WAIT if status == JobStatus.CHECKING else None
    if isinstance(exc, _PASSING):  # not sent (a lost create would be "checking" above)
        store.set_status(job.id, QUEUED, detail=f"Not sent yet: {exc.message} The studio tries again shortly.")
        wait = exc.retry_after if isinstance(exc, errors.RateLimitError) and exc.retry_after else \
            QUEUE_TROUBLE_WAIT
        return run.now + wait
    run.not_sent += 1
    if isinstance(exc, _STOPS_THE_REQUEST):
        run.stopped[group] = exc.to_dict()
    return None


def _at_once(details: dict[str, Any]) -> int:
    value = details.get("at_once")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else DEFAULT_AT_ONCE


def retry(store: JobStore, job: Job) -> Job:
    """A new job for the same language and options as ``job`` (a failed language tried again)."""
    details = {**details_of(job), "phase": None, "proofread_id": None}
    for key in ("review_srt", "generate_sent_at", "looks", "srt_uploaded"):
        details.pop(key, None)
    return store.create(account=job.account, kind=KIND, title=job.title,
                        inputs={KIND: details, "spec": job.inputs.spec or {}})


def not_sent_of(store: JobStore, job: Job) -> list[Job]:
    """The translations of ``job``'s request that never reached HeyGen (refused before sending)."""
    return [j for j in group_of(store, job) if j.status == JobStatus.SUBMIT_FAILED]


def queue_again(store: JobStore, jobs: list[Job]) -> int:
    """Put translations that were never sent back in their request's queue: the worker sends them within
    the request's cap, with their own request keys. Returns how many were queued."""
    queued = 0
    for job in jobs:
        current = store.get(job.id)
        if current is not None and current.status == JobStatus.SUBMIT_FAILED and not current.video_id:
            store.set_status(job.id, QUEUED, detail="Queued again by the user.")
            queued += 1
    return queued


def group_of(store: JobStore, job: Job) -> list[Job]:
    """Every job of the request ``job`` belongs to, oldest first."""
    group = details_of(job).get("group")
    jobs = [j for j in store.list(job.account, search=None, limit=500) if j.kind == KIND
            and details_of(j).get("group") == group]
    return sorted(jobs, key=lambda j: j.created_at)
