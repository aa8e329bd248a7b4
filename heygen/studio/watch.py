"""Watching a render: when to ask HeyGen next, and what each answer means for the job.

One ``check()`` makes at most one status request, records what it learned in the job store, and
says whether watching goes on (and after how long) or has stopped for good, and why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from heygen.api import errors
from . import reconcile
from .jobs import Job, JobStore
from .scripting import find_breaks, word_count
from heygen.api.videos import Video

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

STATUS_WORDS = {
    "submitting": "Sending to HeyGen",
    "waiting": "Waiting in HeyGen's queue",
    "pending": "Queued at HeyGen",
    "processing": "Rendering",
    "completed": "Ready",
    "failed": "Failed",
    "not_found": "No longer on HeyGen",
    "rejected": "Key rejected",
    "submit_failed": "Not sent",
    "checking": "Checking with HeyGen",
    "unclear": "HeyGen may have received this",
}

NEXT_STEP = {
    "submitting": "The studio is sending the request to HeyGen.",
    "waiting": "HeyGen has the request and will start rendering shortly.",
    "pending": "HeyGen will start rendering shortly.",
    "processing": "HeyGen is rendering the video; this panel updates on its own.",
    "checking": "HeyGen may have received this: its answer was lost. The studio is looking for the video on "
                "your account before anything is sent again.",
}

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
    agent_expected: float = 15 * 60.0  # Video Agent renders, whose length the prompt does not tell
    # The schedule around the expected finish, as fractions of the expected length.
    sparse_fraction: float = 0.6  # before the dense window: wait this fraction of the time elapsed
    sparse_maximum: float = 120.0  # longest interval before the dense window
    dense_from: float = 0.8  # the dense window opens at this fraction of the expected length
    dense_until: float = 1.25  # ... and closes at this one
    dense: float = 8.0  # interval in the dense window (shortest)
    dense_fraction: float = 0.01  # ... or this fraction of the expected length if longer, up to maximum
    overrun_fraction: float = 0.1  # after the window: dense + this fraction of the time past it

    def interval(self, polls: int, elapsed: float | None = None, expected: float | None = None) -> float:
        """Seconds to wait before the next status request.

        ``polls``: requests so far; ``elapsed``: seconds since the render was sent (None: plain
        back-off); ``expected``: its expected length in seconds (None: ``default_expected``).
        """
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
        """``interval`` for ``job`` at time ``now``: its polls so far, time since it was sent, expected length."""
        return self.interval(job.polls, now - (job.submitted_at or job.created_at), self.expected_seconds(job))

    def expected_seconds(self, job: Job) -> float | None:
        """How long the job's render should take at HeyGen, from its stored inputs; None when unknown."""
        if job.kind == "agent":
            return self.agent_expected
        inputs = job.inputs or {}
        spec = inputs.get("spec") if isinstance(inputs.get("spec"), dict) else {}
        audio = inputs.get("audio_seconds")
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

    @property
    def stopped(self) -> bool:
        return self.outcome in STOPPED


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
) -> CheckResult:
    """Ask HeyGen once about ``job`` (unless it has already stopped) and record the answer.

    ``deadline_from`` restarts the deadline (after "keep waiting"); ``consecutive_failures`` counts
    network or server failures in a row before this check.
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
        found = reconcile.look(client, store, job, now=now)
        if found.outcome == reconcile.NOT_FOUND:
            return CheckResult(UNCLEAR, found.job, requested=found.requested)
        wait = policy.first if found.outcome == reconcile.ADOPTED else found.wait
        return CheckResult(RUNNING, found.job, wait=wait, error=found.error, requested=found.requested)
    started = deadline_from or job.submitted_at or job.created_at
    if now - started > policy.deadline:
        return CheckResult(OVERDUE, job, requested=False)
    try:
        video = client.videos.get(job.video_id)
    except errors.NotFoundError as exc:
        job = store.record_watch_error(job.id, status="not_found", error_detail=exc.to_dict())
        return CheckResult(NOT_FOUND, job, error=exc)
    except (errors.AuthenticationError, errors.PermissionDeniedError) as exc:
        job = store.record_watch_error(job.id, status="rejected", error_detail=exc.to_dict())
        return CheckResult(REJECTED, job, error=exc)
    except errors.RateLimitError as exc:
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        wait = max(exc.retry_after or 0.0, policy.interval(job.polls))
        return CheckResult(RUNNING, job, wait=wait, error=exc)
    except errors.HeyGenError as exc:
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        if consecutive_failures + 1 >= policy.max_network_failures:
            return CheckResult(CONNECTION_LOST, job, error=exc)
        return CheckResult(RUNNING, job, wait=policy.interval(job.polls), error=exc)
    job = record_video(store, job.id, video)
    known = outcome_of(job)
    if known is not None:
        return CheckResult(known, job)
    return CheckResult(RUNNING, job, wait=policy.wait_after_poll(job, now))


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
    """Fetch the video again for fresh (re-signed) links and save them."""
    return record_video(store, job.id, client.videos.get(job.video_id))


def fetch_file(client: Client, store: JobStore, job: Job, field: str) -> bytes:
    """The bytes of one of the job's files (``video_url``, ``subtitle_url``...), renewing an expired link once."""
    url = getattr(job, field)
    if not url:
        raise errors.NotFoundError("This file is not available for this video.")
    try:
        return b"".join(client.download(url))
    except errors.NotFoundError:
        job = refresh_links(client, store, job)
        url = getattr(job, field)
        if not url:
            raise
        return b"".join(client.download(url))
