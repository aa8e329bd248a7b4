"""Tests for heygen.studio.jobs: the SQLite job store (persistence, crash safety, concurrency, isolation, filters)."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from heygen.studio.db import newest_revision
from heygen.studio.kinds import KINDS
from heygen.studio.jobs import (
    SCHEMA_VERSION, TERMINAL, Job, JobNotFoundError, JobStore, JobStoreError, StatusEvent, default_data_dir,
)

REPO = Path(__file__).resolve().parents[2]
SANDBOX = "sandbox:1a2b3c4d"
REAL = "acct:9f8e7d6c"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "jobs.sqlite3"


@pytest.fixture
def store(db_path: Path):
    with JobStore(db_path) as s:
        yield s


def _new(store: JobStore, title: str = "Job", account: str = SANDBOX, **kw) -> Job:
    return store.create(account=account, kind=kw.pop("kind", "avatar"), title=title,
                        inputs=kw.pop("inputs", {"script": title}), **kw)


def _python(code: str, *args: str, **popen_kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-u", "-c", textwrap.dedent(code), *args],
                            cwd=REPO, env=env, text=True, **popen_kw)


# -- persistence

def test_new_store_on_same_path_sees_everything(db_path: Path) -> None:
    first = JobStore(db_path)
    a = first.create(account=SANDBOX, kind="avatar", title="Spring promo",
                     inputs={"avatar_id": "look_1", "voice_id": "v_1", "script": "Hi ✨", "options": {"resolution": "1080p"}},
                     batch_id="b1", batch_row=3)
    first.mark_submitted(a.id, "vid_a", "waiting")
    first.record_poll(a.id, status="completed", video_url="https://cdn/a.mp4", thumbnail_url="https://cdn/a.jpg",
                      duration=12.5, completed_at=1_711_930_200)
    b = first.create(account=SANDBOX, kind="image", title="Photo", inputs={"asset_id": "asset_9"}, idempotency_key="idem-1")
    first.mark_submit_failed(b.id, {"kind": "invalid_request", "message": "Bad photo", "code": "invalid_parameter",
                                    "heygen_message": "image too small", "status": 400})
    before = {j.id: dataclasses.asdict(j) for j in first.list(SANDBOX)}
    events_before = {jid: first.events(jid) for jid in before}
    first.close()

    second = JobStore(db_path)
    after = {j.id: dataclasses.asdict(j) for j in second.list(SANDBOX)}
    assert after == before
    assert {jid: second.events(jid) for jid in after} == events_before
    got_a = second.get(a.id)
    assert got_a.inputs["options"] == {"resolution": "1080p"} and got_a.batch_row == 3 and got_a.batch_id == "b1"
    assert got_a.video_url == "https://cdn/a.mp4" and got_a.duration == 12.5 and got_a.completed_at == 1_711_930_200
    got_b = second.get(b.id)
    assert got_b.idempotency_key == "idem-1" and got_b.status == "submit_failed" and got_b.terminal
    assert got_b.error_detail == {"kind": "invalid_request", "message": "Bad photo", "code": "invalid_parameter",
                                  "heygen_message": "image too small", "status": 400}
    second.close()


def test_create_defaults(store: JobStore) -> None:
    job = _new(store)
    assert job.status == "submitting" and not job.terminal
    assert len(job.id) == 32 and len(job.idempotency_key) == 32 and job.id != job.idempotency_key
    assert job.created_at == job.updated_at and job.polls == 0 and job.video_id is None
    assert _new(store).idempotency_key != job.idempotency_key
    assert store.events(job.id) == [StatusEvent("submitting", job.created_at, None)]


KILLED_WRITER = """
    import sys
    from heygen.studio.jobs import JobStore
    store = JobStore(sys.argv[1])
    i = 0
    while True:
        job = store.create(account="acct:crash", kind="avatar", title=f"job {i}", inputs={"n": i})
        print("created", job.id, flush=True)
        store.mark_submitted(job.id, f"vid_{i}", "waiting")
        print("submitted", job.id, flush=True)
        for _ in range(3):
            store.record_poll(job.id, status="processing")
        if i == 0:
            first = job.id  # the first job stays running for ever
        else:
            store.record_poll(job.id, status="completed", video_url=f"https://cdn/{i}.mp4")
        store.record_poll(first, status="processing")
        i += 1
