"""Benchmark: a 500-row batch through BatchRunner against the in-process sandbox, next to a baseline.

Measures the wall time to get every row rendered, HeyGen requests per row (submits plus status
polls, counted in the sandbox's request log), and how long one step() blocks (what a page refresh
pays). The baseline runs in the same process over the same rows: by default a naive sequential
loop (submit one row, poll it every --naive-poll seconds until it ends, next row); with
``--baseline runner1`` it is BatchRunner itself at concurrency 1.

    .venv/bin/python bench/bench_batch.py [--rows 500] [--concurrency 10] [--render-seconds 0.2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heygen import Client  # noqa: E402
from heygen.batch import BatchRunner, BatchStore, BatchTemplate, check_rows, read_csv  # noqa: E402
from heygen.jobs import JobStore  # noqa: E402
from heygen.launch import submit  # noqa: E402
from heygen.sandbox import Sandbox  # noqa: E402
from heygen.watch import PollPolicy  # noqa: E402

API_KEY = "bench-key-0123456789abcdef"
ACCOUNT = "sandbox:bench"


def make_csv(rows: int, looks: list[str]) -> str:
    lines = ["first_name,company,city,avatar_id"]
    for i in range(1, rows + 1):
        lines.append(f'Person {i},"Company {i}, Ltd",City {i % 37},{looks[i % len(looks)]}')
    return "\n".join(lines) + "\n"


def video_requests(sandbox: Sandbox) -> tuple[int, int]:
    log = sandbox.requests_log()
    submits = sum(1 for e in log if e["method"] == "POST" and e["path"] == "/v3/videos")
    polls = sum(1 for e in log if e["method"] == "GET" and e["path"].startswith("/v3/videos/"))
    return submits, polls


def run_batch(sandbox, client, store, df, template, checks, concurrency, policy, tick_cap):
    """Approve and run a batch to the end the way a page would: one step, then wait as the report says."""
    batch = store.create(ACCOUNT, df, template, checks=checks, concurrency=concurrency)
    store._run(lambda c: c.execute("UPDATE batches SET state = 'approved' WHERE id = ?", (batch.id,)), write=True)
    store.start(batch.id)
    runner = BatchRunner(store, policy=policy)
    sandbox.clear_requests_log()
    step_times, peak = [], 0
    started = time.perf_counter()
    while True:
        t = time.perf_counter()
        report = runner.step(client, batch.id)
        step_times.append(time.perf_counter() - t)
        peak = max(peak, report.in_flight)
        if report.finished:
            break
        wait = report.wait()
        time.sleep(min(wait if wait is not None else tick_cap, tick_cap))
    wall = time.perf_counter() - started
    submits, polls = video_requests(sandbox)
    assert report.counts["completed"] == len(df), report.counts
    return {"wall": wall, "submits": submits, "polls": polls, "steps": len(step_times), "peak": peak,
            "step_mean_ms": statistics.mean(step_times) * 1000, "step_max_ms": max(step_times) * 1000}


def run_naive(sandbox, client, jobs, df, template, poll_every):
    """Sequential: submit a row, poll it every `poll_every` seconds until it ends, then the next row."""
    sandbox.clear_requests_log()
    started = time.perf_counter()
    for number, row in enumerate(df.to_dict("records"), start=1):
        spec = template.spec_for(row, number)
        job = jobs.create(account=ACCOUNT, kind=spec.type, title=spec.title, inputs={"spec": spec.to_dict()})
        job = submit(client, jobs, job)
        while True:
            time.sleep(poll_every)
            video = client.videos.get(job.video_id)
            if video.status in ("completed", "failed"):
                jobs.record_poll(job.id, status=video.status, video_url=video.video_url)
                break
    wall = time.perf_counter() - started
    submits, polls = video_requests(sandbox)
    return {"wall": wall, "submits": submits, "polls": polls, "steps": 0, "peak": 1,
            "step_mean_ms": 0.0, "step_max_ms": 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--render-seconds", type=float, default=0.2)
    parser.add_argument("--latency-ms", type=float, default=2.0)
    parser.add_argument("--poll-first", type=float, default=0.1, help="PollPolicy.first for the runner")
    parser.add_argument("--baseline", choices=("naive", "runner1"), default="naive")
    parser.add_argument("--naive-poll", type=float, default=0.1, help="fixed poll interval of the naive loop")
    args = parser.parse_args()

    policy = PollPolicy(first=args.poll_first, maximum=args.poll_first * 4, growth=1.35, deadline=3600.0)
    tick_cap = max(args.poll_first, 0.05)
    with Sandbox(api_key=API_KEY, render_seconds=args.render_seconds, latency_ms=args.latency_ms) as sandbox, \
            tempfile.TemporaryDirectory() as tmp, Client(API_KEY, sandbox.base_url, max_retries=0) as client:
        looks = [look.id for look in client.avatars.looks(limit=50) if look.ready and not look.is_photo][:5]
        voice = client.voices.list(limit=1)[0].voice_id
        df = read_csv(make_csv(args.rows, looks).encode())
        template = BatchTemplate(script="Hi {{first_name}}! Here is what {{company}} can do for {{city}}.",
                                 title="{{first_name}} at {{company}}", avatar_id=looks[0], voice_id=voice)
        t = time.perf_counter()
        checks = check_rows(df, template, known_avatars={i: True for i in looks}, known_voices={voice})
        check_ms = (time.perf_counter() - t) * 1000
        store = BatchStore(JobStore(Path(tmp) / "jobs.sqlite3"))

        batch = run_batch(sandbox, client, store, df, template, checks, args.concurrency, policy, tick_cap)
        sandbox.reset()
        if args.baseline == "naive":
            base = run_naive(sandbox, client, store.jobs, df, template, args.naive_poll)
            base_name = f"naive sequential loop (poll every {args.naive_poll:g} s)"
        else:
            base = run_batch(sandbox, client, store, df, template, checks, 1, policy, tick_cap)
            base_name = "BatchRunner at concurrency 1"
        store.jobs.close()

    rows = args.rows
    print(f"rows={rows} render_seconds={args.render_seconds:g} latency_ms={args.latency_ms:g} "
          f"poll_first={args.poll_first:g}s  (check_rows on {rows} rows: {check_ms:.1f} ms)")
    for name, r in ((f"BatchRunner, concurrency {args.concurrency}", batch), (base_name, base)):
        print(f"{name:<44} wall {r['wall']:7.2f} s   requests/row {(r['submits'] + r['polls']) / rows:5.2f} "
              f"(submits {r['submits'] / rows:.2f} + polls {r['polls'] / rows:.2f})   peak in flight {r['peak']}")
        if r["steps"]:
            print(f"{'':<44} steps {r['steps']}, one step blocks {r['step_mean_ms']:.1f} ms mean, "
                  f"{r['step_max_ms']:.1f} ms max")
    print(f"wall-time ratio baseline/batch: {base['wall'] / batch['wall']:.1f}x   "
          f"requests/row ratio baseline/batch: "
          f"{(base['submits'] + base['polls']) / max(1, batch['submits'] + batch['polls']):.2f}x")


if __name__ == "__main__":
    main()
