"""Requests to HeyGen per finished render in team mode: webhooks against bulk polling.

Both runs are the real team set-up: throwaway Redis and PostgreSQL, an app server (``streamlit run``) whose
public address is its loopback port, and one ``python -m heygen.worker`` process, against a sandbox over real
HTTP. N renders (default 50) are sent through the studio's launch path and finish at staggered times
(--first to --first + --spread seconds after their create).

- webhooks: the app server registers its endpoint; the sandbox POSTs each finished render's signed event; the
  worker only keeps its safety net (bulk statuses every HEYGEN_WEBHOOK_POLL_SECONDS, default 300 s).
- polling (the peer): the same studio with HEYGEN_STUDIO_WEBHOOKS=off, watching at its normal schedule
  (HEYGEN_POLL_SECONDS 5 to HEYGEN_MAX_POLL_SECONDS 30 around each render's expected length; bulk statuses
  for up to 100 renders, then one detail GET for each that finished).

Every /v3 request the sandbox logs from the first create to the last render detected is counted (creates,
detail GETs, bulk statuses, and webhook registration and feed reads). Detection: when the job store first
shows the render finished (watched every 50 ms), after the sandbox sent its event (webhooks) or after the
render finished (polling: when HeyGen would have sent the event). Goal: at most 1.1 requests per render
beyond its create (the detail GET) and detection within 2 s.

    .venv/bin/python bench/bench_webhooks.py [--renders 50] [--first 10] [--spread 40]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis as redis_client

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heygen import Client, VideoSpec  # noqa: E402
from heygen.sandbox import Sandbox  # noqa: E402
from heygen.sandbox import webhooks as sandbox_hooks  # noqa: E402
from heygen.studio import webhooks as hooks  # noqa: E402
from heygen.studio.config import account_fingerprint  # noqa: E402
from heygen.studio.jobs import JobStore  # noqa: E402
from heygen.studio.launch import create_job, submit  # noqa: E402
from tests.servers import PostgresServer, RedisServer  # noqa: E402
from tests.webhooks.studio_server import REPO, StudioServer  # noqa: E402

KEY = "bench-webhooks-0123456789abcdef"
FINISHED = ("completed", "failed")


def run(mode: str, redis: RedisServer, postgres: PostgresServer, args) -> dict:
    """One team-mode run; its request counts and detection delays."""
    with redis_client.Redis.from_url(redis.url) as queue:
        queue.flushdb()
    database = postgres.create_database()
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-webhooks-{mode}-"))
    sandbox = Sandbox(api_key=KEY, render_seconds=args.first, max_concurrent_renders=0).start()
    client = Client(KEY, sandbox.base_url)
    env = {"HEYGEN_API_KEY": KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
           "HEYGEN_STUDIO_QUEUE_URL": redis.url, "HEYGEN_STUDIO_DATABASE_URL": postgres.url(database),
           "HEYGEN_STUDIO_DATA_DIR": str(workdir / "data"), "HEYGEN_STUDIO_MEDIA_DIR": str(workdir / "media"),
           "HEYGEN_STUDIO_WEBHOOKS": "on" if mode == "webhooks" else "off"}
    server = StudioServer(workdir, env).start()
    worker = subprocess.Popen([sys.executable, "-m", "heygen.worker", "--threads", "4"], cwd=REPO,
                              env=server.env, stdin=subprocess.DEVNULL, stdout=open(workdir / "worker.log", "wb"),
                              stderr=subprocess.STDOUT)
    store = JobStore(postgres.url(database))
    account = account_fingerprint(KEY, client.base_url)
    try:
        if mode == "webhooks":
            deadline = time.monotonic() + 60
            while hooks.WebhookStore(store.db).get(account) is None:
                if time.monotonic() > deadline:
                    raise RuntimeError("the app server never registered its webhook endpoint")
                time.sleep(0.1)
        look = client.avatars.looks(ownership="public", limit=1)[0]
        sandbox.state.clear_log()
        jobs = []
        for i in range(args.renders):
            spec = VideoSpec(avatar_id=look.id, voice_id=look.default_voice_id, script=f"Hello number {i}.",
                             title=f"Bench hook {i}")
            job = submit(client, store, create_job(store, account=account, spec=spec))
            sandbox.state.set_video_fate(job.video_id, render_seconds=args.first + args.spread * i / args.renders)
            jobs.append(job)
        detected = watch_until_finished(store, [j.id for j in jobs], timeout=args.first + args.spread + 400)
        log = [e for e in sandbox.requests_log() if e["path"].startswith("/v3/")]
        videos = {v.id: v for v in sandbox.state.list_videos()}
        sent = {e.entity_id: e.sent_at for e in sandbox_hooks.events(sandbox.state)}
        delays = []
        for job in jobs:
            video = videos[job.video_id]
            origin = sent.get(job.video_id) if mode == "webhooks" else video.created_at + video.render_seconds
            delays.append(detected[job.id] - (origin or video.created_at + video.render_seconds))
        return {"log": log, "delays": delays, "n": len(jobs)}
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.stop()
        store.close()
        client.close()
        sandbox.stop()
        postgres.drop_database(database)


def watch_until_finished(store: JobStore, job_ids: list[str], timeout: float) -> dict[str, float]:
    """When each job was first seen finished in the store (looked at every 50 ms)."""
    seen: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    stop = threading.Event()
    while len(seen) < len(job_ids):
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(seen)} of {len(job_ids)} renders were detected in time")
        now = time.time()
        for job_id in job_ids:
            if job_id not in seen and store.get(job_id).status in FINISHED:
                seen[job_id] = now
        stop.wait(0.05)
    return seen


def summary(result: dict) -> dict:
    log, n = result["log"], result["n"]
    creates = sum(1 for e in log if e["method"] == "POST" and e["path"] == "/v3/videos")
    bulk = sum(1 for e in log if e["path"] == "/v3/videos/statuses")
    detail = sum(1 for e in log if e["method"] == "GET" and e["path"].startswith("/v3/videos/")
                 and e["path"] != "/v3/videos/statuses")
    other = len(log) - creates - bulk - detail
    delays = sorted(result["delays"])
    return {"all": len(log) / n, "beyond": (len(log) - creates) / n, "creates": creates, "detail": detail,
            "bulk": bulk, "other": other, "median": statistics.median(delays), "max": delays[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--first", type=float, default=10.0, help="seconds the first render takes")
    parser.add_argument("--spread", type=float, default=40.0, help="the last finishes this much later")
    args = parser.parse_args()
    redis, postgres = RedisServer().start(), PostgresServer().start()
    try:
        results = {mode: summary(run(mode, redis, postgres, args)) for mode in ("webhooks", "polling")}
    finally:
        redis.stop()
        postgres.stop()
    print(f"{args.renders} renders in team mode, finishing {args.first:.0f}-{args.first + args.spread:.0f} s "
          f"after their create")
    print(f"{'':10} {'requests/render':>16} {'beyond create':>14} {'creates':>8} {'detail':>7} {'bulk':>5} "
          f"{'other':>6} {'detection median':>17} {'max':>7}")
    for mode, r in results.items():
        print(f"{mode:10} {r['all']:16.2f} {r['beyond']:14.2f} {r['creates']:8d} {r['detail']:7d} {r['bulk']:5d} "
              f"{r['other']:6d} {r['median']:16.2f}s {r['max']:6.2f}s")
    print("(detection: after the sandbox sent the event with webhooks; after the render finished with polling)")
    print(f"ratio, requests per render beyond the create, polling / webhooks: "
          f"{results['polling']['beyond'] / results['webhooks']['beyond']:.2f}")


if __name__ == "__main__":
    main()
