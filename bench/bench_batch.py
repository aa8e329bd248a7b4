"""Benchmark: a batch through the Batch page's public path against a pool of threads, under the
sandbox's per-account render limit.

Runner part: --rows rows (500), an account limit of --limit renders at once (10; 429 with
Retry-After beyond) and --render-seconds per render (3), all on the in-process sandbox over real
HTTP on 127.0.0.1. The batch goes the way the page sends it: ``BatchStore.create``,
``start_sample`` (one row alone), steps until the sample is done, ``approve_sample`` + ``start``,
steps until finished, one ``BatchRunner.step()`` at a time, waiting as each report says, as the
worker does (``--no-sample`` approves the batch up front instead). Its PollPolicy is the studio's
default with its first interval set to --poll-first, the peer's poll interval: both sides poll on
the same base until the batch has learned how long its renders take (from HeyGen's own timestamps).

The peer (``--baseline pool``, the default) is what a competent engineer writes without the
studio: a pool of --limit threads, each taking the next row, creating its video and polling
``GET /v3/videos/{id}`` every --poll-first seconds until it ends; with the batch's sample, the peer
too renders the first row alone first, then the rest (the same work; ``--no-sample`` on both sides
compares the plain pool). ``--baseline naive`` is one such thread alone; ``--baseline runner1`` is
BatchRunner at concurrency 1. Both sides run against the same sandbox settings, in alternating order
over --rounds rounds (medians). Renders all take --render-seconds; with --render-jitter each row's
render takes render x exp(N(0, sigma)), seeded by row, so both sides get the same lengths (and a poll
interval that divides the render time exactly no longer favours either side).

Printed for each: the wall time against the ideal (rows / limit x render time), HeyGen requests per
row (from the sandbox's log) in all and without one detail GET per row (the request that fetches a
finished video's links, which both sides need), creates refused with 429, and duplicates (videos
beyond one per row; must be 0). Goals: <= 1.05x the ideal, faster than the peer, <= 1.2 requests
per row without the detail GET. The peer's figures and the ratios come last.

Page part (``--part page`` or ``all``): the Batch page in AppTest against the same kind of sandbox,
a warm rerun with --page-rows rows on screen next to the same page with --page-baseline-rows rows, in
three views: the new-batch form (contacts table, template, check table), an open batch while it
runs (one fragment tick: the metrics and the rows table, read from the store) and a finished batch
(the rows table and the results CSV made up front).

    .venv/bin/python bench/bench_batch.py [--part runner|page|all] [--rows 500] [--limit 10]
        [--render-seconds 3] [--render-jitter 0] [--rounds 1] [--baseline pool|naive|runner1] [--poll-first 1]
        [--no-sample]
        [--page-rows 500] [--page-baseline-rows 5] [--page-runs 10]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import queue
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heygen import Client
from heygen.studio.batch import BatchRunner, BatchStore, BatchTemplate, check_rows, read_csv
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.sandbox import Sandbox  # noqa: E402
from heygen.studio.watch import PollPolicy

API_KEY = "bench-key-0123456789abcdef"
ACCOUNT = "sandbox:bench"


def make_csv(rows: int, looks: list[str]) -> str:
    lines = ["first_name,company,city,avatar_id"]
    for i in range(1, rows + 1):
        lines.append(f'Person {i},"Company {i}, Ltd",City {i % 37},{looks[i % len(looks)]}')
    return "\n".join(lines) + "\n"


def heygen_requests(sandbox: Sandbox) -> dict[str, int]:
    """Counts from the sandbox's request log since it was last cleared, and the videos made."""
    log = sandbox.requests_log()
    creates = [e for e in log if e["method"] == "POST" and e["path"] == "/v3/videos"]
    made = {(e["response_json"] or {}).get("data", {}).get("video_id") for e in creates if e["status"] == 200}
    gets = [e for e in log if e["method"] == "GET" and e["path"].startswith("/v3/videos/")]
    return {
        "all": len(log),
        "creates": len(creates),
        "refused": sum(1 for e in creates if e["status"] == 429),
        "bulk": sum(1 for e in gets if e["path"] == "/v3/videos/statuses"),
        "one": sum(1 for e in gets if e["path"] != "/v3/videos/statuses"),
        "videos": len(made - {None}),
    }


