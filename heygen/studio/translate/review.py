"""The proofread: the subtitles to review, their checks, and the render started once from the corrected file."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from heygen.api import errors

from .. import reconcile, srt, watch
from ..errors import NotSendable, Unsendable
from ..jobs import Job, JobStore
from .common import REVIEW, details_of, update_details

if TYPE_CHECKING:
    from heygen.api.client import Client

SRT_MIME = "application/x-subrip"


@dataclass(frozen=True)
class Line:
    """One row of the review table: timing, the original words and their translation."""

    start: float
    end: float
    original: str
    translation: str


def load_review(client: Client, store: JobStore, job: Job) -> list[Line]:
    """The subtitles to review (kept in the job once read, so edits survive reloads).

    HeyGen's SRT is fetched through its presigned links (never with the key). A malformed file
    raises ``srt.SrtError`` naming its lines; nothing is stored then.
    """
    kept = details_of(job).get("review_srt")
    if isinstance(kept, list) and kept:
        return [Line(**row) for row in kept]
    links = client.translations.proofread_srt(job.video_id)
    translated = srt.parse(client.translations.read_srt(links.srt_url))
    original: list[srt.Cue] = []
    if links.original_srt_url:
        try:
            original = srt.parse(client.translations.read_srt(links.original_srt_url))
        except srt.SrtError:
            original = []  # the original is shown for reference only
    lines = [Line(c.start, c.end, original[i].text if i < len(original) else "", c.text)
             for i, c in enumerate(translated)]
    update_details(store, job, review_srt=[line.__dict__ for line in lines])
    return lines


def check_lines(lines: list[Line], duration: float | None) -> list[srt.Cue]:
    """The cues to upload from the edited table; ``srt.SrtError`` names every timing problem."""
    cues = [srt.Cue(float(line.start), float(line.end), str(line.translation or "")) for line in lines]
    return srt.validate(cues, duration)


def _may_generate(job: Job) -> bool:
    """Whether the render may be started: in review, after a render request looked for in vain, or after an
    upload of the subtitles cut off (the app closed) before the render request went out."""
    phase = details_of(job).get("phase")
    cut_off = job.status == "submitting" and time.time() - job.updated_at > watch.SUBMIT_GRACE_SECONDS
    return (phase == "review" and (job.status == REVIEW or cut_off)) or (
        phase == "generate" and job.status == reconcile.UNCLEAR)


def finish_review(client: Client, store: JobStore, job: Job, lines: list[Line]) -> Job:
    """Upload the corrected subtitles and start the render of this language, once.

    The timing is checked first (``srt.SrtError``; nothing is sent). A failure before the render is
    started leaves the job in review; a render request whose answer was lost makes the job
    "checking", and the account's translations are looked through before it may be started again. A render
    already started (or being looked for) raises ``NotSendable`` (``Unsendable.ALREADY_STARTED``).
    """
    duration = details_of(job).get("duration") or job.duration
    cues = check_lines(lines, duration)
    claimed = store.start_sending(job.id, _may_generate)
    if claimed is None:
        raise NotSendable(Unsendable.ALREADY_STARTED, job.id)
    job = update_details(store, claimed, review_srt=[line.__dict__ for line in lines])
    proofread_id = job.video_id
    details = details_of(job)
    try:
        if not details.get("srt_uploaded"):
            data = srt.serialise(cues).encode("utf-8")
            asset = client.assets.upload(data, filename=f"proofread-{proofread_id}.srt", mime_type=SRT_MIME)
            client.translations.upload_proofread_srt(proofread_id, asset.asset_id)
            job = update_details(store, job, srt_uploaded=True)
    except errors.HeyGenError as exc:
        store.set_status(job.id, REVIEW, detail="The corrected subtitles did not reach HeyGen.")
        raise
    job = update_details(store, job, phase="generate", generate_sent_at=time.time(), looks=[])
    try:
        translation_id = client.translations.generate(proofread_id, captions=bool(details.get("captions")),
                                                      idempotency_key=f"{job.idempotency_key}-render")
    except errors.HeyGenError as exc:
        if errors.unclear(exc):
            store.set_status(job.id, reconcile.CHECKING, detail=f"{reconcile.MAY_HAVE}. {exc.message}")
        else:
            job = update_details(store, job, phase="review")
            store.set_status(job.id, REVIEW, detail=exc.message)
        raise
    job = update_details(store, job, phase="translate", proofread_id=proofread_id)
    return store.mark_submitted(job.id, translation_id, "pending")
