"""The batch store: batches, their CSV rows and their state, in the same database as the jobs.

A batch keeps its rows (cells and check problems), its template and settings, and a state:

    draft → sampling → approved → running ⇄ paused
                                  running → stopped_credit → running (resume)
                                  running / paused / stopped_credit → finished (every row done)
                                  finished → running (retry failed rows)

Each row points at its current job (heygen.studio.jobs), so a row's progress is the job's; a row never
gets a second job unless its render failed and the user asked for a retry. Everything survives
reloads and restarts: open a new BatchStore on the same database and carry on. A background worker
steps a batch only while it holds the batch's lease (heygen.studio.leases), so two workers never
send the same row.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sqlalchemy.engine import Connection

from ..db import query
from ..errors import NotFound
from ..jobs import ERROR_DETAIL_KEYS, JobStore, TERMINAL, validate_account
from .checks import BatchCheck, check_rows
from .csvfile import BatchInputError
from .template import BatchTemplate

__all__ = [
    "ACTIVE_STATES", "Advice", "Batch", "BatchNotFoundError", "BatchRow", "BatchStateError", "BatchStore",
    "MAX_CONCURRENCY", "ROW_STATUSES", "STATES",
]

STATES = ("draft", "sampling", "approved", "running", "paused", "stopped_credit", "finished")
# States in which the runner may send new renders.
ACTIVE_STATES = frozenset({"sampling", "running"})
# Row statuses, in display order.
ROW_STATUSES = ("queued", "rendering", "completed", "failed", "skipped")
MAX_CONCURRENCY = 50
# Advice for a failed render from HeyGen's failure code and message (the UI's words; None: no advice).
Advice = Callable[[str | None, str | None], str | None]
_RETRYABLE_FROM = frozenset({"running", "paused", "stopped_credit", "finished"})


class BatchStateError(ValueError):
    """The batch is not in a state that allows this (e.g. approving before the sample is ready)."""


class BatchNotFoundError(NotFound):
    """No batch with this id."""


@dataclass
class Batch:
    """One batch as stored. ``row_count`` counts all rows; ``ready_count`` those that passed the checks."""

    id: str
    account: str
    name: str
    state: str
    template: BatchTemplate
    columns: list[str]
    concurrency: int
    created_at: float
    updated_at: float
    row_count: int = 0
    ready_count: int = 0
    sample_row: int | None = None
    approved_at: float | None = None
    not_before: float | None = None
    stop_reason: dict | None = None

    @property
    def stop_message(self) -> str | None:
        """Why the batch stopped sending (credit, key), in one sentence, or None."""
        if not self.stop_reason:
            return None
        return str(self.stop_reason.get("message") or "") or None


@dataclass
class BatchRow:
    """One CSV row with its current job's progress (job fields are None before the first job)."""

    row: int
    data: dict[str, str]
    problems: list[str]
    job_id: str | None = None
    attempt: int = 0
    resend: bool = False
    gave_up: bool = False
    watch_from: float | None = None
    job_status: str | None = None
    video_id: str | None = None
    video_url: str | None = None
    title: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    error_detail: dict | None = field(default=None, repr=False)
    polls: int = 0
    last_polled_at: float | None = None
    submitted_at: float | None = None
    job_created_at: float | None = None

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def status(self) -> str:
        """One of ROW_STATUSES: queued (nothing at HeyGen yet, or to be re-sent), rendering, completed, failed, skipped."""
        if self.problems:
            return "skipped"
        if self.job_id is None or self.job_status is None:
            return "queued"
        if self.job_status == "completed":
            return "completed"
        if self.video_id is None:
            if self.job_status in ("submit_failed", "unclear") and not self.resend:
                return "failed"
            if self.job_status == "checking":
                return "rendering"  # HeyGen may have it: looked for, never resent
            return "queued"
        if self.job_status in TERMINAL or self.gave_up:
            return "failed"
        return "rendering"

    @property
    def terminal(self) -> bool:
        """True when nothing more will happen to this row unless the user retries it."""
        return self.status in ("completed", "failed", "skipped")

    @property
    def failure_reason(self) -> str | None:
        """Why the row has no video, in plain words (None when it is fine or still going)."""
        return self.reason()

    def reason(self, advice: Advice | None = None) -> str | None:
        """``failure_reason``, with ``advice(failure_code, failure_message)`` after HeyGen's message for a failed
        render."""
        status = self.status
        if status == "skipped":
            return " ".join(self.problems)
        if status != "failed":
            return None
        if self.gave_up:
            return "HeyGen did not finish this video in time; “Retry failed rows” keeps watching it."
        if self.job_status == "failed":
            said = self.failure_message or self.failure_code or "HeyGen could not render this video."
            hint = advice(self.failure_code, self.failure_message) if advice is not None else None
            return f"{said} {hint}" if hint else said
        message = (self.error_detail or {}).get("message")
        return str(message) if message else f"The render ended with status “{self.job_status}”."


