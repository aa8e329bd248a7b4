"""Status requests while 100 renders finish at staggered times: the studio's bulk watch against
per-video polling on the schedule of HeyGen's command-line client.

Part ``finish`` (the default): --renders renders (100) whose lengths are spread from 1 to 10
minutes (seeded, each x exp(N(0, 0.2)) off the length its script predicts), on the in-process
sandbox over real HTTP on 127.0.0.1, with time compressed by --scale (every duration and interval
on both sides multiplied by it; the figures are printed back in real seconds). Both sides watch
their own launch of the same renders, one after the other:

  studio  the worker's watch: every tick (1 s, ``worker.TICK_SECONDS``) one ``watch.check_many``
          over the renders still in flight, each due by its own ``PollPolicy`` (the default, which
          reads the expected length from the stored script). The renders in their dense window share
          the requests (n of them: every dense / n seconds, at most one request per
          ``PollPolicy.shared_minimum``, 2.5 s), every render in flight rides along in each
          ``GET /v3/videos/statuses``, and a render that has finished gets one detail GET
  peer    one poller per video, as the command-line client waits on a render: a GET right after
          the create, then waits of 2 s doubling to at most 30 s, each x U(0.75, 1.25) (its jitter)

Printed: HeyGen status requests in all (the sandbox's log) and per render, and the detection delay
(from the render finishing at the sandbox to the watcher seeing it) as median and 90th percentile.
Goal: fewer requests than the peer and a median delay <= 3 s. The peer's figures and the ratios
come last. ``--shared-minimum S`` runs the studio with another ``PollPolicy.shared_minimum`` (what
fewer or more requests would cost in delay). The machine's load shows in the delays: any lag, and
the watcher's own work per tick (printed), is real time and so counts x 1/scale; at --scale 1
nothing is magnified.

Part ``ticks``: requests per tick with 1, 10 and 100 renders in flight that do not finish, bulk
against one request per render (``--kind videos|translations|both``; ``--kind`` alone selects
this part), as before.

    .venv/bin/python bench/bench_status_requests.py [--part finish|ticks] [--renders 100] [--scale 0.1]
        [--seed 7] [--shared-minimum 2.5] [--rounds 7] [--latency-ms 10] [--ahead 600] [--kind both]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heygen import Client, VideoSpec  # noqa: E402
from heygen.sandbox import Sandbox  # noqa: E402
from heygen.studio import imports, kinds, translate, watch  # noqa: E402
from heygen.studio.jobs import Job, JobStore  # noqa: E402
from heygen.studio.launch import create_job, submit  # noqa: E402
from heygen.studio.worker import TICK_SECONDS  # noqa: E402

KEY = "bench-status-requests-0123456789"
IN_FLIGHT = (1, 10, 100)
POLICY = watch.PollPolicy()


def launch(client: Client, store: JobStore, n: int) -> list[str]:
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    ids = []
    for i in range(n):
        spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=f"Render number {i}.", title=f"R{i}")
        ids.append(submit(client, store, create_job(store, account="sandbox", spec=spec)).id)
    return ids


def launch_translations(client: Client, store: JobStore, n: int) -> list[str]:
    """``n`` translations of a video made elsewhere, sent (one job per language, languages reused across sources)."""
    languages = client.translations.languages()
    video = client.videos.get("v_elsewhere_01")
    imports.import_videos(store, "sandbox", [video])
    source = store.find_by_video_id("sandbox", video.id)
    ids = []
    while len(ids) < n:
        chosen = languages[:min(len(languages), n - len(ids))]
        for job in translate.create_jobs(store, account="sandbox", source=source, languages=chosen,
                                         options=translate.Options()):
            ids.append(translate.submit(client, store, job).id)
    return ids


def bulk_tick(client, store, job_ids, now) -> int:
    """One tick of check_many; how many renders it did not find still running."""
    results = watch.check_many(client, store, [store.get(i) for i in job_ids], POLICY, now=now, kind_of=kinds.of)
    return sum(r.outcome != watch.RUNNING for r in results)


def per_job_tick(client, store, job_ids, now) -> int:
    """One check per render; how many it did not find still running."""
    return sum(kinds.of(job).check(client, store, job, POLICY, now=now).outcome != watch.RUNNING
               for job in (store.get(i) for i in job_ids))


def measure(sandbox, tick, client, store, job_ids, ahead) -> tuple[int, float, int]:
    """(requests in the sandbox's log, seconds, renders not running) for one tick."""
    before = len(sandbox.requests_log())
    started = time.perf_counter()
    off = tick(client, store, job_ids, time.time() + ahead)
    elapsed = time.perf_counter() - started
    return len(sandbox.requests_log()) - before, elapsed, off


# -- part "finish" --------------------------------------------------------------------------------

# PollPolicy fields that are durations (multiplied by the scale together).
TIME_FIELDS = ("first", "maximum", "deadline", "overhead_seconds", "default_expected", "agent_expected",
               "fixed_expected", "sparse_maximum", "dense", "shared_minimum", "floor", "reply_maximum",
               "reply_window")
CLI_FIRST, CLI_MAX, CLI_JITTER = 2.0, 30.0, (0.75, 1.25)  # the command-line client's poll back-off


def scaled(policy: watch.PollPolicy, scale: float) -> watch.PollPolicy:
    changes = {name: getattr(policy, name) * scale for name in TIME_FIELDS  # those this version has, if set
               if isinstance(getattr(policy, name, None), (int, float))}
    return dataclasses.replace(policy, words_per_minute=policy.words_per_minute / scale, **changes)


def words_for(seconds: float) -> int:
    """Words of a script whose expected render length (by the default PollPolicy) is ``seconds``."""
    spoken = (seconds - POLICY.overhead_seconds) / POLICY.render_factor
    return max(1, round(spoken * POLICY.words_per_minute / 60))


def renders_for(args) -> list[tuple[float, float]]:
    """(expected, actual) render lengths in real seconds: expected spread from 1 to 10 minutes."""
    rng = random.Random(args.seed)
    out = []
    for i in range(args.renders):
        expected = 60 + 540 * i / max(1, args.renders - 1)
        out.append((expected, expected * math.exp(rng.gauss(0, 0.2))))
    rng.shuffle(out)
    return out


def launch_renders(sandbox, client, store, renders, scale) -> list[tuple[Job, float]]:
    """Send one render per (expected, actual); returns each job and when its render finishes (time.time())."""
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    sent = []
    for i, (expected, actual) in enumerate(renders):
        spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script=" ".join(["word"] * words_for(expected)),
                         title=f"R{i}")
        job = submit(client, store, create_job(store, account="sandbox", spec=spec))
        sandbox.set_video_outcome(job.video_id, "complete", render_seconds=actual * scale)
        video = sandbox.state.videos[job.video_id]
        sent.append((job, video.created_at + video.render_seconds))
    return sent


