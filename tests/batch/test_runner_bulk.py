"""The runner watches its renders in bulk: 20 rendering rows cost one status request per step."""

from __future__ import annotations

import time

from tests.batch.helpers import posts


def _status_calls(sandbox) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"].startswith("/v3/videos/")]


def test_twenty_rendering_rows_cost_one_status_request_per_step(store, runner, client, sandbox, make_batch) -> None:
    sandbox.configure(render_seconds=3600)  # nothing finishes until the test says so
    batch = make_batch(20, concurrency=20, state="running")
    t0 = time.time()
    first = runner.step(client, batch.id, now=t0)
    assert first.submitted == 20 and first.in_flight == 20 and len(posts(sandbox)) == 20

    for later in (10, 20, 30):  # every row is due at each of these steps
        before = len(_status_calls(sandbox))
        report = runner.step(client, batch.id, now=t0 + later)
        made = _status_calls(sandbox)[before:]
        assert report.requests == report.polled == 1 and report.in_flight == 20
        assert [e["path"] for e in made] == ["/v3/videos/statuses"]
        assert len(made[0]["query"]["video_ids"].split(",")) == 20

    for row in store.rows(batch.id):
        sandbox.set_video_outcome(row.video_id, "complete", render_seconds=0)
    before = len(_status_calls(sandbox))
    report = runner.step(client, batch.id, now=t0 + 40)
    made = _status_calls(sandbox)[before:]
    # one bulk request, then one GET per finished video for its links
    assert report.requests == report.polled == 21 == len(made)
    assert [e["path"] for e in made].count("/v3/videos/statuses") == 1
    assert report.finished and report.counts["completed"] == 20
    assert all(r.video_url for r in store.rows(batch.id))


def test_a_step_under_a_request_cap_leaves_finished_rows_for_the_next(store, runner, client, sandbox,
                                                                       make_batch) -> None:
    sandbox.configure(render_seconds=3600)
    batch = make_batch(3, concurrency=3, state="running")
    t0 = time.time()
    runner.step(client, batch.id, now=t0)
    for row in store.rows(batch.id):
        sandbox.set_video_outcome(row.video_id, "complete", render_seconds=0)
    report = runner.step(client, batch.id, now=t0 + 10, max_requests=2)
    assert report.requests == 2 and report.counts["completed"] == 1 and report.counts["rendering"] == 2
    report = runner.step(client, batch.id, now=t0 + 20)
    assert report.requests == 3 and report.finished
