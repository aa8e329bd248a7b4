"""Finished videos kept on this computer, so they still play once HeyGen's links expire (about 7 days), offline too.

Each job's files live in ``<media root>/<job id>/``: ``video.mp4``, ``thumbnail.<ext>`` (from the
image's type) and ``subtitles.srt``, in private folders (0700) and files (0600). A file appears
under its final name only once it is complete, so a file that is there is whole.

The media root is ``$HEYGEN_STUDIO_MEDIA_DIR`` (shared storage in team mode) or ``<data folder>/media``.
How long files are kept is the user's retention policy (see ``preferences``): ``"everything"``,
``("days", N)`` (files of jobs completed more than N days ago are removed) or ``"nothing"``
(nothing is downloaded). Retention never removes the files of a video in a client review that is
still open (neither expired nor revoked): the client is watching that copy.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from . import preferences
from .config import Settings
from .datadir import private_dir
from .jobs import Job
from .reviews import ReviewStore
from .watch import Refresh, refresh_links

if TYPE_CHECKING:
    from heygen.api.client import Client
    from .jobs import JobStore

__all__ = [
    "MEDIA_DIR_ENV", "VIDEO", "THUMBNAIL", "SUBTITLES", "ArchiveError", "ArchiveResult", "Expired", "Usage",
    "apply_retention", "default_media_root", "disk_usage", "held_for_review", "human_size", "keep", "local_files",
    "remove", "retention_plan",
]

MEDIA_DIR_ENV = "HEYGEN_STUDIO_MEDIA_DIR"
VIDEO, THUMBNAIL, SUBTITLES = "video", "thumbnail", "subtitles"
_SOURCES = ((VIDEO, "video_url"), (THUMBNAIL, "thumbnail_url"), (SUBTITLES, "subtitle_url"))
_LABELS = {VIDEO: "video", THUMBNAIL: "thumbnail", SUBTITLES: "subtitles"}
_THUMBNAIL_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/webp": "webp",
                  "image/gif": "gif"}
_PART = ".part"
WRITEBACK_BYTES = 16 * 1024 * 1024  # a download is handed to the disk in steps of this size as it arrives
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DAY = 86400.0
_STALE_PART_SECONDS = 3600.0


class ArchiveError(Exception):
    """A file of the job could not be kept; ``str()`` is one plain sentence. Complete files stay kept."""


@dataclass(frozen=True)
class ArchiveResult:
    """What ``keep`` left on disk for one job.

    ``files``: every file now kept, by kind (``video``, ``thumbnail``, ``subtitles``);
    ``downloaded``: the kinds fetched by this call; ``bytes_written``: their total size;
    ``refreshed``: the links were renewed on the way; ``skipped``: why nothing was downloaded
    (the retention policy), else None.
    """

    job_id: str
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    downloaded: tuple[str, ...] = ()
    bytes_written: int = 0
    refreshed: bool = False
    skipped: str | None = None


@dataclass(frozen=True)
class Usage:
    """Disk space taken by kept videos: total bytes and number of job folders."""

    bytes: int
    videos: int


@dataclass(frozen=True)
class Expired:
    """One job folder a retention policy removes: its job (title None when not in the history), size, and age reference."""

    job_id: str
    title: str | None
    bytes: int
    since: float  # when the job completed (or, for a job not in the history, when its files were written)


def default_media_root(environ: Mapping[str, str] | None = None) -> Path:
    """``$HEYGEN_STUDIO_MEDIA_DIR`` if set, else ``<data folder>/media`` (see Settings)."""
    return Settings.from_env(environ).media_root


def keep(
    client: Client,
    job: Job,
    media_root: str | os.PathLike,
    *,
    store: JobStore | None = None,
    refresh: Refresh = refresh_links,
    policy: preferences.Retention | None = None,
    now: float | None = None,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
    chunk_size: int = 256 * 1024,
) -> ArchiveResult:
    """Download the completed job's video, thumbnail and subtitles into its folder; files already there are kept as they are.

    Network failures, server errors and bodies that do not match their declared size are tried
    ``attempts`` times in all, with a growing pause (``sleep``) in between. An expired link (or a
    missing video link) makes one request for fresh links (with the job's kind's ``refresh``, saved in
    ``store`` when given); a second expiry is an error. ``policy`` defaults to the saved retention preference: under
    ``"nothing"``, or ``("days", N)`` for a job completed more than N days before ``now``, nothing
    is downloaded. Raises ``ArchiveError`` (no partial file is left) or ValueError for a job that
    is not completed.
    """
    if job.status != "completed" or not job.video_id:
        raise ValueError("only a completed video can be kept")
    policy = preferences.get_retention() if policy is None else preferences.check_retention(policy)
    folder = _folder(media_root, job.id)
    now = time.time() if now is None else now
    if policy == "nothing" or (isinstance(policy, tuple) and _too_old(_completed_at(job), policy[1], now)):
        return ArchiveResult(job.id, folder, local_files(job, media_root), skipped="retention")
    links = _Links(client, job, store, refresh, {kind: getattr(job, name) for kind, name in _SOURCES})
    downloaded: list[str] = []
    written_total = 0
    for kind, _name in _SOURCES:
        if kind in local_files(job, media_root) or not _has_link(links, kind):
            continue
        private_dir(media_root)
        private_dir(folder)
        _sweep_parts(folder, now)
        written_total += _fetch(links, kind, folder, attempts=attempts, sleep=sleep, chunk_size=chunk_size)
        downloaded.append(kind)
    return ArchiveResult(job.id, folder, local_files(job, media_root), tuple(downloaded), written_total,
                         links.refreshed)


@dataclass
class _Links:
    """A job's file links by kind while it is kept, renewed with HeyGen at most once."""

    client: Client
    job: Job
    store: JobStore | None
    refresh: Refresh
    urls: dict[str, str | None]
    refreshed: bool = False

    def renew(self) -> None:
        """Fresh links from HeyGen (the kind's refresh, saved in the store when there is one), once."""
        if self.refreshed:
            return
        self.refreshed = True
        try:
            if self.store is not None:
                fresh = self.refresh(self.client, self.store, self.job)
                self.urls = {kind: getattr(fresh, name) for kind, name in _SOURCES}
            else:
                video = self.client.videos.get(self.job.video_id)
                self.urls = {kind: getattr(video, name) for kind, name in _SOURCES}
        except errors.HeyGenError as exc:
            raise ArchiveError(f"Fresh links to the video could not be fetched from HeyGen: {exc}") from exc


