"""Studio page speed: time to the first usable avatar gallery, cold, warm from disk and warm from
memory, next to a sequential baseline measured in the same run.

What is measured ("first usable gallery"): the wall time of the first AppTest run of the app
(Studio is its first page) in a new browser session, from the start of the run until the script
has finished with the avatar gallery's "Select" buttons on the page (checked after each run) —
the run a user waits for after clicking Studio. When the lists are still loading, that page is a
partial gallery (the first cards of the final order, marked "still loading"); the rest arrives in
the background, and the time until the whole catalogue is in memory is printed too (measured
from the same start until the background fetch has ended, which includes writing the catalogue
to the data folder; for "sequential" it includes drawing the page). The in-process sandbox adds
``--latency-ms`` to every request and serves its full catalogue. Four ways to start, each round
in a different order, medians over ``--rounds``:

  sequential  nothing in memory or on disk; the four lists fetched one after the other, unsplit,
              and the page shown only once they are complete (the baseline: the page before the
              side-by-side parts and the progressive gallery)
  cold        nothing in memory or on disk; the lists fetched in parts side by side, the page
              shown as soon as a first screen of avatars and the first voices have arrived
  disk        nothing in memory (a restarted server), the catalogue kept in the data folder; the
              background refresh it starts is waited for before the next measurement
  memory      another browser session on the same server (the catalogue in memory)

Not measured: the browser's own drawing and image loading (AppTest has no browser). The sandbox
runs in the same process, so its own work competes with the app's for the CPU. Printed last: the
floor (one round trip plus drawing, the memory start standing for drawing), the goal (cold <= 0.4 s
on a quiet machine, load average under 1, else <= 1.0 s) and the sequential peer with the ratio.
Before them, the data part alone: ``catalogue.fetch`` in this process until a first screen of looks
and some voices are known, without the app (what the page waits for from HeyGen).

    .venv/bin/python bench/bench_studio_page.py [--latency-ms 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

API_KEY = "sk-bench-studio-0a1b2c3d4e5f"
KINDS = ("sequential", "cold", "disk", "memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import logging

    logging.disable(logging.WARNING)  # AppTest's "no runtime" notices
    import streamlit as st
    from ui import process
    from streamlit.testing.v1 import AppTest

    from heygen import Client
    from heygen.studio import catalogue as hc
    from heygen.sandbox import Sandbox
    from ui.catalogue import FIRST_SCREEN

    sandbox = Sandbox(api_key=API_KEY, render_seconds=30, latency_ms=args.latency_ms).start()
    folders: list[tempfile.TemporaryDirectory] = []
    os.environ.update(HEYGEN_API_KEY=API_KEY, HEYGEN_API_BASE_URL=sandbox.base_url)
    os.environ.pop("HEYGEN_SANDBOX_RENDER_SECONDS", None)
    parallel_fetch = hc.fetch

    def fresh_data_dir() -> None:
        folder = tempfile.TemporaryDirectory(prefix="bench-studio-")
        folders.append(folder)
        os.environ["HEYGEN_STUDIO_DATA_DIR"] = folder.name

    def settle() -> None:
        """Wait for background refreshes, so they never overlap a measurement."""
        for thread in threading.enumerate():
            if thread.name == "catalogue-refresh":
                thread.join()

    complete_at: dict[str, float] = {}

    def first_render() -> tuple[float, int]:
        before = len(sandbox.requests_log())
        at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=300)
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"the page raised {[e.value for e in at.exception]}")
        if not any((b.key or "").startswith("studio_av_pick_") and not b.disabled for b in at.button):
            raise SystemExit("the page finished without a usable avatar gallery")
        made = len(sandbox.requests_log()) - before
        settle()
        complete_at["last"] = time.perf_counter() - started
        return elapsed, made

    complete: dict[str, list[float]] = {"sequential": [], "cold": []}

    def measure(kind: str) -> tuple[float, int]:
        settle()
        st.cache_resource.clear()  # a restarted server: no client, no catalogue in memory
        process.reset()
        st.cache_data.clear()
        fresh_data_dir()
        if kind in ("sequential", "cold"):
            hc.fetch = hc.fetch_sequential if kind == "sequential" else parallel_fetch
            try:
                result = first_render()
                complete[kind].append(complete_at["last"])
                return result
            finally:
                hc.fetch = parallel_fetch
        if kind == "disk":
            first_render()  # keeps the catalogue on disk (cold, not counted)
            settle()
            st.cache_resource.clear()
            process.reset()
            return first_render()
        first_render()  # fills memory (cold, not counted)
        settle()
        return first_render()

    try:
        print(f"Studio page, time to the first usable gallery; sandbox latency {args.latency_ms:.0f} ms per "
              f"request, {args.rounds} rounds")
        times: dict[str, list[float]] = {k: [] for k in KINDS}
        made: dict[str, list[int]] = {k: [] for k in KINDS}
        for n in range(args.rounds):
            order = KINDS[n % len(KINDS):] + KINDS[:n % len(KINDS)]
            if n % 2:
                order = tuple(reversed(order))
            line = []
            for kind in order:
                elapsed, requests = measure(kind)
                times[kind].append(elapsed)
                made[kind].append(requests)
                line.append(f"{kind} {elapsed * 1000:5.0f} ms")
            print(f"  round {n + 1}: " + " · ".join(line))
        settle()
        print()
        base = statistics.median(times["sequential"])
        print(f"  {'start':<12} {'median':>9} {'min':>8} {'max':>8}  {'requests':>8}  vs sequential")
        for kind in KINDS:
            med = statistics.median(times[kind])
            print(f"  {kind:<12} {med * 1000:6.0f} ms {min(times[kind]) * 1000:5.0f} ms {max(times[kind]) * 1000:5.0f} ms"
                  f"  {statistics.median(made[kind]):8.0f}  {base / med:6.1f}x faster")
        print()
        for kind in ("sequential", "cold"):
            print(f"  {kind}: whole catalogue in memory after {statistics.median(complete[kind]) * 1000:.0f} ms "
                  "(median, from the start of the same run)")
        print("\n  requests: HeyGen requests made during the measured run (cold: the background fetch")
        print("  goes on after the run; disk: the background refresh starts during the run and ends after it).")
        fetched = []
        with Client(API_KEY, sandbox.base_url) as client:
            for _ in range(args.rounds):  # the data part alone, in this process: no page, no app start
                progress = hc.Progress()
                started = time.perf_counter()
                fetching = threading.Thread(target=hc.fetch, args=(client,), kwargs={"progress": progress})
                fetching.start()
                progress.wait(FIRST_SCREEN, timeout=60)
                fetched.append(time.perf_counter() - started)
                fetching.join()
        print(f"\n  data for a first screen ({FIRST_SCREEN} looks and some voices), catalogue.fetch alone: "
              f"{statistics.median(fetched) * 1000:.0f} ms median (one round trip: {args.latency_ms:.0f} ms)")
        cold, drawing = statistics.median(times["cold"]), statistics.median(times["memory"])
        floor = args.latency_ms / 1000 + drawing
        print(f"\n  floor: one round trip ({args.latency_ms:.0f} ms) + drawing (the memory start, "
              f"{drawing * 1000:.0f} ms) "
              f"= {floor * 1000:.0f} ms; cold / floor: {cold / floor:.2f}x")
        quiet = os.getloadavg()[0] < 1.0
        goal = 0.4 if quiet else 1.0
        print(f"  goal: cold <= {goal:g} s on a {'quiet' if quiet else 'busy'} machine (load average "
              f"{os.getloadavg()[0]:.1f}): {cold:.2f} s, {'met' if cold <= goal else 'MISSED'} "
              "(AppTest: the server's run, without the browser's own drawing)")
        print(f"  peer (sequential fetch): {base * 1000:.0f} ms; cold / peer: {cold / base:.2f}x")
    finally:
        hc.fetch = parallel_fetch
        settle()
        st.cache_data.clear()
        st.cache_resource.clear()
        process.reset()
        sandbox.stop()
        for folder in folders:
            folder.cleanup()


if __name__ == "__main__":
    main()