_BATCH_COLUMNS = (
    "id", "account", "name", "state", "template", "columns", "concurrency", "sample_row", "approved_at",
    "not_before", "stop_reason", "created_at", "updated_at",
)
_BATCH_SELECT = (
    "SELECT " + ", ".join("b." + c for c in _BATCH_COLUMNS)
    + ", (SELECT count(*) FROM batch_rows r WHERE r.batch_id = b.id)"
    + ", (SELECT count(*) FROM batch_rows r WHERE r.batch_id = b.id AND r.problems = '[]')"
    + " FROM batches b"
)
_ROW_SELECT = (
    "SELECT r.row, r.data, r.problems, r.job_id, r.attempt, r.resend, r.gave_up, r.watch_from,"
    " j.status, j.video_id, j.video_url, j.title, j.failure_code, j.failure_message, j.error_detail,"
    " j.polls, j.last_polled_at, j.submitted_at, j.created_at"
    " FROM batch_rows r LEFT JOIN jobs j ON j.id = r.job_id"
)

# BatchRow.status == "queued" in SQL, over batch_rows r LEFT JOIN jobs j: a ready row with no job
# yet, or whose job never reached HeyGen and is to be sent (again).
_QUEUED = (
    "r.problems = '[]' AND (r.job_id IS NULL OR j.status IS NULL OR (j.video_id IS NULL"
    " AND j.status NOT IN ('completed', 'checking')"
    " AND (j.status NOT IN ('submit_failed', 'unclear') OR r.resend <> 0)))"
)


def _loads(text: Any, default: Any) -> Any:
    if text is None:
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return default


def _to_batch(row: tuple) -> Batch:
    data = dict(zip(_BATCH_COLUMNS, row[: len(_BATCH_COLUMNS)]))
    template = _loads(data["template"], {})
    stop = _loads(data["stop_reason"], None)
    return Batch(
        id=data["id"],
        account=data["account"],
        name=data["name"],
        state=data["state"],
        template=BatchTemplate.from_dict(template if isinstance(template, dict) else {}),
        columns=list(_loads(data["columns"], [])),
        concurrency=int(data["concurrency"]),
        created_at=float(data["created_at"]),
        updated_at=float(data["updated_at"]),
        row_count=int(row[-2] or 0),
        ready_count=int(row[-1] or 0),
        sample_row=data["sample_row"],
        approved_at=data["approved_at"],
        not_before=data["not_before"],
        stop_reason=stop if isinstance(stop, dict) else None,
    )


def _to_row(row: tuple) -> BatchRow:
    (number, data, problems, job_id, attempt, resend, gave_up, watch_from, status, video_id, video_url, title,
     failure_code, failure_message, error_detail, polls, last_polled_at, submitted_at, job_created_at) = row
    cells = _loads(data, {})
    detail = _loads(error_detail, None)
    return BatchRow(
        row=int(number),
        data=cells if isinstance(cells, dict) else {},
        problems=list(_loads(problems, [])),
        job_id=job_id,
        attempt=int(attempt or 0),
        resend=bool(resend),
        gave_up=bool(gave_up),
        watch_from=watch_from,
        job_status=status,
        video_id=video_id,
        video_url=video_url,
        title=title,
        failure_code=failure_code,
        failure_message=failure_message,
        error_detail=detail if isinstance(detail, dict) else None,
        polls=int(polls or 0),
        last_polled_at=last_polled_at,
        submitted_at=submitted_at,
        job_created_at=job_created_at,
    )


