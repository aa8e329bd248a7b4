"""Settling a create whose answer was lost: did HeyGen make the video or not?

A create that timed out, lost its connection after sending, or got a 5xx or a 409
``request_in_progress`` may have reached HeyGen (``errors.unclear``). Such a job takes status
"checking" and is never resent on its own. Instead the studio looks at the account: recent videos
with the job's title (``GET /v3/videos?title=…``), recent Video Agent sessions
(``GET /v3/video-agents``), recent lip-syncs (``GET /v3/lipsyncs``) or translations
(``GET /v3/video-translations``), created since the first attempt (minus a clock margin) and owned by no
other job in the store. A match is adopted and watched like any render. Only after
``LOOKS_NEEDED`` looks spread over at least ``SPAN_NEEDED`` seconds find nothing does the job
become "unclear", and the user may send it again (same ``Idempotency-Key``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from heygen.api import errors
from .errors import NotSendable, Unsendable
from .inputs import Derive, Patch
from .jobs import Job, JobStore
from .states import JobStatus

if TYPE_CHECKING:
    from heygen.api.client import Client

CHECKING = JobStatus.CHECKING  # HeyGen may have the create; the studio is looking for it
UNCLEAR = JobStatus.UNCLEAR  # looked and found nothing; the user decides whether to send again

CLOCK_MARGIN = 120.0  # seconds of clock difference tolerated between this machine and HeyGen
LOOK_EVERY = 15.0
LOOKS_NEEDED = 2
SPAN_NEEDED = 30.0
LIST_LIMIT = 100

# The words stored with a job whose answer was lost (its record is read back as it was written: by the pages, and
# in a batch's results and their CSV).
MAY_HAVE = "HeyGen may have received this"
RESEND_WARNING = (
    "Its answer was lost, and no video from this launch has shown up on your HeyGen account since. "
    "Sending it again carries the same request key; if HeyGen did receive the first one, it may still make "
    "(and charge for) a second video."
)

_T = TypeVar("_T")


class FindLost(Protocol):
    """How a kind looks on HeyGen for what a create whose answer was lost made: ``{"video_id", "status"}`` of a
    match created since ``since`` that no other job owns, or None."""

    def __call__(self, client: Client, store: JobStore, job: Job, since: float) -> dict[str, Any] | None: ...

# Adopted, still looking, or looked enough and found nothing.
ADOPTED = "adopted"
LOOKING = "looking"
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Look:
    """What one reconciliation look found; ``wait`` is the delay before the next look while looking."""

    outcome: str
    job: Job
    wait: float = 0.0
    requested: bool = True
    error: errors.HeyGenError | None = None


def sent_at(job: Job) -> float:
    """When the job's create request first went out (its creation time for older jobs)."""
    value = job.inputs.sent_at
    return float(value) if isinstance(value, (int, float)) else float(job.created_at)


def mark_checking(store: JobStore, job: Job, error: errors.HeyGenError | None) -> Job:
    """The create's answer was lost: the job waits for reconciliation, nothing is resent."""
    detail = error.to_dict() if error is not None else {"kind": "LaunchInterrupted"}
    detail.update(message=f"{MAY_HAVE}. {error.message if error else 'The launch was cut off mid-request.'}",
                  hint="The studio is checking your HeyGen account before anything is sent again.")
    store.update_inputs(job.id, reconcile={"looks": []})
    return store.mark_checking(job.id, detail)


def looks_of(job: Job) -> list[float]:
    """Times of the reconciliation looks made so far for the current attempt."""
    looks = (job.inputs.reconcile or {}).get("looks") or []
    return [float(t) for t in looks if isinstance(t, (int, float))]


def _list(value: object) -> list:
    return list(value) if isinstance(value, list) else []


def next_look_at(job: Job) -> float:
    """When the next look is due (a first look at once)."""
    looks = looks_of(job)
    return looks[-1] + LOOK_EVERY if looks else 0.0


def settled_without_match(looks: list[float]) -> bool:
    """Enough looks, far enough apart, to say HeyGen did not make the video."""
    return len(looks) >= LOOKS_NEEDED and looks[-1] - looks[0] >= SPAN_NEEDED


