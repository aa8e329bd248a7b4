"""Benchmark: a batch driven by the background worker process (``python -m heygen.worker``) against the
sandbox's per-account render limit, unkilled and killed twice mid-run.

Every run starts from a fresh data folder (SQLite job store and Huey queue) and a reset sandbox
(``Sandbox`` in this process on 127.0.0.1, --limit renders at once with a 429 beyond, --render-seconds
per render, --latency-ms per request). The batch goes the public way: ``BatchStore.create`` with the
rows' ``check_rows``, ``start_sample(row 1)``, wait until the sample row is completed,
``approve_sample``, ``start``; then wait until the batch is "finished". Concurrency = --limit.

Contenders, in the same process:

1. worker: ``python -m heygen.worker --threads N`` started before the batch is created, with
   HEYGEN_POLL_SECONDS / HEYGEN_MAX_POLL_SECONDS from --poll-seconds / --max-poll-seconds and its own
   data and media folders; this process only writes the user's actions and reads the store.
   Baseline: the same batch driven by a plain ``BatchRunner.step`` loop in this process (step, sleep
   as the report says, at most --tick-cap), with the same poll policy and sandbox settings.
   --rounds rounds, worker and baseline in alternating order; medians.
2. killed: the worker run again, but the worker process gets SIGKILL once the sandbox has accepted
   creates for 1/3 and then 2/3 of the rows, and is started again at once each time (same data
   folder and queue). Run --kill-runs times after the rounds above; compared with the worker's median.

Printed per contender (figures from the sandbox's request log since the run's reset):
- wall time from ``start()`` to "finished" against the ideal rows / limit x render time, and the
  ratio (goal: within 10 %, i.e. <= 1.10x); the sample phase separately;
- HeyGen requests per row (goal <= 1.2): every logged API request, split into creates (POST
  /v3/videos; of which 429s), bulk status polls (GET /v3/videos/statuses), detail GETs (GET
  /v3/videos/{id}) and anything else;
- duplicates: accepted creates (200) per idempotency key beyond one, and distinct videos made
  beyond the rows (both must be 0);
- killed only: lost rows (rows not "completed" when the batch finished, or when --timeout ran out;
  must be 0) and renders adopted by reconciliation (jobs whose inputs carry "reconcile", and of
  those, "adopted").
Nothing is asserted. A run that does not finish within --timeout is reported with its row counts
and the tail of the worker's log. The worker logs are kept in --log-dir (a fresh folder under the
system temp folder by default; its path is printed).

Reproduce (the defaults take about 6 minutes on two cores; --rows 500 --rounds 1 about 9):

    .venv/bin/python bench/bench_worker.py [--rows 150] [--limit 10] [--render-seconds 1.0]
        [--latency-ms 2] [--poll-seconds 0.5] [--max-poll-seconds 1] [--threads 4] [--rounds 2]
        [--kill-runs 1] [--tick-cap 0.05] [--timeout 600] [--log-dir DIR] [--skip-kill]
    .venv/bin/python bench/bench_worker.py --rows 500 --rounds 1
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heygen import Client  # noqa: E402
from heygen.sandbox import Sandbox  # noqa: E402
from heygen.studio.batch import BatchRunner, BatchStore, BatchTemplate, check_rows, read_csv  # noqa: E402
from heygen.studio.config import Settings, account_fingerprint  # noqa: E402
from heygen.studio.kinds import poll_policy  # noqa: E402
from heygen.studio.datadir import private_dir  # noqa: E402
from heygen.studio.jobs import JobStore  # noqa: E402

API_KEY = "bench-worker-key-0123456789abcdef"
SCRIPT = "Hi {{first_name}}! Here is what {{company}} can do for {{city}}."
# Variables of the caller's environment that would point the worker elsewhere.
FOREIGN_ENV = ("HEYGEN_STUDIO_QUEUE_URL", "HEYGEN_STUDIO_DATABASE_URL", "HEYGEN_STUDIO_MEDIA_DIR",
               "HEYGEN_DEADLINE_MINUTES")


def make_csv(rows: int, looks: list[str]) -> str:
    lines = ["first_name,company,city,avatar_id"]
    for i in range(1, rows + 1):
        lines.append(f'Person {i},"Company {i}, Ltd",City {i % 37},{looks[i % len(looks)]}')
    return "\n".join(lines) + "\n"


def creates(log: list[dict]) -> list[dict]:
    return [e for e in log if e["method"] == "POST" and e["path"] == "/v3/videos"]


def keys_accepted(log: list[dict]) -> Counter:
    """Accepted creates (200) per idempotency key."""
    return Counter(e["idempotency_key"] for e in creates(log) if e["status"] == 200)


def heygen_requests(sandbox: Sandbox) -> dict[str, int]:
    """Counts from the sandbox's request log since the last reset."""
    log = sandbox.requests_log()
    posts = creates(log)
    made = {((e.get("response_json") or {}).get("data") or {}).get("video_id") for e in posts if e["status"] == 200}
    bulk = sum(1 for e in log if e["method"] == "GET" and e["path"].startswith("/v3/videos/statuses"))
    detail = sum(1 for e in log if e["method"] == "GET" and e["path"].startswith("/v3/videos/")
                 and not e["path"].startswith("/v3/videos/statuses"))
    per_key = keys_accepted(log)
    return {
        "all": len(log),
        "creates": len(posts),
        "refused": sum(1 for e in posts if e["status"] == 429),
        "bulk": bulk,
        "detail": detail,
        "other": len(log) - len(posts) - bulk - detail,
        "dup_creates": sum(n - 1 for n in per_key.values() if n > 1),
        "videos": len(made - {None}),
    }


