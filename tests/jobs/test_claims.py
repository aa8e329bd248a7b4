"""Tests for the background worker's claims: JobStore.claim_due / release and BatchStore.claim_rows / release_row.

Each test runs on a SQLite file and on a throwaway PostgreSQL database (marked team).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from heygen.studio.batch import BatchStore, BatchTemplate, check_rows, read_csv
from heygen.studio.jobs import JobStore

ACCOUNT = "acct:claims"
NOW = 1_800_000_000.0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.team)])
def target(request, tmp_path: Path) -> str:
    """Where the database lives: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "data" / "jobs.sqlite3")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(target: str):
    with JobStore(target) as s:
        yield s


def _jobs(store: JobStore, n: int) -> list[str]:
    ids = []
    for i in range(n):
        job = store.create(account=ACCOUNT, kind="avatar", title=f"job {i}", inputs={"i": i})
        store.mark_submitted(job.id, f"vid_{i}", "processing")
        ids.append(job.id)
    return ids


def _claim_until_empty(s: JobStore, worker: str, barrier: threading.Barrier, got: list[str], errors: list) -> None:
    try:
        barrier.wait()
        while True:
            claimed = s.claim_due(worker, NOW, 3, 600)
            if not claimed:
                return
            assert all(j.claimed_by == worker for j in claimed)
            got.extend(j.id for j in claimed)
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_claim_due_takes_due_free_unfinished_jobs_and_marks_them(store: JobStore) -> None:
    due, later, done, fresh = _jobs(store, 4)
    store.record_poll(done, status="completed")
    assert store.claim_due("w0", NOW, 10, 60)  # every unfinished job is due at first: next_check_at is None
    assert store.release(due, "w0", NOW - 5) and store.release(later, "w0", NOW + 30)
    assert store.release(fresh, "w0", None)

    claimed = store.claim_due("w1", NOW, 10, 60)
    assert [j.id for j in claimed] == [fresh, due]  # the most overdue first; None counts as long overdue
    assert all(j.claimed_by == "w1" and j.claimed_until == NOW + 60 for j in claimed)
    assert store.get(due).claimed_by == "w1" and store.get(later).claimed_by is None
    assert store.claim_due("w2", NOW, 10, 60) == []  # held by w1; `later` is not due; `done` is terminal
    assert [j.id for j in store.claim_due("w2", NOW + 30, 10, 60)] == [later]
    # w1's lease runs out at NOW + 60: its jobs can be claimed again after that.
    assert {j.id for j in store.claim_due("w3", NOW + 60, 10, 60)} == {fresh, due}
    assert store.get(due).claimed_by == "w3"


def test_release_sets_next_look_and_only_by_the_holder(store: JobStore) -> None:
    (job_id,) = _jobs(store, 1)
    before = time.time()
    (job,) = store.claim_due("w1", NOW, 5, 60)
    assert store.release(job_id, "w2", NOW + 10) is False  # not w2's claim
    assert store.get(job_id).claimed_by == "w1"
    assert store.release(job_id, "w1", NOW + 10) is True
    released = store.get(job_id)
    assert released.claimed_by is None and released.claimed_until is None
    assert released.next_check_at == NOW + 10 and released.checked_at >= before
    assert released.updated_at == job.updated_at  # a claim is not a change of the job
    assert store.release(job_id, "w1", None) is False  # already given back
    assert store.claim_due("w1", NOW, 5, 60) == [] and len(store.claim_due("w1", NOW + 10, 5, 60)) == 1


def test_claim_due_limits_and_arguments(store: JobStore) -> None:
    _jobs(store, 5)
    assert store.claim_due("w1", NOW, 0, 60) == []
    assert len(store.claim_due("w1", NOW, 2, 60)) == 2
    assert len(store.claim_due("w2", NOW, 10, 60)) == 3
    for bad in (dict(worker_id=""), dict(limit=-1), dict(limit=True), dict(lease_seconds=0), dict(now="soon")):
        args = {"worker_id": "w", "now": NOW, "limit": 1, "lease_seconds": 60, **bad}
        with pytest.raises((TypeError, ValueError)):
            store.claim_due(**args)