def studio_watch(sandbox, client, store, renders, scale, shared_minimum=None) -> tuple[int, list[float]]:
    """The worker's watch loop; (status requests, detection delays in real seconds). ``shared_minimum``
    replaces the policy's."""
    sandbox.reset()
    policy = scaled(dataclasses.replace(POLICY, shared_minimum=shared_minimum or POLICY.shared_minimum), scale)
    sent = launch_renders(sandbox, client, store, renders, scale)
    before = len(sandbox.requests_log())
    finish = {job.id: at for job, at in sent}
    open_ids = [job.id for job, _ in sent]
    delays = []
    work: list[float] = []  # seconds each tick took (real time: not compressed, so x 1/scale in the delays)
    tick = TICK_SECONDS * scale
    next_tick = time.time()
    while open_ids:
        started = time.perf_counter()
        jobs = [store.get(i) for i in open_ids]
        now = time.time()
        results = watch.check_many(client, store, jobs, policy, now=now, kind_of=kinds.of)
        seen = time.time()
        still = []
        for job, result in zip(jobs, results):
            if result.outcome == watch.COMPLETED:
                delays.append((seen - finish[job.id]) / scale)
            elif result.stopped:
                raise RuntimeError(f"render {job.video_id} stopped as {result.outcome}")
            else:
                still.append(job.id)
        open_ids = still
        work.append(time.perf_counter() - started)
        next_tick += tick
        time.sleep(max(0.0, next_tick - time.time()))
    TICK_WORK.append(max(work))
    TICK_WORK.append(statistics.median(work))
    return len(sandbox.requests_log()) - before, delays