def _has_link(links: _Links, kind: str) -> bool:
    """Whether there is a link to the file of ``kind``; a video without one renews the links, then is an error."""
    if not links.urls.get(kind) and kind == VIDEO:
        links.renew()
    if not links.urls.get(kind):
        if kind == VIDEO:
            raise ArchiveError("HeyGen gave no link to this video's file, so it could not be kept.")
        return False
    return True


def _fetch(links: _Links, kind: str, folder: Path, *, attempts: int, sleep: Callable[[float], None],
           chunk_size: int) -> int:
    """Download the file of ``kind`` into ``folder`` (retried, its link renewed once when expired); its size."""
    failures = 0
    while True:
        try:
            return _download(links.client, links.urls[kind], folder, kind, chunk_size)
        except errors.NotFoundError as exc:
            if links.refreshed:
                raise ArchiveError(f"The link to the {_LABELS[kind]} does not work, even after renewing it "
                                   f"with HeyGen ({exc}).") from exc
            links.renew()
            if not links.urls.get(kind):
                raise ArchiveError(f"HeyGen no longer gives a link to the {_LABELS[kind]}.") from exc
        except (errors.NetworkError, errors.ServerError, errors.RateLimitError, _SizeMismatch) as exc:
            failures += 1
            if failures >= attempts:
                raise ArchiveError(_gave_up(kind, exc, failures)) from exc
            sleep(min(0.5 * 2 ** (failures - 1), 8.0))
        except errors.HeyGenError as exc:
            raise ArchiveError(f"The {_LABELS[kind]} could not be downloaded: {exc}") from exc
        except OSError as exc:
            raise ArchiveError(f"The {_LABELS[kind]} could not be saved in {folder}: "
                               f"{exc.strerror or exc}.") from exc


