"""Finished videos checked against what they were meant to say: what each kind of job meant (``Meant``,
read from its stored inputs), the check itself (``inspect``, with heygen.studio.qa), and the results
and the findings users accepted as correct, kept in the database (``CheckStore``).

A batch row's script is meant as written (placeholders filled in, before any pronunciation spelling)
and its filled-in values must be spoken; a Video Agent video is checked against its prompt's facts; a
translation against its source video's subtitles.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import qa
from .db import Database, query
from .jobs import Job
from .qa.report import keys_of

SCRIPT, FACTS, TRANSLATION = "script", "facts", "translation"
EVERYWHERE = ""  # the scope of a finding accepted for every video


@dataclass(frozen=True)
class Meant:
    """What a video was meant to say: a script (with the values filled into it), a prompt's facts, or
    a translation's source video (``source_job``)."""

    mode: str
    text: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    expected_seconds: float | None = None
    source_job: str | None = None
    said_as: Mapping[str, str] = field(default_factory=dict)  # written word -> the spelling sent for its sound


def _spec(job: Job) -> dict[str, Any]:
    spec = job.inputs.spec
    return spec if isinstance(spec, dict) else {}


def _values(job: Job) -> dict[str, str]:
    values = (job.inputs or {}).get("values")
    return {str(k): str(v) for k, v in values.items() if str(v).strip()} if isinstance(values, dict) else {}


def _speed(spec: Mapping[str, Any]) -> float | None:
    speed = spec.get("speed")
    return float(speed) if isinstance(speed, (int, float)) and not isinstance(speed, bool) and speed > 0 else None


def meant_script(job: Job) -> Meant | None:
    """An avatar or photo video: its script as written (``written_script`` when a batch spelled names for
    pronunciation), the row's values, and the length a script like it takes."""
    spec = _spec(job)
    written = (job.inputs or {}).get("written_script")
    script = written if isinstance(written, str) and written.strip() else spec.get("script")
    if not isinstance(script, str) or not script.strip():
        return None  # a video made from an audio file: no words to compare
    sent = spec.get("script") if isinstance(spec.get("script"), str) else script
    return Meant(SCRIPT, script, _values(job), expected_length(sent, _speed(spec)))


def expected_length(sent: str, speed: float | None) -> float:
    """How long a script takes to say, numbers and addresses counted as the words they are said with (a price is
    one word written and several said) and a short rest after each sentence."""
    return qa.expected_seconds(sent, speed=speed)


def meant_scenes(job: Job) -> Meant | None:
    """A multi-scene video: the scripts of its spoken scenes, in order."""
    board = (job.inputs or {}).get("storyboard")
    scenes = board.get("scenes") if isinstance(board, dict) else None
    scripts = [s.get("script") for s in scenes or () if isinstance(s, dict) and s.get("speech", "script") == "script"]
    text = " ".join(s.strip() for s in scripts if isinstance(s, str) and s.strip())
    if not text:
        return None
    seconds = (job.inputs or {}).get("estimated_seconds")
    return Meant(SCRIPT, text, _values(job), float(seconds) if isinstance(seconds, (int, float)) else None)


def meant_prompt(job: Job) -> Meant | None:
    """A Video Agent video: the facts of the prompt the user wrote."""
    prompt = _spec(job).get("prompt")
    return Meant(FACTS, prompt) if isinstance(prompt, str) and prompt.strip() else None


def meant_lipsync(job: Job) -> Meant | None:
    """A video whose audio was replaced: the words it should now say (the whole script it was fixed to
    say, or the new speech's text when the whole audio was replaced)."""
    details = (job.inputs or {}).get("lipsync")
    if not isinstance(details, dict):
        return None
    written = details.get("written_script")
    if isinstance(written, str) and written.strip():
        return Meant(SCRIPT, written, {str(k): str(v) for k, v in (details.get("values") or {}).items()})
    audio = details.get("audio") if isinstance(details.get("audio"), dict) else {}
    whole = details.get("start_time") is None and details.get("end_time") is None
    text = audio.get("text")
    return Meant(SCRIPT, text) if whole and isinstance(text, str) and text.strip() else None


def meant_translation(job: Job) -> Meant | None:
    """A translation: its source video, whose numbers, names and addresses it must keep."""
    details = (job.inputs or {}).get("translation")
    source = details.get("source_job_id") if isinstance(details, dict) else None
    return Meant(TRANSLATION, source_job=source) if isinstance(source, str) and source else None


def inspect(meant: Meant, srt_text: str | None, *, accepted: Iterable = (), source_srt: str | None = None) -> qa.Report:
    """The check of a finished video's subtitles against what it meant; ``accepted``: the keys of findings
    that count as correct."""
    if meant.mode == FACTS:
        return qa.check_facts(meant.text, srt_text, accepted=accepted)
    if meant.mode == TRANSLATION:
        return qa.check_translation(source_srt, srt_text, accepted=accepted)
    return qa.check_script(meant.text or "", srt_text, values=dict(meant.values), expected_seconds=meant.expected_seconds,
                           accepted=keys_of(accepted), said_as=dict(meant.said_as) or None)


def _report(text: object) -> qa.Report | None:
    """A stored report, or None when it cannot be read (a damaged row still says how the video fared)."""
    try:
        return qa.Report.from_dict(json.loads(str(text)))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Check:
    """The stored result of a job's newest check."""

    job_id: str
    status: str
    open_findings: int
    checked_at: float
    report: qa.Report | None = None


@dataclass(frozen=True)
class Accepted:
    """A finding the user said is correct, for every video (scope "") or one batch."""

    id: str
    scope: str
    kind: str
    expected: str
    spoken: str

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return qa.finding_key(self.kind, self.expected or None, self.spoken or None)