class RenderLengths:
    """Gives each render its row's length, ``render x exp(N(0, sigma))`` (seeded by row number, so
    both sides get the same lengths), through the sandbox's public ``set_video_outcome``, within
    milliseconds of its creation (a thread looking at the sandbox's new videos every 5 ms). Nothing
    when sigma is 0."""

    def __init__(self, sandbox: Sandbox, render: float, sigma: float, seed: int = 11):
        self.sandbox, self.render, self.sigma, self.seed = sandbox, render, sigma, seed
        self._done: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def length(self, row: int) -> float:
        return self.render * math.exp(random.Random(self.seed * 100_003 + row).gauss(0, self.sigma))

    def _run(self) -> None:
        seen = 0
        while not self._stop.wait(0.005):
            videos = self.sandbox.state.videos  # in creation order; only the new ones are looked at
            try:
                new = list(itertools.islice(videos.values(), seen, None))
            except RuntimeError:  # changed while read: next time
                continue
            seen += len(new)
            for video in new:
                if video.id in self._done:
                    continue
                self._done.add(video.id)
                match = re.match(r"Person (\d+) ", video.title or "")
                if match:
                    self.sandbox.set_video_outcome(video.id, "complete",
                                                   render_seconds=self.length(int(match.group(1))))

    def __enter__(self) -> "RenderLengths":
        if self.sigma:
            self.sandbox.reset()  # no video of an earlier run is counted as seen
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def drive(runner: BatchRunner, client: Client, batch_id: str, done, tick_cap: float):
    """Step as the page does (one step, then wait as the report says) until ``done(report)``."""
    while True:
        report = runner.step(client, batch_id)
        if done(report):
            return report
        wait = report.wait()
        time.sleep(min(wait if wait is not None else tick_cap, tick_cap))


def run_batch(sandbox, client, store, df, template, checks, concurrency, policy, tick_cap, sample=True) -> dict:
    """Sample, approve and run a batch through the public path; wall time and the sandbox's counts."""
    sandbox.reset()
    started = time.perf_counter()
    batch = store.create(ACCOUNT, df, template, checks=checks, concurrency=concurrency, name="bench")
    runner = BatchRunner(store, policy=policy)
    if sample:
        store.start_sample(batch.id, 1)
        drive(runner, client, batch.id, lambda r: r.counts["completed"] + r.counts["failed"] >= 1, tick_cap)
    else:
        store.set_state(batch.id, "approved")
    sampled = time.perf_counter()
    if sample:
        store.approve_sample(batch.id)
    store.start(batch.id)
    report = drive(runner, client, batch.id, lambda r: r.finished, tick_cap)
    ended = time.perf_counter()
    if report.counts["completed"] != len(df):
        raise RuntimeError(f"the batch did not complete every row: {report.counts}")
    return {"wall": ended - started, "sample": sampled - started, "run": ended - sampled, **heygen_requests(sandbox)}


def run_pool(sandbox, base_url, specs, threads: int, poll_every: float, sample: bool = False) -> dict:
    """The peer: ``threads`` threads, each creating the next row's video and polling it until it ends; with
    ``sample``, the first row alone first."""
    sandbox.reset()
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for spec in specs[1:] if sample else specs:
        todo.put(spec)
    ended: list[str] = []
    problems: list[BaseException] = []

    def render(own: Client, spec) -> None:
        video_id = own.videos.create(spec).video_id
        while True:
            time.sleep(poll_every)
            video = own.videos.get(video_id)
            if video.status in ("completed", "failed"):
                ended.append(video.status)
                return

    def work() -> None:
        try:
            with Client(API_KEY, base_url) as own:
                while True:
                    try:
                        spec = todo.get_nowait()
                    except queue.Empty:
                        return
                    render(own, spec)
        except BaseException as exc:  # reported below; the bench must not count a broken run
            problems.append(exc)

    started = time.perf_counter()
    if sample:
        with Client(API_KEY, base_url) as own:
            render(own, specs[0])
    sampled = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ended_at = time.perf_counter()
    if problems or ended.count("completed") != len(specs):
        raise RuntimeError(f"the pool did not complete every row: {problems[:1]} {len(ended)} ended")
    return {"wall": ended_at - started, "sample": sampled - started, "run": ended_at - sampled,
            **heygen_requests(sandbox)}