def local_files(job: Job | str, media_root: str | os.PathLike) -> dict[str, Path]:
    """The job's complete files kept on disk, by kind (``video``, ``thumbnail``, ``subtitles``); missing ones are absent."""
    folder = _folder(media_root, job if isinstance(job, str) else job.id)
    found: dict[str, Path] = {}
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False))
    except (FileNotFoundError, NotADirectoryError):
        return found
    for name in names:
        if name.startswith("."):
            continue
        if name == "video.mp4":
            found[VIDEO] = folder / name
        elif name == "subtitles.srt":
            found[SUBTITLES] = folder / name
        elif name.startswith("thumbnail.") and THUMBNAIL not in found:
            found[THUMBNAIL] = folder / name
    return found


def remove(job_id: str, media_root: str | os.PathLike) -> int:
    """Delete the job's folder and everything in it; returns the bytes freed (0 when there was none)."""
    folder = _folder(media_root, job_id)
    if folder.is_symlink() or not folder.is_dir():
        return 0
    size = _size(folder)
    shutil.rmtree(folder)
    return size


def disk_usage(media_root: str | os.PathLike) -> Usage:
    """Bytes taken by every kept job folder under ``media_root``, and how many folders there are."""
    folders = _job_folders(Path(media_root))
    return Usage(sum(_size(folder) for folder in folders.values()), len(folders))


def retention_plan(
    store: JobStore, media_root: str | os.PathLike, policy: preferences.Retention, now: float | None = None,
) -> list[Expired]:
    """The job folders ``policy`` removes at ``now``, oldest first.

    A job's age counts from its completion; a folder whose job is no longer in the history counts
    from when its files were written. The videos of reviews open at ``now`` are never in the plan.
    """
    policy = preferences.check_retention(policy)
    if policy == "everything":
        return []
    now = time.time() if now is None else now
    folders = _job_folders(Path(media_root))
    held = ReviewStore(store.db).in_review(folders, now)
    plan = []
    for job_id, folder in folders.items():
        if job_id in held:
            continue
        job = store.get(job_id)
        since = _completed_at(job) if job is not None else _written_at(folder)
        if policy == "nothing" or _too_old(since, policy[1], now):
            plan.append(Expired(job_id, job.title if job is not None else None, _size(folder), since))
    return sorted(plan, key=lambda item: (item.since, item.job_id))


def apply_retention(
    store: JobStore,
    media_root: str | os.PathLike,
    policy: preferences.Retention,
    now: float | None = None,
    *,
    only: Iterable[str] | None = None,
) -> list[Expired]:
    """Remove the folders ``retention_plan`` names (limited to the job ids in ``only`` when given); returns what was removed."""
    allowed = None if only is None else set(only)
    removed = []
    for item in retention_plan(store, media_root, policy, now):
        if allowed is not None and item.job_id not in allowed:
            continue
        remove(item.job_id, media_root)
        removed.append(item)
    return removed


def held_for_review(store: JobStore, media_root: str | os.PathLike, now: float | None = None) -> set[str]:
    """The kept videos (job ids) that reviews open at ``now`` hold, which no retention policy removes."""
    return ReviewStore(store.db).in_review(_job_folders(Path(media_root)), now)


def human_size(size: int | float) -> str:
    """``size`` bytes for people: "0 B", "512 B", "1.5 MB", "2.3 GB" (powers of 1000)."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


class _SizeMismatch(Exception):
    """The body was not as long as its Content-Length said."""

    def __init__(self, got: int, declared: int) -> None:
        super().__init__(f"{got} of {declared} bytes")
        self.got = got
        self.declared = declared


def _start_writeback(out: Any, start: int, end: int) -> int:
    """Start writing bytes ``start``..``end`` of ``out`` to the disk without waiting (Linux; elsewhere nothing),
    so that the final fsync has only the tail left; returns ``end``."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        out.flush()
        advise(out.fileno(), start, end - start, os.POSIX_FADV_DONTNEED)
    return end


