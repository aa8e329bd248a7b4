"""Status polling: requests per render and detection delay, the studio's schedule against three baselines.

Part 1 (virtual clock): renders of 1, 3, 10 and 30 minutes, each length jittered (seeded,
log-normal, sigma --jitter) over --renders renders, watched by:
  - the studio: ``PollPolicy.interval`` with the expected length ``PollPolicy.expected_seconds``
    reads from the job the Studio stores (a script for 1-10 minutes, an audio file for 30), checked
    by the background worker, whose tick comes every second (``worker.TICK_SECONDS``): a check
    happens on the first tick after it is due. Pages only read what the worker recorded;
  - a fixed 5-second poller, HeyGen's command-line client's schedule and a fixed 1-second poller.
    The command-line client (``--wait``) asks right after the create, then waits 2 s, doubling up to
    30 s, each wait x U(0.75, 1.25) (seeded here); the fixed pollers ask after their first interval.
The detection delay is the time from "completed at HeyGen" to the request that sees it, for every
poller. A second table makes the estimate wrong (3-minute renders that take half or twice the
expected length) or absent (1- and 10-minute renders of unknown length). Each row's pollers are run
in alternating order over the renders; medians (and 90th percentiles) over the renders are printed.
The policy is the default ``PollPolicy()``, its 30-minute deadline raised to 2 hours here so that
every render is followed to its end.

Part 2 (real HTTP, compressed time): a few of the same renders against the sandbox, watched by the
real ``heygen.studio.watch.check`` loop with every duration scaled by --scale; the request counts are
printed next to the virtual clock's counts for the same renders (without the worker's tick).

For many renders at once (one bulk request for up to 100) see bench_status_requests.py.

    .venv/bin/python bench/bench_status_polling.py [--renders 201] [--jitter 0.2] [--seed 9] [--scale 0.0333]
        [--skip-http]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heygen import Client, VideoSpec
from heygen.studio import watch
from heygen.studio.jobs import Job, JobStore
from heygen.studio.launch import create_job, submit
from heygen.sandbox import Sandbox  # noqa: E402
from heygen.studio.worker import TICK_SECONDS  # noqa: E402

KEY = "bench-status-key-0123456789"
MINUTES = (1, 3, 10, 30)
WORKER_TICK = TICK_SECONDS  # the worker checks what is due this often
POLICY = dataclasses.replace(watch.PollPolicy(), deadline=2 * 3600.0)
# PollPolicy fields that are durations (scaled together in the compressed real-HTTP run).
TIME_FIELDS = ("first", "maximum", "deadline", "overhead_seconds", "default_expected", "agent_expected",
               "fixed_expected", "sparse_maximum", "dense", "shared_minimum", "floor", "reply_maximum",
               "reply_window")


# -- the schedules ---------------------------------------------------------------------------------


def fixed(every: float) -> Callable[[], Iterator[float]]:
    def waits() -> Iterator[float]:
        while True:
            yield every
    return waits


CLI_RANDOM = random.Random(2)  # the command-line client's jitter, seeded


def cli_schedule() -> Iterator[float]:
    """A request right after the create, then 2 s doubling to at most 30 s, each x U(0.75, 1.25)."""
    yield 0.0
    wait = 2.0
    while True:
        yield wait * CLI_RANDOM.uniform(0.75, 1.25)
        wait = min(30.0, wait * 2)


def baseline(waits: Callable[[], Iterator[float]], render: float) -> tuple[int, float]:
    """(requests, detection delay) of a poller with these waits for a render of ``render`` seconds."""
    t, requests = 0.0, 0
    for wait in waits():
        t += wait
        requests += 1
        if t >= render:
            return requests, t - render
    raise AssertionError("unreachable")


def studio(policy: watch.PollPolicy, job: Job, render: float, tick: float, phase: float) -> tuple[int, float]:
    """(requests, delay) of the studio's worker: ``interval`` after each check, on its ticks.

    ``phase`` is when the first tick happens after the launch (the first check).
    """
    expected = policy.expected_seconds(job)
    t, polls = phase, 0
    while True:
        if t > policy.deadline:
            return polls, math.inf
        polls += 1
        if t >= render:
            return polls, t - render
        due = t + policy.interval(polls, t, expected)
        t = phase + math.ceil((due - phase) / tick - 1e-9) * tick if tick else due


# -- the jobs whose inputs give the expected length ------------------------------------------------


def words_for(policy: watch.PollPolicy, seconds: float) -> int:
    """Words of a script whose expected render length is ``seconds``."""
    spoken = (seconds - policy.overhead_seconds) / policy.render_factor
    return max(1, round(spoken * policy.words_per_minute / 60))


def stored_job(store: JobStore, policy: watch.PollPolicy, minutes: float) -> Job:
    """The job the Studio would store for a render expected to take ``minutes``: a script when it fits
    HeyGen's limit, else an audio file of the right length."""
    seconds = minutes * 60
    words = words_for(policy, seconds)
    if words * 5 <= 5000:
        spec = VideoSpec(avatar_id="look", voice_id="voice", script=" ".join(["word"] * words), title=f"{minutes} min")
        return create_job(store, account="bench", spec=spec)
    spoken = (seconds - policy.overhead_seconds) / policy.render_factor
    spec = VideoSpec(avatar_id="look", audio_asset_id="asset", title=f"{minutes} min")
    return create_job(store, account="bench", spec=spec, extra={"audio_seconds": spoken})