class Setup:
    """The sandbox, the batch's rows and template, and where each run keeps its files."""

    def __init__(self, args, sandbox: Sandbox, client: Client, log_dir: Path) -> None:
        self.args, self.sandbox, self.client, self.log_dir = args, sandbox, client, log_dir
        self.account = account_fingerprint(API_KEY, client.base_url)
        looks = [look.id for look in client.avatars.looks(limit=50) if look.ready and not look.is_photo][:5]
        voice = client.voices.list(limit=1)[0].voice_id
        self.df = read_csv(make_csv(args.rows, looks).encode())
        self.template = BatchTemplate(script=SCRIPT, title="{{first_name}} at {{company}}",
                                      avatar_id=looks[0], voice_id=voice)
        self.checks = check_rows(self.df, self.template, known_avatars={i: True for i in looks},
                                 known_voices={voice})
        self.policy = poll_policy(Settings(poll_seconds=args.poll_seconds, max_poll_seconds=args.max_poll_seconds))
        self.runs = 0

    def new_batch(self, store: BatchStore):
        """The batch as the page makes it, with its sample (row 1) started."""
        batch = store.create(self.account, self.df, self.template, checks=self.checks,
                             concurrency=self.args.limit, name="bench")
        store.start_sample(batch.id, 1)
        return batch


# -- the worker process ---------------------------------------------------------------------------


class WorkerProcess:
    """``python -m heygen.worker`` on one data folder; started, killed and restarted by the bench."""

    def __init__(self, setup: Setup, data_dir: Path, log_path: Path) -> None:
        self.setup, self.data_dir, self.log_path = setup, data_dir, log_path
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
        env.update(HEYGEN_API_KEY=API_KEY, HEYGEN_API_BASE_URL=self.setup.sandbox.base_url,
                   HEYGEN_STUDIO_DATA_DIR=str(self.data_dir), HEYGEN_STUDIO_MEDIA_DIR=str(self.data_dir / "media"),
                   HEYGEN_POLL_SECONDS=str(self.setup.args.poll_seconds),
                   HEYGEN_MAX_POLL_SECONDS=str(self.setup.args.max_poll_seconds))
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== bench: worker start {self.starts + 1} at {time.time():.3f}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "heygen.worker", "--threads", str(self.setup.args.threads)], cwd=REPO,
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.starts += 1

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== bench: SIGKILL at {time.time():.3f}\n".encode())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as exc:
            return f"(no log: {exc})"