def _download(client: Client, url: str, folder: Path, kind: str, chunk_size: int) -> int:
    """Stream one file to a temporary name in ``folder``, check its size and rename it; returns its size."""
    body = client.download(url, chunk_size=chunk_size)
    declared = getattr(body, "length", None)
    fd, tmp = tempfile.mkstemp(prefix=f".{kind}.", suffix=_PART, dir=folder)
    written = 0
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                started = 0  # bytes handed to the disk so far (see _start_writeback)
                for chunk in body:
                    out.write(chunk)
                    written += len(chunk)
                    if declared is not None and written > declared:
                        raise _SizeMismatch(written, declared)
                    if written - started >= WRITEBACK_BYTES:
                        started = _start_writeback(out, started, written)
            except errors.NetworkError:
                if declared is not None and written < declared:
                    raise _SizeMismatch(written, declared) from None
                raise
            if declared is not None and written != declared:
                raise _SizeMismatch(written, declared)
            out.flush()
            os.fsync(out.fileno())
        final = folder / _final_name(kind, getattr(body, "content_type", None), url)
        os.replace(tmp, final)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    return written


def _sweep_parts(folder: Path, now: float) -> None:
    """Delete temporary files left by a download cut off more than an hour ago (a closed or crashed studio)."""
    for entry in os.scandir(folder):
        if entry.name.startswith(".") and entry.name.endswith(_PART) and entry.is_file(follow_symlinks=False):
            try:
                if entry.stat(follow_symlinks=False).st_mtime < now - _STALE_PART_SECONDS:
                    os.unlink(entry.path)
            except FileNotFoundError:
                pass


def _final_name(kind: str, content_type: str | None, url: str) -> str:
    if kind == VIDEO:
        return "video.mp4"
    if kind == SUBTITLES:
        return "subtitles.srt"
    ext = _THUMBNAIL_EXT.get((content_type or "").lower())
    if ext is None:
        guess = os.path.splitext(url.split("?", 1)[0])[1].lstrip(".").lower()
        ext = {"jpeg": "jpg"}.get(guess, guess) if guess in ("png", "jpg", "jpeg", "webp", "gif") else "img"
    return f"thumbnail.{ext}"


def _gave_up(kind: str, exc: BaseException, tries: int) -> str:
    label = _LABELS[kind]
    if isinstance(exc, _SizeMismatch):
        how = "with more data than" if exc.got > exc.declared else "incomplete: shorter than"
        return (f"The {label} arrived {how} the {exc.declared:,} bytes announced, {tries} times in a row; "
                "nothing was kept.")
    return f"The {label} could not be downloaded after {tries} attempts: {exc}"


def _folder(media_root: str | os.PathLike, job_id: str) -> Path:
    if not isinstance(job_id, str) or not _JOB_ID.fullmatch(job_id):
        raise ValueError("a job id is 1-64 letters, digits, _ or -")
    return Path(media_root) / job_id


def _job_folders(root: Path) -> dict[str, Path]:
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    return {entry.name: root / entry.name for entry in entries
            if _JOB_ID.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)}


def _size(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except FileNotFoundError:
                pass
    return total


def _written_at(folder: Path) -> float:
    times = []
    for entry in os.scandir(folder):
        try:
            times.append(entry.stat(follow_symlinks=False).st_mtime)
        except FileNotFoundError:
            pass
    return max(times) if times else folder.stat().st_mtime


def _completed_at(job: Job) -> float:
    return job.completed_at if job.completed_at is not None else job.updated_at


def _too_old(since: float, days: int, now: float) -> bool:
    return now - since > days * _DAY
