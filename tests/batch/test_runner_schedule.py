"""When the batch runner checks its renders: once the batch has finished a render, the others are first
checked when they should be done, judging by HeyGen's own timestamps; renders due close together share one
bulk request (unit tests with an injected clock, and the sandbox over real HTTP)."""

from __future__ import annotations

import time

import pytest

from heygen.studio.batch import BatchRow, BatchRunner
from heygen.studio.batch.timing import BatchTiming, check_at, due_at, render_seconds, typical_render_seconds
from heygen.studio.watch import PollPolicy

from tests.batch.helpers import FAST, drive

POLICY = PollPolicy(first=5.0, maximum=30.0, deadline=1800.0)
TIMING = BatchTiming()


def row(n: int, *, status: str, sent: float, last: float | None = None, polls: int = 0) -> BatchRow:
    job_status = {"completed": "completed", "rendering": "processing"}[status]
    return BatchRow(row=n, data={}, problems=[], job_id=f"job{n}", job_status=job_status, video_id=f"v{n}",
                    submitted_at=sent, last_polled_at=last, polls=polls)


def test_this_computers_estimate_is_the_lower_quartile_of_the_finished_ones():
    assert typical_render_seconds([row(1, status="rendering", sent=1000.0, last=1050.0)]) is None
    finished = [row(n, status="completed", sent=1000.0, last=1000.0 + span)
                for n, span in enumerate((200, 180, 170, 900), 1)]
    # a row watched again after a retry (900 s) does not drag it up
    assert typical_render_seconds(finished + [row(9, status="rendering", sent=1000.0, last=1010.0)]) == 180


def test_heygens_own_render_times_come_first():
    found_late = [row(1, status="completed", sent=1000.0, last=1000.0 + 250.0)]  # found 50 s after it was done
    assert render_seconds([], found_late, TIMING) == 250.0  # nothing learned from HeyGen yet: this computer's clock
    assert render_seconds([200.0, 190.0, 400.0], found_late, TIMING) == 200.0  # the median of HeyGen's times
    # ... unless this computer found them done sooner (HeyGen counts whole seconds: a 0.6 s render may say 1 s)
    found_soon = [row(1, status="completed", sent=1000.0, last=1000.0 + 0.7)]
    assert render_seconds([1.0, 0.0, 1.0], found_soon, TIMING) == pytest.approx(0.7)
    assert render_seconds([0.0], [], TIMING) == 1.0  # "0 s" by a whole-second clock: under a second
    assert render_seconds([], [], TIMING) is None


def test_a_render_is_first_checked_when_it_should_be_done_then_often():
    fresh = row(1, status="rendering", sent=1000.0)
    assert due_at(fresh, None, POLICY, TIMING) == 1000.0 + POLICY.interval(0)  # nothing finished yet: the policy
    assert due_at(fresh, 180.0, POLICY, TIMING) == pytest.approx(1000.0 + 180.0)
    early = row(1, status="rendering", sent=1000.0, last=1000.0 + 20.0, polls=1)  # checked early by a shared request
    assert due_at(early, 180.0, POLICY, TIMING) == pytest.approx(1000.0 + 180.0)
    late = row(1, status="rendering", sent=1000.0, last=1000.0 + 185.0, polls=2)
    # then 5 % of the typical time, plus a tenth of how late it already is
    assert due_at(late, 180.0, POLICY, TIMING) == pytest.approx(1000.0 + 185.0 + 9.0 + 0.1 * (185.0 - 180.0))
    much_later = row(1, status="rendering", sent=1000.0, last=1000.0 + 600.0, polls=5)
    assert due_at(much_later, 180.0, POLICY, TIMING) == pytest.approx(1000.0 + 600.0 + POLICY.maximum)
    # never past the point where the deadline would go unnoticed
    slow = row(1, status="rendering", sent=1000.0)
    assert due_at(slow, 5000.0, POLICY, TIMING) == pytest.approx(1000.0 + 0.9 * POLICY.deadline)


