"""The Videos page in AppTest: "Translate" on a finished video (languages loaded on request, the cost facts,
one entry per language under its source, an empty choice refused), the review of a proofread's subtitles,
a malformed SRT reported, and a failed language retried."""

from __future__ import annotations

import time
from pathlib import Path

import requests
from streamlit.testing.v1 import AppTest

from heygen import Client
from heygen.studio import imports, kinds, translate, watch
from heygen.studio.watch import PollPolicy
from tests.translate.conftest import APP_KEY
from ui.text import md

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
POLICY = PollPolicy(first=0.05, maximum=0.1, deadline=600)


def videos_page(job_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["selected_job"] = job_id
    at.run()
    at.switch_page("pages/videos.py").run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.warning, *at.success, *at.info, *at.markdown, *at.caption)]
    return "\n".join(str(p) for p in parts)


def source(env, store, account):
    client = Client(APP_KEY, env.base_url)
    (job,) = imports.import_videos(store, account, [client.videos.get("v_elsewhere_01")]).added
    return job


def posts(env, path):
    return [e for e in env.requests_log() if e["method"] == "POST" and e["path"] == path]


def until(store, job, status, timeout=10.0):
    client = Client(APP_KEY, store_env_url(store))
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = store.get(job.id)
        kinds.of(job).check(client, store, job, POLICY)
        if store.get(job.id).status == status:
            return store.get(job.id)
        time.sleep(0.05)
    raise AssertionError(f"never {status}: {store.get(job.id).status}")


_URL = {}


def store_env_url(store):
    return _URL["base"]


def test_translate_a_finished_video_into_three_languages_one_reviewed(env, app_store, app_account):
    _URL["base"] = env.base_url
    original = source(env, app_store, app_account)
    at = videos_page(original.id)
    assert [e for e in env.requests_log() if "translations" in e["path"]] == []  # nothing asked yet
    at.button(key=f"tr_{original.id}_load").click().run()
    assert not at.exception
    choose = at.multiselect(key=f"tr_{original.id}_languages")
    assert "Spanish (Spain)" in choose.options
    choose.set_value(["Spanish (Spain)", "French (France)", "Japanese"]).run()
    at.multiselect(key=f"tr_{original.id}_review").set_value(["French (France)"]).run()
    at.radio(key=f"tr_{original.id}_mode").set_value("precision").run()
    at.selectbox(key=f"tr_{original.id}_glossary").set_value("Product names").run()
    assert md("To be made: 3 languages × 42 s of video = 2 min 06 s of translated video.") in texts(at)
    at.button(key=f"tr_{original.id}_go").click().run()
    assert not at.exception
    assert md("Sent: Spanish (Spain), French (France), Japanese.") in texts(at)
    jobs = [j for j in app_store.list(app_account) if j.kind == "translation"]
    assert len(jobs) == 3 and len(posts(env, "/v3/video-translations")) == 2
    assert len(posts(env, "/v3/video-translations/proofreads")) == 1
    bodies = [e["request_json"] for e in posts(env, "/v3/video-translations")]
    assert all(b["mode"] == "precision" and b["brand_glossary_id"] == "bg_product_names" for b in bodies)
    table = at.dataframe[0].value
    assert list(table["Title"]) == [original.title, "↳ Spanish (Spain)", "↳ French (France)", "↳ Japanese"]
    assert list(table["Origin"])[1:] == ["Translation"] * 3


def test_an_empty_choice_is_refused_and_nothing_is_recorded(env, app_store, app_account):
    original = source(env, app_store, app_account)
    at = videos_page(original.id)
    at.button(key=f"tr_{original.id}_load").click().run()
    at.button(key=f"tr_{original.id}_go").click().run()
    assert not at.exception
    assert md("Choose at least one language to translate into.") in texts(at)
    assert app_store.count(app_account) == 1 and posts(env, "/v3/video-translations") == []


