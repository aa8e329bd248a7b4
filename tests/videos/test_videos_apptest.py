"""The Videos page in AppTest, against an external sandbox: every terminal outcome stops with its reason.

The page only reads what the background worker records: the tests step a real worker
(tests.support.Worker) between reruns, or click the page's own buttons, which do ask HeyGen.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import streamlit as st
from ui import process
from streamlit.testing.v1 import AppTest

from heygen import Client, VideoSpec
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from tests.support import Worker, run_until, wait_for, wait_for_catalogue_fetches
from heygen.sandbox import Sandbox
from ui import kept_media
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
    process.reset()
    yield sandbox
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()


@pytest.fixture
def worker(env, tmp_path):
    """The studio's background worker on the app's data folder, stepped by the test."""
    w = Worker(tmp_path, KEY, env.base_url)
    yield w
    w.close()


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
    """Status requests about ``video_id``: its own GET, or a bulk GET /v3/videos/statuses naming it."""
    return [e for e in sandbox.requests_log() if e["method"] == "GET" and (
        e["path"] == f"/v3/videos/{video_id}"
        or (e["path"] == "/v3/videos/statuses" and video_id in str(e["query"].get("video_ids", "")).split(",")))]


def tick_until(at: AppTest, worker: Worker, predicate, *, timeout=20):
    """Rerun the page, the worker doing its rounds in between, until ``predicate(at)``."""
    return run_until(at, predicate, worker, timeout=timeout, message="the panel never reached the expected state")


def check_until(at: AppTest, predicate, *, limit=60):
    """Click "Check now" (the user's own check) and rerun until ``predicate(at)``; no worker runs."""
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


def test_completed_render_shows_video_and_stops_polling(env, worker, launched):
    job = launched()
    at = open_job(job.id)
    assert "Spring launch teaser" in [h.value for h in at.subheader]
    tick_until(at, worker, lambda a: a.get("video"))
    # The worker kept the finished video on this computer in the same round: the page plays that copy.
    assert kept_media.LOCAL_CAPTION in texts(at) and not at.get("video")[0].proto.url.startswith(env.base_url)
    assert "Ready" in texts(at)
    assert any(b.label == "Download MP4" for b in at.get("download_button"))
    count = len(status_gets(env, job.video_id))
    for _ in range(3):
        time.sleep(0.6)
        at.run()
    assert len(status_gets(env, job.video_id)) == count, "no status request after completion"


def test_failed_render_shows_code_and_hint_and_stops(env, worker, launched):
    env.configure(render_outcome="fail", failure_code="download_failed",
                  failure_message="Failed to download the audio file.")
    job = launched()
    at = open_job(job.id)
    tick_until(at, worker, lambda a: "could not render" in texts(a))
    body = texts(at)
    assert md("download_failed") in body
    assert "could not download your audio or image" in body.lower()
    assert any(b.label == "Edit & retry" for b in at.button)
    count = len(status_gets(env, job.video_id))
    for _ in range(3):
        time.sleep(0.6)
        at.run()
    assert len(status_gets(env, job.video_id)) == count


def test_a_hostile_title_and_failure_message_are_shown_literally(env, worker, tmp_path):
    hostile = "**bold** [click](javascript:alert(1)) <b>x</b> $x$"
    env.configure(render_outcome="fail", failure_code="x`y", failure_message=hostile)
    client = Client(KEY, env.base_url)
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]
    spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="Hello.", title=hostile)
    store = JobStore(tmp_path)
    job = submit(client, store, create_job(store, account=account_fingerprint(KEY, env.base_url), spec=spec))
    at = open_job(job.id)
    tick_until(at, worker, lambda a: "could not render" in texts(a))
    assert md(hostile) in [h.value for h in at.subheader]
    body = texts(at)
    assert f"**HeyGen could not render this video.**  \n{md(hostile)}" in body
    assert f"**HeyGen message:** {md(hostile)}" in body and f"**HeyGen code:** {md('x`y')}" in body
    assert "[click](" not in body and "<b>" not in body and "**bold**" not in body


def test_unknown_video_stops_as_gone(env, worker, launched):
    env.configure(render_outcome="vanish")
    job = launched()
    at = open_job(job.id)
    tick_until(at, worker, lambda a: "no longer has this video" in texts(a))
    count = len(status_gets(env, job.video_id))
    time.sleep(0.6)
    at.run()
    assert len(status_gets(env, job.video_id)) == count


def test_rejected_key_stops_with_its_reason(env, worker, launched):
    job = launched()
    env.add_fault(method="GET", path="/v3/videos/", kind="status", status=401, code="authentication_failed",
                  times=None)
    at = open_job(job.id)
    tick_until(at, worker, lambda a: "did not accept the API key" in texts(a))
    assert KEY not in texts(at)
    count = len(status_gets(env, job.video_id))
    time.sleep(0.6)
    at.run()
    assert len(status_gets(env, job.video_id)) == count


def test_deadline_offers_keep_waiting(env, worker, launched, monkeypatch):
    monkeypatch.setenv("HEYGEN_DEADLINE_MINUTES", "0.05")
    st.cache_resource.clear()
    process.reset()
    env.configure(render_outcome="never")
    job = launched()
    at = open_job(job.id)
    tick_until(at, worker, lambda a: "taking longer than usual" in texts(a))
    keep = [b for b in at.button if b.label == "Keep waiting"]
    assert keep
    count = len(status_gets(env, job.video_id))
    keep[0].click()
    at.run()
    assert len(status_gets(env, job.video_id)) == count + 1, "keep waiting checks again at once"
    assert "rendering the video" in texts(at)


def test_a_player_on_heygens_link_is_not_swapped_when_the_file_is_kept_meanwhile(env, worker, launched):
    job = launched()
    at = open_job(job.id)
    check_until(at, lambda a: a.get("video"))  # the user's own check: done, nothing kept yet
    remote = at.get("video")[0].proto.url
    assert remote.startswith(env.base_url) and kept_media.REMOTE_CAPTION in texts(at)
    assert worker.background.keep_media(job.id), "the worker keeps the finished video"
    at.run()  # e.g. the check arriving: the video the user may be watching stays the one playing
    assert not at.exception
    assert at.get("video")[0].proto.url == remote and kept_media.REMOTE_CAPTION in texts(at)
    fresh = open_job(job.id)  # another visit plays the copy on this computer
    assert kept_media.LOCAL_CAPTION in texts(fresh) and not fresh.get("video")[0].proto.url.startswith(env.base_url)


def test_checks_the_user_asks_for_stop_on_a_lost_connection_and_retry_goes_on(env, launched):
    job = launched()
    env.add_fault(method="GET", path="/v3/videos/", kind="drop", times=None)
    at = open_job(job.id)
    check_until(at, lambda a: "Connection to HeyGen lost" in texts(a))
    env.clear_faults()
    retry = [b for b in at.button if b.label == "Retry"]
    count = len(status_gets(env, job.video_id))
    retry[0].click()
    at.run()
    assert len(status_gets(env, job.video_id)) == count + 1, "Retry checks again at once"
    check_until(at, lambda a: a.get("video"))


def test_network_trouble_of_the_worker_is_shown_and_it_goes_on(env, worker, launched):
    job = launched()
    env.add_fault(method="GET", path="/v3/videos", kind="drop", times=None)
    at = open_job(job.id)
    tick_until(at, worker, lambda a: "The studio will try again" in texts(a))
    assert not at.get("video") and "Connection to HeyGen lost" not in texts(at)
    env.clear_faults()
    tick_until(at, worker, lambda a: a.get("video"))
    assert "The studio will try again" not in texts(at)


def test_rate_limit_waits_and_goes_on(env, worker, launched):
    job = launched()
    env.add_fault(method="GET", path="/v3/videos", kind="status", status=429, code="rate_limit_exceeded",
                  retry_after=1, times=1)
    at = open_job(job.id)
    tick_until(at, worker, lambda a: a.get("video"))
    limited = [e for e in env.requests_log() if e["method"] == "GET" and e["path"].startswith("/v3/videos")
               and e["status"] == 429]
    assert len(limited) == 1, "the worker met the 429 and went on"


def test_a_page_refresh_never_asks_heygen(env, worker, launched):
    env.configure(render_outcome="never")
    job = launched()
    wait_for(lambda: (worker.tick(), worker.store.get(job.id).last_polled_at)[1], timeout=20,
             message="the worker never looked at the render")  # then the panel says when it did
    at = open_job(job.id)
    assert "Checked" in texts(at) and "ago" in texts(at)
    wait_for_catalogue_fetches()  # the lists an earlier visit to the Studio started fetching have arrived
    before = len(env.requests_log())
    for _ in range(5):
        time.sleep(0.6)
        at.run()  # a plain rerun, as the fragment's timer or any widget gives
        assert not at.exception
    assert "rendering the video" in texts(at) and not at.get("video")
    # The history's watcher of running renders only reads the store as well.
    listing = AppTest.from_file(APP, default_timeout=30)
    listing.run()
    listing.switch_page("pages/videos.py").run()
    assert len(listing.dataframe[0].value) == 1
    for _ in range(3):
        time.sleep(0.6)
        listing.run()
        assert not listing.exception
    assert env.requests_log()[before:] == [], "a page refresh asked HeyGen"
    worker.tick()
    assert len(status_gets(env, job.video_id)) >= 2, "the worker does ask"


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


def test_key_never_reaches_the_job_store_files(env, worker, launched, tmp_path):
    job = launched()
    at = open_job(job.id)
    tick_until(at, worker, lambda a: a.get("video"))
    wait_for_catalogue_fetches()  # a background catalogue fetch may still be writing its cache
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".sqlite3") for p in files), "the job store wrote its database"
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path
