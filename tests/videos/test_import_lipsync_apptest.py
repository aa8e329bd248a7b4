"""The Videos page in AppTest: "Import from HeyGen" (page by page, already-imported ones marked, never
twice) and "Replace the audio" on a finished video (checked range, kept inputs, a new entry)."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
import streamlit as st
from ui import process
from streamlit.testing.v1 import AppTest

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio import imports
from heygen.studio.config import account_fingerprint
from heygen.studio.jobs import JobStore
from tests.support import Worker, run_until
from ui.text import md

KEY = "sk-import-apptest-0123456789abcdef"
APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.5, elsewhere_videos=12, max_concurrent_renders=None).start()
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


def store(env) -> JobStore:
    import os

    return JobStore(Path(os.environ["HEYGEN_STUDIO_DATA_DIR"]))


def account(env) -> str:
    return account_fingerprint(KEY, env.base_url)


def videos_page(job_id: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if job_id:
        at.session_state["selected_job"] = job_id
    at.run()
    at.switch_page("pages/videos.py").run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.warning, *at.success, *at.info, *at.markdown, *at.caption)]
    return "\n".join(str(p) for p in parts)


def wav(seconds: float) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x01\x00" * int(8000 * seconds))
    return buffer.getvalue()


def lists(env):
    return [e for e in env.requests_log() if e["method"] == "GET" and e["path"] == "/v3/videos"]


def test_nothing_is_asked_of_heygen_until_the_user_loads_the_list(env):
    at = videos_page()
    assert lists(env) == []
    assert at.button(key="import_load").label == "Load videos from HeyGen"


def test_videos_made_elsewhere_are_listed_page_by_page_and_imported_once(env):
    at = videos_page()
    at.button(key="import_load").click().run()
    assert not at.exception
    assert len([c for c in at.checkbox if (c.key or "").startswith("import_pick_")]) == imports.PAGE_SIZE
    assert "Web app: quarterly update for the sales team (7)" not in texts(at)  # number 12 is first, 3 is last
    at.button(key="import_more").click().run()
    assert len([c for c in at.checkbox if (c.key or "").startswith("import_pick_")]) == 12
    assert lists(env)[-1]["query"].get("token")
    with pytest.raises(KeyError):
        at.button(key="import_more")  # the last page has no "Load more"
    at.checkbox(key="import_pick_v_elsewhere_12").check()
    at.checkbox(key="import_pick_v_elsewhere_01").check().run()
    assert at.button(key="import_go").label == "Import 2 chosen"
    at.button(key="import_go").click().run()
    assert not at.exception
    assert "Imported 2 videos into your history" in texts(at)
    jobs = store(env).list(account(env))
    assert sorted(j.video_id for j in jobs) == ["v_elsewhere_01", "v_elsewhere_12"]
    assert {j.kind for j in jobs} == {"imported"} and {j.status for j in jobs} == {"completed"}
    assert at.checkbox(key="import_pick_v_elsewhere_12").disabled and not at.checkbox(key="import_pick_v_elsewhere_12").value
    assert "Already imported" in texts(at)
    table = at.dataframe[0].value
    assert list(table.loc[table["Title"] == "Web app: quarterly update for the sales team", "Origin"]) == [
        "Imported from HeyGen"]
    # Open one from the result.
    opener = next(b for b in at.button if (b.key or "").startswith("import_open_"))
    opener.click().run()
    assert not at.exception
    assert "Imported from HeyGen" in texts(at) and at.get("video")


def test_a_video_imported_meanwhile_is_refused_plainly(env):
    at = videos_page()
    at.button(key="import_load").click().run()
    at.checkbox(key="import_pick_v_elsewhere_11").check().run()
    client = Client(KEY, env.base_url)
    imports.import_videos(store(env), account(env), [client.videos.get("v_elsewhere_11")])  # another tab
    at.button(key="import_go").click().run()
    assert not at.exception
    assert md("“Web app: conference invitation (11)” is already in your history (imported); it was not added again.") \
        in texts(at)
    assert store(env).count(account(env)) == 1


def test_a_listing_error_is_explained_and_can_be_retried(env):
    env.add_fault(method="GET", path="/v3/videos", status=503, code="service_unavailable", times=3)
    at = videos_page()
    at.button(key="import_load").click().run()
    assert not at.exception
    assert "could not be listed" in texts(at)
    at.button(key="import_load").click().run()
    assert "import_pick_v_elsewhere_12" in [c.key for c in at.checkbox]


def imported_job(env, video_id="v_elsewhere_01"):
    client = Client(KEY, env.base_url)
    (job,) = imports.import_videos(store(env), account(env), [client.videos.get(video_id)]).added
    return job


def ra(job, name):
    return f"ra_{job.id}_{name}"


def test_replacing_a_range_checks_it_keeps_the_inputs_and_opens_the_new_entry(env, worker):
    job = imported_job(env)  # 42 s long
    at = videos_page(job.id)
    assert "Replace the audio" in [e.label for e in at.expander]
    at.get("file_uploader")[0].upload("new line.wav", wav(2.0), "audio/wav").run()
    assert "WAV audio, 2 s" in texts(at)
    at.radio(key=ra(job, "span")).set_value("A time range").run()
    at.number_input(key=ra(job, "start")).set_value(40.0)
    at.number_input(key=ra(job, "end")).set_value(45.0).run()
    at.button(key=ra(job, "go")).click().run()
    assert not at.exception
    assert "The video is 42 s long; the end (45 s) is past it." in [e.value for e in at.error][0].replace("\\", "")
    assert at.number_input(key=ra(job, "start")).value == 40.0 and at.number_input(key=ra(job, "end")).value == 45.0
    assert at.get("file_uploader")[0].value is not None  # the file is still there
    assert [e for e in env.requests_log() if e["path"] == "/v3/lipsyncs"] == []
    at.number_input(key=ra(job, "start")).set_value(10.0)
    at.number_input(key=ra(job, "end")).set_value(12.5).run()
    at.radio(key=ra(job, "mode")).set_value("precision").run()
    at.button(key=ra(job, "go")).click().run()
    assert not at.exception
    (sent,) = [e for e in env.requests_log() if e["method"] == "POST" and e["path"] == "/v3/lipsyncs"]
    assert (sent["request_json"]["start_time"], sent["request_json"]["end_time"]) == (10.0, 12.5)
    assert sent["request_json"]["mode"] == "precision"
    new = store(env).list(account(env))[0]
    assert new.kind == "lipsync" and new.title == "Replace audio of " + job.title
    assert "Replace audio of " in " ".join(h.value for h in at.subheader)
    run_until(at, lambda a: a.get("video"), worker, message="the lip-sync never showed as ready")
    assert "Ready" in texts(at)


def test_a_definite_refusal_is_shown_and_nothing_is_left_behind(env):
    job = imported_job(env)
    env.add_fault(method="POST", path="/v3/lipsyncs", status=402, code="insufficient_credit", times=None)
    at = videos_page(job.id)
    at.get("file_uploader")[0].upload("new line.wav", wav(1.0), "audio/wav").run()
    at.button(key=ra(job, "go")).click().run()
    assert not at.exception
    assert "could not be replaced" in texts(at) and "credit" in texts(at)
    assert [j.kind for j in store(env).list(account(env))] == ["imported"]
    assert at.get("file_uploader")[0].value is not None


def test_an_unusable_file_is_refused_with_a_plain_reason(env):
    job = imported_job(env)
    at = videos_page(job.id)
    at.button(key=ra(job, "go")).click().run()
    assert "Upload the new audio first" in texts(at)
    at.get("file_uploader")[0].upload("notes.wav", b"not audio at all" * 10, "audio/wav").run()
    assert not at.exception
    assert "not an audio file" in texts(at)
    at.button(key=ra(job, "go")).click().run()
    assert "not an audio file" in texts(at) and "Upload the new audio first" not in texts(at)
    assert [e for e in env.requests_log() if e["path"] == "/v3/lipsyncs"] == []


def test_a_failed_lipsync_says_why_and_offers_no_edit(env, worker):
    job = imported_job(env)
    env.configure(render_outcome="fail", failure_message="The new audio has no speech in it.")
    at = videos_page(job.id)
    at.get("file_uploader")[0].upload("silence.wav", wav(1.0), "audio/wav").run()
    at.button(key=ra(job, "go")).click().run()
    new = store(env).list(account(env))[0]
    run_until(at, lambda a: "could not render" in texts(a), worker, message="the failed lip-sync was never shown")
    body = texts(at)
    assert new.kind == "lipsync" and md("The new audio has no speech in it.") in body
    assert md("HeyGen could not lip-sync the new audio.") in body
    assert "Edit & retry" not in [b.label for b in at.button]
    assert f"HeyGen lip-sync id {md(new.video_id)}" in " ".join(c.value for c in at.caption)


def test_new_audio_from_a_script_and_a_voice(env):
    client = Client(KEY, env.base_url)
    if not callable(getattr(client.voices, "speech", None)):
        pytest.skip("this client cannot make speech from a script (POST /v3/voices/speech)")
    job = imported_job(env)
    voice = client.voices.list(engine="starfish", limit=1)[0]
    at = videos_page(job.id)
    at.radio(key=ra(job, "source")).set_value("A script and a voice").run()
    assert not at.exception
    at.text_area(key=ra(job, "script")).input("Our spring offer ends on Friday.").run()
    at.button(key=ra(job, "go")).click().run()
    assert md("Pick the voice that should speak the script.") in texts(at)
    assert [e for e in env.requests_log() if e["path"] == "/v3/voices/speech"] == []
    at.selectbox(key=f"{ra(job, 'voice')}_vo_choice").set_value(voice.voice_id).run()
    at.button(key=ra(job, "go")).click().run()
    assert not at.exception
    (spoken,) = [e for e in env.requests_log() if e["method"] == "POST" and e["path"] == "/v3/voices/speech"]
    assert spoken["request_json"]["text"] == "Our spring offer ends on Friday."
    (sent,) = [e for e in env.requests_log() if e["method"] == "POST" and e["path"] == "/v3/lipsyncs"]
    assert sent["request_json"]["audio"]["type"] == "url"
    assert store(env).list(account(env))[0].kind == "lipsync"
