"""When the batch runner checks its renders: once the batch has finished a render, the others are first
checked when they should be done; renders due close together share one bulk request (sandbox, real HTTP)."""

from __future__ import annotations

import pytest

from heygen.studio.batch import BatchRow, BatchRunner
from heygen.studio.batch.runner import LIKELY_DONE_SHARE, typical_render_seconds
from heygen.studio.watch import PollPolicy

from tests.batch.helpers import FAST, drive

POLICY = PollPolicy(first=5.0, maximum=30.0, deadline=1800.0)


def row(n: int, *, status: str, sent: float, last: float | None = None, polls: int = 0) -> BatchRow:
    job_status = {"completed": "completed", "rendering": "processing"}[status]
    return BatchRow(row=n, data={}, problems=[], job_id=f"job{n}", job_status=job_status, video_id=f"v{n}",
                    submitted_at=sent, last_polled_at=last, polls=polls)


def test_the_typical_render_time_is_the_lower_quartile_of_the_finished_ones():
    assert typical_render_seconds([row(1, status="rendering", sent=1000.0, last=1050.0)]) is None
    finished = [row(n, status="completed", sent=1000.0, last=1000.0 + span)
                for n, span in enumerate((200, 180, 170, 900), 1)]
    # a row watched again after a retry (900 s) does not drag it up
    assert typical_render_seconds(finished + [row(9, status="rendering", sent=1000.0, last=1010.0)]) == 180


def test_a_render_is_first_checked_when_it_should_be_done_then_often():
    runner = BatchRunner.__new__(BatchRunner)
    runner.policy = POLICY
    fresh = row(1, status="rendering", sent=1000.0)
    assert runner.due_at(fresh) == 1000.0 + POLICY.interval(0)  # nothing finished yet: the policy's back-off
    assert runner.due_at(fresh, typical=180.0) == pytest.approx(1000.0 + LIKELY_DONE_SHARE * 180.0)
    early = row(1, status="rendering", sent=1000.0, last=1000.0 + 20.0, polls=1)  # checked early by a shared request
    assert runner.due_at(early, typical=180.0) == pytest.approx(1000.0 + LIKELY_DONE_SHARE * 180.0)
    late = row(1, status="rendering", sent=1000.0, last=1000.0 + 185.0, polls=2)
    # then 5 % of the typical time, plus a tenth of how late it already is
    assert runner.due_at(late, typical=180.0) == pytest.approx(1000.0 + 185.0 + 9.0 + 0.1 * (185.0 - 180.0 * LIKELY_DONE_SHARE))
    much_later = row(1, status="rendering", sent=1000.0, last=1000.0 + 600.0, polls=5)
    assert runner.due_at(much_later, typical=180.0) == pytest.approx(1000.0 + 600.0 + POLICY.maximum)
    # never past the point where the deadline would go unnoticed
    slow = row(1, status="rendering", sent=1000.0)
    assert runner.due_at(slow, typical=5000.0) == pytest.approx(1000.0 + 0.9 * POLICY.deadline)


def test_renders_due_close_together_share_one_status_request(store, client, sandbox, make_batch):
    runner = BatchRunner(store, policy=FAST)
    batch = make_batch(6, concurrency=6, state="running")
    report = drive(runner, client, batch.id)
    assert report.counts["completed"] == 6
    bulk = [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == "/v3/videos/statuses"]
    asked = [set(e["query"]["video_ids"].split(",")) for e in bulk]
    # six renders sent one after the other within moments: every status request asks about all of them
    # that are still rendering, never one at a time
    assert all(len(ids) >= 2 for ids in asked[:-1]), [len(ids) for ids in asked]
    assert len(bulk) <= 6
