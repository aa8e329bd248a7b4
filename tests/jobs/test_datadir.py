"""Tests for heygen.studio.datadir and the job store's use of it: local data is readable by the user only."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from heygen.studio.datadir import private_dir, private_file
from heygen.studio.jobs import JobStore

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture(autouse=True)
def usual_umask():
    """Run each test under the common 022 umask, which would leave new files readable by others."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_dir_creates_nested_folders_0700(tmp_path: Path) -> None:
    folder = private_dir(tmp_path / "a" / "b")
    assert folder == tmp_path / "a" / "b" and folder.is_dir()
    assert mode(folder) == 0o700


def test_private_dir_tightens_an_existing_loose_folder(tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    os.chmod(folder, 0o777)
    (folder / "kept.txt").write_text("kept")
    private_dir(folder)
    assert mode(folder) == 0o700
    assert (folder / "kept.txt").read_text() == "kept"


def test_private_dir_refuses_a_file(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(OSError):
        private_dir(file)


def test_private_file_creates_an_empty_0600_file(tmp_path: Path) -> None:
    file = private_file(tmp_path / "cache.json")
    assert file.read_bytes() == b""
    assert mode(file) == 0o600


def test_private_file_tightens_without_touching_content(tmp_path: Path) -> None:
    file = tmp_path / "cache.json"
    file.write_text('{"kept": true}')
    os.chmod(file, 0o666)
    private_file(file)
    assert mode(file) == 0o600
    assert file.read_text() == '{"kept": true}'


def test_private_file_never_adds_permissions(tmp_path: Path) -> None:
    file = tmp_path / "read-only"
    file.write_text("x")
    os.chmod(file, 0o444)
    private_file(file)
    assert mode(file) == 0o400


def test_private_file_without_create_leaves_a_missing_file_missing(tmp_path: Path) -> None:
    assert private_file(tmp_path / "absent", create=False) == tmp_path / "absent"
    assert not (tmp_path / "absent").exists()


def test_job_store_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "studio-data"
    with JobStore(data / "jobs.sqlite3") as store:
        store.create(account="sandbox:1a2b3c4d", kind="avatar", title="t", inputs={})
        side_files = [data / "jobs.sqlite3-wal", data / "jobs.sqlite3-shm"]
        assert all(f.exists() for f in side_files)  # an idle connection keeps the WAL open
        assert mode(data) == 0o700
        for file in (data / "jobs.sqlite3", *side_files):
            assert mode(file) == 0o600, file.name


def test_job_store_tightens_an_existing_loose_history(tmp_path: Path) -> None:
    data = tmp_path / "studio-data"
    db = data / "jobs.sqlite3"
    JobStore(db).close()
    other = sqlite3.connect(db)  # another process still has the history open, with its side files
    try:
        other.execute("CREATE TABLE scratch (x)")
        os.chmod(data, 0o755)
        for file in data.iterdir():
            os.chmod(file, 0o644)
        assert {f.name for f in data.iterdir()} >= {"jobs.sqlite3", "jobs.sqlite3-wal", "jobs.sqlite3-shm"}
        with JobStore(data) as store:
            assert store.count("sandbox:1a2b3c4d") == 0
        assert mode(data) == 0o700
        for file in data.iterdir():
            assert mode(file) == 0o600, file.name
    finally:
        other.close()
