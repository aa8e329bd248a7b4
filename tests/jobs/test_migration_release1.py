"""A data folder written by the first release (tests/fixtures/release-1: schema user_version 2, before Alembic)
opens with the current store: recognised as revision 0001, upgraded, every job, event, batch and row kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from heygen.studio.batch import BatchStore
from heygen.studio.db import newest_revision
from heygen.studio.jobs import JobStore, StatusEvent

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "release-1"
ACCOUNT = "acct-1"
SPRING = "e006782f33a8409a995299fb377401e0"
PHOTO = "703f5b252356460ab8b0601bd2bbddf0"
BATCH = "a77a1ea54d4d4332add81a5789d81372"
TABLES = ("jobs", "job_events", "batches", "batch_rows")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "release-1"))


def _dump(path: Path, columns: dict[str, list[str]] | None = None) -> tuple[dict[str, list[str]], dict[str, list[tuple]]]:
    """Column names and every row of the first release's tables (only `columns` when given)."""
    with sqlite3.connect(path) as raw:
        if columns is None:
            columns = {t: [r[1] for r in raw.execute(f"PRAGMA table_info({t})")] for t in TABLES}
        rows = {t: raw.execute(f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    return columns, rows


def test_release_1_folder_opens_with_everything_kept_and_usable(folder: Path) -> None:
    db = folder / "jobs.sqlite3"
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
        assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0] == 0
    columns, before = _dump(db)

    store = JobStore(folder)  # a folder means the jobs.sqlite3 inside it
    assert store.path == db
    assert _dump(db, columns)[1] == before  # not one value of the old data changed

    spring, photo = store.get(SPRING), store.get(PHOTO)
    assert (spring.status, spring.title, spring.kind, spring.video_id) == ("completed", "Spring sale", "avatar", "v_done")
    assert spring.inputs == {"spec": {"type": "avatar", "avatar_id": "look1", "voice_id": "v1", "script": "Hello there."}}
    assert spring.video_url == "http://127.0.0.1:1/videos/v_done.mp4" and spring.duration == 4.2 and spring.polls == 1
    assert (photo.status, photo.title, photo.kind, photo.idempotency_key) == ("submit_failed", "Photo hello", "image", "key-b")
    assert photo.inputs == {"spec": {"type": "image", "script": "Hi."}}
    assert photo.error_detail == {"kind": "InsufficientCreditError", "message": "Not enough credit.", "status": 402}
    assert [e.status for e in store.events(SPRING)] == ["submitting", "waiting", "completed"]
    assert store.events(PHOTO)[-1] == StatusEvent("submit_failed", photo.updated_at, "Not enough credit.")
    assert [j.id for j in store.list(ACCOUNT)] == [PHOTO, SPRING] and store.running(ACCOUNT) == []

    batches = BatchStore(store)
    (batch,) = batches.list(ACCOUNT)
    assert (batch.id, batch.name, batch.state, batch.row_count, batch.ready_count) == (BATCH, "Contacts", "draft", 2, 2)
    assert batch.template.script == "Hello {{name}} from {{city}}!" and batch.columns == ["name", "city"]
    assert [(r.row, r.data, r.status) for r in batches.rows(BATCH)] == [
        (1, {"name": "Ann", "city": "Oslo"}, "queued"), (2, {"name": "Bo", "city": "Rome"}, "queued")]

    # Usable: new jobs, changes to old ones, the batch's next step.
    new = store.create(account=ACCOUNT, kind="avatar", title="After upgrade", inputs={"script": "Hi"})
    assert [j.id for j in store.list(ACCOUNT)] == [new.id, PHOTO, SPRING]
    assert store.set_status(PHOTO, "unclear", "looked again").status == "unclear"
    assert store.update_inputs(SPRING, script="edited").inputs == {**spring.inputs, "script": "edited"}
    assert batches.start_sample(BATCH, 1).state == "sampling"
    store.close()

    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [(newest_revision(),)]
        assert raw.execute("PRAGMA user_version").fetchone()[0] > 2  # the first release now refuses this file
        job_columns = {r[1] for r in raw.execute("PRAGMA table_info(jobs)")}
        row_columns = {r[1] for r in raw.execute("PRAGMA table_info(batch_rows)")}
        indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    # The row claims of release 2 are gone again (one claim mechanism: the worker's leases).
    assert not {"next_check_at", "checked_at", "claimed_by", "claimed_until", "archived_at", "media_dir"} & job_columns
    assert not {"claimed_by", "claimed_until"} & row_columns and "jobs_due" not in indexes

    again = JobStore(folder)  # reopening the upgraded file migrates nothing and keeps everything
    assert again.count(ACCOUNT) == 3
    assert again.get(PHOTO).status == "unclear"
    again.close()
