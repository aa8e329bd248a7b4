"""Studio page speed in a real browser: time to a usable avatar gallery, cold, from disk and from
memory, next to a sequential fetch measured in the same run.

What is measured: Debian's chromium (through Playwright) opens the Studio page of a ``streamlit run``
server, as a new browser session; the time runs from the page's first message to the server (its
request for a run, once Streamlit's own scripts have loaded) until the gallery is usable: a card shows
its avatar (picture frame and name) and an enabled "Select" button. A click from then on is taken at
once (the run only draws the rest of the page; it waits for nothing else). Also printed: when the
first Select button was there (its card drawn or not), when that run ended, how many runs it took and
the HeyGen requests made until then. The sandbox runs in this process and adds ``--latency-ms`` to
every request. Five ways to start, each round in a different order, medians over ``--rounds``:

  sequential  the peer: a server whose catalogue fetch lists the lists one after the other, unsplit,
              and shows the page once they are complete; nothing in memory or on disk
  cold        nothing in memory or on disk (the server's caches cleared, its copy on disk removed);
              the server itself is warm (it has served a page before)
  disk        nothing in memory, the catalogue kept in the data folder (its background refresh is
              waited for before the next measurement)
  memory      another browser session on the same server (the catalogue in memory)
  restart     a server just started, on an empty data folder: its first visitor also waits for the
              process's one-time start-up (imports), which no cache can save

After the figures, the data part alone: ``catalogue.fetch`` in this process until a first screen of
looks and some voices are known (what the page waits for from HeyGen). Printed last: the floor (one
round trip plus drawing, the memory start standing for drawing), the goal (cold <= 0.4 s on a quiet
machine, load average under 1 before the bench starts, else <= 1.0 s) and the sequential peer with the
ratio. The browser loads the code of each kind of widget the first time a page shows one, and shows
the widgets drawn meanwhile only once it has it: a page drawn all at once (memory, disk) waits for
that, while on a cold start the top of the page is drawn while the lists arrive, so the gallery's
code is there first.

    .venv/bin/python bench/bench_studio_page.py [--latency-ms 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from heygen import Client  # noqa: E402
from heygen.sandbox import Sandbox  # noqa: E402
from heygen.studio import access  # noqa: E402
from heygen.studio import catalogue as hc  # noqa: E402
from ui.catalogue import FIRST_SCREEN  # noqa: E402
from tests.support import clear_server_caches  # noqa: E402
from tests.webhooks.studio_server import free_port, healthy  # noqa: E402

API_KEY = "sk-bench-studio-0a1b2c3d4e5f"
OWNER_SECRET = "bench-owner-secret-0123456789abcdef"
KINDS = ("sequential", "cold", "disk", "memory", "restart")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_S = 120
# The peer's server: the same app, its catalogue fetched by the sequential listing.
SEQUENTIAL_SERVER = ("import sys; import heygen.studio.catalogue as c; c.fetch = c.fetch_sequential; "
                     "from streamlit.web.cli import main; sys.argv = ['streamlit', 'run'] + sys.argv[1:]; main()")
# Times, on the page's own clock: its first message to the server, the first enabled Select button,
# and every change of the script's state (running / notRunning).
WATCH_PAGE = """
window.__bench = {sent: null, usable: null, button: null, states: []};
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (...args) {
  if (window.__bench.sent === null) window.__bench.sent = performance.now();
  return send.apply(this, args);
};
new MutationObserver(() => {
  const b = window.__bench, app = document.querySelector('[data-testid=stApp]');
  if (app) {
    const state = app.getAttribute('data-test-script-state');
    if (!b.states.length || b.states[b.states.length - 1][0] !== state) b.states.push([state, performance.now()]);
  }
  if (b.button === null && document.querySelector('[class*="st-key-studio_av_pick_"] button:not([disabled])')) {
    b.button = performance.now();
  }
  if (b.usable === null) {
    for (const card of document.querySelectorAll('[class*="st-key-studio_av_card_"]')) {
      if (card.querySelector('.hg-name') && card.querySelector('button:not([disabled])')) {
        b.usable = performance.now();
        break;
      }
    }
  }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""
RUN_ENDED = """() => { const b = window.__bench; return b.usable !== null && b.states.length
  && b.states[b.states.length - 1][0] === 'notRunning' && b.states.some(([s]) => s === 'running'); }"""


@dataclass
class Visit:
    usable: float  # seconds from the page's first message to a usable gallery
    button: float  # seconds from the page's first message to the first enabled Select button, drawn or not its card
    run: float  # seconds from the page's first message until its run had ended
    runs: int  # runs started until the gallery was usable
    requests: int  # HeyGen requests made until the run had ended


class Server:
    """One ``streamlit run`` of the app against the sandbox, with its own data folder."""

    def __init__(self, sandbox: Sandbox, *, sequential: bool = False) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="bench-studio-"))
        self.port = free_port()
        env = {**os.environ, "HEYGEN_API_KEY": API_KEY, "HEYGEN_API_BASE_URL": sandbox.base_url,
               "HEYGEN_STUDIO_DATA_DIR": str(self.data_dir), "HEYGEN_STUDIO_OWNER_SECRET": OWNER_SECRET,
               "HEYGEN_STUDIO_WORKER": "on", "PYTHONUNBUFFERED": "1"}
        env.pop("HEYGEN_SANDBOX_RENDER_SECONDS", None)
        start = [sys.executable, "-c", SEQUENTIAL_SERVER] if sequential else [sys.executable, "-m", "streamlit", "run"]
        self.log = open(self.data_dir.with_suffix(".log"), "wb")
        self.proc = subprocess.Popen(
            [*start, "streamlit_app.py", "--server.headless", "true", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + TIMEOUT_S
        while not healthy(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; see {self.log.name}")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def kept(self) -> list[Path]:
        return sorted((self.data_dir / "catalogues").glob("catalogue-*.json"))

    def wait_kept(self, newer_than: float = 0.0) -> None:
        """Wait until the server has kept a catalogue on disk (written after ``newer_than``): its
        background fetch has ended."""
        deadline = time.monotonic() + TIMEOUT_S
        while not any(p.stat().st_mtime > newer_than for p in self.kept()):
            if time.monotonic() > deadline:
                raise SystemExit("the server's catalogue fetch never ended")
            time.sleep(0.05)

    def forget(self, *, disk: bool) -> None:
        """Clear the server's caches (a restarted server's memory), and its copy on disk with ``disk``."""
        if disk:
            for path in self.kept():
                path.unlink()
        clear_server_caches(self.port, OWNER_SECRET, timeout=TIMEOUT_S)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        Path(self.log.name).unlink(missing_ok=True)


def visit(browser, server: Server, sandbox: Sandbox) -> Visit:
    """Open the Studio page as a new browser session and time it."""
    before = len(sandbox.requests_log())
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    try:
        context.add_cookies([{"name": access.OWNER_COOKIE, "value": access.owner_cookie(OWNER_SECRET),
                              "domain": "127.0.0.1", "path": "/", "httpOnly": True, "sameSite": "Strict"}])
        page = context.new_page()
        page.add_init_script(WATCH_PAGE)
        page.goto(server.url)
        page.wait_for_function(RUN_ENDED, timeout=TIMEOUT_S * 1000)
        seen = page.evaluate("() => window.__bench")
    finally:
        context.close()
    sent, usable = seen["sent"], seen["usable"]
    ended = seen["states"][-1][1]  # the run's end as the page saw it (it may come before the cards are drawn)
    runs = sum(1 for state, t in seen["states"] if state == "running" and t <= usable)
    return Visit(usable=(usable - sent) / 1000, button=(seen["button"] - sent) / 1000, run=(ended - sent) / 1000,
                 runs=runs, requests=len(sandbox.requests_log()) - before)


def catalogue_requests(sandbox: Sandbox, since: int) -> int:
    return sum(1 for e in sandbox.requests_log()[since:] if e["path"] == "/v3/avatars/looks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"this bench needs Debian's chromium at {CHROMIUM}")

    load_before = os.getloadavg()[0]  # the machine without this bench (which loads it too)
    sandbox = Sandbox(api_key=API_KEY, render_seconds=30, latency_ms=args.latency_ms).start()
    servers: dict[str, Server] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            servers = {"parallel": Server(sandbox), "sequential": Server(sandbox, sequential=True)}
            for server in servers.values():  # each server's one-time start-up, not counted
                visit(browser, server, sandbox)
                server.wait_kept()

            def measure(kind: str) -> Visit:
                if kind == "restart":
                    fresh = Server(sandbox)
                    try:
                        result = visit(browser, fresh, sandbox)
                        fresh.wait_kept()
                        return result
                    finally:
                        fresh.stop()
                server = servers["sequential" if kind == "sequential" else "parallel"]
                if kind == "memory":
                    return visit(browser, server, sandbox)
                cold = kind in ("sequential", "cold")
                server.forget(disk=cold)
                started, since = time.time(), len(sandbox.requests_log())
                result = visit(browser, server, sandbox)
                server.wait_kept(newer_than=started)  # the fetch (cold) or the background refresh (disk) ended
                if not catalogue_requests(sandbox, since):
                    raise SystemExit(f"{kind}: the server did not fetch the lists; its caches were not cleared")
                return result

            print(f"Studio page in chromium, time to a usable gallery; sandbox latency {args.latency_ms:.0f} ms "
                  f"per request, {args.rounds} rounds; load average {load_before:.1f} at the start")
            visits: dict[str, list[Visit]] = {k: [] for k in KINDS}
            for n in range(args.rounds):
                order = KINDS[n % len(KINDS):] + KINDS[:n % len(KINDS)]
                if n % 2:
                    order = tuple(reversed(order))
                line = []
                for kind in order:
                    result = measure(kind)
                    visits[kind].append(result)
                    line.append(f"{kind} {result.usable * 1000:5.0f} ms")
                print(f"  round {n + 1}: " + " · ".join(line))
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    load = os.getloadavg()[0]

    def median(kind: str, what: str) -> float:
        return statistics.median(getattr(v, what) for v in visits[kind])

    print()
    print(f"  {'start':<11} {'usable':>9} {'best':>8} {'worst':>8}  {'button':>8}  {'run ended':>9}  {'runs':>4}  "
          f"{'requests':>8}")
    for kind in KINDS:
        usable = sorted(v.usable for v in visits[kind])
        print(f"  {kind:<11} {median(kind, 'usable') * 1000:6.0f} ms {usable[0] * 1000:5.0f} ms "
              f"{usable[-1] * 1000:5.0f} ms  {median(kind, 'button') * 1000:5.0f} ms  "
              f"{median(kind, 'run') * 1000:6.0f} ms  {median(kind, 'runs'):4.0f}  "
              f"{median(kind, 'requests'):8.0f}")
    print("\n  usable: from the page's first message until a card shows its avatar and an enabled Select button")
    print("  (medians; best and worst of the rounds); button: until the first enabled Select button, its card drawn")
    print("  or not; run ended: until that run had ended; runs: runs started until then; requests: HeyGen requests")
    print("  until then (the rest of the lists goes on in the background).")

    fetched = []
    with Client(API_KEY, sandbox.base_url) as client:
        for _ in range(args.rounds):  # the data part alone, in this process: no page, no browser
            progress = hc.Progress()
            started = time.perf_counter()
            fetching = threading.Thread(target=hc.fetch, args=(client,), kwargs={"progress": progress})
            fetching.start()
            progress.wait(FIRST_SCREEN, timeout=60)
            fetched.append(time.perf_counter() - started)
            fetching.join()
    sandbox.stop()
    print(f"\n  data for a first screen ({FIRST_SCREEN} looks and some voices), catalogue.fetch alone: "
          f"{statistics.median(fetched) * 1000:.0f} ms median (one round trip: {args.latency_ms:.0f} ms)")
    cold, drawing, base = median("cold", "usable"), median("memory", "usable"), median("sequential", "usable")
    floor = args.latency_ms / 1000 + drawing
    print(f"\n  floor: one round trip ({args.latency_ms:.0f} ms) + drawing (the memory start, {drawing * 1000:.0f} ms) "
          f"= {floor * 1000:.0f} ms; cold / floor: {cold / floor:.2f}x")
    if drawing > cold:
        print("  (the memory start is slower than cold: its page is drawn all at once, so its widgets wait for the")
        print("  browser to load their code, which a cold start loads while the lists arrive)")
    quiet = load_before < 1.0
    goal = 0.4 if quiet else 1.0
    print(f"  goal: cold <= {goal:g} s on a {'quiet' if quiet else 'busy'} machine (load average {load_before:.1f} "
          f"before the bench, {load:.1f} at its end): {cold:.2f} s, {'met' if cold <= goal else 'MISSED'}")
    print(f"  peer (sequential fetch): {base * 1000:.0f} ms; cold / peer: {cold / base:.2f}x")


if __name__ == "__main__":
    main()
