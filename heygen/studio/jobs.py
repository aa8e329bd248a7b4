"""The job store: the database (heygen.studio.db) recording every render the studio launches.

A job is written before its create request goes out and after every status change, so a page
reload or an app restart finds the same job again. Jobs belong to an account fingerprint (a
short token computed by the caller, never the API key), so sandbox and real-account jobs never
mix. Safe for many threads and several processes writing at once. The store only records; it
never decides when or how often to poll (the worker's leases, heygen.studio.leases, keep two
workers from watching the same account at once). The same database also holds the tables of heygen.studio.batch; the
schema of both is heygen.studio.db's migrations, so there is one schema version for the whole file.
"""

from __future__ import annotations

import copy
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import Connection

from .errors import NotFound
from .inputs import DROP, Derive, Inputs, Patch, decode, patched
from .states import FINAL, TERMINAL, UNSETTLED
from .db import DATA_DIR_ENV, DB_FILENAME, HEAD, Database, JobStoreError, default_data_dir, query

__all__ = [
    "DB_FILENAME", "DROP", "Derive", "ERROR_DETAIL_KEYS", "FINAL", "Job", "JobNotFoundError", "JobStore",
    "JobStoreError", "Patch", "SCHEMA_VERSION", "StatusEvent", "TERMINAL", "VIDEO_FIELDS", "default_data_dir",
    "validate_account",
]

# TERMINAL, FINAL and UNSETTLED are the status sets of heygen.studio.states (re-exported for the store).
# The VideoDetail fields record_poll accepts.
VIDEO_FIELDS = (
    "video_url", "thumbnail_url", "gif_url", "captioned_video_url", "subtitle_url", "video_page_url",
    "duration", "failure_code", "failure_message", "completed_at",
)
# The only keys kept from an error_detail dict; anything else is dropped before storing.
ERROR_DETAIL_KEYS = ("kind", "message", "hint", "code", "heygen_message", "status", "param", "retry_after", "reason", "host")

# The newest schema revision (heygen.studio.db's migrations).
SCHEMA_VERSION = HEAD

_ACCOUNT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")
_ACCOUNT_MAX = 64
_STATUS_MAX = 64
_DETAIL_MAX = 1000
_URL_FIELDS = frozenset(VIDEO_FIELDS) - {"duration", "completed_at"}
# Our own verdicts from watching: a job keeps its error_detail while it has one of these.
_ERROR_STATUSES = frozenset({"not_found", "rejected", "submit_failed", "checking", "unclear"})

class JobNotFoundError(JobStoreError, NotFound):
    """No job with the given id."""


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
    inputs: Inputs  # the kind's inputs class (heygen.studio.inputs); a plain dict given here is decoded
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
    made_by: str | None = None
    redo_of: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.inputs, Inputs):
            self.inputs = decode(Inputs, self.inputs)

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


class KindInputs(Protocol):
    """What the store needs of a kind of job: the class of its inputs."""

    inputs: type[Inputs]


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
    "last_polled_at", "batch_id", "batch_row", "made_by", "redo_of",
)
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM jobs"


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


