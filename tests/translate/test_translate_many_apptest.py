"""The Videos page in AppTest: "Translate several videos" (finished videos picked by title × languages, the
cost facts, the same checks with nothing recorded or sent on a problem, every video × language recorded
queued under its video, and the background worker sending them within the cap)."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

from heygen import Client
from heygen.studio import imports
from heygen.studio.batch import BatchStore
from heygen.studio.states import JobStatus
from heygen.studio.watch import PollPolicy
from heygen.studio.worker import Accounts, Worker, make_huey
from tests.support import shown
from tests.translate.conftest import APP_KEY
from ui import copy
from ui.text import md

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
POLICY = PollPolicy(first=0.05, maximum=0.1, deadline=600)
K = "tr_many"


def videos_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/videos.py").run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.warning, *at.success, *at.info, *at.markdown, *at.caption)]
    return "\n".join(str(p) for p in parts)


def plain(at: AppTest) -> str:
    """The page's messages as the reader sees them (no markdown escapes)."""
    return shown(texts(at))


def finished(env, store, account):
    client = Client(APP_KEY, env.base_url)
    videos = [client.videos.get(f"v_elsewhere_{i:02d}") for i in (1, 2)]
    return imports.import_videos(store, account, videos).added


def creates(env):
    return [e for e in env.requests_log() if e["method"] == "POST" and e["path"] == "/v3/video-translations"]


def open_form(at, videos, languages):
    at.multiselect(key=f"{K}_videos").set_value([v.id for v in videos]).run()
    if f"{K}_choices" not in at.session_state:
        at.button(key=f"{K}_load").click().run()
    assert not at.exception
    at.multiselect(key=f"{K}_languages").set_value(languages).run()
    return at


def test_the_videos_are_picked_by_title_and_the_facts_shown_before_anything_is_sent(env, app_store, app_account):
    videos = finished(env, app_store, app_account)
    at = videos_page()
    picker = at.multiselect(key=f"{K}_videos")
    assert [o.split(" · ")[0] for o in picker.options] == [v.title for v in reversed(videos)]
    open_form(at, videos, ["Italian", "Korean", "Japanese"])
    assert at.number_input(key=f"{K}_at_once").value == 3
    total = sum(v.duration for v in videos)
    assert md(f"To be made: {copy.translation_facts_many(videos, ['Italian', 'Korean', 'Japanese'])}. At most 3 "
              "translating at once.") in texts(at)
    assert f"2 videos × 3 languages = 6 translations · {copy._length(total)} of video" in \
        copy.translation_facts_many(videos, ["Italian", "Korean", "Japanese"])
    assert creates(env) == [] and not [e for e in env.requests_log() if e["path"].endswith("/statuses")]


def test_an_empty_choice_is_refused_plainly_and_nothing_is_recorded(env, app_store, app_account):
    videos = finished(env, app_store, app_account)
    at = videos_page()
    at.button(key=f"{K}_load").click().run()
    at.button(key=f"{K}_go").click().run()
    assert not at.exception
    assert md("Choose at least one finished video to translate.") in texts(at)
    assert md("Choose at least one language to translate into.") in texts(at)
    open_form(at, videos[:1], [])
    at.button(key=f"{K}_go").click().run()
    assert md("Choose at least one language to translate into.") in texts(at)
    assert app_store.count(app_account) == 2 and creates(env) == []


def test_a_video_heygen_no_longer_has_is_named_and_nothing_is_recorded(env, app_store, app_account):
    videos = finished(env, app_store, app_account)
    at = videos_page()
    open_form(at, videos, ["Italian"])
    Client(APP_KEY, env.base_url).videos.delete(videos[0].video_id)
    at.button(key=f"{K}_go").click().run()
    assert not at.exception
    assert f"“{videos[0].title}”: HeyGen no longer has this video, so it cannot be translated." in plain(at)
    assert app_store.count(app_account) == 2 and creates(env) == []
    assert at.multiselect(key=f"{K}_languages").value == ["Italian"]  # the choices stay


def test_every_video_and_language_is_queued_under_its_video_and_sent_within_the_cap(env, app_store, app_account,
                                                                                     tmp_path):
    videos = finished(env, app_store, app_account)
    at = videos_page()
    open_form(at, videos, ["Italian", "Korean", "Japanese"])
    at.number_input(key=f"{K}_at_once").set_value(2).run()
    at.button(key=f"{K}_go").click().run()
    assert not at.exception
    assert "Recorded 6 translations (2 videos × 3 languages). The studio sends 2 now and each of the others as " \
           "one finishes." in plain(at)
    jobs = [j for j in app_store.list(app_account) if j.kind == "translation"]
    assert len(jobs) == 6 and {j.status for j in jobs} == {"queued"} and creates(env) == []
    at.button(key=f"{K}_go").click().run()  # the same request clicked again is recorded once
    assert len([j for j in app_store.list(app_account) if j.kind == "translation"]) == 6
    table = at.dataframe[0].value
    newest_first = list(reversed(videos))
    assert list(table["Title"]) == [
        newest_first[0].title, "↳ Italian", "↳ Korean", "↳ Japanese",
        newest_first[1].title, "↳ Italian", "↳ Korean", "↳ Japanese"]
    assert list(table["Status"]).count("Waiting for a free slot") == 6
    # The background worker sends two, then the others as those finish.
    accounts = Accounts()
    client = Client(APP_KEY, env.base_url, max_retries=0)
    accounts.register(app_account, client)
    worker = Worker(make_huey(tmp_path / "queue"), app_store, BatchStore(app_store), policy_for=lambda kind: POLICY,
                    accounts=accounts)
    worker.run_once()
    on_their_way = [j for j in app_store.list(app_account) if j.kind == "translation" and j.status != "queued"]
    assert len(on_their_way) == 2 and len(creates(env)) == 2
    at.run()
    assert list(at.dataframe[0].value["Status"]).count("Waiting for a free slot") == 4
    at.session_state["selected_job"] = next(j.id for j in app_store.list(app_account, statuses=(JobStatus.QUEUED,)))
    at.run()
    assert "Waiting for a free slot.** 2 of this request's translations are on their way (at most 2 at once)" \
        in plain(at)
    client.close()


def test_translations_stopped_by_credit_are_queued_again_with_one_button(env, app_store, app_account, tmp_path):
    videos = finished(env, app_store, app_account)
    at = videos_page()
    open_form(at, videos, ["Italian", "Korean"])
    at.button(key=f"{K}_go").click().run()
    env.add_fault(method="POST", path="/v3/video-translations", status=402, code="insufficient_credit",
                  message="Not enough credit.", times=1)
    accounts = Accounts()
    client = Client(APP_KEY, env.base_url, max_retries=0)
    accounts.register(app_account, client)
    worker = Worker(make_huey(tmp_path / "queue"), app_store, BatchStore(app_store), policy_for=lambda kind: POLICY,
                    accounts=accounts)
    worker.run_once()
    jobs = [j for j in app_store.list(app_account) if j.kind == "translation"]
    assert {j.status for j in jobs} == {"submit_failed"}
    at.session_state["selected_job"] = jobs[0].id
    at.run()
    assert not at.exception
    requeue = next(b for b in at.button if b.label == "Queue all 4 not sent again")
    requeue.click().run()
    assert not at.exception
    assert {app_store.get(j.id).status for j in jobs} == {"queued"}
    worker.run_once()
    assert len([e for e in creates(env) if e["status"] == 200]) == 3  # the request's cap: 3 at once
    client.close()
