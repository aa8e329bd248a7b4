"""Drafts of storyboards: kept in the database (SQLite and PostgreSQL), their files in private folders."""

from __future__ import annotations

import stat

import pytest

from heygen.studio.db import Database
from heygen.studio.scene_drafts import DraftStore
from heygen.studio.scenes import SceneFile, Storyboard


def _exercise(db: Database, files_dir):
    store = DraftStore(db, files_dir)
    board = Storyboard(title="Launch video")
    clip = board.add("clip")
    draft = store.create("acct_a", board)
    clip.clip = store.keep_file(draft.id, b"clip bytes", SceneFile("intro.mp4", mime_type="video/mp4"))
    store.save(draft.id, board)
    store.create("acct_b", Storyboard(title="Someone else's"))

    (listed,) = store.list("acct_a")
    assert listed.title == "Launch video" and listed.storyboard.scenes[0].clip.name == "intro.mp4"
    stored = listed.storyboard.scenes[0].clip
    assert store.read_file(draft.id, stored) == b"clip bytes"
    assert stored.stored != "intro.mp4"  # the store names its files, never after the user's names
    assert stat.S_IMODE((files_dir / draft.id / stored.stored).stat().st_mode) == 0o600
    assert stat.S_IMODE((files_dir / draft.id).stat().st_mode) == 0o700

    copy = store.duplicate(draft.id)
    assert copy.title == "Launch video (copy)" and copy.id != draft.id
    assert store.read_file(copy.id, copy.storyboard.scenes[0].clip) == b"clip bytes"
    store.delete(draft.id)
    assert store.get(draft.id) is None and not (files_dir / draft.id).exists()
    assert store.read_file(copy.id, copy.storyboard.scenes[0].clip) == b"clip bytes"  # the copy keeps its files
    assert [d.id for d in store.list("acct_a")] == [copy.id]
    with pytest.raises(ValueError):
        store.read_file("../../etc", stored)


def test_drafts_on_sqlite(tmp_path):
    _exercise(Database(tmp_path), tmp_path / "scene-drafts")


def test_drafts_survive_a_restart(tmp_path):
    store = DraftStore(Database(tmp_path), tmp_path / "scene-drafts")
    draft = store.create("acct", Storyboard(title="Kept"))
    store.db.close()
    again = DraftStore(Database(tmp_path), tmp_path / "scene-drafts")
    assert again.get(draft.id).title == "Kept"


@pytest.mark.team
def test_drafts_on_postgresql(postgres_url, tmp_path):
    _exercise(Database(postgres_url), tmp_path / "scene-drafts")


def test_a_launch_reads_kept_files_from_disk_and_fingerprints_them_as_bytes(tmp_path):
    from heygen.studio import scenes

    store = DraftStore(Database(tmp_path / "jobs.sqlite3"), tmp_path / "drafts")
    board = Storyboard(title="Launch video")
    clip = board.add("clip")
    draft = store.create("acct", board)
    clip.clip = store.keep_file(draft.id, b"clip bytes" * 1000, SceneFile("intro.mp4", mime_type="video/mp4"))
    path = store.file_path(draft.id, clip.clip)
    assert path.read_bytes() == b"clip bytes" * 1000
    from_disk = scenes.build(board, read=lambda f: store.file_path(draft.id, f))
    in_memory = scenes.build(board, read=lambda f: store.read_file(draft.id, f))
    assert from_disk[1][0].data == path  # sent from the file, not a copy in memory
    assert scenes.signature(*from_disk) == scenes.signature(*in_memory)
    path.unlink()
    with pytest.raises(FileNotFoundError):
        store.file_path(draft.id, clip.clip)
