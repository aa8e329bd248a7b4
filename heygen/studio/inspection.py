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
from .scripting import estimated_seconds

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


def _spec(job: Job) -> dict[str, Any]:
    spec = (job.inputs or {}).get("spec")
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
    return Meant(SCRIPT, script, _values(job), estimated_seconds(sent, speed=_speed(spec)))


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
        return qa.check_translation(source_srt, srt_text).accept(accepted)
    return qa.check_script(meant.text or "", srt_text, values=dict(meant.values), expected_seconds=meant.expected_seconds,
                           accepted=keys_of(accepted))


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
        try:
            report = qa.Report.from_dict(json.loads(row[4]))
        except (ValueError, KeyError, TypeError):
            report = None  # a damaged row still says how the video fared
        return Check(row[0], row[1], int(row[2]), float(row[3]), report)

    def summaries(self, job_ids: Iterable[str]) -> dict[str, Check]:
        """The status of the newest check of each job that has one (without the reports)."""
        ids = list(dict.fromkeys(job_ids))
        found: dict[str, Check] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            names = {f"j{i}": job for i, job in enumerate(chunk)}
            rows = self.db.run(lambda conn: query(
                conn, "SELECT job_id, status, open_findings, checked_at FROM video_checks WHERE job_id IN ("
                      + ", ".join(f":{n}" for n in names) + ")", names).fetchall(), write=False) if names else []
            found.update({r[0]: Check(r[0], r[1], int(r[2]), float(r[3])) for r in rows})
        return found

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