TICK_WORK: list[float] = []  # the last studio run's longest and median tick, in real seconds


def cli_watch(sandbox, client, store, renders, scale, seed) -> tuple[int, list[float]]:
    """One poller per video on the command-line client's schedule; (status requests, delays in real seconds)."""
    sandbox.reset()
    sent = launch_renders(sandbox, client, store, renders, scale)
    before = len(sandbox.requests_log())
    delays: list[float] = []
    problems: list[BaseException] = []
    lock = threading.Lock()

    def poll(video_id: str, created: float, finish: float, rng: random.Random) -> None:
        try:
            with Client(KEY, sandbox.base_url) as own:
                wait, due = CLI_FIRST, created
                while True:
                    time.sleep(max(0.0, due - time.time()))
                    video = own.videos.get(video_id)
                    if video.status in ("completed", "failed"):
                        with lock:
                            delays.append((time.time() - finish) / scale)
                        return
                    due = time.time() + wait * rng.uniform(*CLI_JITTER) * scale
                    wait = min(CLI_MAX, wait * 2)
        except BaseException as exc:
            problems.append(exc)

    threads = [threading.Thread(target=poll, args=(job.video_id, sandbox.state.videos[job.video_id].created_at,
                                                   finish, random.Random(seed * 1000 + i)))
               for i, (job, finish) in enumerate(sent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if problems:
        raise RuntimeError(f"a poller failed: {problems[0]!r}")
    return len(sandbox.requests_log()) - before, delays


def finish_part(args) -> None:
    renders = renders_for(args)
    longest = max(actual for _, actual in renders)
    print(f"{args.renders} renders, expected 1-10 min, actual x exp(N(0, 0.2)) (longest {longest / 60:.1f} min); "
          f"time x{args.scale:g} on both sides, figures in real seconds; sandbox latency {args.latency_ms:g} ms; "
          f"load average {os.getloadavg()[0]:.1f}")
    figures = {}
    with Sandbox(api_key=KEY, render_seconds=3600, latency_ms=args.latency_ms, max_concurrent_renders=0) as sandbox, \
            tempfile.TemporaryDirectory() as folder, Client(KEY, sandbox.base_url) as client:
        store = JobStore(Path(folder))
        shared = args.shared_minimum or POLICY.shared_minimum
        watchers = {
            f"studio: check_many every tick ({shared:g} s)": lambda: studio_watch(sandbox, client, store, renders,
                                                                                 args.scale, shared),
            "peer: per video, 2 s doubling to 30 s": lambda: cli_watch(sandbox, client, store, renders, args.scale,
                                                                        args.seed),
        }
        for name, run_watch in watchers.items():
            figures[name] = run_watch()
        store.close()
    print(f"{'watcher':<40} {'requests':>9} {'per render':>11} {'delay median':>13} {'p90':>7} {'max':>7}")
    for name, (requests, delays) in figures.items():
        print(f"{name:<40} {requests:>9} {requests / args.renders:>11.1f} {statistics.median(delays):>12.1f}s "
              f"{pct(delays, 0.9):>6.1f}s {max(delays):>6.1f}s")
    print(f"the last studio run's ticks took {TICK_WORK[-1] * 1000:.0f} ms (median), {TICK_WORK[-2] * 1000:.0f} ms "
          f"(longest), real time: x{1 / args.scale:g} in the delays above, as the machine's own lag is")
    (ours_req, ours_delays), (peer_req, peer_delays) = list(figures.values())[:2]
    median = statistics.median(ours_delays)
    print(f"goals: fewer requests than the peer ({'met' if ours_req < peer_req else 'MISSED'}), median detection "
          f"delay <= 3 s ({median:.1f} s, {'met' if median <= 3 else 'MISSED'})")
    print(f"peer: {peer_req} requests, median delay {statistics.median(peer_delays):.1f} s; studio / peer: "
          f"{ours_req / peer_req:.2f}x requests, {median / statistics.median(peer_delays):.2f}x median delay")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("finish", "ticks"), default="finish")
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--scale", type=float, default=0.1, help="time compression of both sides")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shared-minimum", type=float, default=0.0,
                        help="the studio's PollPolicy.shared_minimum in seconds (default: the policy's)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--latency-ms", type=float, default=10.0, help="the sandbox's delay per API request")
    parser.add_argument("--ahead", type=float, default=600.0, help="seconds the tick's clock runs ahead")
    parser.add_argument("--kind", choices=("videos", "translations", "both"), default=None,
                        help="the ticks part for these renders (given alone, it selects that part)")
    args = parser.parse_args()
    if args.part == "finish" and args.kind is None:
        finish_part(args)
        return
    args.kind = args.kind or "both"
    print(f"rounds={args.rounds}  sandbox latency={args.latency_ms:g} ms per request  real HTTP on 127.0.0.1")
    for kind in ("videos", "translations") if args.kind == "both" else (args.kind,):
        run(kind, args)