def test_a_check_waits_for_the_renders_due_moments_after_the_first():
    assert check_at([], 100.0, TIMING) is None
    assert check_at([1003.0, 1001.0, 1050.0], None, TIMING) == 1001.0  # nothing learned: the first one due
    # 5 % of a 100 s render: the renders due within 5 s of the first are waited for, not the one 49 s later
    assert check_at([1003.0, 1001.0, 1050.0], 100.0, TIMING) == 1003.0
    assert check_at([1001.0, 1005.5, 1007.0], 100.0, TIMING) == 1005.5
    assert check_at([1001.0, 1000.99], 0.5, TIMING) == 1001.0  # a tiny render: at least 50 ms


@pytest.mark.parametrize("render", [30.0, 120.0, 600.0])
def test_the_next_check_lands_when_the_wave_should_be_done(store, client, sandbox, make_batch, render):
    """Renders of 30 s to 10 min (an injected clock; the sandbox's renders never end on their own): once HeyGen said
    how long a render took, the step after a wave is sent is due when that wave should be done, and not before."""
    sandbox.configure(render_seconds=3600)
    runner = BatchRunner(store, policy=PollPolicy(first=5.0, maximum=30.0, deadline=3600.0))
    batch = make_batch(6, concurrency=3, state="running")
    runner.render_times.learn(batch.id, 99, render)  # as if an earlier row had taken ``render`` seconds at HeyGen
    t0 = time.time()
    report = runner.step(client, batch.id, now=t0)
    assert report.submitted == 3
    sent = [r.submitted_at for r in store.rows(batch.id) if r.status == "rendering"]
    assert report.next_step_at == pytest.approx(max(sent) + render, abs=0.01)
    assert max(sent) - min(sent) < TIMING.gather * render  # one wave: one check
    # nothing is asked before then; at that moment one bulk request asks about the whole wave
    assert runner.step(client, batch.id, now=report.next_step_at - 1.0).requests == 0
    for r in store.rows(batch.id):
        if r.status == "rendering":
            sandbox.set_video_outcome(r.video_id, "complete", render_seconds=0)
    before = len(sandbox.requests_log())
    done = runner.step(client, batch.id, now=report.next_step_at)
    assert done.counts["completed"] == 3 and done.submitted == 3
    # one bulk request, the three creates into the freed slots, then the finished renders' three detail GETs
    made = [(e["method"], e["path"]) for e in sandbox.requests_log()[before:]]
    assert [path for _, path in made[:1]] == ["/v3/videos/statuses"]
    assert made[1:4] == [("POST", "/v3/videos")] * 3
    assert [m for m, path in made[4:] if path.startswith("/v3/videos/v")] == ["GET"] * 3 and len(made) == 7


def test_a_batch_learns_its_render_time_from_heygens_timestamps(store, client, sandbox, make_batch):
    sandbox.configure(render_seconds=1.0)
    runner = BatchRunner(store, policy=FAST)
    batch = make_batch(4, concurrency=2, state="running")
    drive(runner, client, batch.id, until=lambda r: r.counts["completed"] >= 2)
    # the sandbox, like HeyGen, gives whole seconds: a 1 s render is created_at + 1
    assert set(runner.render_times.of(batch.id)) == {1.0}
    assert drive(runner, client, batch.id).counts["completed"] == 4
    assert runner.render_times.of(batch.id) == []  # forgotten once the batch is finished


def test_renders_due_close_together_share_one_status_request(store, client, sandbox, make_batch):
    runner = BatchRunner(store, policy=FAST)
    batch = make_batch(6, concurrency=6, state="running")
    report = drive(runner, client, batch.id)
    assert report.counts["completed"] == 6
    bulk = [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == "/v3/videos/statuses"]
    asked = [set(e["query"]["video_ids"].split(",")) for e in bulk]
    # six renders sent at once: every status request asks about all of them that are still rendering, never one
    # at a time
    assert all(len(ids) >= 2 for ids in asked[:-1]), [len(ids) for ids in asked]
    assert len(bulk) <= 6