def unknown_job(store: JobStore) -> Job:
    spec = VideoSpec(avatar_id="look", audio_url="https://example.invalid/voice.mp3", title="unknown length")
    return create_job(store, account="bench", spec=spec)


# -- part 1 ----------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_row(job: Job, renders: list[float], phases: list[float]) -> dict[str, tuple[list[int], list[float]]]:
    pollers = {
        "studio": lambda r, p: studio(POLICY, job, r, WORKER_TICK, p),
        "5 s": lambda r, p: baseline(fixed(5.0), r),
        "CLI 2-30 s": lambda r, p: baseline(cli_schedule, r),
        "1 s": lambda r, p: baseline(fixed(1.0), r),
    }
    out = {name: ([], []) for name in pollers}
    names = list(pollers)
    for i, (render, phase) in enumerate(zip(renders, phases)):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            requests, delay = pollers[name](render, phase)
            out[name][0].append(requests)
            out[name][1].append(delay)
    return out


def print_table(title: str, rows: list[tuple[str, dict]]) -> None:
    print(title)
    print(f"{'render':<32}{'poller':<12}{'requests med (p90)':>20}{'delay s med (p90)':>20}"
          f"{'req. vs studio':>16}")
    for label, out in rows:
        s_req = statistics.median(out["studio"][0])
        for name, (reqs, delays) in out.items():
            med_req, med_delay = statistics.median(reqs), statistics.median(delays)
            ratio = "" if name == "studio" else f"{med_req / s_req:.1f}x"
            print(f"{label:<32}{name:<12}{med_req:>11.0f} ({pct(reqs, 0.9):>4.0f}){med_delay:>12.1f} "
                  f"({pct(delays, 0.9):>5.1f}){ratio:>16}")
            label = ""
    print()


def simulation(args: argparse.Namespace, store: JobStore) -> dict[int, list[float]]:
    rng = random.Random(args.seed)
    jittered: dict[int, list[float]] = {}
    rows = []
    for minutes in MINUTES:
        renders = [minutes * 60 * math.exp(rng.gauss(0, args.jitter)) for _ in range(args.renders)]
        phases = [rng.uniform(0, WORKER_TICK) for _ in renders]
        jittered[minutes] = renders
        job = stored_job(store, POLICY, minutes)
        rows.append((f"{minutes} min (expected {POLICY.expected_seconds(job) / 60:.1f} min)", run_row(job, renders, phases)))
    print(f"Virtual clock: {args.renders} renders per row, length x exp(N(0, {args.jitter:g})), seed {args.seed}; "
          f"studio on the worker's {WORKER_TICK:g} s tick")
    print_table("Renders whose expected length (from the stored script or audio) is right on average", rows)

    three = jittered[3]
    phases = [rng.uniform(0, WORKER_TICK) for _ in three]
    job = stored_job(store, POLICY, 3)
    wrong = [
        ("3 min, takes 1/2 the estimate", run_row(job, [r / 2 for r in three], phases)),
        ("3 min, takes 2x the estimate", run_row(job, [r * 2 for r in three], phases)),
        ("1 min, length unknown", run_row(unknown_job(store), jittered[1], phases)),
        ("10 min, length unknown", run_row(unknown_job(store), jittered[10], phases)),
    ]
    print_table("Renders whose estimate is wrong or missing (the unknown length defaults to "
                f"{POLICY.default_expected / 60:g} min)", wrong)
    s = rows[1][1]["studio"]
    print(f"3-minute render, studio: median {statistics.median(s[0]):.0f} status requests (goal <= 15), "
          f"median detection delay {statistics.median(s[1]):.1f} s (goal <= 6 s)\n")
    return jittered