def run(kind: str, args) -> None:
    """The table of one kind of render: requests and wall time per tick, bulk against one each, with the ratio."""
    one = "one per video (check)" if kind == "videos" else "one per translation"
    watchers = {"bulk (check_many)": bulk_tick, one: per_job_tick}
    start = launch if kind == "videos" else launch_translations
    print(f"\n{kind}")
    print(f"{'in flight':>9}  {'watcher':<22} {'requests/tick':>13} {'ms/tick':>9}")
    with Sandbox(api_key=KEY, render_seconds=24 * 3600, max_concurrent_renders=None, elsewhere_videos=1) as sandbox, \
            tempfile.TemporaryDirectory() as folder, Client(KEY, sandbox.base_url) as client:
        store = JobStore(Path(folder))
        for n in IN_FLIGHT:
            sandbox.reset()
            sandbox.configure(latency_ms=0)
            job_ids = start(client, store, n)
            sandbox.configure(latency_ms=args.latency_ms)
            seen: dict[str, list[tuple[int, float, int]]] = {name: [] for name in watchers}
            for r in range(args.rounds):
                order = list(watchers) if r % 2 == 0 else list(reversed(watchers))
                for name in order:
                    seen[name].append(measure(sandbox, watchers[name], client, store, job_ids, args.ahead))
            medians = {}
            for name, runs in seen.items():
                requests = statistics.median(c for c, _, _ in runs)
                ms = statistics.median(s for _, s, _ in runs) * 1000
                if any(off for _, _, off in runs):
                    print(f"note: {name} found renders no longer running; its counts cover fewer renders")
                medians[name] = (requests, ms)
                print(f"{n:>9}  {name:<22} {requests:>13g} {ms:>9.1f}")
            (bulk_req, bulk_ms), (one_req, one_ms) = medians.values()
            print(f"{'':>9}  ratio {'one-per-video' if kind == 'videos' else 'one-per-translation'} / bulk: "
                  f"{one_req / bulk_req:.0f}x requests, "
                  f"{one_ms / bulk_ms:.1f}x wall time")


if __name__ == "__main__":
    main()
