"""Tests for heygen.studio.db: where the database is, its revisions, and opening it from several places at once."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from heygen.studio.db import HEAD, MIGRATIONS_DIR, JobStoreError, newest_revision, query
from heygen.studio.jobs import JobStore

ACCOUNT = "acct:db"


def test_head_is_the_newest_revision_in_the_package() -> None:
    assert newest_revision() == HEAD
    assert (MIGRATIONS_DIR / "env.py").is_file()
    names = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("0*.py"))
    assert names[0].startswith("0001_") and names[-1].startswith(HEAD + "_")


def test_database_url_setting_and_sqlite_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "by-url" / "studio.sqlite3"
    monkeypatch.setenv("HEYGEN_STUDIO_DATABASE_URL", f"sqlite:///{file}")
    monkeypatch.setenv("HEYGEN_STUDIO_DATA_DIR", str(tmp_path / "unused"))
    with JobStore() as store:
        assert store.path == file
        store.create(account=ACCOUNT, kind="avatar", title="t", inputs={})
    assert stat.S_IMODE(file.stat().st_mode) == 0o600 and stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    assert not (tmp_path / "unused").exists()
    monkeypatch.delenv("HEYGEN_STUDIO_DATABASE_URL")
    with JobStore(f"sqlite:///{file}") as store:
        assert store.count(ACCOUNT) == 1


def test_unsupported_urls_are_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(JobStoreError, match="postgresql"):
        JobStore("mysql://someone@host/db")
    with pytest.raises(JobStoreError, match="file"):
        JobStore("sqlite:///:memory:")


@pytest.mark.team
def test_postgresql_from_the_setting_and_newer_revisions_refused(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEYGEN_STUDIO_DATABASE_URL", postgres_url)
    with JobStore() as store:
        assert store.path == postgres_url and store.db.dialect == "postgresql"
        job = store.create(account=ACCOUNT, kind="avatar", title="Été", inputs={})
        assert store.db.run(lambda c: query(c, "SELECT version_num FROM alembic_version").scalar(), write=False) == HEAD
    with JobStore(postgres_url.replace("postgresql+psycopg://", "postgresql://")) as plain:  # the libpq form works too
        assert plain.get(job.id).title == "Été"
        plain.db.run(lambda c: query(c, "UPDATE alembic_version SET version_num = '9999'"), write=True)
    with pytest.raises(JobStoreError) as info:
        JobStore()
    assert "newer" in str(info.value) and "9999" in str(info.value)
    assert postgres_url.rpartition("/")[2] in str(info.value)


def test_postgresql_server_that_does_not_answer_is_a_plain_error() -> None:
    with pytest.raises(JobStoreError) as info:
        JobStore("postgresql+psycopg://studio:secret-pw@127.0.0.1:1/none")
    assert "cannot be used" in str(info.value) and "secret-pw" not in str(info.value)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.team)])
def test_first_opens_at_once_migrate_once(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    target = str(tmp_path / "jobs.sqlite3") if kind == "sqlite" else request.getfixturevalue("postgres_url")
    barrier = threading.Barrier(4)
    stores: list[JobStore] = []
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            barrier.wait()
            stores.append(JobStore(target))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(stores) == 4
    for n, store in enumerate(stores):
        store.create(account=ACCOUNT, kind="avatar", title=f"from {n}", inputs={})
    assert stores[0].count(ACCOUNT) == 4
    assert stores[0].db.run(lambda c: query(c, "SELECT count(*) FROM alembic_version").scalar(), write=False) == 1
    for store in stores:
        store.close()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.team)])
def test_revisions_go_down_to_the_first_release_and_up_again_keeping_jobs(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from alembic import command
    from alembic.config import Config

    target = str(tmp_path / "jobs.sqlite3") if kind == "sqlite" else request.getfixturevalue("postgres_url")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))

    def downgrade(conn) -> None:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")

    with JobStore(target) as store:
        job = store.create(account=ACCOUNT, kind="avatar", title="kept", inputs={"a": 1})
        store.db.run(downgrade, write=True)
        assert store.db.run(lambda c: query(c, "SELECT version_num FROM alembic_version").scalar(), write=False) == "0001"
        with pytest.raises(JobStoreError):
            store.db.run(lambda c: query(c, "SELECT made_by FROM jobs").fetchall(), write=False)
    with JobStore(target) as store:  # opening upgrades again
        assert store.get(job.id).inputs == {"a": 1} and [j.id for j in store.list(ACCOUNT)] == [job.id]