def _clean_reason(reason: dict | None) -> str | None:
    if reason is None:
        return None
    kept = {k: reason.get(k) for k in ERROR_DETAIL_KEYS if k in reason}
    return json.dumps(kept, ensure_ascii=False, default=str)


class BatchStore:
    """Batches of one studio data file; ``jobs`` is the JobStore on the same file (``store.jobs``)."""

    def __init__(self, jobs: JobStore | str | Any) -> None:
        # Opening the JobStore runs the database's migrations, which create the batch tables.
        self.jobs = jobs if isinstance(jobs, JobStore) else JobStore(jobs)
        self.db = self.jobs.db  # same database, same connection pool and lock handling

    def __repr__(self) -> str:
        return f"BatchStore({self.db.label!r})"

    def _run(self, fn: Any, *, write: bool) -> Any:
        return self.db.run(fn, write=write)

    # -- reading

    def get(self, batch_id: str) -> Batch | None:
        """The batch, or None."""
        row = self._run(lambda c: query(c, _BATCH_SELECT + " WHERE b.id = :id", {"id": batch_id}).fetchone(), write=False)
        return _to_batch(row) if row else None

    def require(self, batch_id: str) -> Batch:
        """The batch, or BatchNotFoundError."""
        batch = self.get(batch_id)
        if batch is None:
            raise BatchNotFoundError(f"No batch with id {batch_id!r}.")
        return batch

    def list(self, account: str) -> list[Batch]:
        """The account's batches, newest first."""
        validate_account(account)
        rows = self._run(
            lambda c: query(c, _BATCH_SELECT + " WHERE b.account = :account ORDER BY b.created_at DESC, b.seq DESC",
                            {"account": account}).fetchall(),
            write=False,
        )
        return [_to_batch(r) for r in rows]

    def rows(self, batch_id: str, *, statuses: Iterable[str] | None = None) -> list[BatchRow]:
        """The batch's rows in file order, each with its current job's progress (optionally only some statuses)."""
        found = self._run(lambda c: query(c, _ROW_SELECT + " WHERE r.batch_id = :id ORDER BY r.row",
                                          {"id": batch_id}).fetchall(), write=False)
        rows = [_to_row(r) for r in found]
        if statuses is not None:
            wanted = {statuses} if isinstance(statuses, str) else set(statuses)
            rows = [r for r in rows if r.status in wanted]
        return rows

    def row(self, batch_id: str, row: int) -> BatchRow | None:
        """One row, or None."""
        found = self._run(lambda c: query(c, _ROW_SELECT + " WHERE r.batch_id = :id AND r.row = :row",
                                          {"id": batch_id, "row": row}).fetchone(), write=False)
        return _to_row(found) if found else None

    def counts(self, batch_id: str) -> dict[str, int]:
        """How many rows have each status (every status of ROW_STATUSES is present)."""
        return count_statuses(self.rows(batch_id))

    # -- creating

    def create(
        self,
        account: str,
        df: pd.DataFrame,
        template: BatchTemplate,
        *,
        checks: BatchCheck | None = None,
        concurrency: int = 3,
        name: str = "",
    ) -> Batch:
        """Store a new batch in state "draft".

        ``checks`` is the result of check_rows for this file and template (run without catalogues
        when omitted); the voice names it resolved are kept with the template. A template with
        problems, or a file with no ready row, is refused with BatchInputError.
        """
        validate_account(account)
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or not 1 <= concurrency <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be an int from 1 to {MAX_CONCURRENCY}")
        if not isinstance(template, BatchTemplate):
            raise TypeError("template must be a BatchTemplate")
        checks = checks if checks is not None else check_rows(df, template)
        if len(checks.rows) != len(df):
            raise ValueError("checks were made for a different file")
        if checks.problems:
            raise BatchInputError(" ".join(checks.problems))
        if not checks.ready_rows:
            raise BatchInputError("No row is ready to render; fix the problems shown next to the rows.")
        columns = [str(c) for c in df.columns]
        records = [dict(zip(columns, values)) for values in df.itertuples(index=False, name=None)]
        batch_id = uuid.uuid4().hex
        template = template.with_voice_names(checks.voice_names)
        template_json = json.dumps(template.to_dict(), ensure_ascii=False)

        def tx(conn: Connection) -> None:
            now = time.time()
            query(
                conn,
                "INSERT INTO batches (id, account, name, state, template, columns, concurrency, created_at, updated_at)"
                " VALUES (:id, :account, :name, 'draft', :template, :columns, :concurrency, :now, :now)",
                {"id": batch_id, "account": account, "name": str(name or ""), "template": template_json,
                 "columns": json.dumps(columns, ensure_ascii=False), "concurrency": concurrency, "now": now},
            )
            query(
                conn,
                "INSERT INTO batch_rows (batch_id, row, data, problems) VALUES (:batch_id, :row, :data, :problems)",
                [
                    {"batch_id": batch_id, "row": check.row,
                     "data": json.dumps({c: "" if record[c] is None else str(record[c]) for c in columns},
                                        ensure_ascii=False),
                     "problems": json.dumps(list(check.problems), ensure_ascii=False)}
                    for check, record in zip(checks.rows, records)
                ],
            )

        self._run(tx, write=True)
        return self.require(batch_id)

    def delete(self, batch_id: str) -> bool:
        """Forget the batch and its rows (their jobs stay in the job list); False if there was none."""

        def tx(conn: Connection) -> bool:
            query(conn, "DELETE FROM batch_rows WHERE batch_id = :id", {"id": batch_id})
            return query(conn, "DELETE FROM batches WHERE id = :id", {"id": batch_id}).rowcount > 0

        return self._run(tx, write=True)

    # -- the user's transitions

    def start_sample(self, batch_id: str, row: int) -> Batch:
        """Render row ``row`` alone first ("draft" or "sampling" → "sampling").

        A failed earlier attempt of that row is reset so it renders again.
        """

        def tx(conn: Connection) -> None:
            batch = self._fetch(conn, batch_id)
            if batch.state not in ("draft", "sampling"):
                raise BatchStateError("A sample can only be made before the batch is approved.")
            target = self._fetch_row(conn, batch_id, row)
            if not target.ready:
                raise BatchStateError(f"Row {row} is not ready: {' '.join(target.problems)}")
            if batch.state == "sampling" and batch.sample_row not in (None, row):
                current = self._fetch_row(conn, batch_id, batch.sample_row)
                if current.status == "rendering":
                    raise BatchStateError(f"The sample of row {batch.sample_row} is still rendering; wait for it first.")
            if target.status == "failed":
                self._reset_failed(conn, batch_id, target, time.time())
            self._set(conn, batch_id, state="sampling", sample_row=row, stop_reason=None)

        self._run(tx, write=True)
        return self.require(batch_id)

    def approve_sample(self, batch_id: str) -> Batch:
        """Record that the user watched and approved the sample ("sampling" → "approved")."""

        def tx(conn: Connection) -> None:
            batch = self._fetch(conn, batch_id)
            if batch.state != "sampling" or batch.sample_row is None:
                raise BatchStateError("There is no sample to approve; render a sample first.")
            sample = self._fetch_row(conn, batch_id, batch.sample_row)
            if sample.status != "completed":
                raise BatchStateError("The sample is not ready yet; approve it once its video is complete.")
            self._set(conn, batch_id, state="approved", approved_at=time.time())

        self._run(tx, write=True)
        return self.require(batch_id)

    def start(self, batch_id: str) -> Batch:
        """Send the whole batch ("approved" → "running")."""
        return self.set_state(batch_id, "running", from_states=("approved",),
                              refusal="The batch can start only after its sample is approved.")

    def pause(self, batch_id: str) -> Batch:
        """Stop sending new rows; renders already at HeyGen keep being watched ("running" → "paused")."""
        return self.set_state(batch_id, "paused", from_states=("running",), refusal="Only a running batch can be paused.")

    def resume(self, batch_id: str) -> Batch:
        """Carry on sending ("paused" or "stopped_credit" → "running"); clears the stop reason."""
        return self.set_state(batch_id, "running", from_states=("paused", "stopped_credit"), stop_reason=None,
                              refusal="Only a paused or stopped batch can be resumed.")

    def retry_failed(self, batch_id: str) -> int:
        """Queue every failed row again and return how many.

        A row whose request never reached HeyGen is re-sent with the same job (same idempotency key);
        a render HeyGen failed (or lost) gets a new job; a row given up on, or refused while being
        watched, is watched again. A finished batch goes back to "running"; a paused or stopped one
        waits for resume.
        """
        batch = self.require(batch_id)
        if batch.state not in _RETRYABLE_FROM:
            raise BatchStateError("Failed rows can be retried once the batch has started.")
        rewatch = [r for r in self.rows(batch_id, statuses=["failed"]) if r.job_status == "rejected" and not r.gave_up]
        for row in rewatch:
            # the key was refused while watching; the video may well exist, so watch it again
            self.jobs.set_status(row.job_id, "pending", "watching again (batch retry)")
        rewatched = {r.row for r in rewatch}

        def tx(conn: Connection) -> int:
            batch = self._fetch(conn, batch_id)
            if batch.state not in _RETRYABLE_FROM:
                raise BatchStateError("Failed rows can be retried once the batch has started.")
            now = time.time()
            failed = [r for r in self._fetch_rows(conn, batch_id) if r.status == "failed"]
            for row in failed:
                self._reset_failed(conn, batch_id, row, now)
            for number in rewatched:
                query(conn, "UPDATE batch_rows SET watch_from = :now WHERE batch_id = :id AND row = :row",
                      {"now": now, "id": batch_id, "row": number})
            count = len(failed) + len(rewatched)
            if count and batch.state == "finished":
                self._set(conn, batch_id, state="running")
            return count

        return self._run(tx, write=True)

    # -- the runner's records

    def set_state(
        self,
        batch_id: str,
        state: str,
        *,
        from_states: Iterable[str] | None = None,
        refusal: str | None = None,
        **values: Any,
    ) -> Batch:
        """Move to ``state`` (only from ``from_states`` when given, else BatchStateError).

        ``values`` may set ``stop_reason`` (an error dict, or None to clear) and ``not_before``.
        """
        if state not in STATES:
            raise ValueError(f"unknown batch state {state!r}")
        allowed = None if from_states is None else set(from_states)
        unknown = set(values) - {"stop_reason", "not_before"}
        if unknown:
            raise TypeError(f"set_state got unknown field(s): {', '.join(sorted(unknown))}")

        def tx(conn: Connection) -> None:
            batch = self._fetch(conn, batch_id)
            if allowed is not None and batch.state not in allowed:
                raise BatchStateError(refusal or f"The batch is {batch.state}; it cannot become {state} now.")
            self._set(conn, batch_id, state=state, **values)

        self._run(tx, write=True)
        return self.require(batch_id)

    def set_not_before(self, batch_id: str, when: float | None) -> None:
        """No request for this batch before ``when`` (a time.time() value), e.g. after a 429."""
        self._run(lambda c: self._set(c, batch_id, not_before=when), write=True)

    def attach_job(self, batch_id: str, row: int, job_id: str, *, attempt: int) -> bool:
        """Make ``job_id`` the row's job if the row has none for this attempt; False if another step won."""
        return self._run(
            lambda c: query(
                c,
                "UPDATE batch_rows SET job_id = :job_id, resend = 0, gave_up = 0, watch_from = NULL"
                " WHERE batch_id = :id AND row = :row AND job_id IS NULL AND attempt = :attempt",
                {"job_id": job_id, "id": batch_id, "row": row, "attempt": attempt},
            ).rowcount == 1,
            write=True,
        )

    def detach_job(self, batch_id: str, row: int, job_id: str) -> bool:
        """Forget a row's job that no longer exists (the next job keeps the same attempt and key)."""
        return self._run(
            lambda c: query(c, "UPDATE batch_rows SET job_id = NULL, resend = 0"
                            " WHERE batch_id = :id AND row = :row AND job_id = :job_id",
                            {"id": batch_id, "row": row, "job_id": job_id}).rowcount == 1,
            write=True,
        )

    def set_row(self, batch_id: str, row: int, *, resend: bool | None = None, gave_up: bool | None = None) -> None:
        """Flag a row: ``resend`` (send its job again), ``gave_up`` (stopped watching it)."""
        values = {k: int(v) for k, v in (("resend", resend), ("gave_up", gave_up)) if v is not None}
        if not values:
            return
        sets = ", ".join(f"{k} = :{k}" for k in values)
        self._run(lambda c: query(c, f"UPDATE batch_rows SET {sets} WHERE batch_id = :id_ AND row = :row_",
                                  {**values, "id_": batch_id, "row_": row}), write=True)

    # -- helpers (inside a transaction)

    def _fetch(self, conn: Connection, batch_id: str) -> Batch:
        # Only write transactions fetch through here: on PostgreSQL the batch stays locked until commit.
        if not self.db.is_sqlite:
            query(conn, "SELECT id FROM batches WHERE id = :id" + self.db.for_update, {"id": batch_id}).fetchall()
        row = query(conn, _BATCH_SELECT + " WHERE b.id = :id", {"id": batch_id}).fetchone()
        if row is None:
            raise BatchNotFoundError(f"No batch with id {batch_id!r}.")
        return _to_batch(row)

    def _fetch_row(self, conn: Connection, batch_id: str, row: int) -> BatchRow:
        found = query(conn, _ROW_SELECT + " WHERE r.batch_id = :id AND r.row = :row", {"id": batch_id, "row": row}).fetchone()
        if found is None:
            raise BatchStateError(f"The batch has no row {row}.")
        return _to_row(found)

    def _fetch_rows(self, conn: Connection, batch_id: str) -> list[BatchRow]:
        return [_to_row(r) for r in query(conn, _ROW_SELECT + " WHERE r.batch_id = :id ORDER BY r.row", {"id": batch_id})]

    @staticmethod
    def _set(conn: Connection, batch_id: str, **values: Any) -> None:
        if "stop_reason" in values:
            values["stop_reason"] = _clean_reason(values["stop_reason"])
        values["updated_at"] = time.time()
        sets = ", ".join(f"{k} = :{k}" for k in values)
        query(conn, f"UPDATE batches SET {sets} WHERE id = :id_", {**values, "id_": batch_id})

    @staticmethod
    def _reset_failed(conn: Connection, batch_id: str, row: BatchRow, now: float) -> None:
        key = {"id": batch_id, "row": row.row, "now": now}
        where = " WHERE batch_id = :id AND row = :row"
        if row.gave_up:
            query(conn, "UPDATE batch_rows SET gave_up = 0, watch_from = :now" + where, key)
        elif row.video_id is None:
            # never reached HeyGen for sure: send the same job (same idempotency key) again
            query(conn, "UPDATE batch_rows SET resend = 1" + where, key)
        else:
            # HeyGen failed (or lost) the render: a new job with a new idempotency key
            query(conn, "UPDATE batch_rows SET job_id = NULL, attempt = attempt + 1, resend = 0, gave_up = 0,"
                        " watch_from = NULL" + where, key)


def count_statuses(rows: Iterable[BatchRow]) -> dict[str, int]:
    """Rows per status, with every status of ROW_STATUSES present."""
    counts = dict.fromkeys(ROW_STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts
