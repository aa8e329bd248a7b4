"""Helpers for batch tests: driving a runner with the real clock, and reading the sandbox's request log."""

from __future__ import annotations

import time
from collections import Counter

from heygen import Client
from heygen.studio.batch import BatchRunner, StepReport
from heygen.studio.watch import PollPolicy

API_KEY = "sk-batch-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
ACCOUNT = "sandbox:batchtest"
RENDER_SECONDS = 0.6
FAST = PollPolicy(first=0.2, maximum=0.4, growth=1.3, deadline=600.0)


def drive(runner: BatchRunner, client: Client, batch_id: str, *, until=lambda r: r.finished,
          max_steps: int = 200, after_step=None) -> StepReport:
    """Step with the real clock, sleeping only as long as the report says, until ``until(report)``."""
    report = None
    for _ in range(max_steps):
        report = runner.step(client, batch_id)
        if after_step is not None:
            after_step(report)
        if until(report):
            return report
        wait = report.wait()
        time.sleep(min(wait if wait is not None else 0.05, 0.5))
    raise AssertionError(f"batch did not get there in {max_steps} steps: {report}")


def posts(sandbox) -> list[dict]:
    """Logged POST /v3/videos requests."""
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]


def polls(sandbox) -> list[dict]:
    """Logged GET /v3/videos/{id} requests."""
    return [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"].startswith("/v3/videos/")]


def posts_per_key(sandbox) -> Counter:
    return Counter(e["idempotency_key"] for e in posts(sandbox))


def videos_made(sandbox) -> list[str]:
    """Distinct video ids the sandbox handed out for POSTs."""
    ids = []
    for e in posts(sandbox):
        data = (e.get("response_json") or {}).get("data") or {}
        if e["status"] == 200 and data.get("video_id") and data["video_id"] not in ids:
            ids.append(data["video_id"])
    return ids