def look(client: Client, store: JobStore, job: Job, *, now: float | None = None,
         find_lost: FindLost | None = None) -> Look:
    """Look once (when due) for the video or session this job's lost create may have made, with its kind's
    ``find_lost`` (default: a video of the job's title, ``find_video``)."""
    now = time.time() if now is None else now
    due = next_look_at(job)
    if now < due:
        return Look(LOOKING, job, wait=due - now, requested=False)
    try:
        found = (find_lost or find_video)(client, store, job, sent_at(job) - CLOCK_MARGIN)
    except errors.HeyGenError as exc:
        wait = max(LOOK_EVERY, exc.retry_after or 0.0) if isinstance(exc, errors.RateLimitError) else LOOK_EVERY
        return Look(LOOKING, job, wait=wait, error=exc)
    if found is not None:
        return Look(ADOPTED, _adopt(store, job, found))
    job = store.update_inputs(job.id, reconcile=Patch(looks=Derive(lambda stored: [*_list(stored), now])))
    looks = looks_of(job)
    if settled_without_match(looks):
        detail = {"kind": "LaunchUnclear", "code": "not_found_after_checks", "message": f"{MAY_HAVE}. {RESEND_WARNING}",
                  "hint": "Look at your HeyGen account first; send again only if the video is not there."}
        return Look(NOT_FOUND, store.mark_unclear(job.id, detail))
    wait = LOOK_EVERY
    if len(looks) >= LOOKS_NEEDED:
        wait = max(1.0, looks[0] + SPAN_NEEDED - now)
    return Look(LOOKING, job, wait=wait)


def find_video(client: Client, store: JobStore, job: Job, since: float) -> dict[str, Any] | None:
    """A video of the job's title created since ``since`` that no other job owns, nearest to the send."""
    videos = client.videos.list(title=job.title, limit=LIST_LIMIT)
    video = closest_unowned(store, job, [v for v in videos if v.title == job.title], since)
    return {"video_id": video.id, "status": video.status} if video is not None else None


def find_session(client: Client, store: JobStore, job: Job, since: float) -> dict[str, Any] | None:
    """A Video Agent session created since ``since`` that no other job owns, nearest to the send."""
    sessions = client.video_agents.sessions(limit=LIST_LIMIT)
    owned = store.session_owners(job.account)
    candidates = [s for s in sessions if s.session_id and (s.created_at or 0) >= since
                  and owned.get(s.session_id, job.id) == job.id]
    if not candidates:
        return None
    best = min(candidates, key=lambda s: abs((s.created_at or 0) - sent_at(job)))
    return {"session_id": best.session_id, "created_at": best.created_at}


def closest_unowned(store: JobStore, job: Job, listed: list[Any], since: float) -> Any:
    """Of ``listed`` (things with ``id`` and ``created_at``), the one created since ``since`` nearest to
    when ``job`` was sent that no other job owns, or None."""
    candidates = [x for x in listed if x.id and (x.created_at or 0) >= since]
    for found in sorted(candidates, key=lambda x: abs((x.created_at or 0) - sent_at(job))):
        owner = store.find_by_video_id(job.account, found.id)
        if owner is None or owner.id == job.id:
            return found
    return None


def _adopt(store: JobStore, job: Job, found: dict[str, Any]) -> Job:
    if "session_id" in found:
        store.update_inputs(job.id, reconcile=Patch(adopted=found),
                            session={"session_id": found["session_id"], "status": "generating",
                                     "created_at": found.get("created_at")})
        return store.set_status(job.id, "waiting", detail=f"Found on HeyGen: Video Agent session {found['session_id']}.")
    store.update_inputs(job.id, reconcile=Patch(adopted=found))
    status = found.get("status") or "waiting"
    return store.mark_submitted(job.id, found["video_id"], status if status not in ("completed", "failed") else "waiting")


def may_send(job: Job) -> bool:
    """True when the job's create may go out: never sent yet (or waiting its turn), surely not received, or
    looked for in vain."""
    if job.video_id is not None or job.status in ("checking",):
        return False
    if job.status == "submitting":
        return job.inputs.sent_at is None  # else an earlier send was cut off: look first
    return job.status in (JobStatus.QUEUED, "submit_failed", UNCLEAR)


def require_sendable(job: Job) -> None:
    """Raise ``NotSendable`` (``Unsendable.CHECKING``) unless ``may_send(job)``: nothing that HeyGen may have is sent
    again blindly."""
    if not may_send(job):
        raise NotSendable(Unsendable.CHECKING, job.id)


def send_once(store: JobStore, job: Job, create: Callable[[], _T]) -> _T:
    """Run ``create`` (the job's one create request) and file its failure as not sent or unclear.

    The right to send is taken atomically in the store (two steps racing for one job: one sends) and
    the send time is recorded first. A failure that may have reached HeyGen (``errors.unclear``)
    makes the job "checking"; any other makes it "submit_failed". The error is raised again. A job that may not
    be sent raises ``NotSendable``: HeyGen may have it (``CHECKING``), or another step is sending it (``SENDING_NOW``).
    """
    claimed = store.start_sending(job.id, may_send)
    if claimed is None:  # HeyGen may have it, or another step is sending it right now
        require_sendable(store.get(job.id) or job)
        raise NotSendable(Unsendable.SENDING_NOW, job.id)
    job = claimed
    try:
        return create()
    except errors.HeyGenError as exc:
        if errors.unclear(exc):
            mark_checking(store, job, exc)
        else:
            store.mark_submit_failed(job.id, exc.to_dict())
        raise
