"""Drafts of multi-scene videos: storyboards kept in the database (table ``scene_drafts``) and their
files kept in a private folder of the data folder, one sub-folder per draft.

A draft belongs to an account fingerprint, like a job. ``save`` writes the storyboard as it is
now; ``duplicate`` copies a draft and its files ("same intro, new middle"); ``delete`` removes
both. Files are stored under names the store chooses, never the user's file names.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .datadir import FILE_MODE, private_dir
from .db import Database, query
from .scenes import SceneFile, Storyboard

FOLDER = "scene-drafts"
_ID_CHARS = frozenset("0123456789abcdef")


@dataclass
class Draft:
    """One saved storyboard."""

    id: str
    account: str
    title: str
    storyboard: Storyboard
    created_at: float
    updated_at: float


class DraftStore:
    """The drafts of every account, in ``db``; their files under ``files_dir``."""

    def __init__(self, db: Database, files_dir: str | os.PathLike) -> None:
        self.db = db
        self.files_dir = Path(files_dir)

    # -- rows

    def create(self, account: str, storyboard: Storyboard | None = None, *, title: str | None = None) -> Draft:
        board = storyboard or Storyboard()
        now = time.time()
        draft = Draft(uuid.uuid4().hex, account, title or board.title or "Untitled storyboard", board, now, now)
        self.db.run(lambda conn: query(
            conn, "INSERT INTO scene_drafts (id, account, title, storyboard, created_at, updated_at) "
                  "VALUES (:id, :account, :title, :storyboard, :created_at, :updated_at)",
            {"id": draft.id, "account": account, "title": draft.title, "storyboard": json.dumps(board.to_dict()),
             "created_at": now, "updated_at": now}), write=True)
        return draft

    def get(self, draft_id: str) -> Draft | None:
        row = self.db.run(lambda conn: query(
            conn, "SELECT id, account, title, storyboard, created_at, updated_at FROM scene_drafts WHERE id = :id",
            {"id": draft_id}).fetchone(), write=False)
        return _draft(row) if row is not None else None

    def list(self, account: str) -> list[Draft]:
        """The account's drafts, the one changed last first."""
        rows = self.db.run(lambda conn: query(
            conn, "SELECT id, account, title, storyboard, created_at, updated_at FROM scene_drafts "
                  "WHERE account = :account ORDER BY updated_at DESC, id", {"account": account}).fetchall(), write=False)
        return [_draft(row) for row in rows]

    def save(self, draft_id: str, storyboard: Storyboard) -> None:
        """Keep the storyboard as it is now (its title becomes the draft's title)."""
        title = storyboard.title.strip() or "Untitled storyboard"
        self.db.run(lambda conn: query(
            conn, "UPDATE scene_drafts SET title = :title, storyboard = :storyboard, updated_at = :now WHERE id = :id",
            {"id": draft_id, "title": title, "storyboard": json.dumps(storyboard.to_dict()), "now": time.time()}),
            write=True)

    def duplicate(self, draft_id: str, *, title: str | None = None) -> Draft:
        """A new draft with the same storyboard and a copy of its files."""
        source = self.get(draft_id)
        if source is None:
            raise KeyError(draft_id)
        board = Storyboard.from_dict(source.storyboard.to_dict())
        board.title = title if title is not None else f"{source.title} (copy)"
        copy = self.create(source.account, board)
        folder = self._folder(source.id)
        if folder.is_dir():
            target = private_dir(self._folder(copy.id))
            for item in folder.iterdir():
                shutil.copyfile(item, target / item.name)
                os.chmod(target / item.name, FILE_MODE)
        return copy

    def delete(self, draft_id: str) -> None:
        self.db.run(lambda conn: query(conn, "DELETE FROM scene_drafts WHERE id = :id", {"id": draft_id}), write=True)
        shutil.rmtree(self._folder(draft_id), ignore_errors=True)

    # -- files

    def _folder(self, draft_id: str) -> Path:
        if not draft_id or not set(draft_id) <= _ID_CHARS:
            raise ValueError("not a draft id")
        return self.files_dir / draft_id

    def keep_file(self, draft_id: str, data: bytes, file: SceneFile) -> SceneFile:
        """Store ``data`` with the draft; returns ``file`` with its stored name and size set."""
        folder = private_dir(self._folder(draft_id))
        extension = Path(file.name).suffix.lower()[:8] if Path(file.name).suffix.isascii() else ""
        stored = f"{uuid.uuid4().hex}{extension}"
        fd = os.open(folder / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        file.stored, file.size = stored, len(data)
        return file

    def read_file(self, draft_id: str, file: SceneFile) -> bytes:
        """A kept file's bytes; FileNotFoundError when it is no longer there."""
        if not file.stored or "/" in file.stored or file.stored.startswith("."):
            raise FileNotFoundError(file.name)
        return (self._folder(draft_id) / file.stored).read_bytes()

    def file_path(self, draft_id: str, file: SceneFile) -> Path:
        """Where a kept file is on disk (a launch sends it from there block by block, never holding it
        in memory whole); FileNotFoundError when it is no longer there."""
        if not file.stored or "/" in file.stored or file.stored.startswith("."):
            raise FileNotFoundError(file.name)
        path = self._folder(draft_id) / file.stored
        if not path.is_file():
            raise FileNotFoundError(file.name)
        return path

    def has_file(self, draft_id: str, file: SceneFile) -> bool:
        return bool(file.stored) and (self._folder(draft_id) / file.stored).is_file()

    def copy_files(self, from_draft: str, to_draft: str) -> None:
        """Copy the files of one draft into another (Edit & retry into a new draft)."""
        folder = self._folder(from_draft)
        if folder.is_dir():
            target = private_dir(self._folder(to_draft))
            for item in folder.iterdir():
                if not (target / item.name).exists():
                    shutil.copyfile(item, target / item.name)
                    os.chmod(target / item.name, FILE_MODE)


def _draft(row) -> Draft:
    try:
        data = json.loads(row[3])
    except (TypeError, ValueError):
        data = {}
    return Draft(row[0], row[1], row[2], Storyboard.from_dict(data), float(row[4]), float(row[5]))
