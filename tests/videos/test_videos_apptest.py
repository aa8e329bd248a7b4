"""The Videos page in AppTest, against an external sandbox: every terminal outcome stops with its reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from heygen import Client, VideoSpec
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from tests.support import wait_for_catalogue_fetches
from heygen.sandbox import Sandbox
from ui.text import md

KEY = "sk-videos-apptest-0123456789abcdef"
APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.5).start()
    yield sb
    sb.stop()


@pytest.fixture
def env(sandbox, tmp_path, monkeypatch):
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=0.5, render_outcome="complete", latency_ms=0)
    monkeypatch.setenv("HEYGEN_API_KEY", KEY)
    monkeypatch.setenv("HEYGEN_API_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HEYGEN_POLL_SECONDS", "0.5")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield sandbox
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def launched(env, tmp_path):
    """Launch one render through the same code the Studio uses; returns the job."""
    client = Client(KEY, env.base_url)
    store = JobStore(tmp_path)
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Hello from the Videos page.",
                     title="Spring launch teaser")

    def make():
        job = create_job(store, account=account_fingerprint(KEY, env.base_url), spec=spec)
        return submit(client, store, job)

    return make


def open_job(job_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["selected_job"] = job_id
    at.run()
    at.switch_page("pages/videos.py").run()
    assert not at.exception
    return at


def status_gets(sandbox, video_id):
    return [e for e in sandbox.requests_log() if e["method"] == "GET" and e["path"] == f"/v3/videos/{video_id}"]


def tick_until(at: AppTest, predicate, *, limit=60):
    for _ in range(limit):
        if predicate(at):
            return at
        time.sleep(0.3)
        buttons = [b for b in at.button if b.label == "Check now"]
        if buttons:
            buttons[0].click()
        at.run()
        assert not at.exception
    raise AssertionError("the panel never reached the expected state")


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.warning, *at.success, *at.info, *at.markdown, *at.caption)]
    return "\n".join(str(p) for p in parts)


def test_completed_render_shows_video_and_stops_polling(env, launched):
    job = launched()
    at = open_job(job.id)
    assert "Spring launch teaser" in [h.value for h in at.subheader]
    tick_until(at, lambda a: a.get("video"))
    assert at.get("video")[0].proto.url.startswith(env.base_url)
    assert "Ready" in texts(at)
    assert any(b.label == "Download MP4" for b in at.get("download_button"))
    count = len(status_gets(env, job.video_id))
    for _ in range(3):
        time.sleep(0.6)
        at.run()
    assert len(status_gets(env, job.video_id)) == count, "no status request after completion"


def test_failed_render_shows_code_and_hint_and_stops(env, launched):
    env.configure(render_outcome="fail", failure_code="download_failed",
                  failure_message="Failed to download the audio file.")
    job = launched()
    at = open_job(job.id)
    tick_until(at, lambda a: "could not render" in texts(a))
    body = texts(at)
    assert md("download_failed") in body
    assert "could not download your audio or image" in body.lower()
    assert any(b.label == "Edit & retry" for b in at.button)
    count = len(status_gets(env, job.video_id))
    for _ in range(3):
        time.sleep(0.6)
        at.run()
    assert len(status_gets(env, job.video_id)) == count


def test_a_hostile_title_and_failure_message_are_shown_literally(env, tmp_path):
    hostile = "**bold** [click](javascript:alert(1)) <b>x</b> $x$"
    env.configure(render_outcome="fail", failure_code="x`y", failure_message=hostile)
    client = Client(KEY, env.base_url)
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Hello.", title=hostile)
    store = JobStore(tmp_path)
    job = submit(client, store, create_job(store, account=account_fingerprint(KEY, env.base_url), spec=spec))
    at = open_job(job.id)
    tick_until(at, lambda a: "could not render" in texts(a))
    assert md(hostile) in [h.value for h in at.subheader]
    body = texts(at)
    assert f"**HeyGen could not render this video.**  \n{md(hostile)}" in body
    assert f"**HeyGen message:** {md(hostile)}" in body and f"**HeyGen code:** {md('x`y')}" in body
    assert "[click](" not in body and "<b>" not in body and "**bold**" not in body


def test_unknown_video_stops_as_gone(env, launched):
    env.configure(render_outcome="vanish")
    job = launched()
    at = open_job(job.id)
    tick_until(at, lambda a: "no longer has this video" in texts(a))
    count = len(status_gets(env, job.video_id))
    time.sleep(0.6)
    at.run()
    assert len(status_gets(env, job.video_id)) == count


def test_rejected_key_stops_with_its_reason(env, launched):
    job = launched()
    env.add_fault(method="GET", path="/v3/videos/", kind="status", status=401, code="authentication_failed",
                  times=None)
    at = open_job(job.id)
    tick_until(at, lambda a: "did not accept the API key" in texts(a))
    assert KEY not in texts(at)
    count = len(status_gets(env, job.video_id))
    time.sleep(0.6)
    at.run()
    assert len(status_gets(env, job.video_id)) == count


def test_deadline_offers_keep_waiting(env, launched, monkeypatch):
    monkeypatch.setenv("HEYGEN_DEADLINE_MINUTES", "0.05")
    st.cache_resource.clear()
    env.configure(render_outcome="never")
    job = launched()
    at = open_job(job.id)
    tick_until(at, lambda a: "taking longer than usual" in texts(a), limit=40)
    keep = [b for b in at.button if b.label == "Keep waiting"]
    assert keep
    count = len(status_gets(env, job.video_id))
    keep[0].click()
    at.run()
    assert len(status_gets(env, job.video_id)) == count + 1, "keep waiting checks again at once"
    assert "rendering the video" in texts(at)


def test_lost_connection_offers_retry(env, launched):
    job = launched()
    env.add_fault(method="GET", path="/v3/videos/", kind="drop", times=None)
    at = open_job(job.id)
    tick_until(at, lambda a: "Connection to HeyGen lost" in texts(a))
    env.clear_faults()
    retry = [b for b in at.button if b.label == "Retry"]
    retry[0].click()
    at.run()
    tick_until(at, lambda a: a.get("video"))


def test_rate_limit_waits_and_goes_on(env, launched):
    job = launched()
    env.add_fault(method="GET", path="/v3/videos/", kind="status", status=429, code="rate_limit_exceeded",
                  retry_after=1, times=1)
    at = open_job(job.id)
    tick_until(at, lambda a: a.get("video"))


def test_history_lists_jobs_and_filters(env, launched):
    first = launched()
    env.configure(render_outcome="fail", failure_code="download_failed")
    second = launched()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/videos.py").run()
    frame = at.dataframe[0].value
    assert len(frame) == 2
    at.text_input(key="history_search").input("nothing like this").run()
    assert "No videos match" in texts(at)
    assert first.id != second.id


def test_remove_from_history_after_confirmation(env, launched, tmp_path):
    job = launched()
    at = open_job(job.id)
    [b for b in at.button if b.label.startswith("Remove from history")][0].click()
    at.run()
    at.checkbox(key=f"remove_remote_{job.id}").check()
    [b for b in at.button if b.label == "Remove"][0].click()
    at.run()
    assert JobStore(tmp_path).get(job.id) is None
    deletes = [e for e in env.requests_log() if e["method"] == "DELETE"]
    assert len(deletes) == 1


def test_key_never_reaches_the_job_store_files(env, launched, tmp_path):
    job = launched()
    at = open_job(job.id)
    tick_until(at, lambda a: a.get("video"))
    wait_for_catalogue_fetches()  # a background catalogue fetch may still be writing its cache
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".sqlite3") for p in files), "the job store wrote its database"
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path