def test_a_source_heygen_cannot_read_is_reported_plainly_and_the_choices_stay(env, app_store, app_account):
    original = source(env, app_store, app_account)
    at = videos_page(original.id)
    at.button(key=f"tr_{original.id}_load").click().run()
    at.multiselect(key=f"tr_{original.id}_languages").set_value(["Italian", "Korean"]).run()
    env.add_fault(method="POST", path="/v3/video-translations", status=400, code="invalid_parameter",
                  message="HeyGen could not download the source video.")
    at.button(key=f"tr_{original.id}_go").click().run()
    assert not at.exception
    assert md("HeyGen could not download the source video.") in texts(at)
    assert at.multiselect(key=f"tr_{original.id}_languages").value == ["Italian", "Korean"]
    assert app_store.count(app_account) == 1  # nothing left behind: nothing was sent


def test_a_reviewed_language_shows_its_subtitles_and_renders_once(env, app_store, app_account):
    _URL["base"] = env.base_url
    original = source(env, app_store, app_account)
    (job,) = translate.create_jobs(app_store, account=app_account, source=original, languages=["German (Germany)"],
                                   options=translate.Options(), review={"German (Germany)"})
    translate.submit(Client(APP_KEY, env.base_url), app_store, job)
    job = until(app_store, job, translate.REVIEW)
    at = videos_page(job.id)
    assert "Waiting for your review" in texts(at)
    captions = " ".join(c.value for c in at.caption)
    assert f"HeyGen proofread id {md(job.video_id)}" in captions and "HeyGen video id" not in captions
    at.button(key=f"tr_{job.id}_open_srt").click().run()
    assert not at.exception
    tables = [t.value for t in at.dataframe if "Translation" in t.value.columns]
    assert tables, texts(at)
    (shown,) = tables
    assert list(shown.columns) == ["Start", "End", "Original", "Translation"] and len(shown) == 4
    assert shown["Original"][1] == "Our new product ships to every region this month."
    assert shown["Translation"][1] == "[German (Germany)] Our new product ships to every region this month."
    assert "The video is 0:42 long;" in texts(at) and "00:00:42,000" not in texts(at)  # the sandbox source: 42 s
    at.button(key=f"tr_{job.id}_render").click().run()
    assert not at.exception
    rendering = app_store.get(job.id)
    assert rendering.video_id.startswith("vt_") and translate.details_of(rendering)["phase"] == "translate"
    assert len([e for e in env.requests_log() if e["path"].endswith("/generate")]) == 1
    done = until(app_store, rendering, "completed")
    assert "[German (Germany)] Our new product" in requests.get(done.subtitle_url, timeout=5).text
    assert kinds.of(done).id_name(done) == "video id"  # the translation's own id, once generated


def test_a_malformed_srt_from_heygen_is_reported_not_crashed_on(env, app_store, app_account):
    _URL["base"] = env.base_url
    requests.post(f"{env.base_url}/_sandbox/translations", json={"malformed_srt_languages": ["Hindi"]}, timeout=5)
    original = source(env, app_store, app_account)
    (job,) = translate.create_jobs(app_store, account=app_account, source=original, languages=["Hindi"],
                                   options=translate.Options(), review={"Hindi"})
    translate.submit(Client(APP_KEY, env.base_url), app_store, job)
    job = until(app_store, job, translate.REVIEW)
    at = videos_page(job.id)
    at.button(key=f"tr_{job.id}_open_srt").click().run()
    assert not at.exception
    assert md("HeyGen's subtitle file could not be read: Line 6:") in texts(at)
    assert app_store.get(job.id).status == translate.REVIEW


def test_a_failed_language_shows_its_reason_and_is_retried_alone(env, app_store, app_account):
    _URL["base"] = env.base_url
    requests.post(f"{env.base_url}/_sandbox/translations", timeout=5,
                  json={"fail_languages": {"Polish": "The speech could not be separated from the music."}})
    original = source(env, app_store, app_account)
    (job,) = translate.create_jobs(app_store, account=app_account, source=original, languages=["Polish"],
                                   options=translate.Options())
    translate.submit(Client(APP_KEY, env.base_url), app_store, job)
    job = until(app_store, job, "failed")
    at = videos_page(job.id)
    assert md("The speech could not be separated from the music.") in texts(at)
    requests.post(f"{env.base_url}/_sandbox/translations", json={"fail_languages": []}, timeout=5)
    at.button(key=f"tr_{job.id}_retry").click().run()
    assert not at.exception
    again = [j for j in app_store.list(app_account) if j.kind == "translation" and j.id != job.id]
    assert len(again) == 1 and again[0].status == "pending" and again[0].title == job.title
    assert len(posts(env, "/v3/video-translations")) == 2


