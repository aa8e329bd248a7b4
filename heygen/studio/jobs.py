"""The local job store: a SQLite database recording every render the studio launches.

A job is written before its create request goes out and after every status change, so a page
reload or an app restart finds the same job again. Jobs belong to an account fingerprint (a
short token computed by the caller, never the API key), so sandbox and real-account jobs never
mix. Safe for many threads and several processes writing at once. The store only records; it
never decides when or how often to poll. The same file also holds the tables of heygen.studio.batch
(created by this module's migrations, so there is one schema version for the whole file).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .datadir import private_dir, private_file

__all__ = [
    "DB_FILENAME", "ERROR_DETAIL_KEYS", "FINAL", "Job", "JobNotFoundError", "JobStore", "JobStoreError",
    "KINDS", "SCHEMA_VERSION", "StatusEvent", "TERMINAL", "VIDEO_FIELDS", "default_data_dir",
    "validate_account",
]

TERMINAL = frozenset({"completed", "failed", "not_found", "rejected", "submit_failed", "unclear"})
# A create whose answer was lost: "checking" while the studio looks for it on HeyGen (heygen.studio.reconcile),
# "unclear" once it looked enough and found nothing (the user decides whether to send again).
UNSETTLED = frozenset({"checking", "unclear"})
# HeyGen's own verdicts: once a job has one, no later answer changes its status (set_status aside).
FINAL = frozenset({"completed", "failed"})
KINDS = frozenset({"avatar", "image", "agent"})
# The VideoDetail fields record_poll accepts.
VIDEO_FIELDS = (
    "video_url", "thumbnail_url", "gif_url", "captioned_video_url", "subtitle_url", "video_page_url",
    "duration", "failure_code", "failure_message", "completed_at",
)
# The only keys kept from an error_detail dict; anything else is dropped before storing.
ERROR_DETAIL_KEYS = ("kind", "message", "hint", "code", "heygen_message", "status", "param", "retry_after", "reason", "host")

SCHEMA_VERSION = 2
DB_FILENAME = "jobs.sqlite3"
DATA_DIR_ENV = "HEYGEN_STUDIO_DATA_DIR"

_ACCOUNT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")
_ACCOUNT_MAX = 64
_STATUS_MAX = 64
_DETAIL_MAX = 1000
_BUSY_TIMEOUT_MS = 5000
_LOCK_RETRIES = 8
_MAX_IDLE_CONNECTIONS = 8
_URL_FIELDS = frozenset(VIDEO_FIELDS) - {"duration", "completed_at"}
# Our own verdicts from watching: a job keeps its error_detail while it has one of these.
_ERROR_STATUSES = frozenset({"not_found", "rejected", "submit_failed", "checking", "unclear"})

_T = TypeVar("_T")


class JobStoreError(Exception):
    """The job database cannot be used (damaged, unreadable, too new, or stayed locked)."""


class JobNotFoundError(JobStoreError, LookupError):
    """No job with the given id."""


def default_data_dir() -> Path:
    """The folder holding the studio's local data: $HEYGEN_STUDIO_DATA_DIR or ./.studio-data."""
    return Path(os.environ.get(DATA_DIR_ENV, "./.studio-data"))


def validate_account(account: object) -> str:
    """Return `account` if it is a plain short token (``^[A-Za-z0-9_.:-]{1,64}$``); raise ValueError otherwise."""
    if not isinstance(account, str) or not 1 <= len(account) <= _ACCOUNT_MAX or not set(account) <= _ACCOUNT_CHARS:
        raise ValueError("account must be a short fingerprint of 1-64 letters, digits or _.:- characters")
    return account


