"""Benchmark: a 500-row batch through BatchRunner against the in-process sandbox, next to a baseline.

Runner part: the wall time to get every row rendered, HeyGen requests per row (submits plus status
polls, counted in the sandbox's request log), and how long one step() blocks (what a page refresh
pays). The baseline runs in the same process over the same rows: by default a naive sequential
loop (submit one row, poll it every --naive-poll seconds until it ends, next row); with
``--baseline runner1`` it is BatchRunner itself at concurrency 1.

Page part: the Batch page in AppTest against the same kind of sandbox, a warm rerun with
--page-rows rows on screen next to the same page with --page-baseline-rows rows, in three views:
the new-batch form (contacts table, template, check table), an open batch while it runs (one
fragment tick: a runner step with nothing due, the metrics and the rows table) and a finished
batch (the rows table and the results CSV made up front).

    .venv/bin/python bench/bench_batch.py [--part all|runner|page] [--rows 500] [--concurrency 10]
        [--render-seconds 0.2] [--page-rows 500] [--page-baseline-rows 5] [--page-runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heygen import Client  # noqa: E402
from heygen.batch import BatchRunner, BatchStore, BatchTemplate, check_rows, read_csv  # noqa: E402
from heygen.config import account_fingerprint  # noqa: E402
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


def runner_part(args: argparse.Namespace) -> None:
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


# -- the page part --------------------------------------------------------------------------------

PAGE_SCRIPT = "Hi {{first_name}}! Here is what {{company}} can do for {{city}}."
VIEWS = {
    "form": "new batch: contacts, template, check table",
    "live": "open batch, running (one fragment tick)",
    "finished": "open batch, finished (+ results CSV)",
}


def _timed_reruns(at, runs: int) -> tuple[float, float]:
    """(median, max) milliseconds of ``runs`` warm reruns, after two that are not measured."""
    for _ in range(2):
        at.run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
    return statistics.median(times), max(times)


def _open_page(app: str, query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(app, default_timeout=120)
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page("pages/batch.py").run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return at


def _form_view(app: str, rows: int, looks: list[str], runs: int) -> tuple[float, float]:
    at = _open_page(app)
    at.get("file_uploader")[0].upload("contacts.csv", make_csv(rows, looks).encode(), "text/csv")
    at.run()
    at.text_area(key="batch_script").input(PAGE_SCRIPT)
    at.text_input(key="batch_title").input("{{first_name}} at {{company}}")
    at.run()
    at.button(key=f"batch_av_pick_{looks[0]}").click()
    at.run()
    shown = [m.value for m in at.metric if m.label == "Ready rows"]
    assert shown == [f"{rows:,} of {rows:,}"], shown
    return _timed_reruns(at, runs)


def _stored_batch(store, client, df, template, checks, *, finish: bool) -> str:
    """A running batch of these rows (approved directly); rendered to the end when ``finish``."""
    account = account_fingerprint(API_KEY, client.base_url)
    batch = store.create(account, df, template, checks=checks, concurrency=10, name="bench")
    store._run(lambda c: c.execute("UPDATE batches SET state = 'approved' WHERE id = ?", (batch.id,)), write=True)
    store.start(batch.id)
    runner = BatchRunner(store, policy=PollPolicy(first=0.05, maximum=0.2, growth=1.3, deadline=3600.0))
    report = runner.step(client, batch.id)
    while finish and not report.finished:
        time.sleep(min(report.wait() or 0.02, 0.05))
        report = runner.step(client, batch.id)
    return batch.id


def page_part(args: argparse.Namespace) -> None:
    import streamlit as st

    app = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
    names = ("HEYGEN_API_KEY", "HEYGEN_API_BASE_URL", "HEYGEN_STUDIO_DATA_DIR", "HEYGEN_POLL_SECONDS")
    saved = {name: os.environ.get(name) for name in names}
    figures: dict[int, dict[str, tuple[float, float]]] = {}
    try:
        with Sandbox(api_key=API_KEY, render_seconds=0.05) as sandbox, \
                Client(API_KEY, sandbox.base_url, max_retries=0) as client:
            public = client.avatars.looks(ownership="public", limit=50)
            looks = [look.id for look in public if look.ready and not look.is_photo][:5]
            voice = client.voices.list(limit=1)[0].voice_id
            for rows in (args.page_baseline_rows, args.page_rows):
                with tempfile.TemporaryDirectory() as tmp:
                    # Nothing falls due while reruns are measured: a tick costs the step's bookkeeping and drawing.
                    os.environ.update(HEYGEN_API_KEY=API_KEY, HEYGEN_API_BASE_URL=sandbox.base_url,
                                      HEYGEN_STUDIO_DATA_DIR=tmp, HEYGEN_POLL_SECONDS="300")
                    st.cache_data.clear()
                    st.cache_resource.clear()
                    sandbox.reset()
                    sandbox.configure(render_outcome="complete")
                    df = read_csv(make_csv(rows, looks).encode())
                    template = BatchTemplate(script=PAGE_SCRIPT, title="{{first_name}} at {{company}}",
                                             avatar_id=looks[0], voice_id=voice)
                    checks = check_rows(df, template)
                    store = BatchStore(JobStore(tmp))
                    finished = _stored_batch(store, client, df, template, checks, finish=True)
                    sandbox.configure(render_outcome="never")
                    running = _stored_batch(store, client, df, template, checks, finish=False)
                    figures[rows] = {
                        "form": _form_view(app, rows, looks, args.page_runs),
                        "live": _timed_reruns(_open_page(app, {"batch": running}), args.page_runs),
                        "finished": _timed_reruns(_open_page(app, {"batch": finished}), args.page_runs),
                    }
                    store.jobs.close()
                    st.cache_resource.clear()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    big, small = args.page_rows, args.page_baseline_rows
    print(f"\nBatch page: warm rerun in AppTest, {big} rows on screen vs {small} "
          f"(median of {args.page_runs}, max in brackets)")
    for view, label in VIEWS.items():
        b_med, b_max = figures[big][view]
        s_med, s_max = figures[small][view]
        print(f"{label:<44} {big:>4} rows {b_med:7.1f} ms ({b_max:6.1f})   {small:>4} rows {s_med:7.1f} ms "
              f"({s_max:6.1f})   ratio {b_med / s_med:4.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "runner", "page"), default="all")
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--render-seconds", type=float, default=0.2)
    parser.add_argument("--latency-ms", type=float, default=2.0)
    parser.add_argument("--poll-first", type=float, default=0.1, help="PollPolicy.first for the runner")
    parser.add_argument("--baseline", choices=("naive", "runner1"), default="naive")
    parser.add_argument("--naive-poll", type=float, default=0.1, help="fixed poll interval of the naive loop")
    parser.add_argument("--page-rows", type=int, default=500)
    parser.add_argument("--page-baseline-rows", type=int, default=5)
    parser.add_argument("--page-runs", type=int, default=10)
    args = parser.parse_args()
    if args.part in ("all", "runner"):
        runner_part(args)
    if args.part in ("all", "page"):
        page_part(args)


if __name__ == "__main__":
    main()
