"""Translating a finished video, against the sandbox over HTTP: one job per language, each sent once; a
language that fails is reported with its reason and retried alone; a create whose answer was lost is
found on the account, never sent twice; a proofread's subtitles are edited, checked and rendered once."""

from __future__ import annotations

import time

import pytest
import requests

from heygen import Client
from heygen.api import errors
from heygen.sandbox import Sandbox
from heygen.studio import imports, kinds, reconcile, srt, translate, watch
from heygen.studio.errors import NotSendable, Unsendable
from heygen.studio.jobs import JobStore, Patch
from heygen.studio.watch import PollPolicy

KEY = "sk-translate-domain-0123456789abcdef"
ACCOUNT = "acct-translate-test"
POLICY = PollPolicy(first=0.05, maximum=0.1, deadline=600)
FOUR = ["Spanish (Spain)", "French (France)", "German (Germany)", "Japanese"]


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.4, elsewhere_videos=3, max_concurrent_renders=None).start()
    yield sb
    sb.stop()


@pytest.fixture
def sb(sandbox):
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=0.4, render_outcome="complete", honour_idempotency_key=True)
    rehearse(sandbox, fail_languages={}, malformed_srt_languages=[], proofread_seconds=0.2)
    return sandbox


@pytest.fixture
def client(sb):
    return Client(KEY, sb.base_url, sleep=lambda s: None)


@pytest.fixture
def store(tmp_path):
    with JobStore(tmp_path / "jobs.sqlite3") as s:
        yield s


def rehearse(sb, **settings):
    answer = requests.post(f"{sb.base_url}/_sandbox/translations", json=settings, timeout=5)
    assert answer.status_code == 200, answer.text


def source_job(client, store, video_id="v_elsewhere_02"):
    (job,) = imports.import_videos(store, ACCOUNT, [client.videos.get(video_id)]).added
    return job


def posts(sb, path):
    return [e for e in sb.requests_log() if e["method"] == "POST" and e["path"] == path]


