"""Status requests per render: the studio's poll schedule next to a fixed 1-second poller.

Three renders against the sandbox — one that takes 3 minutes, one that fails after 2 minutes and
one that never finishes (stopped by the 30-minute deadline) — each watched by the studio's
``heygen.watch.check`` and, in parallel, by a naive poller asking every second. Time is compressed
by ``--scale`` (default 1/30: the whole run takes about a minute); every interval, render time and
deadline is scaled alike, so the request counts are those of the real durations.

    python bench/bench_status_polling.py [--scale 0.0333]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heygen import Client, VideoSpec, watch  # noqa: E402
from heygen.jobs import JobStore  # noqa: E402
from heygen.launch import create_job, submit  # noqa: E402
from heygen.sandbox import Sandbox  # noqa: E402

KEY = "bench-status-key-0123456789"
CASES = [
    ("3-minute render", "complete", 180),
    ("fails after 2 minutes", "fail", 120),
    ("never finishes", "never", 180),
]


def count_gets(sandbox: Sandbox, video_id: str) -> int:
    path = f"/v3/videos/{video_id}"
    return sum(1 for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == path)


def studio_watch(client, store, job, policy, out: dict) -> None:
    failures = 0
    while True:
        result = watch.check(client, store, job, policy, consecutive_failures=failures)
        failures = failures + 1 if result.error else 0
        if result.stopped:
            out["outcome"] = result.outcome
            out["job"] = result.job
            return
        job = result.job
        time.sleep(result.wait)


def naive_watch(client, video_id, every: float, deadline: float, out: dict) -> None:
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        video = client.videos.get(video_id)
        if video.is_terminal:
            out["outcome"] = video.status
            return
        time.sleep(every)
    out["outcome"] = "gave up at the deadline"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1 / 30, help="compress time by this factor")
    args = parser.parse_args()
    scale = args.scale
    policy = watch.PollPolicy(first=5 * scale, maximum=30 * scale, deadline=30 * 60 * scale)
    with Sandbox(api_key=KEY, render_seconds=1) as sandbox, tempfile.TemporaryDirectory() as data:
        client = Client(KEY, sandbox.base_url)
        store = JobStore(data)
        look = client.avatars.looks(ownership="public", limit=1)[0]
        voice = client.voices.list(limit=1)[0]
        runs = []
        for name, outcome, seconds in CASES:
            sandbox.configure(render_outcome=outcome, render_seconds=seconds * scale, failure_code="download_failed")
            pair = {}
            for who in ("studio", "naive"):
                spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=f"{name} ({who})", title=name)
                job = submit(client, store, create_job(store, account="bench", spec=spec))
                result: dict = {}
                if who == "studio":
                    thread = threading.Thread(target=studio_watch, args=(client, store, job, policy, result))
                else:
                    thread = threading.Thread(target=naive_watch,
                                              args=(client, job.video_id, 1 * scale, 30 * 60 * scale, result))
                pair[who] = (job, result, thread)
                thread.start()
            runs.append((name, pair))
        for _, pair in runs:
            for _, _, thread in pair.values():
                thread.join()

        print(f"Status requests per render (time compressed ×{1 / scale:.0f}; counts are for real durations)")
        print(f"{'render':<24}{'studio':>8}{'1 s poller':>12}{'ratio':>8}   studio outcome")
        for name, pair in runs:
            s_job, s_res, _ = pair["studio"]
            n_job, _, _ = pair["naive"]
            studio_n = count_gets(sandbox, s_job.video_id)
            naive_n = count_gets(sandbox, n_job.video_id)
            print(f"{name:<24}{studio_n:>8}{naive_n:>12}{naive_n / studio_n:>7.1f}×   {s_res['outcome']}")
        # After a terminal outcome the count must not grow.
        grew = 0
        for name, pair in runs:
            s_job, s_res, _ = pair["studio"]
            before = count_gets(sandbox, s_job.video_id)
            for _ in range(5):
                watch.check(client, store, store.get(s_job.id), policy)
            grew += count_gets(sandbox, s_job.video_id) - before
        print(f"status requests after a terminal outcome (5 more checks per render): {grew}")


if __name__ == "__main__":
    main()