@dataclass
class Job:
    """One render launched by the studio, as recorded locally."""

    id: str
    account: str
    kind: str
    title: str
    inputs: dict
    idempotency_key: str
    status: str
    created_at: float
    updated_at: float
    video_id: str | None = None
    submitted_at: float | None = None
    completed_at: float | None = None
    video_url: str | None = None
    thumbnail_url: str | None = None
    gif_url: str | None = None
    captioned_video_url: str | None = None
    subtitle_url: str | None = None
    video_page_url: str | None = None
    duration: float | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    error_detail: dict | None = None
    polls: int = 0
    last_polled_at: float | None = None
    batch_id: str | None = None
    batch_row: int | None = None

    @property
    def terminal(self) -> bool:
        """True once the job will not change any more (see TERMINAL)."""
        return self.status in TERMINAL

    @property
    def elapsed(self) -> float:
        """Seconds since launch: up to completion (or the last update) when terminal, up to now otherwise."""
        start = self.created_at if self.created_at is not None else (self.submitted_at or 0.0)
        if self.terminal:
            end = self.completed_at if self.completed_at is not None else self.updated_at
        else:
            end = time.time()
        return max(0.0, float(end) - float(start))


@dataclass
class StatusEvent:
    """One status change of a job."""

    status: str
    at: float
    detail: str | None = None


