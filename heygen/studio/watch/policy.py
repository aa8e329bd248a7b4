"""When to ask HeyGen next about a render, and the outcomes a check can have.

``PollPolicy`` is the polling schedule as data; ``next_check_at`` says when a job is due; ``outcome_of`` reads the
stopped outcome a job already has in the store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .. import reconcile
from ..jobs import Job
from ..scripting import find_breaks, word_count

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

# The job input holding when the user last spoke to HeyGen and awaits its answer (a chat message).
REPLY_FROM = "reply_awaited_from"


@dataclass(frozen=True)
class PollPolicy:
    """How often to ask, and when to give up asking on our own.

    When the render's elapsed time is known, the schedule follows its expected length
    (``expected_seconds``): sparse while the render cannot be done yet, dense around the expected
    finish, then gradually slower if it runs late. Without it (``interval(polls)`` alone), it is a
    plain back-off from ``first`` to ``maximum``. Renders asked about in bulk share each request
    (``sharing``): the more of them are in their dense window, the denser it is for each.
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
    # Renders asked about in bulk share each request: while n of them are in their dense window, each is asked about
    # every dense / n seconds (one request for all, so no more requests than for each alone), never more often
    # than every ``shared_minimum`` seconds.
    shared_minimum: float = 2.5
    overrun_fraction: float = 0.1  # after the window: dense + this fraction of the time past it
    # The least time between two checks: 0, or the safety net's interval while webhooks bring the news.
    floor: float = 0.0
    # After the user spoke to HeyGen (a chat message, ``reply_from``): the schedule starts again from the message and
    # checks at least every ``reply_maximum`` seconds for ``reply_window`` seconds, then slows down gradually.
    reply_maximum: float | None = None  # None: the kind has no such schedule
    reply_window: float = 300.0

    def interval(self, polls: int, elapsed: float | None = None, expected: float | None = None,
                 sharing: int = 1) -> float:
        """Seconds to wait before the next status request (never less than ``floor``).

        ``polls``: requests so far; ``elapsed``: seconds since the render was sent (None: plain
        back-off); ``expected``: its expected length in seconds (None: ``default_expected``);
        ``sharing``: how many renders in their dense window share the bulk requests (1: asked about alone).
        """
        return max(self.floor, self._schedule(polls, elapsed, expected, sharing))

    def _schedule(self, polls: int, elapsed: float | None, expected: float | None, sharing: int = 1) -> float:
        if elapsed is None:
            early = 3  # the first few polls keep the first interval
            if polls < early:
                return self.first
            return min(self.maximum, self.first * self.growth ** (polls - early + 1))
        expected = self._expected(expected)
        dense = min(self.maximum, max(self.dense, self.dense_fraction * expected))
        opens, closes = self.dense_from * expected, self.dense_until * expected
        if elapsed < opens:
            wait = min(max(self.maximum, self.sparse_maximum), max(self.first, self.sparse_fraction * elapsed))
            return max(min(wait, opens - elapsed), min(self.first, dense))
        if elapsed < closes:
            return max(min(dense, self.shared_minimum), dense / max(1, sharing))
        return min(max(self.maximum, dense), dense + self.overrun_fraction * (elapsed - closes))

    def _expected(self, expected: float | None) -> float:
        return self.default_expected if expected is None or expected <= 0 else expected

    def finishing(self, job: Job, now: float) -> bool:
        """Whether ``job``'s render is inside its dense window at ``now`` (around its expected finish)."""
        expected = self._expected(self.expected_seconds(job))
        elapsed = now - (job.submitted_at or job.created_at)
        return self.dense_from * expected <= elapsed < self.dense_until * expected

    def wait_after_poll(self, job: Job, now: float, sharing: int = 1) -> float:
        """``interval`` for ``job`` at time ``now``: its polls so far, time since it was sent, expected length
        (or, while HeyGen answers the user's latest message, the reply schedule from that message); ``sharing`` as
        in ``interval``."""
        spoke = self.replying_since(job)
        if spoke is None or spoke > now:
            elapsed = now - (job.submitted_at or job.created_at)
            return self.interval(job.polls, elapsed, self.expected_seconds(job), sharing)
        since = now - spoke
        cap = self.reply_maximum + self.sparse_fraction * max(0.0, since - self.reply_window)
        return max(self.floor, min(self._schedule(0, since, self.expected_seconds(job), sharing), cap))

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


def next_check_at(job: Job, policy: PollPolicy, sharing: int = 1) -> float:
    """When ``job`` is due its next status check: ``wait_after_poll`` after its last one (or its sending)."""
    last = job.last_polled_at or job.submitted_at or job.created_at
    spoke = policy.replying_since(job)
    if spoke is not None and spoke > last:
        last = spoke  # the user has just spoken: the schedule starts again from the message
    return last + policy.wait_after_poll(job, last, sharing)
