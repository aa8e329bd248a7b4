"""Tests for heygen.studio.batch.store (no HeyGen needed): persistence, migration, state rules, results CSV escaping."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest

from heygen.studio.batch import (
    BatchInputError, BatchStateError, BatchStore, BatchTemplate, check_rows, read_csv, results_csv, safe_cell,
)
from heygen.studio.jobs import SCHEMA_VERSION, JobStore

ACCOUNT = "sandbox:batch01"
RELEASE_1 = Path(__file__).resolve().parents[1] / "fixtures" / "release-1" / "jobs.sqlite3"
CSV = "name,city\nAnn,Oslo\nBob,\nCid,Rome\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "studio" / "jobs.sqlite3"


@pytest.fixture
def store(db: Path):
    s = BatchStore(JobStore(db))
    yield s
    s.jobs.close()


def _template(**kw) -> BatchTemplate:
    return BatchTemplate(**{"script": "Hi {{name}} from {{city}}", "title": "{{name}}", "avatar_id": "look_1",
                            "voice_id": "voice_1", **kw})


def _create(store: BatchStore, text: str = CSV, **kw):
    df = read_csv(text)
    template = kw.pop("template", _template())
    return store.create(ACCOUNT, df, template, checks=check_rows(df, template), **kw)


def test_create_stores_rows_problems_and_settings_and_a_new_store_sees_them(db: Path, store: BatchStore) -> None:
    batch = _create(store, concurrency=4, name="Spring")
    assert batch.state == "draft" and batch.concurrency == 4 and batch.name == "Spring"
    assert batch.row_count == 3 and batch.ready_count == 2 and batch.columns == ["name", "city"]
    store.jobs.close()

    again = BatchStore(db)  # a path works too
    got = again.require(batch.id)
    assert got.template == _template() and got.state == "draft"
    rows = again.rows(batch.id)
    assert [r.row for r in rows] == [1, 2, 3]
    assert rows[1].data == {"name": "Bob", "city": ""} and rows[1].status == "skipped"
    assert rows[1].problems == ["The column “city” is empty, and the script uses it."]
    assert [r.status for r in rows] == ["queued", "skipped", "queued"]
    assert again.counts(batch.id) == {"queued": 2, "rendering": 0, "completed": 0, "failed": 0, "skipped": 1}
    assert [b.id for b in again.list(ACCOUNT)] == [batch.id]
    assert again.list("someone:else") == []


def test_create_refuses_template_problems_no_ready_rows_and_bad_settings(store: BatchStore) -> None:
    with pytest.raises(BatchInputError, match="no column “town”"):
        _create(store, template=_template(script="Hi {{town}}"))
    with pytest.raises(BatchInputError, match="No row is ready"):
        _create(store, text="name,city\nAnn,\n")
    for bad in (0, 51, True, "3"):
        with pytest.raises(ValueError):
            _create(store, concurrency=bad)
    with pytest.raises(ValueError):
        store.create("not a valid account!", read_csv(CSV), _template())
    assert store.list(ACCOUNT) == []


def test_state_rules_before_anything_is_sent(store: BatchStore) -> None:
    batch = _create(store)
    with pytest.raises(BatchStateError):
        store.start(batch.id)  # not approved
    with pytest.raises(BatchStateError):
        store.approve_sample(batch.id)  # no sample
    with pytest.raises(BatchStateError):
        store.pause(batch.id)
    with pytest.raises(BatchStateError):
        store.retry_failed(batch.id)
    with pytest.raises(BatchStateError, match="Row 2 is not ready"):
        store.start_sample(batch.id, 2)
    with pytest.raises(BatchStateError, match="no row 9"):
        store.start_sample(batch.id, 9)
    sampling = store.start_sample(batch.id, 3)
    assert sampling.state == "sampling" and sampling.sample_row == 3
    with pytest.raises(BatchStateError, match="not ready yet"):
        store.approve_sample(batch.id)  # the sample has not rendered
    assert store.start_sample(batch.id, 1).sample_row == 1  # another row before it was sent
    with pytest.raises(ValueError):
        store.set_state(batch.id, "exploded")


def test_delete_forgets_the_batch(store: BatchStore) -> None:
    batch = _create(store)
    assert store.delete(batch.id) and store.get(batch.id) is None and store.rows(batch.id) == []
    assert not store.delete(batch.id)


def test_version_1_database_is_migrated_keeping_its_jobs(db: Path) -> None:
    db.parent.mkdir(parents=True)
    # The job tables exactly as the first release's schema 1 made them (its schema 2 only added the batch tables).
    copy = shutil.copy(RELEASE_1, db.parent / "release-1.sqlite3")  # a WAL file gets side files when opened
    with sqlite3.connect(copy) as release:
        ddl = [sql for (sql,) in release.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN ('jobs', 'job_events') AND sql IS NOT NULL ORDER BY rowid")]
    with sqlite3.connect(db) as raw:
        for sql in ddl:
            raw.execute(sql)
        raw.execute("PRAGMA user_version = 1")
        raw.execute(
            "INSERT INTO jobs (id, account, kind, title, inputs, idempotency_key, status, created_at, updated_at)"
            " VALUES ('j1', ?, 'avatar', 'Old', '{}', 'k1', 'completed', 1, 1)", (ACCOUNT,))
    store = BatchStore(db)
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [(SCHEMA_VERSION,)]
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"jobs", "job_events", "batches", "batch_rows"} <= tables
    assert store.jobs.get("j1").title == "Old"
    assert _create(store).row_count == 3
    store.jobs.close()


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+33 6 12", "'+33 6 12"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), ("", ""), (None, ""), (7, "7"),
])
def test_safe_cell(value, expected) -> None:
    assert safe_cell(value) == expected


def test_results_csv_escapes_formulas_in_every_column_and_keeps_all_inputs(store: BatchStore) -> None:
    text = 'name,city,=danger\n"=HYPERLINK(""http://x"")",Oslo,@me\n+Bob,-Rome,"multi\nline"\nCid,,x\n'
    batch = _create(store, text=text)
    data = results_csv(store, batch.id)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["row", "name", "city", "'=danger", "video_id", "status", "video_url", "failure_reason"]
    assert rows[1][:4] == ["1", "'=HYPERLINK(\"http://x\")", "Oslo", "'@me"]
    assert rows[2][:4] == ["2", "'+Bob", "'-Rome", "multi\nline"]
    assert rows[1][5] == "queued" and rows[3][5] == "skipped"
    assert rows[3][7] == "The column “city” is empty, and the script uses it."
    assert len(rows) == 4


def test_results_csv_renames_result_columns_that_clash_with_inputs(store: BatchStore) -> None:
    batch = _create(store, text="name,city,status,row\nAnn,Oslo,vip,7\n")
    header = next(csv.reader(io.StringIO(results_csv(store, batch.id).decode("utf-8-sig"))))
    assert header == ["heygen_row", "name", "city", "status", "row", "video_id", "heygen_status", "video_url",
                      "failure_reason"]


def test_retry_failed_requeues_each_kind_of_failure(store: BatchStore) -> None:
    batch = _create(store, text="name,city\nAnn,Oslo\nBob,Rome\nCid,Rome\nDee,Oslo\n")
    jobs = store.jobs
    made = {}
    for row in (1, 2, 3, 4):
        job = jobs.create(account=ACCOUNT, kind="avatar", title=f"row {row}", inputs={}, batch_id=batch.id, batch_row=row)
        assert store.attach_job(batch.id, row, job.id, attempt=0)
        made[row] = job.id
    jobs.mark_submit_failed(made[1], {"message": "refused"})  # never reached HeyGen
    for row in (2, 3, 4):
        jobs.mark_submitted(made[row], f"vid_{row}", "processing")
    jobs.record_poll(made[2], status="failed", failure_code="render_error")  # HeyGen failed it
    jobs.record_watch_error(made[3], status="rejected", error_detail={"message": "Key rejected"})
    jobs.record_poll(made[4], status="completed")
    store.set_state(batch.id, "finished")
    assert [r.status for r in store.rows(batch.id)] == ["failed", "failed", "failed", "completed"]

    assert store.retry_failed(batch.id) == 3
    rows = store.rows(batch.id)
    assert store.require(batch.id).state == "running"
    assert (rows[0].status, rows[0].job_id, rows[0].resend) == ("queued", made[1], True)  # same job, same key
    assert (rows[1].status, rows[1].job_id, rows[1].attempt) == ("queued", None, 1)  # a new job next time
    assert (rows[2].status, rows[2].job_status) == ("rendering", "pending") and rows[2].watch_from is not None
    assert rows[3].status == "completed" and store.retry_failed(batch.id) == 0