def runner_part(args: argparse.Namespace) -> None:
    concurrency = args.concurrency or args.limit
    render = args.render_seconds
    # The studio's default policy, its first interval set to the peer's poll interval: the same base.
    policy = PollPolicy(first=args.poll_first)
    tick_cap = args.tick_cap
    rows = args.rows
    with Sandbox(api_key=API_KEY, render_seconds=render, latency_ms=args.latency_ms,
                 max_concurrent_renders=args.limit) as sandbox, \
            tempfile.TemporaryDirectory() as tmp, Client(API_KEY, sandbox.base_url, max_retries=0) as client:
        looks = [look.id for look in client.avatars.looks(limit=50) if look.ready and not look.is_photo][:5]
        voice = client.voices.list(limit=1)[0].voice_id
        df = read_csv(make_csv(rows, looks).encode())
        template = BatchTemplate(script="Hi {{first_name}}! Here is what {{company}} can do for {{city}}.",
                                 title="{{first_name}} at {{company}}", avatar_id=looks[0], voice_id=voice)
        checks = check_rows(df, template, known_avatars={i: True for i in looks}, known_voices={voice})
        specs = [template.spec_for(row, number) for number, row in enumerate(df.to_dict("records"), start=1)]
        store = BatchStore(JobStore(Path(tmp) / "jobs.sqlite3"))
        threads = {"pool": args.limit, "naive": 1}.get(args.baseline)
        if threads:
            base_name = (f"peer: {'sample, then ' if not args.no_sample else ''}pool of {threads} "
                         f"thread{'s' if threads > 1 else ''} (poll every {args.poll_first:g} s)")
            baseline = lambda: run_pool(sandbox, sandbox.base_url, specs, threads, args.poll_first,  # noqa: E731
                                        not args.no_sample)
        else:
            base_name = "peer: BatchRunner at concurrency 1"
            baseline = lambda: run_batch(  # noqa: E731
                sandbox, client, store, df, template, checks, 1, policy, tick_cap, not args.no_sample)
        ours = f"BatchRunner, concurrency {concurrency}" + ("" if args.no_sample else ", with its sample")
        contenders = {
            ours: lambda: run_batch(sandbox, client, store, df, template, checks, concurrency, policy, tick_cap,
                                    not args.no_sample),
            base_name: baseline,
        }
        results: dict[str, list[dict]] = {name: [] for name in contenders}
        names = list(contenders)
        lengths = RenderLengths(sandbox, render, args.render_jitter)
        for round_ in range(args.rounds):
            for name in names if round_ % 2 == 0 else names[::-1]:
                with RenderLengths(sandbox, render, args.render_jitter):
                    results[name].append(contenders[name]())
        store.jobs.close()

    at_once = min(concurrency, args.limit) if args.limit else concurrency
    if args.render_jitter:  # the ideal: the same lengths packed onto the slots as they free up, in row order
        slots = [0.0] * at_once
        for row in range(1, rows + 1):
            slots[slots.index(min(slots))] += lengths.length(row)
        ideal = max(slots)
    else:
        ideal = rows / at_once * render
    print(f"rows={rows}  account limit={args.limit or 'none'} renders at once  render={render:g} s"
          f"{f' x exp(N(0, {args.render_jitter:g})) by row' if args.render_jitter else ''}  "
          f"latency={args.latency_ms:g} ms  rounds={args.rounds} (medians)  load average {os.getloadavg()[0]:.1f}")
    how = ("each slot taking the next row's render as it frees up" if args.render_jitter
           else f"rows / {at_once} at once x render")
    print(f"ideal wall time ({how}): {ideal:.2f} s")
    medians = {}
    for name, runs in results.items():
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        medians[name] = med
        dupes = max(r["videos"] - rows for r in runs)
        print(f"{name:<52} wall {med['wall']:7.2f} s ({med['wall'] / ideal:4.2f}x ideal)   "
              f"requests/row {med['all'] / rows:5.2f}, without one detail GET {med['all'] / rows - 1:5.2f} "
              f"(creates {med['creates'] / rows:.2f}, of which 429 {med['refused'] / rows:.2f}; bulk statuses "
              f"{med['bulk'] / rows:.2f}; GET one video {med['one'] / rows:.2f})   duplicates {dupes}")
        if med["sample"]:
            rest = "" if args.render_jitter else f" (ideal for the rest: {(rows - 1) / at_once * render:.2f} s)"
            print(f"{'':<52} sample {med['sample']:.2f} s, then the rest {med['run']:.2f} s{rest}")
    batch, base = (medians[name] for name in names)
    per_row = batch["all"] / rows - 1
    within = batch["wall"] <= 1.05 * ideal
    print(f"goals: <= 1.05x ideal ({batch['wall'] / ideal:.3f}x, {'met' if within else 'MISSED'}), "
          f"faster than the peer ({'met' if batch['wall'] < base['wall'] else 'MISSED'}), <= 1.2 requests per row "
          f"without the detail GET ({per_row:.2f}, {'met' if per_row <= 1.2 else 'MISSED'})")
    print(f"peer ({names[1]}): wall {base['wall']:.2f} s ({base['wall'] / ideal:.2f}x ideal), requests/row "
          f"{base['all'] / rows:.2f}; batch / peer: {batch['wall'] / base['wall']:.2f}x wall time, "
          f"{batch['all'] / base['all']:.2f}x requests")


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
    store.set_state(batch.id, "approved")  # no sample: the page part measures drawing, not sending
    store.start(batch.id)
    runner = BatchRunner(store, policy=PollPolicy(first=0.05, maximum=0.2, growth=1.3, deadline=3600.0))
    report = runner.step(client, batch.id)
    while finish and not report.finished:
        time.sleep(min(report.wait() or 0.02, 0.05))
        report = runner.step(client, batch.id)
    return batch.id