"""


@pytest.mark.timeout(120)
def test_writer_killed_mid_sequence_leaves_consistent_database(db_path: Path) -> None:
    JobStore(db_path).close()
    proc = _python(KILLED_WRITER, str(db_path), stdout=subprocess.PIPE)
    created, submitted = [], []
    try:
        while len(submitted) < 40:
            line = proc.stdout.readline()
            assert line, "writer stopped on its own"
            what, job_id = line.split()
            (created if what == "created" else submitted).append(job_id)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = JobStore(db_path)
    jobs = {j.id: j for j in store.list("acct:crash")}
    assert set(created) <= set(jobs)
    for job_id in submitted:
        assert jobs[job_id].video_id is not None
    for job in jobs.values():
        events = store.events(job.id)
        assert events[0].status == "submitting"
        assert events[-1].status == job.status  # status and its event are written together
        if job.status == "completed":
            assert job.polls == 4 and job.video_url and job.completed_at is not None
        elif job.status == "submitting":
            assert job.video_id is None and job.polls == 0
    first = created[0]
    assert jobs[first].status == "processing" and jobs[first].polls >= 3 + 39
    assert first in [j.id for j in store.running("acct:crash")]
    # The store keeps working on the recovered file.
    assert store.record_poll(first, status="processing").polls == jobs[first].polls + 1
    store.close()


# -- concurrency

def test_eight_threads_polling_one_job_lose_no_update(db_path: Path) -> None:
    shared = JobStore(db_path)
    job = _new(shared)
    shared.mark_submitted(job.id, "vid_1", "waiting")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        # Half the threads share one store, half open their own (like separate sessions).
        s = shared if n % 2 == 0 else JobStore(db_path)
        try:
            barrier.wait()
            for _ in range(50):
                s.record_poll(job.id, status="processing", video_page_url=f"https://app/{n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            if s is not shared:
                s.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = shared.get(job.id)
    assert final.polls == 400
    assert [e.status for e in shared.events(job.id)] == ["submitting", "waiting", "processing"]
    shared.close()


PROCESS_WRITER = """
    import os, sys, time
    from heygen.studio.jobs import JobStore
    path, account, go, shared_id = sys.argv[1:5]
    store = JobStore(path)
    while not os.path.exists(go):
        time.sleep(0.005)
    for i in range(30):
        job = store.create(account=account, kind="image", title=f"{account} {i}", inputs={"i": i})
        store.mark_submitted(job.id, f"{account}-{i}", "pending")
        for _ in range(3):
            store.record_poll(job.id, status="processing")
        store.record_poll(shared_id, status="processing")
    print("done", flush=True)