def test_an_edit_that_breaks_the_timing_is_refused_plainly_and_kept(env, app_store, app_account):
    _URL["base"] = env.base_url
    original = source(env, app_store, app_account)
    (job,) = translate.create_jobs(app_store, account=app_account, source=original, languages=["Swedish"],
                                   options=translate.Options(), review={"Swedish"})
    translate.submit(Client(APP_KEY, env.base_url), app_store, job)
    job = until(app_store, job, translate.REVIEW)
    at = videos_page(job.id)
    at.button(key=f"tr_{job.id}_open_srt").click().run()
    at.session_state[f"tr_{job.id}_editor"] = {"edited_rows": {2: {"Start": "00:00:05,000", "Translation": "Tack!"}},
                                               "added_rows": [], "deleted_rows": []}
    at.button(key=f"tr_{job.id}_render").click().run()
    assert not at.exception
    assert md("Cue 3 starts (00:00:05,000) before cue 2 ends (00:00:20,800): cues may not overlap.") in texts(at)
    assert app_store.get(job.id).status == translate.REVIEW
    assert [e for e in env.requests_log() if e["path"].endswith("/generate") or e["path"] == "/v3/assets"] == []
    at.session_state[f"tr_{job.id}_editor"] = {"edited_rows": {2: {"Start": "soon"}}, "added_rows": [],
                                               "deleted_rows": []}
    at.button(key=f"tr_{job.id}_render").click().run()
    assert md("Cue 3: “soon” is not a time; write it like 00:01:02,500.") in texts(at)


def test_an_uploaded_mp4_is_uploaded_once_and_translated_with_a_review(env, app_store, app_account):
    _URL["base"] = env.base_url
    clip = (Path(__file__).resolve().parents[2] / "heygen/sandbox/media/landscape.mp4").read_bytes()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/videos.py").run()
    at.get("file_uploader")[0].upload("launch.mp4", clip, "video/mp4")
    at.run()
    assert not at.exception
    at.button(key="tr_upload_load").click().run()
    at.multiselect(key="tr_upload_languages").set_value(["Italian", "Korean"]).run()
    at.multiselect(key="tr_upload_review").set_value(["Korean"]).run()
    at.button(key="tr_upload_go").click().run()
    assert not at.exception
    assert md("Sent: Italian, Korean.") in texts(at)
    uploads = [e for e in env.requests_log() if e["method"] == "POST" and e["path"] == "/v3/assets"]
    assert len(uploads) == 1
    jobs = {translate.details_of(j)["language"]: j for j in app_store.list(app_account)}
    assert set(jobs) == {"Italian", "Korean"}
    asset_ids = {translate.details_of(j)["source_asset_id"] for j in jobs.values()}
    assert len(asset_ids) == 1 and None not in asset_ids
    body = posts(env, "/v3/video-translations")[0]["request_json"]
    assert body["video"] == {"type": "asset_id", "asset_id": asset_ids.pop()}
    review = until(app_store, jobs["Korean"], translate.REVIEW)
    lines = translate.load_review(Client(APP_KEY, env.base_url), app_store, review)
    translate.check_lines(lines, translate.details_of(review)["duration"])  # HeyGen's cues fit the clip
    # A second Translate of the same file reuses the upload.
    at.multiselect(key="tr_upload_languages").set_value(["Dutch"]).run()
    at.button(key="tr_upload_go").click().run()
    assert len([e for e in env.requests_log() if e["method"] == "POST" and e["path"] == "/v3/assets"]) == 1