_COLUMNS = (
    "id", "account", "kind", "title", "inputs", "idempotency_key", "status", "created_at", "updated_at",
    "video_id", "submitted_at", "completed_at", "video_url", "thumbnail_url", "gif_url", "captioned_video_url",
    "subtitle_url", "video_page_url", "duration", "failure_code", "failure_message", "error_detail", "polls",
    "last_polled_at", "batch_id", "batch_row",
)
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM jobs"


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE IF NOT EXISTS jobs (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            account TEXT NOT NULL,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            inputs TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            video_id TEXT,
            submitted_at REAL,
            completed_at REAL,
            video_url TEXT,
            thumbnail_url TEXT,
            gif_url TEXT,
            captioned_video_url TEXT,
            subtitle_url TEXT,
            video_page_url TEXT,
            duration REAL,
            failure_code TEXT,
            failure_message TEXT,
            error_detail TEXT,
            polls INTEGER NOT NULL DEFAULT 0,
            last_polled_at REAL,
            batch_id TEXT,
            batch_row INTEGER
        )"""
    )
    conn.execute("CREATE INDEX IF NOT EXISTS jobs_account_created ON jobs (account, created_at, seq)")
    conn.execute("CREATE INDEX IF NOT EXISTS jobs_account_video ON jobs (account, video_id)")
    conn.execute("CREATE INDEX IF NOT EXISTS jobs_batch ON jobs (batch_id)")
    conn.execute(
        """CREATE TABLE IF NOT EXISTS job_events (
            seq INTEGER PRIMARY KEY,
            job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            at REAL NOT NULL,
            detail TEXT
        )"""
    )
    conn.execute("CREATE INDEX IF NOT EXISTS job_events_job ON job_events (job_id, seq)")


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Batches (heygen.studio.batch): one row per batch, one row per CSV row; a row points at its current job."""
    conn.execute(
        """CREATE TABLE IF NOT EXISTS batches (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            account TEXT NOT NULL,
            name TEXT NOT NULL,
            state TEXT NOT NULL,
            template TEXT NOT NULL,
            columns TEXT NOT NULL,
            concurrency INTEGER NOT NULL,
            sample_row INTEGER,
            approved_at REAL,
            not_before REAL,
            stop_reason TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX IF NOT EXISTS batches_account_created ON batches (account, created_at, seq)")
    conn.execute(
        """CREATE TABLE IF NOT EXISTS batch_rows (
            batch_id TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
            row INTEGER NOT NULL,
            data TEXT NOT NULL,
            problems TEXT NOT NULL,
            job_id TEXT,
            attempt INTEGER NOT NULL DEFAULT 0,
            resend INTEGER NOT NULL DEFAULT 0,
            gave_up INTEGER NOT NULL DEFAULT 0,
            watch_from REAL,
            PRIMARY KEY (batch_id, row)
        )"""
    )


# _MIGRATIONS[n] brings a database from user_version n to n + 1; append new steps for new columns.
_MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_to_1, _migrate_to_2)
assert len(_MIGRATIONS) == SCHEMA_VERSION


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION inside the caller's write transaction; return the version found."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise JobStoreError(
            f"The job database was written by a newer version of the studio (schema {found}, this one knows {SCHEMA_VERSION})."
        )
    for version in range(found, SCHEMA_VERSION):
        _MIGRATIONS[version](conn)
        conn.execute(f"PRAGMA user_version = {version + 1}")
    return found


def _is_lock_error(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _casefold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _opt_float(value: object) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _decode_json_dict(text: object) -> dict | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _row_to_job(row: tuple) -> Job:
    data = dict(zip(_COLUMNS, row))
    for name in ("id", "account", "kind", "status", "idempotency_key"):
        if not isinstance(data[name], str):
            raise ValueError(f"bad {name}")
    created_at = _opt_float(data["created_at"])
    if created_at is None:
        raise ValueError("bad created_at")
    updated_at = _opt_float(data["updated_at"])
    batch_row = data["batch_row"]
    return Job(
        id=data["id"],
        account=data["account"],
        kind=data["kind"],
        title=_opt_str(data["title"]) or "",
        # A damaged inputs value leaves the job visible (and watchable) with empty inputs.
        inputs=_decode_json_dict(data["inputs"]) or {},
        idempotency_key=data["idempotency_key"],
        status=data["status"],
        created_at=created_at,
        updated_at=updated_at if updated_at is not None else created_at,
        video_id=_opt_str(data["video_id"]),
        submitted_at=_opt_float(data["submitted_at"]),
        completed_at=_opt_float(data["completed_at"]),
        video_url=_opt_str(data["video_url"]),
        thumbnail_url=_opt_str(data["thumbnail_url"]),
        gif_url=_opt_str(data["gif_url"]),
        captioned_video_url=_opt_str(data["captioned_video_url"]),
        subtitle_url=_opt_str(data["subtitle_url"]),
        video_page_url=_opt_str(data["video_page_url"]),
        duration=_opt_float(data["duration"]),
        failure_code=_opt_str(data["failure_code"]),
        failure_message=_opt_str(data["failure_message"]),
        error_detail=_decode_json_dict(data["error_detail"]),
        polls=int(data["polls"] or 0),
        last_polled_at=_opt_float(data["last_polled_at"]),
        batch_id=_opt_str(data["batch_id"]),
        batch_row=batch_row if isinstance(batch_row, int) else None,
    )


def _encode_inputs(inputs: object) -> str:
    if not isinstance(inputs, Mapping):
        raise TypeError("inputs must be a dict")
    try:
        return json.dumps(dict(inputs), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"inputs must be JSON-serialisable: {exc}") from None


def _encode_error_detail(error_detail: object) -> str:
    if not isinstance(error_detail, Mapping):
        raise TypeError("error_detail must be a dict")
    kept: dict[str, Any] = {}
    for key in ERROR_DETAIL_KEYS:
        if key not in error_detail:
            continue
        value = error_detail[key]
        if value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        kept[key] = value
    return json.dumps(kept, ensure_ascii=False, default=str)


def _check_status(status: object) -> str:
    if not isinstance(status, str) or not status.strip() or len(status) > _STATUS_MAX:
        raise ValueError("status must be a non-empty string of at most 64 characters")
    return status


def _check_text(name: str, value: object, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string")
    return value


def _check_number(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number")
    return float(value)


def _short_detail(detail: object) -> str | None:
    if detail is None:
        return None
    text = str(detail)
    return text[:_DETAIL_MAX]


def _next_status(current: str, reported: str) -> str:
    """The status a job takes when watching reports `reported` while it has `current`."""
    if current in FINAL:
        return current
    if current in TERMINAL and reported not in TERMINAL:
        return current
    return reported


class JobStore:
    """The job database at `path` (default: <default_data_dir()>/jobs.sqlite3)."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        db_path = Path(path) if path is not None else default_data_dir() / DB_FILENAME
        if db_path.is_dir():
            db_path = db_path / DB_FILENAME
        self.path = db_path
        try:
            private_dir(db_path.parent)
        except OSError as exc:
            raise JobStoreError(f"Cannot create the folder for the job database {db_path}: {exc.strerror or exc}.") from None
        try:
            private_file(db_path)  # SQLite gives the side files it creates later the same permissions
            for suffix in ("-wal", "-shm", "-journal"):
                private_file(f"{db_path}{suffix}", create=False)
        except OSError as exc:
            raise JobStoreError(f"Cannot make the job database {db_path} private: {exc.strerror or exc}.") from None
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._pid = os.getpid()
        self._run(self._set_wal, write=False)
        self._run(self._check_schema, write=True)

    def __repr__(self) -> str:
        return f"JobStore({str(self.path)!r})"

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the idle connections; the store reopens connections if it is used again."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    # -- connections and transactions

    def _connect(self) -> sqlite3.Connection:
        # check_same_thread=False: a connection moves between threads through the idle pool,
        # but only one thread uses it at a time.
        conn = sqlite3.connect(
            str(self.path), timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            conn.create_function("casefold", 1, _casefold, deterministic=True)
        except BaseException:
            conn.close()
            raise
        return conn

    def _acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._pid != os.getpid():
                # After a fork the parent's connections must not be used (nor closed) here.
                self._idle = []
                self._pid = os.getpid()
            conn = self._idle.pop() if self._idle else None
        return conn if conn is not None else self._connect()

    def _release(self, conn: sqlite3.Connection, reusable: bool) -> None:
        if reusable and not conn.in_transaction:
            with self._lock:
                if self._pid == os.getpid() and len(self._idle) < _MAX_IDLE_CONNECTIONS:
                    self._idle.append(conn)
                    return
        try:
            conn.close()
        except sqlite3.Error:
            pass

    def _run(self, fn: Callable[[sqlite3.Connection], _T], *, write: bool) -> _T:
        """Run `fn` on a connection (inside BEGIN IMMEDIATE when `write`), retrying while the database is locked."""
        attempt = 0
        while True:
            attempt += 1
            conn: sqlite3.Connection | None = None
            broken = False
            try:
                conn = self._acquire()
                if not write:
                    return fn(conn)
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        try:
                            conn.execute("ROLLBACK")
                        except sqlite3.Error:
                            broken = True
                    raise
                return result
            except (sqlite3.ProgrammingError, sqlite3.IntegrityError, sqlite3.InterfaceError):
                raise
            except sqlite3.OperationalError as exc:
                if _is_lock_error(exc):
                    if attempt < _LOCK_RETRIES:
                        time.sleep(min(0.05 * attempt, 0.5))
                        continue
                    raise JobStoreError(
                        f"The job database {self.path} stayed locked by another program; try again."
                    ) from None
                broken = True
                raise JobStoreError(f"The job database {self.path} cannot be used: {exc}.") from None
            except sqlite3.DatabaseError as exc:
                broken = True
                raise JobStoreError(
                    f"The job database {self.path} is damaged or is not a job database ({exc})."
                ) from None
            finally:
                if conn is not None:
                    self._release(conn, reusable=not broken)

    @staticmethod
    def _set_wal(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode = WAL").fetchone()

    def _check_schema(self, conn: sqlite3.Connection) -> None:
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise JobStoreError(
                f"The job database {self.path} was written by a newer version of the studio"
                f" (schema {found}; this version knows up to {SCHEMA_VERSION})."
            )
        migrate(conn)
        # A database with tables of another shape fails here rather than later.
        conn.execute(_SELECT + " LIMIT 0").fetchall()
        conn.execute("SELECT job_id, status, at, detail FROM job_events LIMIT 0").fetchall()

    def _fetch(self, conn: sqlite3.Connection, job_id: str) -> Job:
        row = conn.execute(_SELECT + " WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"No job with id {job_id!r}.")
        try:
            return _row_to_job(row)
        except (TypeError, ValueError):
            raise JobStoreError(f"The job {job_id!r} in {self.path} is damaged and cannot be read.") from None

    @staticmethod
    def _add_event(conn: sqlite3.Connection, job_id: str, status: str, at: float, detail: object = None) -> None:
        conn.execute(
            "INSERT INTO job_events (job_id, status, at, detail) VALUES (?, ?, ?, ?)",
            (job_id, status, at, _short_detail(detail)),
        )

    def _update(self, job_id: str, change: Callable[[sqlite3.Connection, Job, float], dict[str, Any]]) -> Job:
        """Read-modify-write one job: `change(conn, job, now)` returns the columns to set."""
        if not isinstance(job_id, str):
            raise TypeError("job_id must be a string")

        def tx(conn: sqlite3.Connection) -> Job:
            job = self._fetch(conn, job_id)
            now = time.time()
            values = change(conn, job, now)
            values["updated_at"] = now
            assignments = ", ".join(f"{name} = ?" for name in values)
            conn.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*values.values(), job_id))
            return self._fetch(conn, job_id)

        return self._run(tx, write=True)

    def _select_jobs(self, sql: str, params: Iterable[object]) -> list[Job]:
        rows = self._run(lambda conn: conn.execute(sql, tuple(params)).fetchall(), write=False)
        jobs = []
        for row in rows:
            try:
                jobs.append(_row_to_job(row))
            except (TypeError, ValueError):
                continue  # a row too damaged to show is left out rather than breaking the list
        return jobs

    @staticmethod
    def _filters(
        account: str, statuses: Iterable[str] | None, search: str | None, batch_id: str | None
    ) -> tuple[str, list[object]]:
        validate_account(account)
        clauses = ["account = ?"]
        params: list[object] = [account]
        if statuses is not None:
            wanted = [statuses] if isinstance(statuses, str) else list(statuses)
            if not wanted:
                clauses.append("0")
            else:
                clauses.append(f"status IN ({', '.join('?' * len(wanted))})")
                params.extend(wanted)
        if search is not None and not isinstance(search, str):
            raise TypeError("search must be a string")
        if search:
            clauses.append("instr(casefold(title), ?) > 0")
            params.append(search.casefold())
        if batch_id is not None:
            clauses.append("batch_id = ?")
            params.append(batch_id)
        return " WHERE " + " AND ".join(clauses), params

    # -- public API

    def create(
        self,
        *,
        account: str,
        kind: str,
        title: str,
        inputs: dict,
        idempotency_key: str | None = None,
        batch_id: str | None = None,
        batch_row: int | None = None,
    ) -> Job:
        """Record a new job in status "submitting" (call before sending the create request)."""
        validate_account(account)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(sorted(KINDS))}")
        _check_text("title", title)
        inputs_json = _encode_inputs(inputs)
        if idempotency_key is None:
            idempotency_key = uuid.uuid4().hex
        elif not isinstance(idempotency_key, str) or not idempotency_key:
            raise ValueError("idempotency_key must be a non-empty string")
        _check_text("batch_id", batch_id, optional=True)
        if batch_row is not None and (isinstance(batch_row, bool) or not isinstance(batch_row, int)):
            raise TypeError("batch_row must be an int")
        job_id = uuid.uuid4().hex

        def tx(conn: sqlite3.Connection) -> Job:
            now = time.time()
            conn.execute(
                "INSERT INTO jobs (id, account, kind, title, inputs, idempotency_key, status, created_at,"
                " updated_at, batch_id, batch_row) VALUES (?, ?, ?, ?, ?, ?, 'submitting', ?, ?, ?, ?)",
                (job_id, account, kind, title, inputs_json, idempotency_key, now, now, batch_id, batch_row),
            )
            self._add_event(conn, job_id, "submitting", now)
            return self._fetch(conn, job_id)

        return self._run(tx, write=True)

    def get(self, job_id: str) -> Job | None:
        """The job with this local id, or None."""
        try:
            return self._run(lambda conn: self._fetch(conn, job_id), write=False)
        except JobNotFoundError:
            return None

    def find_by_video_id(self, account: str, video_id: str) -> Job | None:
        """The newest job of `account` with this HeyGen video id, or None."""
        validate_account(account)
        jobs = self._select_jobs(
            _SELECT + " WHERE account = ? AND video_id = ? ORDER BY created_at DESC, seq DESC LIMIT 1",
            (account, video_id),
        )
        return jobs[0] if jobs else None

    def list(
        self,
        account: str,
        *,
        statuses: Iterable[str] | None = None,
        search: str | None = None,
        batch_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Job]:
        """Jobs of `account`, newest first; `search` matches a title substring ignoring case."""
        where, params = self._filters(account, statuses, search, batch_id)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValueError("limit must be a non-negative int or None")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ValueError("offset must be a non-negative int")
        params += [-1 if limit is None else limit, offset]
        return self._select_jobs(_SELECT + where + " ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?", params)

    def count(
        self,
        account: str,
        *,
        statuses: Iterable[str] | None = None,
        search: str | None = None,
        batch_id: str | None = None,
    ) -> int:
        """How many jobs `list` would return without limit/offset."""
        where, params = self._filters(account, statuses, search, batch_id)
        return self._run(lambda conn: conn.execute("SELECT count(*) FROM jobs" + where, params).fetchone()[0], write=False)

    def mark_submitted(self, job_id: str, video_id: str, status: str) -> Job:
        """The create request succeeded: store HeyGen's video id and first status."""
        if not isinstance(video_id, str) or not video_id:
            raise ValueError("video_id must be a non-empty string")
        _check_status(status)

        def change(conn: sqlite3.Connection, job: Job, now: float) -> dict[str, Any]:
            if status != job.status:
                self._add_event(conn, job.id, status, now)
            return {"video_id": video_id, "submitted_at": now, "status": status, "error_detail": None}

        return self._update(job_id, change)

    def mark_submit_failed(self, job_id: str, error_detail: dict) -> Job:
        """The create request surely failed (nothing was made): status "submit_failed"."""
        return self._mark_unsent(job_id, "submit_failed", error_detail)

    def mark_checking(self, job_id: str, error_detail: dict) -> Job:
        """The create's answer was lost (HeyGen may have it): status "checking" until reconciled."""
        return self._mark_unsent(job_id, "checking", error_detail)

    def mark_unclear(self, job_id: str, error_detail: dict) -> Job:
        """Reconciliation found nothing: status "unclear" (the user may send it again)."""
        return self._mark_unsent(job_id, "unclear", error_detail)

    def _mark_unsent(self, job_id: str, status: str, error_detail: dict) -> Job:
        detail_json = _encode_error_detail(error_detail)

        def change(conn: sqlite3.Connection, job: Job, now: float) -> dict[str, Any]:
            if job.video_id is not None:
                return {}  # HeyGen's video is known: nothing about the launch can change that
            if job.status != status:
                self._add_event(conn, job.id, status, now, error_detail.get("message"))
            return {"status": status, "error_detail": detail_json}

        return self._update(job_id, change)

    def session_owners(self, account: str) -> dict[str, str]:
        """Video Agent session id -> id of the job that owns it, for the account's agent jobs."""
        validate_account(account)
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT json_extract(inputs, '$.session.session_id'), id FROM jobs"
                " WHERE account = ? AND kind = 'agent' AND json_extract(inputs, '$.session.session_id') IS NOT NULL",
                (account,),
            ).fetchall(),
            write=False,
        )
        return {str(session_id): str(job_id) for session_id, job_id in rows}

    def record_poll(self, job_id: str, *, status: str, **fields: Any) -> Job:
        """One status request answered: count it, store the given VideoDetail fields, follow the status.

        Fields given as None keep their stored value. A terminal job never goes back to a running
        status, and a completed/failed job keeps its status, but its refreshed fields are saved.
        A successful answer clears a stored watching error (unless the job ended on one).
        """
        _check_status(status)
        unknown = set(fields) - set(VIDEO_FIELDS)
        if unknown:
            raise TypeError(f"record_poll got unknown field(s): {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if value is None:
                continue
            if name in _URL_FIELDS:
                values[name] = _check_text(name, value)
            else:
                values[name] = _check_number(name, value)

        def change(conn: sqlite3.Connection, job: Job, now: float) -> dict[str, Any]:
            new_status = _next_status(job.status, status)
            result = dict(values)
            result.update(status=new_status, polls=job.polls + 1, last_polled_at=now)
            if new_status == "completed" and job.completed_at is None and "completed_at" not in result:
                result["completed_at"] = now
            if new_status not in _ERROR_STATUSES:
                result["error_detail"] = None
            if new_status != job.status:
                detail = None
                if new_status == "failed":
                    detail = values.get("failure_message") or values.get("failure_code")
                self._add_event(conn, job.id, new_status, now, detail)
            return result

        return self._update(job_id, change)

    def record_watch_error(self, job_id: str, *, status: str | None, error_detail: dict) -> Job:
        """A status request failed: store `error_detail`; a terminal `status` ("not_found", "rejected") ends the job.

        With status None the job keeps its status (network trouble, rate limit). A completed or
        failed job keeps its status either way. The failed request counts as a poll.
        """
        if status is not None:
            _check_status(status)
            if status not in TERMINAL:
                raise ValueError("record_watch_error takes a terminal status or None")
        detail_json = _encode_error_detail(error_detail)

        def change(conn: sqlite3.Connection, job: Job, now: float) -> dict[str, Any]:
            result: dict[str, Any] = {"error_detail": detail_json, "polls": job.polls + 1, "last_polled_at": now}
            if status is not None:
                new_status = _next_status(job.status, status)
                if new_status != job.status:
                    self._add_event(conn, job.id, new_status, now, error_detail.get("message"))
                    result["status"] = new_status
            return result

        return self._update(job_id, change)

    def set_status(self, job_id: str, status: str, detail: str | None = None) -> Job:
        """Set any status (no transition rules); records an event when it changes."""
        _check_status(status)

        def change(conn: sqlite3.Connection, job: Job, now: float) -> dict[str, Any]:
            if status != job.status:
                self._add_event(conn, job.id, status, now, detail)
            return {"status": status}

        return self._update(job_id, change)

    def update_inputs(self, job_id: str, inputs: dict) -> Job:
        """Replace the job's inputs."""
        inputs_json = _encode_inputs(inputs)
        return self._update(job_id, lambda conn, job, now: {"inputs": inputs_json})

    def events(self, job_id: str) -> list[StatusEvent]:
        """The job's status changes, oldest first."""
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT status, at, detail FROM job_events WHERE job_id = ? ORDER BY seq", (job_id,)
            ).fetchall(),
            write=False,
        )
        return [StatusEvent(str(status), float(at), _opt_str(detail)) for status, at, detail in rows]

    def delete(self, job_id: str) -> bool:
        """Remove the job and its events; False if there was no such job."""

        def tx(conn: sqlite3.Connection) -> bool:
            conn.execute("DELETE FROM job_events WHERE job_id = ?", (job_id,))
            return conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,)).rowcount > 0

        return self._run(tx, write=True)

    def running(self, account: str) -> list[Job]:
        """Jobs of `account` that HeyGen accepted and that are not terminal (to resume watching), newest first."""
        validate_account(account)
        marks = ", ".join("?" * len(TERMINAL))
        return self._select_jobs(
            _SELECT + f" WHERE account = ? AND video_id IS NOT NULL AND status NOT IN ({marks})"
            " ORDER BY created_at DESC, seq DESC",
            (account, *sorted(TERMINAL)),
        )