@pytest.mark.parametrize("shared", [False, True], ids=["own-stores", "one-store"])
def test_two_threads_claiming_at_once_never_get_the_same_job(store: JobStore, target: str, shared: bool) -> None:
    ids = _jobs(store, 40)
    stores = [store, store] if shared else [JobStore(target), JobStore(target)]
    barrier = threading.Barrier(2)
    got: list[list[str]] = [[], []]
    errors: list = []
    threads = [threading.Thread(target=_claim_until_empty, args=(stores[n], f"w{n}", barrier, got[n], errors))
               for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not shared:
        for s in stores:
            s.close()
    assert errors == []
    assert not set(got[0]) & set(got[1])
    assert sorted(got[0] + got[1]) == sorted(ids) and len(got[0] + got[1]) == 40
    assert {store.get(i).claimed_by for i in got[0]} <= {"w0"} and {store.get(i).claimed_by for i in got[1]} <= {"w1"}


@pytest.mark.team
def test_postgresql_claims_skip_rows_another_transaction_holds(postgres_url: str) -> None:
    import psycopg

    from tests.servers import libpq_url

    with JobStore(postgres_url) as store:
        held, free = _jobs(store, 2)
        with psycopg.connect(libpq_url(postgres_url)) as other:
            other.execute("SELECT id FROM jobs WHERE id = %s FOR UPDATE", (held,))  # still in its transaction
            assert [j.id for j in store.claim_due("w1", NOW, 10, 60)] == [free]  # no wait for the held row
            other.rollback()
        assert [j.id for j in store.claim_due("w2", NOW, 10, 60)] == [held]


# -- batch rows

def _batch(rows: BatchStore, n: int, bad: tuple[int, ...] = ()) -> str:
    lines = ["name,city"] + [f"P{i},{'' if i in bad else 'Oslo'}" for i in range(1, n + 1)]
    df = read_csv("\n".join(lines) + "\n")
    template = BatchTemplate(script="Hi {{name}} from {{city}}", title="{{name}}", avatar_id="look_1", voice_id="voice_1")
    return rows.create(ACCOUNT, df, template, checks=check_rows(df, template)).id


def test_claim_rows_takes_queued_free_rows_in_file_order(store: JobStore) -> None:
    rows = BatchStore(store)
    batch_id = _batch(rows, 6, bad=(2,))
    # Row 3 is rendering (HeyGen has it), row 4's send failed and waits for the user: neither is queued.
    for number, video in ((3, "vid_3"), (4, None)):
        job = store.create(account=ACCOUNT, kind="avatar", title=f"row {number}", inputs={}, batch_id=batch_id,
                           batch_row=number)
        assert rows.attach_job(batch_id, number, job.id, attempt=0)
        if video:
            store.mark_submitted(job.id, video, "processing")
        else:
            store.mark_submit_failed(job.id, {"message": "refused"})
    assert [r.status for r in rows.rows(batch_id)] == ["queued", "skipped", "rendering", "failed", "queued", "queued"]

    first = rows.claim_rows(batch_id, "w1", 2, 600)
    assert [r.row for r in first] == [1, 5] and all(r.status == "queued" for r in first)
    assert [r.row for r in rows.claim_rows(batch_id, "w2", 5, 600)] == [6]
    assert rows.claim_rows(batch_id, "w3", 5, 600) == []
    rows.set_row(batch_id, 4, resend=True)  # the user asked to send it again: queued once more
    assert [r.row for r in rows.claim_rows(batch_id, "w3", 5, 600)] == [4]

    assert rows.release_row(batch_id, 5, "w2") is False  # w1 holds it
    assert rows.release_row(batch_id, 5, "w1") is True
    assert [r.row for r in rows.claim_rows(batch_id, "w2", 5, 600)] == [5]
    assert rows.claim_rows(batch_id, "w1", 0, 600) == []
    with pytest.raises(ValueError):
        rows.claim_rows(batch_id, "", 1, 600)


def test_expired_row_claims_can_be_taken_again(store: JobStore) -> None:
    rows = BatchStore(store)
    batch_id = _batch(rows, 2)
    assert len(rows.claim_rows(batch_id, "w1", 5, 0.001)) == 2
    deadline = time.time() + 0.001
    while time.time() <= deadline:  # wait for the lease to run out (no assertion on how long)
        time.sleep(0.005)
    assert [r.row for r in rows.claim_rows(batch_id, "w2", 5, 600)] == [1, 2]
    assert rows.claim_rows(batch_id, "w1", 5, 600) == []


def test_two_threads_claiming_rows_at_once_never_get_the_same_row(store: JobStore, target: str) -> None:
    batch_id = _batch(BatchStore(store), 40)
    stores = [BatchStore(target), BatchStore(target)]
    barrier = threading.Barrier(2)
    got: list[list[int]] = [[], []]
    errors: list = []

    def claim(n: int) -> None:
        try:
            barrier.wait()
            while claimed := stores[n].claim_rows(batch_id, f"w{n}", 3, 600):
                got[n].extend(r.row for r in claimed)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.jobs.close()
    assert errors == []
    assert not set(got[0]) & set(got[1])
    assert sorted(got[0] + got[1]) == list(range(1, 41))