def page_part(args: argparse.Namespace) -> None:
    import streamlit as st

    from ui import process
    app = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
    names = ("HEYGEN_API_KEY", "HEYGEN_API_BASE_URL", "HEYGEN_STUDIO_DATA_DIR", "HEYGEN_POLL_SECONDS")
    saved = {name: os.environ.get(name) for name in names}
    figures: dict[int, dict[str, tuple[float, float]]] = {}
    try:
        # The stored batches run 10 at a time; the account limit is the runner part's subject.
        with Sandbox(api_key=API_KEY, render_seconds=0.05, max_concurrent_renders=10) as sandbox, \
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
                    process.reset()
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
                    process.reset()
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
    parser.add_argument("--part", choices=("all", "runner", "page"), default="runner")
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--limit", type=int, default=10, help="the sandbox account's renders at once (0: none)")
    parser.add_argument("--concurrency", type=int, default=0, help="the batch's concurrency (default: --limit)")
    parser.add_argument("--render-seconds", type=float, default=3.0)
    parser.add_argument("--render-jitter", type=float, default=0.0,
                        help="sigma of each row's render length x exp(N(0, sigma)), the same on both sides")
    parser.add_argument("--latency-ms", type=float, default=2.0)
    parser.add_argument("--tick-cap", type=float, default=1.0, help="longest wait between two runner steps")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--baseline", choices=("pool", "naive", "runner1"), default="pool")
    parser.add_argument("--poll-first", type=float, default=1.0,
                        help="the peer's poll interval, and PollPolicy.first for the batch (the same base)")
    parser.add_argument("--no-sample", action="store_true", help="approve the batch up front (no sample row)")
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
