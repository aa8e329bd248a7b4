"""When a batch asks HeyGen about its renders: each at the moment it should be done, judging by how long the
batch's finished renders took by HeyGen's own clock, and the renders expected close together in one request.

``RenderTimes`` keeps what the runner learned (HeyGen's ``completed_at - created_at`` of each finished row);
``render_seconds`` is the batch's typical render from it (or, before any is learned, from this computer's
clock); ``due_at`` is when one row is due; ``check_at`` is when the next status request goes out.
"""

from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass

from ..watch import PollPolicy
from .store import BatchRow

__all__ = ["BatchTiming", "RenderTimes", "check_at", "due_at", "render_seconds", "typical_render_seconds"]


@dataclass(frozen=True)
class BatchTiming:
    """When a batch's renders are asked about once it knows how long they take (``render`` seconds).

    A render is first asked about ``likely_done`` x render after it was sent. One not done then is asked
    again after ``late_first`` x render (at least ``late_floor`` seconds) plus ``late_growth`` x the time
    it has already run late, up to the poll policy's maximum. A status request waits for the renders due
    within ``gather`` x render (at least ``gather_floor`` seconds) after the first one due, so renders sent
    together are found done together, in one request, and renders sent moments apart come together again.
    HeyGen's timestamps count whole seconds (``resolution``): a render it says took less is taken to have
    taken that long. Before anything is learned, the poll policy's schedule applies.
    """

    likely_done: float = 1.0
    late_first: float = 0.05
    late_floor: float = 0.1
    late_growth: float = 0.1
    gather: float = 0.05
    gather_floor: float = 0.05
    resolution: float = 1.0


class RenderTimes:
    """How long each finished row of each batch took to render by HeyGen's clock, in seconds; thread-safe."""

    def __init__(self) -> None:
        self._seconds: dict[str, dict[int, float]] = {}
        self._lock = threading.Lock()

    def learn(self, batch_id: str, row: int, seconds: float | None) -> None:
        """Keep ``seconds`` for ``row`` (None or a negative value: nothing learned)."""
        if seconds is None or seconds < 0:
            return
        with self._lock:
            self._seconds.setdefault(batch_id, {})[row] = float(seconds)

    def of(self, batch_id: str) -> list[float]:
        """The render times learned for the batch, in no particular order."""
        with self._lock:
            return list(self._seconds.get(batch_id, {}).values())

    def forget(self, batch_id: str) -> None:
        with self._lock:
            self._seconds.pop(batch_id, None)


def typical_render_seconds(rows: list[BatchRow]) -> float | None:
    """How long the batch's renders take by this computer's clock alone: the lower quartile of the times from
    sending to finding a render completed, over its completed rows (finding lags behind finishing, and renders
    watched again after a retry only take longer, hence not the median); None before any row has completed."""
    spans = sorted(r.last_polled_at - r.submitted_at for r in rows
                   if r.status == "completed" and r.last_polled_at and r.submitted_at
                   and r.last_polled_at > r.submitted_at)
    return spans[len(spans) // 4] if spans else None


def render_seconds(learned: list[float], rows: list[BatchRow], timing: BatchTiming) -> float | None:
    """The batch's typical render: the median of the times HeyGen took (``learned``, each at least HeyGen's
    clock resolution), unless this computer found its renders done sooner (``typical_render_seconds``, which
    stands alone before HeyGen has said anything); None when no row has finished yet."""
    here = typical_render_seconds(rows)
    if not learned:
        return here
    heygen = statistics.median(max(seconds, timing.resolution) for seconds in learned)
    return heygen if here is None else min(heygen, here)


def due_at(row: BatchRow, render: float | None, policy: PollPolicy, timing: BatchTiming) -> float:
    """When a rendering row's next status check is due.

    With ``render`` (the batch's typical render, ``render_seconds``), first when a render like the others
    would be done, then at short and slowly growing intervals; without it, the policy's back-off.
    """
    last = row.last_polled_at or row.submitted_at or row.job_created_at or 0.0
    sent = row.submitted_at or row.job_created_at
    if render is None or sent is None:
        return last + policy.interval(row.polls)
    # never later than the deadline allows: an overdue render is still noticed in time
    likely_done = min(sent + timing.likely_done * render, (row.watch_from or sent) + 0.9 * policy.deadline)
    if last < likely_done:
        return likely_done
    soon = max(timing.late_first * render, timing.late_floor)
    return last + min(policy.maximum, soon + timing.late_growth * (last - likely_done))


def check_at(due: list[float], render: float | None, timing: BatchTiming) -> float | None:
    """When the next status request goes out, given the rows' due times: the first one due or, once the typical
    render is known, the last one due within ``timing.gather`` x render of it; None when no row is due."""
    if not due:
        return None
    first = min(due)
    if render is None:
        return first
    window = max(timing.gather * render, timing.gather_floor)
    return max(when for when in due if when <= first + window)
