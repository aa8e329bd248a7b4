"""Status requests per tick with many renders in flight: watch.check_many (bulk) against watch.check
(one request per video, or per translation).

A sandbox over real HTTP, in this process, renders that never finish during the run; for 1, 10 and
100 renders in flight, each round runs one tick of each watcher over every render (all due by the
declared schedule: the tick's clock is set --ahead seconds past the last polls), in alternating order
over the rounds. The requests a tick made are counted in the sandbox's log; medians over the rounds
of requests and wall time per tick are printed with the ratio. Goal: one request per tick for up to
100 due renders. ``--kind translations`` does the same for video translations (bulk:
GET /v3/video-translations/statuses; one each: GET /v3/video-translations/{id}); ``--kind both``
runs videos, then translations.

    .venv/bin/python bench/bench_status_requests.py [--kind videos|translations|both] [--rounds 7]
        [--latency-ms 10] [--ahead 600]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heygen import Client, VideoSpec  # noqa: E402
from heygen.sandbox import Sandbox  # noqa: E402
from heygen.studio import imports, kinds, translate, watch  # noqa: E402
from heygen.studio.jobs import JobStore  # noqa: E402
from heygen.studio.launch import create_job, submit  # noqa: E402

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
    results = watch.check_many(client, store, [store.get(i) for i in job_ids], POLICY, now=now)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--latency-ms", type=float, default=10.0, help="the sandbox's delay per API request")
    parser.add_argument("--ahead", type=float, default=600.0, help="seconds the tick's clock runs ahead")
    parser.add_argument("--kind", choices=("videos", "translations", "both"), default="both")
    args = parser.parse_args()
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