def until_stopped(client, store, job, *, timeout=10.0, stop_on=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = store.get(job.id)
        result = kinds.of(job).check(client, store, job, POLICY)
        if result.stopped or (stop_on and result.job.status == stop_on):
            return result
        time.sleep(0.05)
    raise AssertionError(f"job {job.id} never stopped (status {store.get(job.id).status})")


def test_one_request_becomes_one_job_per_language_recorded_before_sending(sb, client, store):
    source = source_job(client, store)
    jobs = translate.create_jobs(store, account=ACCOUNT, source=source, languages=FOUR[:3],
                                 options=translate.Options(mode="precision", captions=True, glossary_id="bg_product_names"),
                                 supported=client.translations.languages())
    assert [j.title for j in jobs] == [f"{source.title} — {name}" for name in FOUR[:3]]
    assert all(j.kind == "translation" and j.status == "submitting" and j.video_id is None for j in jobs)
    assert len({translate.details_of(j)["group"] for j in jobs}) == 1
    assert posts(sb, "/v3/video-translations") == []  # nothing sent yet
    sent = [kinds.of(j).send(client, store, j) for j in jobs]
    bodies = [e["request_json"] for e in posts(sb, "/v3/video-translations")]
    assert len(posts(sb, "/v3/video-translations")) == 3
    assert all(j.video_id.startswith("vt_") and j.status == "pending" for j in sent)
    assert [b["output_languages"] for b in bodies] == [[n] for n in FOUR[:3]]
    assert all(b["mode"] == "precision" and b["enable_caption"] and b["brand_glossary_id"] == "bg_product_names"
               and b["video"]["type"] == "url" for b in bodies)
    assert {until_stopped(client, store, j).outcome for j in sent} == {watch.COMPLETED}
    done = store.get(sent[0].id)
    assert done.video_url and done.subtitle_url and done.duration == source.duration
    assert requests.get(done.video_url, timeout=5).content[4:8] == b"ftyp"  # keyless, playable
    assert "[Spanish (Spain)]" in requests.get(done.subtitle_url, timeout=5).text
    assert [j.id for j in translate.group_of(store, done)] == [j.id for j in jobs]


def test_three_of_four_languages_done_one_failed_with_its_reason_and_a_retry(sb, client, store):
    rehearse(sb, fail_languages={"German (Germany)": "The speech could not be separated from the music."})
    source = source_job(client, store)
    jobs = [kinds.of(j).send(client, store, j) for j in
            translate.create_jobs(store, account=ACCOUNT, source=source, languages=FOUR, options=translate.Options())]
    outcomes = {translate.details_of(j)["language"]: until_stopped(client, store, j) for j in jobs}
    assert [n for n, r in outcomes.items() if r.outcome == watch.COMPLETED] == ["Spanish (Spain)", "French (France)",
                                                                               "Japanese"]
    failed = outcomes["German (Germany)"].job
    assert failed.status == "failed" and failed.failure_code == translate.FAILED_CODE
    assert failed.failure_message == "The speech could not be separated from the music."
    assert translate.FAILED_CODE in kinds.of(failed).failure_codes
    from ui import copy  # the panel's advice for it

    assert copy.failure_hint(failed.failure_code, None) is None  # the kind gives its own hint
    assert copy.failure_advice(failed).startswith("HeyGen could not translate this language.")
    rehearse(sb, fail_languages={})
    again = translate.retry(store, failed)
    assert again.id != failed.id and again.title == failed.title and again.idempotency_key != failed.idempotency_key
    again = kinds.of(again).send(client, store, again)
    assert until_stopped(client, store, again).outcome == watch.COMPLETED
    assert store.get(failed.id).status == "failed"  # the failed attempt stays in the history
    assert len(posts(sb, "/v3/video-translations")) == 5
    assert len(translate.group_of(store, failed)) == 5


@pytest.mark.parametrize("fault", [{"kind": "drop", "after": True}, {"status": 502, "kind": "html", "after": True}],
                         ids=["dropped after", "502 after"])
def test_a_translation_whose_answer_was_lost_is_found_never_sent_twice(sb, client, store, fault):
    sb.configure(honour_idempotency_key=False)  # a resend would make (and charge) a second translation
    source = source_job(client, store)
    (job,) = translate.create_jobs(store, account=ACCOUNT, source=source, languages=["Italian"],
                                   options=translate.Options())
    sb.add_fault(method="POST", path="/v3/video-translations", **fault)
    with pytest.raises(errors.HeyGenError):
        kinds.of(job).send(client, store, job)
    job = store.get(job.id)
    assert job.status == "checking" and job.video_id is None
    with pytest.raises(NotSendable) as refused:
        kinds.of(job).send(client, store, job)  # refused: HeyGen may have it
    assert refused.value.reason == Unsendable.CHECKING
    result = kinds.of(job).check(client, store, job, POLICY)  # one look at GET /v3/video-translations
    (made,) = [t.id for t in client.translations.list()]
    assert result.job.video_id == made and len(posts(sb, "/v3/video-translations")) == 1
    assert until_stopped(client, store, result.job).outcome == watch.COMPLETED


def test_a_translation_lost_before_it_arrived_waits_for_the_user(sb, client, store):
    source = source_job(client, store)
    (job,) = translate.create_jobs(store, account=ACCOUNT, source=source, languages=["Korean"],
                                   options=translate.Options())
    sb.add_fault(method="POST", path="/v3/video-translations", kind="drop")
    with pytest.raises(errors.HeyGenError):
        kinds.of(job).send(client, store, job)
    start = time.time()
    first = reconcile.look(client, store, store.get(job.id), now=start, find_lost=kinds.of(job).find_lost)
    second = reconcile.look(client, store, first.job, now=start + reconcile.SPAN_NEEDED + 1,
                            find_lost=kinds.of(job).find_lost)
    assert second.outcome == reconcile.NOT_FOUND and second.job.status == "unclear"
    again = kinds.of(job).send(client, store, second.job)  # "Send again": the user's choice
    assert again.video_id and again.status == "pending"
    keys = [e["idempotency_key"] for e in posts(sb, "/v3/video-translations")]
    assert keys == [job.idempotency_key, job.idempotency_key]


def test_bad_requests_are_refused_before_anything_is_recorded_or_sent(sb, client, store):
    source = source_job(client, store)
    supported = client.translations.languages()
    with pytest.raises(translate.TranslationRequestError) as empty:
        translate.create_jobs(store, account=ACCOUNT, source=source, languages=[], options=translate.Options())
    assert empty.value.problems == {"languages": (translate.Problem(translate.Code.NO_LANGUAGE),)}
    with pytest.raises(translate.TranslationRequestError) as unknown:
        translate.create_jobs(store, account=ACCOUNT, source=source, languages=["Klingon"],
                              options=translate.Options(), supported=supported)
    assert unknown.value.problems == {"languages": (translate.Problem(translate.Code.UNSUPPORTED, names=("Klingon",)),)}
    running = store.create(account=ACCOUNT, kind="avatar", title="Still rendering", inputs={})
    with pytest.raises(translate.TranslationRequestError) as unfinished:
        translate.create_jobs(store, account=ACCOUNT, source=running, languages=["Italian"],
                              options=translate.Options())
    assert unfinished.value.problems == {"source": (translate.Problem(translate.Code.NOT_FINISHED),)}
    assert store.count(ACCOUNT) == 2 and posts(sb, "/v3/video-translations") == []
    # HeyGen itself refuses an unsupported language: the job is "not sent", with HeyGen's words.
    (job,) = translate.create_jobs(store, account=ACCOUNT, source=source, languages=["Klingon"],
                                   options=translate.Options())
    with pytest.raises(errors.InvalidRequestError, match="Unsupported output language"):
        kinds.of(job).send(client, store, job)
    assert store.get(job.id).status == "submit_failed"


def test_a_source_heygen_cannot_reach_is_reported_and_nothing_is_made(sb, client, store):
    source = source_job(client, store)
    (job,) = translate.create_jobs(store, account=ACCOUNT, source=source, languages=["Italian"],
                                   options=translate.Options())
    spec = translate.spec_of(job, "https://unreachable.invalid/video.mp4")
    with pytest.raises(errors.InvalidRequestError, match="could not download the source video"):
        client.translations.create(spec)
    assert client.translations.list() == []


def test_a_proofread_is_edited_checked_and_rendered_once_with_the_corrected_line(sb, client, store):
    source = source_job(client, store)
    jobs = translate.create_jobs(store, account=ACCOUNT, source=source, languages=["Spanish (Spain)", "Japanese"],
                                 options=translate.Options(captions=True), review={"Spanish (Spain)"})
    proof, plain = [kinds.of(j).send(client, store, j) for j in jobs]
    assert proof.status == translate.PROOFREADING and proof.video_id.startswith("pr_")
    assert plain.status == "pending" and len(posts(sb, "/v3/video-translations/proofreads")) == 1
    waiting = until_stopped(client, store, proof, stop_on=translate.REVIEW)
    assert waiting.job.status == translate.REVIEW and not waiting.stopped
    sb.clear_requests_log()
    assert kinds.of(waiting.job).check(client, store, waiting.job, POLICY).request_count == 0  # the user's turn
    lines = translate.load_review(client, store, waiting.job)
    assert len(lines) == 4 and lines[1].original == "Our new product ships to every region this month."
    assert lines[1].translation.startswith("[Spanish (Spain)]")
    srt_fetches = [e for e in sb.requests_log(media=True) if e["path"].endswith(".srt")]
    assert len(srt_fetches) == 2 and not any(e["key_sent"] for e in srt_fetches)
    # A timing that overlaps is refused with the cue named; nothing is uploaded or rendered.
    broken = list(lines)
    broken[2] = translate.Line(lines[1].start + 0.1, lines[2].end, lines[2].original, lines[2].translation)
    with pytest.raises(srt.SrtError, match="Cue 3 starts .* before cue 2 ends"):
        translate.finish_review(client, store, store.get(proof.id), broken)
    assert posts(sb, "/v3/assets") == [] and store.get(proof.id).status == translate.REVIEW
    edited = list(lines)
    edited[1] = translate.Line(lines[1].start, lines[1].end, lines[1].original, "Nuestro producto Zentrix llega hoy.")
    rendering = translate.finish_review(client, store, store.get(proof.id), edited)
    assert rendering.video_id.startswith("vt_") and rendering.status == "pending"
    with pytest.raises(NotSendable) as refused:
        translate.finish_review(client, store, store.get(proof.id), edited)  # never rendered twice
    assert refused.value.reason == Unsendable.ALREADY_STARTED
    assert len(posts(sb, f"/v3/video-translations/proofreads/{proof.video_id}/generate")) == 1
    done = until_stopped(client, store, rendering)
    assert done.outcome == watch.COMPLETED
    captions = requests.get(done.job.subtitle_url, timeout=5).text
    assert "Nuestro producto Zentrix llega hoy." in captions
    assert until_stopped(client, store, plain).outcome == watch.COMPLETED


def test_a_malformed_srt_from_heygen_is_reported_with_its_line(sb, client, store):
    rehearse(sb, malformed_srt_languages=["French (France)"])
    source = source_job(client, store)
    (job,) = translate.create_jobs(store, account=ACCOUNT, source=source, languages=["French (France)"],
                                   options=translate.Options(), review={"French (France)"})
    waiting = until_stopped(client, store, kinds.of(job).send(client, store, job), stop_on=translate.REVIEW)
    with pytest.raises(srt.SrtError) as bad:
        translate.load_review(client, store, waiting.job)
    assert bad.value.problems == ["Line 6: “00:00:02,500 -> soon” is not a timing line "
                                  "(like 00:00:01,000 --> 00:00:03,500)."]
    assert store.get(job.id).status == translate.REVIEW  # nothing lost, nothing sent


def test_a_render_request_whose_answer_was_lost_is_found_never_started_twice(sb, client, store):
    source = source_job(client, store)
    (job,) = translate.create_jobs(store, account=ACCOUNT, source=source, languages=["Dutch"],
                                   options=translate.Options(), review={"Dutch"})
    waiting = until_stopped(client, store, kinds.of(job).send(client, store, job), stop_on=translate.REVIEW)
    lines = translate.load_review(client, store, waiting.job)
    sb.add_fault(method="POST", path=f"/v3/video-translations/proofreads/{waiting.job.video_id}/generate",
                 kind="drop", after=True)
    with pytest.raises(errors.HeyGenError):
        translate.finish_review(client, store, store.get(job.id), lines)
    assert store.get(job.id).status == "checking"
    with pytest.raises(NotSendable, match="already_started"):
        translate.finish_review(client, store, store.get(job.id), lines)
    result = kinds.of(job).check(client, store, store.get(job.id), POLICY)
    assert result.job.video_id.startswith("vt_") and translate.details_of(result.job)["phase"] == "translate"
    assert until_stopped(client, store, result.job).outcome == watch.COMPLETED
    assert len(posts(sb, f"/v3/video-translations/proofreads/{waiting.job.video_id}/generate")) == 1


def test_a_render_request_cut_off_mid_send_is_looked_for_not_resent(sb, client, store):
    source = source_job(client, store)
    (job,) = translate.create_jobs(store, account=ACCOUNT, source=source, languages=["Swedish"],
                                   options=translate.Options(), review={"Swedish"})
    waiting = until_stopped(client, store, kinds.of(job).send(client, store, job), stop_on=translate.REVIEW)
    lines = translate.load_review(client, store, waiting.job)
    translate.finish_review(client, store, store.get(job.id), lines)
    made = store.get(job.id).video_id
    # As if the app had closed right after the render request left: the job still says "submitting".
    store.update_inputs(job.id, translation=Patch(phase="generate"))
    store.mark_submitted(job.id, waiting.job.video_id, "submitting")
    later = time.time() + watch.SUBMIT_GRACE_SECONDS + 5
    with pytest.raises(NotSendable, match="already_started"):
        translate.finish_review(client, store, store.get(job.id), lines)
    result = kinds.of(job).check(client, store, store.get(job.id), POLICY, now=later)
    assert result.job.video_id == made  # found on the account, adopted
    assert len(posts(sb, f"/v3/video-translations/proofreads/{waiting.job.video_id}/generate")) == 1
