"""Helpers to drive the Batch page in AppTest and read the sandbox's request log."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import streamlit as st

from ui import process
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "streamlit_app.py")
API_KEY = "sk-batch-page-5e6f7a8b9c0d1e2f3a4b5c6d"
RENDER_SECONDS = 0.5


def restart() -> None:
    """What a server restart forgets: every cached resource (stores, runner, clients) and cached data."""
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()


def open_page(query: dict | None = None) -> AppTest:
    """A fresh browser session on the Batch page (optionally with ?batch=...)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if query:
        at.query_params.update(query)
    at.switch_page("pages/batch.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(markdown: str) -> str:
    """Markdown as the reader sees it, as far as backslash escapes go."""
    return re.sub(r"\\(.)", r"\1", markdown)


def text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(shown(str(e.value)) for e in getattr(at, kind))
    return "\n".join(parts)


def errors(at: AppTest) -> str:
    return "\n".join(shown(str(e.value)) for e in at.error)


def button(at: AppTest, key: str):
    return at.button(key=key)


def has_button(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def upload(at: AppTest, data: bytes, name: str = "contacts.csv", mime: str = "text/csv") -> AppTest:
    at.get("file_uploader")[0].upload(name, data, mime)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def step(at: AppTest, worker) -> AppTest:
    """One round of the background worker (tests.support.Worker), then a rerun of the page."""
    worker.tick()
    return run(at)


def tick_until(at: AppTest, worker, predicate, *, limit: int = 80, pause: float = 0.25) -> AppTest:
    """A round of the worker and a rerun of the page (which only reads the store) until ``predicate(at)``."""
    for _ in range(limit):
        if predicate(at):
            return at
        time.sleep(pause)
        step(at, worker)
    raise AssertionError("the page never got there:\n" + text(at))


def video_posts(sandbox) -> list[dict]:
    return [e for e in sandbox.requests_log() if e["method"] == "POST" and e["path"] == "/v3/videos"]


def posts_per_key(sandbox) -> Counter:
    return Counter(e["idempotency_key"] for e in video_posts(sandbox))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def table_with(at: AppTest, column: str):
    """The first table on the page that has ``column`` (read-only tables carry no key in AppTest)."""
    for frame in at.dataframe:
        value = frame.value
        if column in value.columns:
            return value
    raise AssertionError(f"no table with a column {column!r}")