class CheckStore:
    """Video checks and accepted findings, in the studio's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, job_id: str, report: qa.Report, now: float | None = None) -> Check:
        at = time.time() if now is None else now
        params = {"job": job_id, "status": report.status, "open": len(report.open),
                  "report": json.dumps(report.to_dict()), "at": at}

        def tx(conn) -> None:
            query(conn, "DELETE FROM video_checks WHERE job_id = :job", params)
            query(conn, "INSERT INTO video_checks (job_id, status, open_findings, report, checked_at) "
                        "VALUES (:job, :status, :open, :report, :at)", params)

        self.db.run(tx, write=True)
        return Check(job_id, report.status, len(report.open), at, report)

    def get(self, job_id: str) -> Check | None:
        row = self.db.run(lambda conn: query(
            conn, "SELECT job_id, status, open_findings, checked_at, report FROM video_checks WHERE job_id = :job",
            {"job": job_id}).fetchone(), write=False)
        if row is None:
            return None
        return Check(row[0], row[1], int(row[2]), float(row[3]), _report(row[4]))

    def summaries(self, job_ids: Iterable[str], *, reports: bool = False) -> dict[str, Check]:
        """The newest check of each job that has one (with its report when ``reports``)."""
        ids = list(dict.fromkeys(job_ids))
        found: dict[str, Check] = {}
        columns = "job_id, status, open_findings, checked_at" + (", report" if reports else "")
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            names = {f"j{i}": job for i, job in enumerate(chunk)}
            rows = self.db.run(lambda conn: query(
                conn, f"SELECT {columns} FROM video_checks WHERE job_id IN ("
                      + ", ".join(f":{n}" for n in names) + ")", names).fetchall(), write=False) if names else []
            found.update({r[0]: Check(r[0], r[1], int(r[2]), float(r[3]), _report(r[4]) if reports else None)
                          for r in rows})
        return found

    def fixes_of(self, job_id: str) -> list[str]:
        """The ids of the jobs made to fix ``job_id``, oldest first."""
        rows = self.db.run(lambda conn: query(
            conn, "SELECT id FROM jobs WHERE redo_of = :job ORDER BY created_at", {"job": job_id}).fetchall(),
            write=False)
        return [row[0] for row in rows]

    def newest_fix(self, job_ids: Iterable[str]) -> dict[str, str]:
        """For each job, the newest job made to fix it (following fixes of fixes), or the job itself."""
        found = {job_id: job_id for job_id in job_ids}
        current = dict(found)
        for _ in range(8):  # fixes of fixes, a few deep at most
            names = {f"j{i}": job for i, job in enumerate(set(current.values()))}
            if not names:
                break
            rows = self.db.run(lambda conn: query(
                conn, "SELECT id, redo_of FROM jobs WHERE redo_of IN (" + ", ".join(f":{n}" for n in names)
                      + ") ORDER BY created_at", names).fetchall(), write=False)
            newer = {redo_of: job_id for job_id, redo_of in rows}
            if not newer:
                break
            current = {origin: newer[at] for origin, at in current.items() if at in newer}
            found.update(current)
        return found

    def for_rows(self, job_ids: Mapping[int, str], *, reports: bool = False) -> dict[int, Check]:
        """The check of each batch row's video (by row number), or of the newest fix made of it."""
        fixes = self.newest_fix(job_ids.values())
        checks = self.summaries(fixes.values(), reports=reports)
        return {row: checks[fixes[job_id]] for row, job_id in job_ids.items() if fixes[job_id] in checks}

    def accept(self, scope: str, kind: str, expected: str | None, spoken: str | None,
               now: float | None = None) -> None:
        """Remember that this finding is correct, for every video (scope "") or one batch."""
        params = {"id": uuid.uuid4().hex, "scope": scope or EVERYWHERE, "kind": kind, "expected": expected or "",
                  "spoken": spoken or "", "at": time.time() if now is None else now}

        def tx(conn) -> None:
            exists = query(conn, "SELECT 1 FROM accepted_findings WHERE scope = :scope AND kind = :kind AND "
                                 "expected = :expected AND spoken = :spoken", params).fetchone()
            if exists is None:
                query(conn, "INSERT INTO accepted_findings (id, scope, kind, expected, spoken, created_at) "
                            "VALUES (:id, :scope, :kind, :expected, :spoken, :at)", params)

        self.db.run(tx, write=True)

    def accepted(self, scopes: Iterable[str] | None = None) -> list[Accepted]:
        """Accepted findings, of the given scopes (all when None), oldest first."""
        rows = self.db.run(lambda conn: query(
            conn, "SELECT id, scope, kind, expected, spoken FROM accepted_findings ORDER BY created_at").fetchall(),
            write=False)
        wanted = None if scopes is None else set(scopes)
        return [Accepted(*row) for row in rows if wanted is None or row[1] in wanted]

    def accepted_for(self, job: Job) -> list[Accepted]:
        """What counts as correct for ``job``: accepted for every video, and for its batch."""
        return self.accepted([EVERYWHERE, *([job.batch_id] if job.batch_id else [])])

    def forget(self, accepted_id: str) -> None:
        self.db.run(lambda conn: query(conn, "DELETE FROM accepted_findings WHERE id = :id", {"id": accepted_id}),
                    write=True)

    def apply_accepted(self, job: Job) -> Check | None:
        """The job's stored check, again, with what is accepted now (after the user accepted or forgot one)."""
        check = self.get(job.id)
        if check is None or check.report is None:
            return check
        return self.record(job.id, check.report.accept([a.key for a in self.accepted_for(job)]), check.checked_at)
