"""Kept videos in the pages (AppTest against an external sandbox): the Videos page plays the local copy,
removing a job removes its files, and Settings shows disk use and saves the retention choice."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import streamlit as st
from ui import process
from streamlit.testing.v1 import AppTest

from heygen import Client, VideoSpec
from heygen.studio import archive, preferences, watch
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from heygen.studio.launch import create_job, submit
from heygen.studio.reviews import Item, ReviewStore
from heygen.sandbox import Sandbox

KEY = "sk-archive-pages-0123456789abcdef"
APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
FAST = watch.PollPolicy(first=0.05, maximum=0.2, deadline=60)


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.3).start()
    yield sb
    sb.stop()


@pytest.fixture
def env(sandbox, tmp_path, monkeypatch):
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=0.3, render_outcome="complete", latency_ms=0)
    monkeypatch.setenv("HEYGEN_API_KEY", KEY)
    monkeypatch.setenv("HEYGEN_API_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HEYGEN_STUDIO_MEDIA_DIR", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()
    yield sandbox
    st.cache_data.clear()
    st.cache_resource.clear()
    process.reset()


@pytest.fixture
def client(env):
    c = Client(KEY, env.base_url, timeout=(2.0, 5.0))
    yield c
    c.close()


@pytest.fixture
def completed(env, client, tmp_path):
    """Render one video to completion through the studio's launch and watch code; returns (store, job)."""
    store = JobStore(tmp_path)
    look = client.avatars.looks(ownership="public", limit=1)[0]
    voice = client.voices.list(limit=1)[0]

    def make(title="Client review cut"):
        spec = VideoSpec(avatar_id=look.id, voice_id=voice.voice_id, script="See you next month.", title=title)
        job = submit(client, store, create_job(store, account=account_fingerprint(KEY, env.base_url), spec=spec))
        for _ in range(400):
            result = watch.check(client, store, job, FAST)
            if result.stopped:
                assert result.outcome == watch.COMPLETED
                return result.job
            job = result.job
            time.sleep(0.02)
        raise AssertionError("the render never completed")

    return store, make


def open_page(page: str, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_videos_page_plays_the_kept_copy_once_there_is_one(env, client, completed, tmp_path):
    store, make = completed
    job = make()
    at = open_page("pages/videos.py", selected_job=job.id)
    assert at.get("video")[0].proto.url.startswith(env.base_url)
    assert "Played from HeyGen (link renews automatically)" in captions(at)

    kept = archive.keep(client, job, tmp_path / "media", policy="everything")
    assert set(kept.files) == {"video", "thumbnail", "subtitles"}
    env.clear_requests_log()
    at = open_page("pages/videos.py", selected_job=job.id)
    source = at.get("video")[0].proto.url
    assert source and not source.startswith(env.base_url) and env.base_url not in source
    assert "Kept on this computer" in captions(at)
    assert [b.label for b in at.get("download_button")][:2] == ["Download MP4", "Subtitles (SRT)"]
    assert env.requests_log(media=True) == []  # nothing was fetched from HeyGen to show it


def test_removing_a_job_from_the_history_removes_its_kept_files(env, client, completed, tmp_path):
    store, make = completed
    job = make()
    archive.keep(client, job, tmp_path / "media", policy="everything")
    assert (tmp_path / "media" / job.id).is_dir()
    at = open_page("pages/videos.py", selected_job=job.id)
    next(b for b in at.button if b.label == "Remove from history…").click().run()
    next(b for b in at.button if b.label == "Remove").click().run()
    assert not at.exception
    assert store.get(job.id) is None
    assert not (tmp_path / "media" / job.id).exists()


def test_settings_show_disk_use_and_save_the_retention_choice(env, client, completed, tmp_path):
    store, make = completed
    old, recent = make("Old teaser"), make("Recent teaser")
    media = tmp_path / "media"
    for job in (old, recent):
        archive.keep(client, job, media, policy="everything")
    store.record_poll(old.id, status="completed", completed_at=time.time() - 40 * 86400)
    usage = archive.disk_usage(media)

    at = open_page("pages/settings.py")
    assert "Videos kept on this computer" in [h.value for h in at.subheader]
    body = "\n".join(m.value for m in at.markdown)
    assert f"**{archive.human_size(usage.bytes)}** used by 2 videos" in body

    radio = next(r for r in at.radio if r.label == "Keep on this computer")
    assert radio.value == "everything"
    radio.set_value("days")
    next(n for n in at.number_input if n.label == "Days kept").set_value(30)
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert preferences.get_retention(tmp_path) == ("days", 30)
    assert json.loads((tmp_path / "preferences.json").read_text())["retention"] == ["days", 30]
    assert oct(os.stat(tmp_path / "preferences.json").st_mode & 0o777) == "0o600"
    assert any("Saved: keep videos of the last 30 days." in s.value for s in at.success)

    next(b for b in at.button if b.label == "Apply now…").click().run()
    confirm = "\n".join(m.value for m in at.markdown)
    assert "**Remove 1 kept video" in confirm and "Old teaser" in confirm and "Recent teaser" not in confirm
    assert (media / old.id).is_dir()  # nothing is removed before the confirmation
    next(b for b in at.button if b.label == "Remove").click().run()
    assert not at.exception
    assert sorted(os.listdir(media)) == [recent.id]
    assert any("Removed 1 kept video" in s.value for s in at.success)


def test_settings_say_how_many_kept_videos_open_reviews_hold_and_keep_them(env, client, completed, tmp_path):
    store, make = completed
    shared, other = make("Shared cut"), make("Other cut")
    media = tmp_path / "media"
    for job in (shared, other):
        archive.keep(client, job, media, policy="everything")
    ReviewStore(store.db).create(shared.account, [Item(shared.id, "Shared cut")], title="For Acme",
                                 expires_at=time.time() + 86400)
    preferences.set_retention("nothing", tmp_path)

    at = open_page("pages/settings.py")
    assert any("1 kept video is held for open review links" in c for c in captions(at))
    next(b for b in at.button if b.label == "Apply now…").click().run()
    confirm = "\n".join(m.value for m in at.markdown)
    assert "**Remove 1 kept video" in confirm and "Other cut" in confirm and "Shared cut" not in confirm
    next(b for b in at.button if b.label == "Remove").click().run()
    assert not at.exception
    assert sorted(os.listdir(media)) == [shared.id]
