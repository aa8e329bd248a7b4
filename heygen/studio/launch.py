"""Launching a render safely: record the job first, upload its files, then submit once.

The job (with its idempotency key) is in the store before any request goes out. A create whose
answer was lost is never resent on its own: ``heygen.studio.reconcile`` looks for it on the account first.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.assets import MAX_ASSET_BYTES, megabytes
from . import reconcile
from .jobs import Job, JobStore
from heygen.api.videos import StudioSpec, VideoSpec, spec_from_dict

if TYPE_CHECKING:
    from heygen.api.client import Client

# Which VideoSpec field each kind of upload fills in.
UPLOAD_FIELDS = {"image": "image_asset_id", "audio": "audio_asset_id", "background": "background_asset_id"}
# The kinds of file a multi-scene video's uploads may be (they name their place with ``target``).
SCENE_ROLES = ("image", "audio", "clip")

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Upload:
    """A prepared file waiting to be uploaded as an asset."""

    role: str  # "image", "audio" or "background"; for a scene also "clip"
    # bytes are sent in place (never copied); a file object is read from its start; a path is read
    # from disk as it is sent
    data: bytes | IO[bytes] | os.PathLike
    filename: str
    mime_type: str
    target: str | None = None  # a multi-scene video's place for it (StudioSpec.fill), e.g. "2/source"

    def __post_init__(self) -> None:
        allowed = SCENE_ROLES if self.target is not None else UPLOAD_FIELDS
        if self.role not in allowed:
            raise ValueError(f"unknown upload role {self.role!r}")


def _filled(spec: VideoSpec | StudioSpec, upload: Upload) -> bool:
    if upload.target is not None:
        return spec.filled(upload.target)
    return bool(getattr(spec, UPLOAD_FIELDS[upload.role]))


def _fill(spec: VideoSpec | StudioSpec, upload: Upload, asset_id: str) -> None:
    if upload.target is not None:
        spec.fill(upload.target, asset_id)
    else:
        setattr(spec, UPLOAD_FIELDS[upload.role], asset_id)


def byte_progress(report: Progress, label: str, filename: str, start: float, span: float) -> Callable[[int, int], None]:
    """A ``client.assets.upload_file`` progress callback for a file over 32 MB: ``report`` moves from
    ``start`` over ``span`` with the megabytes sent after ``label``, then says HeyGen is processing
    ``filename``. A smaller file goes in one request and reports nothing more than ``label`` said."""

    def bytes_sent(sent: int, total: int) -> None:
        if total <= MAX_ASSET_BYTES:
            return
        if sent >= total:
            report(f"{filename} is uploaded; HeyGen is processing it…", start + span * 0.97)
        else:
            report(f"{label} {megabytes(sent)} of {megabytes(total)}", start + span * 0.95 * sent / total)

    return bytes_sent


def upload_file(client: Client, data: bytes | IO[bytes] | os.PathLike, filename: str, mime_type: str,
                progress: Callable[[int, int], None]) -> Any:
    """Upload one file through ``client.assets.upload_file`` (a file object from its start, a path from disk)."""
    if not isinstance(data, (bytes, bytearray, memoryview)) and hasattr(data, "seek"):
        data.seek(0)
    return client.assets.upload_file(data, filename=filename, mime_type=mime_type, progress=progress)


def create_job(
    store: JobStore,
    *,
    account: str,
    spec: VideoSpec | StudioSpec,
    extra: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> Job:
    """Record a launch before anything is sent. ``extra`` keeps display details (names, notes)."""
    inputs = {"spec": spec.to_dict(), **(extra or {})}
    return store.create(
        account=account,
        kind=spec.job_kind,
        title=spec.title or "Untitled video",
        inputs=inputs,
        idempotency_key=idempotency_key,
    )


def submit(
    client: Client,
    store: JobStore,
    job: Job,
    uploads: list[Upload] | tuple[Upload, ...] = (),
    *,
    progress: Progress | None = None,
) -> Job:
    """Upload the job's files (once) and send its create request once.

    Asset ids are saved in the job as soon as each upload finishes. A failure that surely sent
    nothing marks the job "submit_failed"; calling ``submit`` again is then the retry (uploads
    already done are skipped, the same idempotency key goes out). A failure that may have reached
    HeyGen marks the job "checking" (``heygen.studio.reconcile``), and ``submit`` refuses it until
    reconciliation has looked and found nothing. The error is raised again in both cases.
    """
    report = progress or (lambda _message, _fraction: None)
    reconcile.require_sendable(job)
    spec = spec_from_dict(job.inputs.spec or {})
    steps = len(uploads) + 1
    try:
        for index, upload in enumerate(uploads):
            if _filled(spec, upload):
                continue
            label = f"Uploading {upload.filename}…"
            report(label, index / steps)
            asset = upload_file(client, upload.data, upload.filename, upload.mime_type,
                                byte_progress(report, label, upload.filename, index / steps, 1 / steps))
            _fill(spec, upload, asset.asset_id)
            job = store.update_inputs(job.id, spec=spec.to_dict())
    except errors.HeyGenError as exc:
        store.mark_submit_failed(job.id, exc.to_dict())
        raise
    report("Sending the video to HeyGen…", (steps - 1) / steps)
    created = reconcile.send_once(store, job, lambda: client.videos.create(spec, idempotency_key=job.idempotency_key))
    job = store.mark_submitted(job.id, created.video_id, created.status or "waiting")
    report("Sent.", 1.0)
    return job
