"""The background worker and translations, against the sandbox over real HTTP: every due translation of an
account asked about in one bulk status request (plus one detail request for each that has just finished),
failures still reported; several videos × languages recorded at once and sent in turn within their cap,
each exactly once, even by two workers, after a lost answer, a 429 or a refusal."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import requests

from heygen import Client
from heygen.sandbox import Sandbox
from heygen.studio import imports, kinds, translate, watch
from heygen.studio.batch import BatchStore
from heygen.studio.jobs import JobStore
from heygen.studio.states import JobStatus
from heygen.studio.translate import Code, Problem
from heygen.studio.watch import PollPolicy
from heygen.studio.worker import Accounts, Worker, make_huey
from tests.support import wait_for

pytestmark = pytest.mark.timeout(120)

KEY = "sk-translate-queue-0123456789abcdef"
ACCOUNT = "acct-translate-queue"
POLICY = PollPolicy(first=0.05, maximum=0.1, deadline=3600)
STATUSES = "/v3/video-translations/statuses"
SLOT = tuple(s for s in (JobStatus.SUBMITTING, JobStatus.CHECKING, JobStatus.WAITING, JobStatus.PENDING,
                         JobStatus.PROCESSING))


@pytest.fixture(scope="module")
def sandbox():
    sb = Sandbox(api_key=KEY, render_seconds=0.4, elsewhere_videos=3, max_concurrent_renders=None).start()
    yield sb
    sb.stop()


@pytest.fixture
def sb(sandbox):
    sandbox.reset()
    sandbox.clear_faults()
    sandbox.configure(render_seconds=0.4, render_outcome="complete", honour_idempotency_key=True, latency_ms=0)
    rehearse(sandbox, fail_languages={})
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture
def client(sb):
    c = Client(KEY, sb.base_url, max_retries=0, timeout=(2.0, 5.0))
    yield c
    c.close()


@pytest.fixture
def store(tmp_path):
    with JobStore(tmp_path / "jobs.sqlite3") as s:
        yield s


@pytest.fixture
def worker(tmp_path, store, client):
    registered = Accounts()
    registered.register(ACCOUNT, client)
    return Worker(make_huey(tmp_path / "queue"), store, BatchStore(store), policy_for=lambda kind: POLICY,
                  accounts=registered)


def rehearse(sb, **settings):
    answer = requests.post(f"{sb.base_url}/_sandbox/translations", json=settings, timeout=5)
    assert answer.status_code == 200, answer.text


def sources(client, store, n=3):
    """The first ``n`` videos made elsewhere, in the history (imported once)."""
    videos = [client.videos.get(f"v_elsewhere_{i:02d}") for i in range(1, n + 1)]
    imports.import_videos(store, ACCOUNT, videos)
    return [store.find_by_video_id(ACCOUNT, v.id) for v in videos]


def sent_translations(client, store, languages):
    (source,) = sources(client, store, 1)
    jobs = translate.create_jobs(store, account=ACCOUNT, source=source, languages=languages,
                                 options=translate.Options())
    return [kinds.of(j).send(client, store, j) for j in jobs]


def log(sb, method, path=None, prefix=None):
    return [e for e in sb.requests_log() if e["method"] == method
            and (path is None or e["path"] == path) and (prefix is None or e["path"].startswith(prefix))]


def details(sb):
    return [e for e in log(sb, "GET", prefix="/v3/video-translations/vt_")]


# ---------------------------------------------------------------- watching in bulk


def test_due_translations_cost_one_status_request_and_a_finished_one_one_more(sb, client, store, worker):
    sb.configure(render_seconds=0)  # finished as soon as it is made: no waiting on the real clock
    (quick,) = sent_translations(client, store, ["Italian"])
    sb.configure(render_seconds=3600)
    slow = sent_translations(client, store, ["Korean", "Dutch", "Swedish", "Turkish"])
    before = len(sb.requests_log())
    requests_made = worker.watch_account(ACCOUNT, now=time.time() + 60)
    traffic = sb.requests_log()[before:]
    assert [e["path"] for e in traffic if e["path"] == STATUSES] == [STATUSES]  # five translations, one request
    assert [e["path"] for e in traffic if e["path"] != STATUSES] == [f"/v3/video-translations/{quick.video_id}"]
    assert requests_made == 2
    done = store.get(quick.id)
    assert done.status == "completed" and done.video_url and done.subtitle_url
    assert {store.get(j.id).status for j in slow} == {"pending"} and all(store.get(j.id).polls == 1 for j in slow)


def test_failures_and_vanished_translations_are_still_reported(sb, client, store, worker):
    rehearse(sb, fail_languages={"Polish": "The speech could not be separated from the music."})
    sb.configure(render_seconds=0)
    jobs = sent_translations(client, store, ["Polish", "Hindi", "Arabic"])
    gone = store.mark_submitted(store.create(account=ACCOUNT, kind="translation", title="Gone — Hindi",
                                             inputs={"translation": {"phase": "translate", "language": "Hindi"}}).id,
                                "vt_deleted_on_heygen", "pending")
    before = len(sb.requests_log())
    worker.watch_account(ACCOUNT, now=time.time() + 60)
    traffic = sb.requests_log()[before:]
    assert len([e for e in traffic if e["path"] == STATUSES]) == 1
    assert len([e for e in traffic if e["path"] != STATUSES]) == 3  # the three that finished, none for the 404
    failed, *finished = (store.get(j.id) for j in jobs)
    assert failed.status == "failed" and failed.failure_code == translate.FAILED_CODE
    assert failed.failure_message == "The speech could not be separated from the music."
    assert [j.status for j in finished] == ["completed", "completed"] and all(j.video_url for j in finished)
    assert store.get(gone.id).status == "not_found"


def test_a_server_without_bulk_statuses_is_asked_one_by_one(sb, client, store, worker):
    sb.configure(render_seconds=0)
    jobs = sent_translations(client, store, ["Italian", "Korean"])
    sb.add_fault(method="GET", path=STATUSES, status=404, code="not_found", message="Not found.")
    worker.watch_account(ACCOUNT, now=time.time() + 60)
    assert {store.get(j.id).status for j in jobs} == {"completed"}
    assert len(details(sb)) == 2


def test_a_failed_bulk_request_is_recorded_and_asked_again_next_time(sb, client, store, worker):
    sb.configure(render_seconds=0)
    jobs = sent_translations(client, store, ["Italian", "Korean"])
    sb.add_fault(method="GET", path=STATUSES, status=503, code="unavailable", message="Try again.")
    assert worker.watch_account(ACCOUNT, now=time.time() + 60) == 1
    assert {store.get(j.id).status for j in jobs} == {"pending"} and details(sb) == []
    assert all(store.get(j.id).error_detail for j in jobs)
    worker.watch_account(ACCOUNT, now=time.time() + 120)
    assert {store.get(j.id).status for j in jobs} == {"completed"}


# ---------------------------------------------------------------- several videos × languages, within a cap


def many(client, store, *, languages=("Italian", "Korean"), at_once=2, n=3):
    return translate.create_many(store, account=ACCOUNT, sources=sources(client, store, n), languages=list(languages),
                                 options=translate.Options(), supported=client.translations.languages(),
                                 at_once=at_once)


def in_flight(store):
    return sum(1 for j in store.list(ACCOUNT, statuses=SLOT) if j.kind == "translation")


def drain(store, worker, *, cap, timeout=30.0):
    """Tick the worker until nothing is queued or running; the most translations ever seen on their way."""
    most = 0
    deadline = time.time() + timeout
    while time.time() < deadline:
        worker.run_once()
        most = max(most, in_flight(store))
        assert most <= cap, f"{most} translations on their way, cap {cap}"
        if not store.list(ACCOUNT, statuses=(JobStatus.QUEUED, *SLOT)):
            return most
        time.sleep(0.05)
    raise AssertionError(f"the queue never drained: {Counter(j.status for j in store.list(ACCOUNT))}")


def creates(sb):
    return log(sb, "POST", "/v3/video-translations")


def test_videos_times_languages_are_recorded_queued_and_drain_within_the_cap(sb, client, store, worker):
    jobs = many(client, store)
    assert len(jobs) == 6 and {j.status for j in jobs} == {"queued"} and creates(sb) == []
    assert len({translate.details_of(j)["group"] for j in jobs}) == 1
    assert [store.events(j.id)[0].status for j in jobs] == ["queued"] * 6
    before = len(sb.requests_log())
    report = worker.run_once()
    assert in_flight(store) == 2 and len(creates(sb)) == 2  # the first tick fills the two slots
    source_links = [e for e in sb.requests_log()[before:] if e["path"].startswith("/v3/videos/v_elsewhere")]
    assert len(source_links) == 1 and report.requests == 3  # both languages of the first video: its link once
    assert drain(store, worker, cap=2) == 2
    assert {store.get(j.id).status for j in jobs} == {"completed"}
    keys = Counter(e["idempotency_key"] for e in creates(sb))
    assert len(keys) == 6 and set(keys.values()) == {1}
    assert [e["request_json"]["output_languages"] for e in creates(sb)] == [["Italian"], ["Korean"]] * 3


def test_the_worker_on_its_queue_drains_the_translations_with_no_page_open(sb, client, store, tmp_path):
    jobs = many(client, store, at_once=2)
    registered = Accounts()
    registered.register(ACCOUNT, client)
    background = Worker(make_huey(tmp_path / "consumer-queue"), store, BatchStore(store),
                        policy_for=lambda kind: POLICY, accounts=registered, tick_seconds=0.2)
    background.start_consumer(workers=2)
    most = 0
    try:
        deadline = time.time() + 60
        while {store.get(j.id).status for j in jobs} != {"completed"}:
            assert time.time() < deadline, Counter(store.get(j.id).status for j in jobs)
            most = max(most, in_flight(store))
            time.sleep(0.02)
    finally:
        background.stop_consumer()
    keys = Counter(e["idempotency_key"] for e in creates(sb))
    assert len(keys) == 6 and set(keys.values()) == {1} and most <= 2


def test_two_workers_never_send_one_translation_twice_nor_pass_the_cap(sb, client, store, tmp_path):
    jobs = many(client, store, at_once=3, languages=("Italian", "Korean", "Dutch"))
    registered = Accounts()
    registered.register(ACCOUNT, client)
    workers = [Worker(make_huey(tmp_path / "shared-queue"), store, BatchStore(store), policy_for=lambda kind: POLICY,
                      accounts=registered) for _ in range(2)]  # two workers on one queue file
    most = []
    stop = threading.Event()

    def run(w):
        while not stop.is_set():
            w.run_once()
            most.append(in_flight(store))

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    try:
        wait_for(lambda: {store.get(j.id).status for j in jobs} == {"completed"}, timeout=60,
                 message="two workers never finished the queue")
    finally:
        stop.set()
        for t in threads:
            t.join()
    keys = Counter(e["idempotency_key"] for e in creates(sb))
    assert len(keys) == 9 and set(keys.values()) == {1} and max(most) <= 3


def test_a_lost_answer_is_looked_for_never_sent_twice_and_the_queue_goes_on(sb, client, store, worker):
    sb.configure(honour_idempotency_key=False)  # a resend would make (and charge) a second translation
    jobs = many(client, store, languages=("Italian",), at_once=1)
    sb.add_fault(method="POST", path="/v3/video-translations", kind="drop", after=True)
    worker.run_once()
    first = store.get(jobs[0].id)
    assert first.status == "checking" and first.video_id is None
    drain(store, worker, cap=1)
    assert {store.get(j.id).status for j in jobs} == {"completed"}
    assert len(creates(sb)) == 3 and len(client.translations.list()) == 3  # one each: the lost one was found


def test_a_429_keeps_the_translation_queued_until_heygen_takes_it(sb, client, store, worker):
    jobs = many(client, store, languages=("Italian",), at_once=3, n=2)
    sb.add_fault(method="POST", path="/v3/video-translations", status=429, code="rate_limit_exceeded",
                 message="Too many requests.", retry_after=0)
    worker.run_once()
    assert [store.get(j.id).status for j in jobs] == ["queued", "queued"]  # the pass ended at the 429
    drain(store, worker, cap=3)
    assert {store.get(j.id).status for j in jobs} == {"completed"}
    assert [e["status"] for e in creates(sb)] == [429, 200, 200]


def test_out_of_credit_stops_the_request_and_every_language_says_why(sb, client, store, worker):
    jobs = many(client, store, at_once=2)
    sb.add_fault(method="POST", path="/v3/video-translations", status=402, code="insufficient_credit",
                 message="Not enough credit.")
    worker.run_once()
    statuses = [store.get(j.id) for j in jobs]
    assert {j.status for j in statuses} == {"submit_failed"} and len(creates(sb)) == 1
    assert all("credit" in (j.error_detail or {}).get("message", "").lower() for j in statuses)
    worker.run_once()
    assert len(creates(sb)) == 1  # nothing more is tried


def test_translations_not_sent_are_queued_again_and_sent_within_the_cap(sb, client, store, worker):
    jobs = many(client, store, at_once=2)
    sb.add_fault(method="POST", path="/v3/video-translations", status=402, code="insufficient_credit",
                 message="Not enough credit.", times=1)
    worker.run_once()
    assert {store.get(j.id).status for j in jobs} == {"submit_failed"}
    not_sent = translate.not_sent_of(store, store.get(jobs[0].id))
    assert sorted(j.id for j in not_sent) == sorted(j.id for j in jobs)
    assert translate.queue_again(store, not_sent) == len(jobs)
    assert translate.queue_again(store, not_sent) == 0  # already queued: nothing twice
    drain(store, worker, cap=2)
    assert {store.get(j.id).status for j in jobs} == {"completed"}
    accepted = [e for e in creates(sb) if e["status"] == 200]
    assert len(accepted) == len(jobs)  # each language made once


def test_a_refused_language_is_reported_and_the_others_still_go(sb, client, store, worker):
    jobs = many(client, store, n=1, at_once=1, languages=("Italian", "Korean"))
    sb.add_fault(method="POST", path="/v3/video-translations", status=400, code="invalid_parameter",
                 message="HeyGen could not download the source video.")
    drain(store, worker, cap=1)
    refused, done = (store.get(j.id) for j in jobs)
    assert refused.status == "submit_failed" and "could not download" in refused.error_detail["message"]
    assert done.status == "completed"


def test_bad_requests_are_refused_before_anything_is_recorded(sb, client, store):
    supported = client.translations.languages()
    videos = sources(client, store, 2)
    cases = [
        (dict(sources=[], languages=["Italian"]), "source", Problem(Code.NO_SOURCES)),
        (dict(sources=videos, languages=[]), "languages", Problem(Code.NO_LANGUAGE)),
        (dict(sources=videos, languages=["Klingon"]), "languages", Problem(Code.UNSUPPORTED, names=("Klingon",))),
        (dict(sources=videos, languages=["Italian"], at_once=0), "at_once", Problem(Code.AT_ONCE, limit=10)),
        (dict(sources=videos * 101, languages=["Italian"]), "source", Problem(Code.VIDEO_TWICE)),
    ]
    running = store.create(account=ACCOUNT, kind="avatar", title="Still rendering", inputs={})
    cases.append((dict(sources=[videos[0], running], languages=["Italian"]), "source",
                  Problem(Code.NOT_FINISHED, source="Still rendering")))
    for kwargs, field, problem in cases:
        with pytest.raises(translate.TranslationRequestError) as refused:
            translate.create_many(store, account=ACCOUNT, options=translate.Options(), supported=supported, **kwargs)
        assert refused.value.problems[field] == (problem,)
    assert store.count(ACCOUNT) == 3 and creates(sb) == []


def test_a_source_heygen_no_longer_has_is_named_before_anything_is_recorded(sb, client, store):
    videos = sources(client, store, 2)
    client.videos.delete(videos[1].video_id)
    problems = translate.source_problems(client, videos)
    assert problems == {videos[1].title: Code.GONE}
    with pytest.raises(translate.TranslationRequestError) as refused:
        translate.create_many(store, account=ACCOUNT, sources=videos, languages=["Italian"],
                              options=translate.Options(), unreachable=problems)
    assert refused.value.problems == {"source": (Problem(Code.GONE, source=videos[1].title),)}
    assert store.count(ACCOUNT) == 2 and creates(sb) == []


def test_one_request_makes_at_most_max_many_translations():
    made = [type("J", (), {"id": str(i), "status": "completed", "video_id": f"v{i}", "kind": "imported",
                           "title": f"V{i}", "inputs": {}})() for i in range(translate.MAX_MANY // 2 + 1)]
    problems = translate.check_many(made, ["Italian", "Korean"], None, translate.Options())
    assert problems == {"source": (Problem(Code.TOO_MANY, videos=len(made), languages=2, limit=translate.MAX_MANY),)}


def test_a_queued_translation_reads_in_words_and_counts_as_running():
    from heygen.studio import states
    from ui import copy

    assert copy.status_words(JobStatus.QUEUED) == "Waiting for a free slot"
    assert JobStatus.QUEUED in states.RUNNING and JobStatus.QUEUED not in states.TERMINAL
