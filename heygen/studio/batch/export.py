"""Exporting a batch: a results CSV safe to open in a spreadsheet, and a zip of the finished videos.

The CSV has the row number, every input column, then the video id, status, video link and failure
reason (a result column whose name clashes with an input column is prefixed with ``heygen_``). It
is UTF-8 with a byte-order mark so spreadsheets pick the right encoding. Every cell goes through
``heygen.studio.spreadsheet.safe_cell``, so a spreadsheet shows it as text instead of running it as
a formula.

The zip holds one MP4 per completed row, named ``row-0007-<title>.mp4``, and a README.txt listing
the rows without a video and why.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from heygen.api import errors
from ..spreadsheet import safe_cell
from .store import Advice, BatchRow, BatchStore

if TYPE_CHECKING:
    from heygen.api.client import Client

__all__ = ["RESULT_COLUMNS", "ZipReport", "results_csv", "results_zip", "safe_cell", "slug", "video_filename"]

RESULT_COLUMNS = ("video_id", "status", "video_url", "failure_reason")
QA_COLUMNS = ("qa_status", "qa_findings")
_SPOOL_BYTES = 16 * 1024 * 1024


def results_csv(store: BatchStore, batch_id: str, checks: Mapping[int, Any] | None = None,
                advice: Advice | None = None) -> bytes:
    """The batch's results as CSV bytes (one line per input row, in file order). ``checks`` (the stored check of
    each row's video, by row number) adds ``qa_status`` and ``qa_findings``: each open finding as
    "kind: expected -> spoken @ m:ss". ``advice`` adds advice to a failed render's reason (``BatchRow.reason``)."""
    batch = store.require(batch_id)
    taken = set(batch.columns)
    names = ("row", *RESULT_COLUMNS, *(QA_COLUMNS if checks is not None else ()))
    extra = [("heygen_" + name if name in taken else name) for name in names]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in [extra[0], *batch.columns, *extra[1:]]])
    for row in store.rows(batch_id):
        values = [row.row, *(row.data.get(c, "") for c in batch.columns),
                  row.video_id or "", row.status, row.video_url or "", row.reason(advice) or ""]
        if checks is not None:
            values += _qa_cells(checks.get(row.row))
        writer.writerow([safe_cell(v) for v in values])
    return out.getvalue().encode("utf-8-sig")


def _qa_cells(check) -> list[str]:
    """qa_status and qa_findings of one row ("" and "" before its video was checked)."""
    if check is None:
        return ["", ""]
    findings = check.report.open if check.report is not None else ()
    parts = []
    for f in findings:
        said = f" -> {f.spoken}" if f.spoken else " -> (not said)"
        at = f" @ {int(f.moment) // 60}:{int(f.moment) % 60:02d}" if f.moment is not None else ""
        parts.append(f"{f.kind.value}: {f.expected or ''}{said}{at}")
    return [check.status, "; ".join(parts)]


def slug(text: str, max_length: int = 60) -> str:
    """A file-name-safe form of ``text``: ASCII letters, digits and dashes ("video" when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return cleaned[:max_length].rstrip("-") or "video"


def video_filename(row: int, title: str | None) -> str:
    """The zip entry name for a row's video."""
    return f"row-{row:04d}-{slug(title or '')}.mp4"


@dataclass
class ZipReport:
    """What went into the zip: file names written, and (row, reason) for every row left out."""

    files: list[str] = field(default_factory=list)
    missing: list[tuple[int, str]] = field(default_factory=list)


def results_zip(client: Client, store: BatchStore, batch_id: str, fileobj: IO[bytes],
                advice: Advice | None = None) -> ZipReport:
    """Write a zip of the batch's finished videos to ``fileobj`` (streamed; one video in memory or on disk at a time).

    An expired link is refreshed once from HeyGen. Rows without a video, or whose download fails,
    are listed in README.txt inside the zip (with ``advice`` for a failed render, as in ``results_csv``).
    """
    batch = store.require(batch_id)
    report = ZipReport()
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for row in store.rows(batch_id):
            if row.status != "completed" or not row.video_id:
                report.missing.append((row.row, _why_missing(row, advice)))
                continue
            name = video_filename(row.row, row.title)
            with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as buffer:
                problem = _fetch_video(client, store, row, buffer)
                if problem:
                    report.missing.append((row.row, problem))
                    continue
                buffer.seek(0)
                with archive.open(name, "w", force_zip64=True) as entry:
                    shutil.copyfileobj(buffer, entry, 256 * 1024)
            report.files.append(name)
        archive.writestr("README.txt", _readme(batch.name, report))
    return report


def _fetch_video(client: Client, store: BatchStore, row: BatchRow, buffer: IO[bytes]) -> str | None:
    """Download the row's video into ``buffer``; a reason when it could not be had."""
    url = row.video_url
    for attempt in range(2):
        if not url or attempt == 1:
            try:
                video = client.videos.get(row.video_id)
            except errors.HeyGenError as exc:
                return f"The video link could not be refreshed: {exc}"
            url = video.video_url
            if not url:
                return "HeyGen gave no link for this video."
            if row.job_id:
                store.jobs.record_poll(row.job_id, status=video.status, video_url=video.video_url,
                                       thumbnail_url=video.thumbnail_url)
        buffer.seek(0)
        buffer.truncate()
        try:
            for chunk in client.download(url):
                buffer.write(chunk)
            return None
        except errors.HeyGenError as exc:
            if attempt == 1:
                return f"The video could not be downloaded: {exc}"
    return "The video could not be downloaded."


def _why_missing(row: BatchRow, advice: Advice | None) -> str:
    status = row.status
    if status == "skipped":
        return "Not rendered: " + (row.reason(advice) or "the row did not pass the checks.")
    if status == "failed":
        return "Failed: " + (row.reason(advice) or "no reason given.")
    if status == "completed":
        return "Completed, but HeyGen gave no video id."
    return {"queued": "Not sent yet.", "rendering": "Still rendering."}.get(status, status)


def _readme(name: str, report: ZipReport) -> str:
    lines = [f"Batch: {name or 'untitled'}", f"Videos in this archive: {len(report.files)}", ""]
    if report.missing:
        lines.append(f"Rows without a video ({len(report.missing)}):")
        lines.extend(f"  Row {row}: {reason}" for row, reason in report.missing)
    else:
        lines.append("Every row has its video in this archive.")
    return "\n".join(lines) + "\n"