def wait_until(check, timeout: float, every: float = 0.1, worker: WorkerProcess | None = None) -> bool:
    """True once ``check()`` is; False when ``timeout`` runs out or the worker process has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        if worker is not None and worker.proc is not None and worker.proc.poll() is not None:
            return check()
        time.sleep(every)
    return check()


def sample_done(store: BatchStore, batch_id: str) -> bool:
    counts = store.counts(batch_id)
    return counts["completed"] + counts["failed"] >= 1


def run_worker(setup: Setup, kill_at: tuple[float, ...] = ()) -> dict:
    """One batch driven by the worker process; with ``kill_at`` (fractions of the rows accepted by the
    sandbox) the process is SIGKILLed and restarted at each."""
    args, sandbox = setup.args, setup.sandbox
    setup.runs += 1
    name = f"run{setup.runs:02d}-{'killed' if kill_at else 'worker'}"
    result: dict = {"name": name, "kills": 0, "timed_out": False, "log": str(setup.log_dir / f"{name}.log")}
    with tempfile.TemporaryDirectory(prefix="bench-worker-") as tmp:
        data_dir = Path(tmp) / "studio"
        sandbox.reset()
        store = BatchStore(JobStore(private_dir(data_dir)))  # the worker's own way: jobs.sqlite3 in the folder
        worker = WorkerProcess(setup, data_dir, setup.log_dir / f"{name}.log")
        try:
            worker.start()
            began = time.perf_counter()
            batch = setup.new_batch(store)
            if not wait_until(lambda: sample_done(store, batch.id), args.timeout, worker=worker):
                return _timed_out(result, store, batch.id, worker, "the sample")
            store.approve_sample(batch.id)
            started = time.perf_counter()
            store.start(batch.id)
            deadline = time.monotonic() + args.timeout
            for fraction in kill_at:
                target = max(1, int(round(args.rows * fraction)))
                if not wait_until(lambda: len(keys_accepted(sandbox.requests_log())) >= target,
                                  deadline - time.monotonic(), every=0.1, worker=worker):
                    return _timed_out(result, store, batch.id, worker, f"{target} rows sent")
                worker.kill()
                result["kills"] += 1
                result.setdefault("killed_at", []).append(len(keys_accepted(sandbox.requests_log())))
                worker.start()
            if not wait_until(lambda: store.require(batch.id).state == "finished", deadline - time.monotonic(),
                              worker=worker):
                return _timed_out(result, store, batch.id, worker, "finished")
            ended = time.perf_counter()
            result.update(wall=ended - started, sample=started - began)
            result.update(_outcome(store, batch.id, setup.account))
            result.update(heygen_requests(sandbox))
            return result
        finally:
            worker.stop()
            store.jobs.close()


def _outcome(store: BatchStore, batch_id: str, account: str) -> dict:
    rows = store.rows(batch_id)
    jobs = store.jobs.list(account, batch_id=batch_id)
    reconciled = [j for j in jobs if "reconcile" in (j.inputs or {})]
    adopted = [j for j in reconciled if "adopted" in ((j.inputs or {}).get("reconcile") or {})]
    return {"lost": sum(1 for r in rows if r.status != "completed"), "statuses": dict(Counter(r.status for r in rows)),
            "reconciled": len(reconciled), "adopted": len(adopted)}


def _timed_out(result: dict, store: BatchStore, batch_id: str, worker: WorkerProcess, waiting_for: str) -> dict:
    exited = worker.proc.poll() if worker.proc is not None else None
    result.update(timed_out=True, waiting_for=waiting_for, state=store.require(batch_id).state,
                  tail=worker.tail(), exited=exited)
    result.update(_outcome(store, batch_id, worker.setup.account))
    result.update(heygen_requests(worker.setup.sandbox))
    return result


# -- the baseline: BatchRunner.step in this process ------------------------------------------------


def run_loop(setup: Setup) -> dict:
    """The same batch stepped in this process: one step, then sleep as its report says (capped)."""
    args, sandbox, client = setup.args, setup.sandbox, setup.client
    setup.runs += 1
    result: dict = {"name": f"run{setup.runs:02d}-loop", "kills": 0, "timed_out": False}
    with tempfile.TemporaryDirectory(prefix="bench-worker-") as tmp:
        sandbox.reset()
        store = BatchStore(JobStore(private_dir(Path(tmp) / "studio")))
        runner = BatchRunner(store, policy=setup.policy)
        try:
            began = time.perf_counter()
            batch = setup.new_batch(store)
            deadline = time.monotonic() + args.timeout

            def drive(done) -> bool:
                while time.monotonic() < deadline:
                    report = runner.step(client, batch.id)
                    if done(report):
                        return True
                    wait = report.wait()
                    time.sleep(min(wait if wait is not None else args.tick_cap, args.tick_cap))
                return False

            if not drive(lambda r: r.counts["completed"] + r.counts["failed"] >= 1):
                result.update(timed_out=True, waiting_for="the sample")
                return result
            store.approve_sample(batch.id)
            started = time.perf_counter()
            store.start(batch.id)
            if not drive(lambda r: r.finished):
                result.update(timed_out=True, waiting_for="finished", **_outcome(store, batch.id, setup.account))
                return result
            ended = time.perf_counter()
            result.update(wall=ended - started, sample=started - began)
            result.update(_outcome(store, batch.id, setup.account))
            result.update(heygen_requests(sandbox))
            return result
        finally:
            store.jobs.close()


# -- printing -------------------------------------------------------------------------------------


def progress(r: dict) -> None:
    """One line per run on stderr while the bench goes on."""
    wall = "did not finish" if r["timed_out"] else f"{r['wall']:.2f} s"
    print(f"  {r['name']}: {wall}", file=sys.stderr, flush=True)


def _line(label: str, runs: list[dict], rows: int, ideal: float) -> None:
    done = [r for r in runs if not r["timed_out"]]
    for r in runs:
        if r["timed_out"]:
            print(f"{label:<34} {r['name']}: DID NOT FINISH within --timeout (waiting for {r['waiting_for']}; "
                  f"worker exit code {r.get('exited')}); batch state {r.get('state')}, rows {r.get('statuses')}, "
                  f"log {r.get('log', '-')}")
            if r.get("tail"):
                print("    " + r["tail"].replace("\n", "\n    "))
    if not done:
        return
    med = {k: statistics.median(r[k] for r in done) for k in
           ("wall", "sample", "all", "creates", "refused", "bulk", "detail", "other")}
    print(f"{label:<34} wall {med['wall']:7.2f} s ({med['wall'] / ideal:4.2f}x ideal)   "
          f"sample {med['sample']:5.2f} s   runs {len(done)}: " + ", ".join(f"{r['wall']:.2f}" for r in done))
    print(f"{'':<34} requests/row {med['all'] / rows:4.2f}: creates {med['creates'] / rows:.2f} "
          f"(429 {med['refused'] / rows:.2f}), bulk status {med['bulk'] / rows:.2f}, detail GET "
          f"{med['detail'] / rows:.2f}, other {med['other'] / rows:.2f}")
    print(f"{'':<34} duplicates: accepted creates beyond one per key {max(r['dup_creates'] for r in done)}, "
          f"videos beyond rows {max(r['videos'] - rows for r in done)};   rows not completed "
          f"{max(r['lost'] for r in done)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150)
    parser.add_argument("--limit", type=int, default=10, help="the sandbox account's renders at once (429 beyond)")
    parser.add_argument("--render-seconds", type=float, default=1.0)
    parser.add_argument("--latency-ms", type=float, default=2.0)
    parser.add_argument("--poll-seconds", type=float, default=0.5, help="HEYGEN_POLL_SECONDS (0.5 is the lowest)")
    parser.add_argument("--max-poll-seconds", type=float, default=1.0, help="HEYGEN_MAX_POLL_SECONDS (1 is the lowest)")
    parser.add_argument("--threads", type=int, default=4, help="the worker process's --threads")
    parser.add_argument("--rounds", type=int, default=2, help="worker vs loop rounds, alternating order")
    parser.add_argument("--kill-runs", type=int, default=1, help="runs with two SIGKILLs, after the rounds")
    parser.add_argument("--skip-kill", action="store_true")
    parser.add_argument("--tick-cap", type=float, default=0.05, help="longest sleep between the loop's steps")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a run may take before it is reported")
    parser.add_argument("--log-dir", type=Path, default=None)
    args = parser.parse_args()
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="bench-worker-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)

    results: dict[str, list[dict]] = {"worker": [], "loop": [], "killed": []}
    with Sandbox(api_key=API_KEY, render_seconds=args.render_seconds, latency_ms=args.latency_ms,
                 max_concurrent_renders=args.limit) as sandbox, \
            Client(API_KEY, sandbox.base_url, max_retries=0) as client:
        setup = Setup(args, sandbox, client, log_dir)
        contenders = {"worker": lambda: run_worker(setup), "loop": lambda: run_loop(setup)}
        names = list(contenders)
        for round_ in range(args.rounds):
            for name in names if round_ % 2 == 0 else names[::-1]:
                results[name].append(contenders[name]())
                progress(results[name][-1])
        if not args.skip_kill:
            for _ in range(args.kill_runs):
                results["killed"].append(run_worker(setup, kill_at=(1 / 3, 2 / 3)))
                progress(results["killed"][-1])

    rows, ideal = args.rows, args.rows / args.limit * args.render_seconds
    print(f"rows={rows}  account limit={args.limit} renders at once (429 beyond)  render={args.render_seconds:g} s  "
          f"latency={args.latency_ms:g} ms  poll {args.poll_seconds:g}-{args.max_poll_seconds:g} s  "
          f"worker threads={args.threads}  rounds={args.rounds} (medians)")
    print(f"ideal wall time from start() to finished: rows / limit x render = {ideal:.2f} s")
    print(f"worker logs: {log_dir}")
    _line("worker process (python -m heygen.worker)", results["worker"], rows, ideal)
    _line("baseline: BatchRunner.step loop", results["loop"], rows, ideal)
    walls = {k: [r["wall"] for r in v if not r["timed_out"]] for k, v in results.items()}
    if walls["worker"] and walls["loop"]:
        ratio = statistics.median(walls["worker"]) / statistics.median(walls["loop"])
        print(f"wall-time ratio worker/loop: {ratio:.2f}x")
    if results["killed"]:
        _line("worker, SIGKILL x2 + restart", results["killed"], rows, ideal)
        for r in results["killed"]:
            print(f"{'':<34} {r['name']}: killed {r['kills']}x after {r.get('killed_at')} rows accepted; "
                  f"jobs reconciled {r.get('reconciled')}, adopted {r.get('adopted')}; rows {r.get('statuses')}")
        if walls["killed"] and walls["worker"]:
            print(f"wall-time ratio killed/unkilled worker: "
                  f"{statistics.median(walls['killed']) / statistics.median(walls['worker']):.2f}x "
                  f"(+{statistics.median(walls['killed']) - statistics.median(walls['worker']):.1f} s)")


if __name__ == "__main__":
    main()