# -- part 2 ----------------------------------------------------------------------------------------


def scaled(policy: watch.PollPolicy, scale: float) -> watch.PollPolicy:
    changes = {name: getattr(policy, name) * scale for name in TIME_FIELDS  # those this version has, if set
               if isinstance(getattr(policy, name, None), (int, float))}
    return dataclasses.replace(policy, words_per_minute=policy.words_per_minute / scale, **changes)


def watch_loop(client: Client, store: JobStore, job: Job, policy: watch.PollPolicy, out: dict) -> None:
    failures = 0
    while True:
        result = watch.check(client, store, job, policy, consecutive_failures=failures)
        failures = failures + 1 if result.error else 0
        if result.stopped:
            out["outcome"] = result.outcome
            return
        job = result.job
        time.sleep(result.wait)


def real_http(args: argparse.Namespace, store: JobStore, jittered: dict[int, list[float]]) -> None:
    scale = args.scale
    policy = scaled(POLICY, scale)
    cases = [(minutes, render) for minutes in (1, 3, 10) for render in jittered[minutes][:3]]
    # Nine renders at once: no account limit here (it is not what this bench measures).
    with Sandbox(api_key=KEY, render_seconds=1, max_concurrent_renders=0) as sandbox, \
            Client(KEY, sandbox.base_url) as client:
        look = client.avatars.looks(ownership="public", limit=1)[0]
        voice = client.voices.list(limit=1)[0]
        runs = []
        for minutes, render in cases:
            words = words_for(POLICY, minutes * 60)
            spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=" ".join(["word"] * words),
                             title=f"{minutes} min")
            job = submit(client, store, create_job(store, account="bench-http", spec=spec))
            sandbox.set_video_outcome(job.video_id, "complete", render_seconds=render * scale)
            out: dict = {}
            thread = threading.Thread(target=watch_loop, args=(client, store, job, policy, out))
            runs.append((minutes, render, job, out, thread))
            thread.start()
        for *_, thread in runs:
            thread.join()
        log = sandbox.requests_log()
        videos = {v.id: v for v in sandbox.state.videos.values()}
    print(f"Real HTTP against the sandbox, time compressed x{1 / scale:.0f}, the real watch.check loop "
          "(no worker tick):")
    print(f"{'render':<10}{'length':>9}{'requests: HTTP':>16}{'virtual clock':>15}{'delay s: HTTP':>15}"
          f"{'virtual clock':>15}")
    for minutes, render, job, out, _ in runs:
        http = sum(1 for e in log if e["method"] == "GET" and e["path"] == f"/v3/videos/{job.video_id}")
        video = videos[job.video_id]
        done = [e.at for e in store.events(job.id) if e.status == "completed"]
        delay = (done[0] - (video.created_at + video.render_seconds)) / scale if done else math.nan
        sim_requests, sim_delay = studio(POLICY, job, render, 0.0, 0.0)
        print(f"{minutes:>3} min   {render:>7.0f} s{http:>16}{sim_requests:>15}{delay:>15.1f}{sim_delay:>15.1f}"
              f"   {out.get('outcome')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=201, help="jittered renders per row")
    parser.add_argument("--jitter", type=float, default=0.2, help="sigma of the log-normal jitter of render lengths")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--scale", type=float, default=1 / 30, help="time compression of the real-HTTP run")
    parser.add_argument("--skip-http", action="store_true", help="only the virtual clock")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        store = JobStore(data)
        jittered = simulation(args, store)
        if not args.skip_http:
            real_http(args, store, jittered)
        store.close()


if __name__ == "__main__":
    main()