def _row_to_job(row: tuple, inputs_of: Callable[[str], type[Inputs]]) -> Job:
    """The job of a row, its inputs decoded as ``inputs_of(kind)``."""
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
        inputs=decode(inputs_of(data["kind"]), _decode_json_dict(data["inputs"])),
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
        made_by=_opt_str(data["made_by"]),
        redo_of=_opt_str(data["redo_of"]),
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
    """The job database at `path`: a SQLite file or folder, a database URL, or a shared Database.

    None means heygen.studio.db's default: $HEYGEN_STUDIO_DATABASE_URL, else
    <default_data_dir()>/jobs.sqlite3. ``path`` is the SQLite file, or on PostgreSQL the database
    URL: what opens the same database again. ``db`` is the Database, which heygen.studio.batch shares.
    """

    def __init__(self, path: str | os.PathLike | Database | None = None, *,
                 kinds: Mapping[str, KindInputs] | None = None) -> None:
        """A store on ``path`` (a folder, a database URL or a ``Database``) that records jobs of ``kinds`` only
        (``heygen.studio.kinds.KINDS``), each job's inputs decoded as its kind's ``inputs`` class; None: any kind,
        its inputs read as plain ``Inputs``."""
        self.kinds = frozenset(kinds) if kinds is not None else None
        self._inputs = {name: kind.inputs for name, kind in (kinds or {}).items()}
        self.db = path if isinstance(path, Database) else Database(path)
        db_path = self.db.path
        self.path: Path | str = db_path if db_path is not None else self.db.url.render_as_string(hide_password=False)
        self.made_by: str | None = None
        # A database with tables of another shape fails here rather than later.
        self.db.run(self._check_tables, write=False)

    def _inputs_of(self, kind: str) -> type[Inputs]:
        return self._inputs.get(kind, Inputs)

    def for_member(self, name: str | None) -> JobStore:
        """This store, recording every job it creates as made by the team member ``name`` (itself for None)."""
        if not name:
            return self
        view = copy.copy(self)
        view.made_by = name
        return view

    def __repr__(self) -> str:
        return f"JobStore({self.db.label!r})"

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the idle connections; the store reopens connections if it is used again."""
        self.db.close()

    # -- inside a transaction

    @staticmethod
    def _check_tables(conn: Connection) -> None:
        query(conn, _SELECT + " LIMIT 0").fetchall()
        query(conn, "SELECT job_id, status, at, detail FROM job_events LIMIT 0").fetchall()

    def _fetch(self, conn: Connection, job_id: str, *, lock: bool = False) -> Job:
        row = query(conn, _SELECT + " WHERE id = :id" + (self.db.for_update if lock else ""), {"id": job_id}).fetchone()
        if row is None:
            raise JobNotFoundError(f"No job with id {job_id!r}.")
        try:
            return _row_to_job(tuple(row), self._inputs_of)
        except (TypeError, ValueError):
            raise JobStoreError(f"The job {job_id!r} in {self.db.label} is damaged and cannot be read.") from None

    @staticmethod
    def _add_event(conn: Connection, job_id: str, status: str, at: float, detail: object = None) -> None:
        query(
            conn,
            "INSERT INTO job_events (job_id, status, at, detail) VALUES (:job_id, :status, :at, :detail)",
            {"job_id": job_id, "status": status, "at": at, "detail": _short_detail(detail)},
        )

    def _update(self, job_id: str, change: Callable[[Connection, Job, float], dict[str, Any]]) -> Job:
        """Read-modify-write one job: `change(conn, job, now)` returns the columns to set."""
        if not isinstance(job_id, str):
            raise TypeError("job_id must be a string")

        def tx(conn: Connection) -> Job:
            job = self._fetch(conn, job_id, lock=True)
            now = time.time()
            values = change(conn, job, now)
            values["updated_at"] = now
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            query(conn, f"UPDATE jobs SET {assignments} WHERE id = :job_id_", {**values, "job_id_": job_id})
            return self._fetch(conn, job_id)

        return self.db.run(tx, write=True)

    def _select_jobs(self, sql: str, params: Mapping[str, object]) -> list[Job]:
        rows = self.db.run(lambda conn: query(conn, sql, params).fetchall(), write=False)
        jobs = []
        for row in rows:
            try:
                jobs.append(_row_to_job(tuple(row), self._inputs_of))
            except (TypeError, ValueError):
                continue  # a row too damaged to show is left out rather than breaking the list
        return jobs

    def _filters(
        self, account: str, statuses: Iterable[str] | None, search: str | None, batch_id: str | None
    ) -> tuple[str, dict[str, object]]:
        validate_account(account)
        clauses = ["account = :account"]
        params: dict[str, object] = {"account": account}
        if statuses is not None:
            wanted = [statuses] if isinstance(statuses, str) else list(statuses)
            if not wanted:
                clauses.append("1 = 0")
            else:
                names = [f"status_{i}" for i in range(len(wanted))]
                clauses.append(f"status IN ({', '.join(':' + n for n in names)})")
                params.update(zip(names, wanted))
        if search is not None and not isinstance(search, str):
            raise TypeError("search must be a string")
        if search:
            clauses.append(self.db.contains_folded("title", "search"))
            params["search"] = self.db.fold(search)
        if batch_id is not None:
            clauses.append("batch_id = :batch_id")
            params["batch_id"] = batch_id
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
        queued: bool = False,
        redo_of: str | None = None,
    ) -> Job:
        """Record a new job in status "submitting" (call before sending the create request), or "queued"
        when it waits for its turn to be sent."""
        validate_account(account)
        if not isinstance(kind, str) or not kind or (self.kinds is not None and kind not in self.kinds):
            raise ValueError(f"kind must be one of {', '.join(sorted(self.kinds or ()))}" if self.kinds
                             else "kind must be a kind's name")
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
        status = "queued" if queued else "submitting"

        def tx(conn: Connection) -> Job:
            now = time.time()
            query(
                conn,
                "INSERT INTO jobs (id, account, kind, title, inputs, idempotency_key, status, created_at,"
                " updated_at, batch_id, batch_row, made_by, redo_of) VALUES (:id, :account, :kind, :title, :inputs,"
                " :key, :status, :now, :now, :batch_id, :batch_row, :made_by, :redo_of)",
                {"id": job_id, "account": account, "kind": kind, "title": title, "inputs": inputs_json,
                 "key": idempotency_key, "status": status, "now": now, "batch_id": batch_id, "batch_row": batch_row,
                 "made_by": self.made_by, "redo_of": redo_of},
            )
            self._add_event(conn, job_id, status, now)
            return self._fetch(conn, job_id)

        return self.db.run(tx, write=True)

    def get(self, job_id: str) -> Job | None:
        """The job with this local id, or None."""
        try:
            return self.db.run(lambda conn: self._fetch(conn, job_id), write=False)
        except JobNotFoundError:
            return None

    def find_by_video_id(self, account: str, video_id: str) -> Job | None:
        """The newest job of `account` with this HeyGen video id, or None."""
        validate_account(account)
        jobs = self._select_jobs(
            _SELECT + " WHERE account = :account AND video_id = :video_id ORDER BY created_at DESC, seq DESC LIMIT 1",
            {"account": account, "video_id": video_id},
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
        params.update(limit_=self.db.limit_value(limit), offset_=offset)
        return self._select_jobs(
            _SELECT + where + " ORDER BY created_at DESC, seq DESC LIMIT :limit_ OFFSET :offset_", params
        )

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
        return self.db.run(lambda conn: query(conn, "SELECT count(*) FROM jobs" + where, params).scalar_one(), write=False)

    def mark_submitted(self, job_id: str, video_id: str, status: str) -> Job:
        """The create request succeeded: store HeyGen's video id and first status."""
        if not isinstance(video_id, str) or not video_id:
            raise ValueError("video_id must be a non-empty string")
        _check_status(status)

        def change(conn: Connection, job: Job, now: float) -> dict[str, Any]:
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

        def change(conn: Connection, job: Job, now: float) -> dict[str, Any]:
            if job.video_id is not None:
                return {}  # HeyGen's video is known: nothing about the launch can change that
            if job.status != status:
                self._add_event(conn, job.id, status, now, error_detail.get("message"))
            return {"status": status, "error_detail": detail_json}

        return self._update(job_id, change)

    def session_owners(self, account: str) -> dict[str, str]:
        """Video Agent session id -> id of the job that owns it, for the account's agent jobs."""
        validate_account(account)
        rows = self.db.run(
            lambda conn: query(
                conn, "SELECT inputs, id FROM jobs WHERE account = :account AND kind = 'agent'", {"account": account}
            ).fetchall(),
            write=False,
        )
        owners = {}
        for inputs, job_id in rows:
            session = (_decode_json_dict(inputs) or {}).get("session")
            session_id = session.get("session_id") if isinstance(session, dict) else None
            if session_id is not None:
                owners[str(session_id)] = str(job_id)
        return owners

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

        def change(conn: Connection, job: Job, now: float) -> dict[str, Any]:
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

        def change(conn: Connection, job: Job, now: float) -> dict[str, Any]:
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

        def change(conn: Connection, job: Job, now: float) -> dict[str, Any]:
            if status != job.status:
                self._add_event(conn, job.id, status, now, detail)
            return {"status": status}

        return self._update(job_id, change)

    def start_sending(self, job_id: str, allowed: Callable[[Job], bool]) -> Job | None:
        """Atomically take the right to send the job's create: when ``allowed(job)`` holds for the job as it
        is in the store, record the send time (the first one is kept) and status "submitting", and return
        the job; else return None and change nothing. Two callers racing for one job: one wins."""
        won: list[bool] = []

        def change(conn: Connection, job: Job, now: float) -> dict[str, Any]:
            if not allowed(job):
                return {}
            won.append(True)
            inputs = dict(job.inputs or {})
            inputs.setdefault("sent_at", now)
            if inputs.get("sent_at") is None:
                inputs["sent_at"] = now
            if job.status != "submitting":
                self._add_event(conn, job.id, "submitting", now, None if job.status == "queued" else "sent again")
            return {"inputs": _encode_inputs(inputs), "status": "submitting"}

        job = self._update(job_id, change)
        return job if won else None

    def update_inputs(self, job_id: str, **changes: Any) -> Job:
        """Apply ``changes`` to the job's inputs as stored, inside the transaction (see heygen.studio.inputs:
        ``key=value`` sets, ``key=DROP`` removes, ``key=Patch(...)`` merges one level, ``key=Derive(fn)``
        computes from the stored value). Keys not named are kept as they are in the store."""
        _encode_inputs(patched({}, {k: v for k, v in changes.items() if not isinstance(v, Derive)}))

        def change(conn: Connection, job: Job, now: float) -> dict[str, Any]:
            return {"inputs": _encode_inputs(patched(job.inputs or {}, changes))}

        return self._update(job_id, change)

    def events(self, job_id: str) -> list[StatusEvent]:
        """The job's status changes, oldest first."""
        rows = self.db.run(
            lambda conn: query(
                conn, "SELECT status, at, detail FROM job_events WHERE job_id = :id ORDER BY seq", {"id": job_id}
            ).fetchall(),
            write=False,
        )
        return [StatusEvent(str(status), float(at), _opt_str(detail)) for status, at, detail in rows]

    def delete(self, job_id: str) -> bool:
        """Remove the job and its events; False if there was no such job."""

        def tx(conn: Connection) -> bool:
            query(conn, "DELETE FROM job_events WHERE job_id = :id", {"id": job_id})
            return query(conn, "DELETE FROM jobs WHERE id = :id", {"id": job_id}).rowcount > 0

        return self.db.run(tx, write=True)

    def running(self, account: str) -> list[Job]:
        """Jobs of `account` that HeyGen accepted and that are not terminal (to resume watching), newest first."""
        validate_account(account)
        where, params = _not_terminal()
        params["account"] = account
        return self._select_jobs(
            _SELECT + f" WHERE account = :account AND video_id IS NOT NULL AND {where} ORDER BY created_at DESC, seq DESC",
            params,
        )


def _not_terminal() -> tuple[str, dict[str, object]]:
    """A condition "status is not terminal" and its parameters."""
    names = [f"terminal_{i}" for i in range(len(TERMINAL))]
    return f"status NOT IN ({', '.join(':' + n for n in names)})", dict(zip(names, sorted(TERMINAL)))