"""


@pytest.mark.timeout(120)
def test_two_processes_write_at_once(db_path: Path, tmp_path: Path) -> None:
    store = JobStore(db_path)
    shared = _new(store, account="acct:shared")
    go = tmp_path / "go"
    procs = [_python(PROCESS_WRITER, str(db_path), account, str(go), shared.id, stdout=subprocess.PIPE)
             for account in ("acct:p1", "acct:p2")]
    try:
        go.touch()
        outputs = [p.communicate(timeout=100)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs == ["done\n", "done\n"]
    for account in ("acct:p1", "acct:p2"):
        jobs = store.list(account)
        assert len(jobs) == 30 == store.count(account)
        assert all(j.polls == 3 and j.status == "processing" for j in jobs)
        assert sorted(j.video_id for j in jobs) == sorted(f"{account}-{i}" for i in range(30))
    assert store.get(shared.id).polls == 60
    store.close()


# -- status rules

def test_terminal_job_is_not_resurrected_but_urls_are_refreshed(store: JobStore) -> None:
    job = _new(store)
    store.mark_submitted(job.id, "vid_1", "waiting")
    done = store.record_poll(job.id, status="completed", video_url="https://cdn/old.mp4", thumbnail_url="https://cdn/old.jpg",
                             completed_at=1_711_930_200)
    assert done.status == "completed" and done.terminal and done.polls == 1
    late = store.record_poll(job.id, status="processing", video_url="https://cdn/new.mp4", thumbnail_url=None,
                             gif_url="https://cdn/new.gif")
    assert late.status == "completed"
    assert late.video_url == "https://cdn/new.mp4"
    assert late.thumbnail_url == "https://cdn/old.jpg"  # None keeps the stored value
    assert late.gif_url == "https://cdn/new.gif"
    assert late.completed_at == 1_711_930_200 and late.polls == 2
    assert [e.status for e in store.events(job.id)] == ["submitting", "waiting", "completed"]
    assert store.record_watch_error(job.id, status="not_found", error_detail={"kind": "not_found"}).status == "completed"
    assert store.running(SANDBOX) == []


def test_failed_and_watch_error_statuses_stay_terminal(store: JobStore) -> None:
    failed = _new(store, "failed one")
    store.mark_submitted(failed.id, "vid_f", "pending")
    got = store.record_poll(failed.id, status="failed", failure_code="insufficient_credit", failure_message="No credit")
    assert got.status == "failed" and got.failure_code == "insufficient_credit"
    assert store.events(failed.id)[-1] == StatusEvent("failed", got.updated_at, "No credit")
    assert store.record_poll(failed.id, status="pending").status == "failed"
    assert store.record_poll(failed.id, status="completed").status == "failed"

    gone = _new(store, "gone")
    store.mark_submitted(gone.id, "vid_g", "waiting")
    got = store.record_watch_error(gone.id, status="not_found", error_detail={"kind": "not_found", "message": "Video not found",
                                                                              "code": "not_found", "status": 404})
    assert got.status == "not_found" and got.terminal and got.polls == 1
    late = store.record_poll(gone.id, status="processing")
    assert late.status == "not_found" and late.error_detail["message"] == "Video not found"
    # A later real verdict from HeyGen still counts.
    assert store.record_poll(gone.id, status="completed", video_url="https://cdn/g.mp4").status == "completed"
    assert [e.status for e in store.events(gone.id)] == ["submitting", "waiting", "not_found", "completed"]


def test_watch_error_without_status_keeps_status_and_successful_poll_clears_it(store: JobStore) -> None:
    job = _new(store)
    store.mark_submitted(job.id, "vid_1", "processing")
    got = store.record_watch_error(job.id, status=None, error_detail={"kind": "rate_limited", "message": "Slow down", "status": 429})
    assert got.status == "processing" and got.error_detail == {"kind": "rate_limited", "message": "Slow down", "status": 429}
    assert got.polls == 1 and got.last_polled_at is not None
    assert [j.id for j in store.running(SANDBOX)] == [job.id]
    cleared = store.record_poll(job.id, status="processing")
    assert cleared.error_detail is None and cleared.polls == 2
    rejected = store.record_watch_error(job.id, status="rejected", error_detail={"kind": "permission", "message": "Key rejected"})
    assert rejected.status == "rejected" and rejected.terminal and store.running(SANDBOX) == []
    with pytest.raises(ValueError):
        store.record_watch_error(job.id, status="processing", error_detail={})


def test_events_only_on_changes(store: JobStore) -> None:
    job = _new(store)
    store.mark_submitted(job.id, "vid_1", "waiting")
    for _ in range(5):
        store.record_poll(job.id, status="processing")
    store.record_poll(job.id, status="some_new_heygen_status")
    store.set_status(job.id, "some_new_heygen_status", "again")
    store.set_status(job.id, "processing", "manual")
    got = store.get(job.id)
    assert got.polls == 6 and not got.terminal  # an unknown status counts as running
    events = store.events(job.id)
    assert [e.status for e in events] == ["submitting", "waiting", "processing", "some_new_heygen_status", "processing"]
    assert events[-1].detail == "manual"
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_submit_failed_and_completed_at_and_elapsed(store: JobStore) -> None:
    job = _new(store)
    got = store.mark_submit_failed(job.id, {"kind": "network", "message": "Connection refused"})
    assert got.status == "submit_failed" and got.terminal and got.video_id is None
    assert got.elapsed == pytest.approx(got.updated_at - got.created_at)
    assert store.events(job.id)[-1].detail == "Connection refused"

    other = _new(store)
    store.mark_submitted(other.id, "vid_2", "waiting")
    done = store.record_poll(other.id, status="completed", completed_at=other.created_at + 42)
    assert done.elapsed == pytest.approx(42)
    auto = _new(store)
    store.mark_submitted(auto.id, "vid_3", "waiting")
    assert store.record_poll(auto.id, status="completed").completed_at is not None


def test_unknown_job_and_delete(store: JobStore) -> None:
    assert store.get("nope") is None
    with pytest.raises(JobNotFoundError):
        store.record_poll("nope", status="processing")
    with pytest.raises(JobNotFoundError):
        store.set_status("nope", "failed")
    job = _new(store)
    assert store.delete(job.id) is True
    assert store.get(job.id) is None and store.events(job.id) == [] and store.count(SANDBOX) == 0
    assert store.delete(job.id) is False


def test_update_inputs_and_bad_arguments(store: JobStore) -> None:
    job = _new(store, inputs={"script": "one"})
    got = store.update_inputs(job.id, script="two", voice_id="v")
    assert store.get(job.id).inputs == {"script": "two", "voice_id": "v"} == got.inputs
    with pytest.raises(TypeError):
        store.update_inputs(job.id, bad=object())
    with pytest.raises(TypeError):
        store.update_inputs(job.id, {"script": "a whole dict"})  # a patch names its keys
    assert store.get(job.id).inputs == {"script": "two", "voice_id": "v"}
    with pytest.raises(TypeError):
        _new(store, inputs=["not", "a", "dict"])
    with pytest.raises(ValueError):  # the app's store records the kinds of the registry only
        _new(JobStore(store.db, kinds=KINDS), kind="podcast")
    with pytest.raises(TypeError):
        store.record_poll(job.id, status="processing", api_key="x")
    with pytest.raises(TypeError):
        store.record_poll(job.id, status="processing", duration="long")
    with pytest.raises(ValueError):
        store.record_poll(job.id, status="")
    assert store.get(job.id).polls == 0


# -- accounts, filters, ordering

def test_accounts_are_isolated(store: JobStore) -> None:
    sandbox_job = _new(store, "same title", account=SANDBOX)
    real_job = _new(store, "same title", account=REAL)
    store.mark_submitted(sandbox_job.id, "vid_same", "processing")
    store.mark_submitted(real_job.id, "vid_same", "processing")
    assert [j.id for j in store.list(SANDBOX)] == [sandbox_job.id]
    assert [j.id for j in store.list(REAL)] == [real_job.id]
    assert store.count(SANDBOX) == 1 == store.count(REAL)
    assert store.find_by_video_id(SANDBOX, "vid_same").id == sandbox_job.id
    assert store.find_by_video_id(REAL, "vid_same").id == real_job.id
    assert store.find_by_video_id("acct:other", "vid_same") is None
    assert [j.id for j in store.running(SANDBOX)] == [sandbox_job.id]
    assert [j.id for j in store.running(REAL)] == [real_job.id]
    assert store.list("acct:other") == [] and store.running("acct:other") == []


def test_filters_ordering_paging_and_count(store: JobStore) -> None:
    titles = ["Spring promo", "Summer SALE 50%", "spring teaser", "Été à Paris", "Onboarding_v2", "Winter"]
    jobs = [_new(store, t, batch_id="b1" if i % 2 else None, batch_row=i) for i, t in enumerate(titles)]
    store.mark_submitted(jobs[0].id, "v0", "waiting")
    store.record_poll(jobs[0].id, status="completed")
    store.mark_submitted(jobs[1].id, "v1", "processing")
    store.mark_submit_failed(jobs[2].id, {"message": "boom"})
    _new(store, "Spring other account", account=REAL)

    newest_first = [j.id for j in reversed(jobs)]
    assert [j.id for j in store.list(SANDBOX)] == newest_first
    assert [j.id for j in store.list(SANDBOX, limit=2)] == newest_first[:2]
    assert [j.id for j in store.list(SANDBOX, limit=2, offset=2)] == newest_first[2:4]
    assert [j.id for j in store.list(SANDBOX, offset=5)] == newest_first[5:]
    assert store.list(SANDBOX, limit=0) == []
    assert store.count(SANDBOX) == 6

    assert [j.title for j in store.list(SANDBOX, search="SPRING")] == ["spring teaser", "Spring promo"]
    assert store.count(SANDBOX, search="spring") == 2
    assert [j.title for j in store.list(SANDBOX, search="ÉTÉ")] == ["Été à Paris"]
    assert [j.title for j in store.list(SANDBOX, search="50%")] == ["Summer SALE 50%"]
    assert [j.title for j in store.list(SANDBOX, search="g_v")] == ["Onboarding_v2"]
    assert store.list(SANDBOX, search="%") == [store.get(jobs[1].id)]
    assert store.count(SANDBOX, search="zzz") == 0

    assert [j.id for j in store.list(SANDBOX, statuses=["completed", "submit_failed"])] == [jobs[2].id, jobs[0].id]
    assert store.count(SANDBOX, statuses=TERMINAL) == 2
    assert store.count(SANDBOX, statuses=["submitting"]) == 3
    assert store.count(SANDBOX, statuses="processing") == 1
    assert store.list(SANDBOX, statuses=[]) == [] and store.count(SANDBOX, statuses=[]) == 0
    assert [j.id for j in store.list(SANDBOX, statuses=["submitting"], search="o", limit=1)] == [jobs[4].id]

    assert [j.batch_row for j in store.list(SANDBOX, batch_id="b1")] == [5, 3, 1]
    assert store.count(SANDBOX, batch_id="b1", statuses=["processing"]) == 1


@pytest.mark.parametrize("account", [
    "",
    "a" * 65,
    "sk live key with spaces",
    "Bearer abc",
    "abc\n",
    "abc/def",
    "key=abc",
    "é",
    None,
    123,
])
def test_account_must_be_a_short_plain_token(store: JobStore, db_path: Path, account) -> None:
    with pytest.raises(ValueError):
        store.create(account=account, kind="avatar", title="t", inputs={})
    with pytest.raises(ValueError):
        store.list(account)
    with pytest.raises(ValueError):
        store.running(account)
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT count(*) FROM jobs").fetchone()[0] == 0


@pytest.mark.parametrize("account", ["a", "a" * 64, "sandbox", "acct:ab-12_3.x", "ABC:def"])
def test_account_plain_tokens_are_accepted(store: JobStore, account: str) -> None:
    job = store.create(account=account, kind="agent", title="t", inputs={"prompt": "p"})
    assert [j.id for j in store.list(account)] == [job.id]


def test_error_detail_keeps_only_known_keys(store: JobStore, db_path: Path) -> None:
    sentinel = "SENTINEL-not-to-be-stored-7d1f"
    job = _new(store)
    store.mark_submit_failed(job.id, {"kind": "auth", "message": "Key rejected", "code": "authentication_failed",
                                      "heygen_message": "Invalid key", "status": 401,
                                      "headers": {"x-api-key": sentinel}, "request": sentinel})
    assert store.get(job.id).error_detail == {"kind": "auth", "message": "Key rejected", "code": "authentication_failed",
                                             "heygen_message": "Invalid key", "status": 401}
    store.record_watch_error(job.id, status=None, error_detail={"message": "x", "key": sentinel})
    store.close()
    stored = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.is_file())
    assert b"Key rejected" in stored or b"x" in stored
    assert sentinel.encode() not in stored


# -- damaged rows and files

def test_damaged_row_does_not_break_list(store: JobStore, db_path: Path) -> None:
    good = _new(store, "good")
    bad_inputs = _new(store, "bad inputs")
    broken = _new(store, "broken")
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE jobs SET inputs = '{not json', error_detail = '[1' WHERE id = ?", (bad_inputs.id,))
        raw.execute("UPDATE jobs SET created_at = 'yesterday' WHERE id = ?", (broken.id,))
    listed = {j.id: j for j in store.list(SANDBOX)}
    assert set(listed) == {good.id, bad_inputs.id}
    assert listed[bad_inputs.id].inputs == {} and listed[bad_inputs.id].error_detail is None
    assert listed[good.id].inputs == {"script": "good"}
    assert store.get(bad_inputs.id).title == "bad inputs"
    with pytest.raises(JobStoreError):
        store.get(broken.id)


def test_garbage_file_raises_job_store_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(JobStoreError) as info:
        JobStore(path)
    assert str(path) in str(info.value)


def test_newer_schema_raises_job_store_error(db_path: Path) -> None:
    JobStore(db_path).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(JobStoreError) as info:
        JobStore(db_path)
    assert str(db_path) in str(info.value) and "newer" in str(info.value)


def test_newer_pre_alembic_schema_raises_job_store_error(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA user_version = 3")
    with pytest.raises(JobStoreError) as info:
        JobStore(db_path)
    assert str(db_path) in str(info.value) and "newer" in str(info.value)


def test_schema_version_and_wal(store: JobStore, db_path: Path) -> None:
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_VERSION,)]
        assert SCHEMA_VERSION == newest_revision()
        # The first release (user_version 1-2) refuses this file as written by a newer studio.
        assert raw.execute("PRAGMA user_version").fetchone()[0] > 2
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 0  # per connection: the store turns it on
    assert store.db.run(lambda c: c.exec_driver_sql("PRAGMA foreign_keys").scalar(), write=False) == 1
    assert store.db.run(lambda c: c.exec_driver_sql("PRAGMA busy_timeout").scalar(), write=False) > 0
    again = JobStore(db_path)  # opening a current database migrates nothing and keeps the data
    assert again.count(SANDBOX) == 0
    again.close()


# -- location

def test_default_data_dir_honours_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEYGEN_STUDIO_DATA_DIR", raising=False)
    assert default_data_dir() == Path("./.studio-data")
    target = tmp_path / "nested" / "studio"
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(target))
    assert default_data_dir() == target
    with JobStore() as s:
        assert s.path == target / "jobs.sqlite3"
        _new(s)
    assert (target / "jobs.sqlite3").is_file()
    with JobStore(target) as s:  # a folder means the jobs.sqlite3 inside it
        assert s.count(SANDBOX) == 1
