"""Studio page speed: HeyGen requests and time of a cold first render against warm reruns.

Runs the app with AppTest against a local sandbox that adds 100 ms to every request and serves
its full catalogue. Prints, for each step, the wall time and how many HeyGen requests it made,
then the cold/warm ratio. Also times the catalogue fetch itself: the four lists one after the
other (baseline) against the page's side-by-side fetch.

    .venv/bin/python bench/bench_studio_page.py [--latency-ms 100] [--reruns 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

API_KEY = "sk-bench-studio-0a1b2c3d4e5f"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--reruns", type=int, default=5)
    args = parser.parse_args()

    import logging

    logging.disable(logging.WARNING)  # AppTest's "no runtime" notices
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from heygen import Client
    from heygen.sandbox import Sandbox
    from ui import catalogue

    sandbox = Sandbox(api_key=API_KEY, render_seconds=30, latency_ms=args.latency_ms).start()
    data = tempfile.TemporaryDirectory(prefix="bench-studio-")
    os.environ.update(HEYGEN_API_KEY=API_KEY, HEYGEN_API_BASE_URL=sandbox.base_url,
                      HEYGEN_STUDIO_DATA_DIR=data.name)
    os.environ.pop("HEYGEN_SANDBOX_RENDER_SECONDS", None)
    try:
        st.cache_data.clear()
        st.cache_resource.clear()

        def step(label: str, action) -> float:
            before = len(sandbox.requests_log())
            started = time.perf_counter()
            at = action()
            elapsed = time.perf_counter() - started
            if at is not None and at.exception:
                raise SystemExit(f"{label}: the page raised {[e.value for e in at.exception]}")
            made = len(sandbox.requests_log()) - before
            print(f"  {label:<44} {elapsed * 1000:8.0f} ms   {made:3d} HeyGen requests")
            return elapsed

        print(f"Studio page, sandbox latency {args.latency_ms:.0f} ms per request")
        at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=300)
        cold = step("cold first render (empty caches)", lambda: at.run())
        looks = sum(1 for e in sandbox.requests_log() if e["path"] == "/v3/avatars/looks")
        voices = sum(1 for e in sandbox.requests_log() if e["path"] == "/v3/voices")
        print(f"    (catalogue: {looks} pages of looks, {voices} pages of voices)")

        warm_times = []
        for n in range(args.reruns):
            script = f"Hello and welcome, take {n}. " * (n + 1)
            warm_times.append(step(f"warm rerun: typing in the script #{n + 1}",
                                   lambda s=script: at.text_area(key="studio_script").input(s).run()))
        step("warm rerun: search the gallery", lambda: at.text_input(key="studio_av_search").input("office").run())
        step("warm rerun: next gallery page", lambda: at.button(key="studio_av_next").click().run())
        step("warm rerun: filter voices by language",
             lambda: at.selectbox(key="studio_vo_language").set_value("German").run())
        second = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=300)
        step("another browser session (shared cache)", lambda: second.run())

        warm = statistics.median(warm_times)
        print(f"\n  cold first render       {cold * 1000:8.0f} ms")
        print(f"  warm rerun (median)     {warm * 1000:8.0f} ms")
        print(f"  ratio cold / warm       {cold / warm:8.1f}x")

        print("\nCatalogue fetch on its own")
        with Client(API_KEY, sandbox.base_url) as client:
            started = time.perf_counter()
            client.avatars.looks(ownership="public")
            client.avatars.looks(ownership="private")
            client.voices.list(type="public")
            client.voices.list(type="private")
            sequential = time.perf_counter() - started
            started = time.perf_counter()
            catalogue._fetch_all(client)
            parallel = time.perf_counter() - started
        print(f"  four lists one after another (baseline) {sequential * 1000:8.0f} ms")
        print(f"  four lists side by side (the page)      {parallel * 1000:8.0f} ms")
        print(f"  ratio baseline / page                   {sequential / parallel:8.1f}x")
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        sandbox.stop()
        data.cleanup()


if __name__ == "__main__":
    main()
