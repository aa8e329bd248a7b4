"""Replacing the audio of a finished video (a lip-sync): checking the request, recording it as a job,
sending it once, and watching it until HeyGen has the new video.

A lip-sync is a job of kind "lipsync" beside the original in the history. Its HeyGen id (from
``POST /v3/lipsyncs``) is kept in the job's ``video_id`` column, and it is watched one by one with
``GET /v3/lipsyncs/{id}``. Like every create it is recorded before anything is sent and sent once
(``reconcile.send_once``); a lost answer is looked for with ``GET /v3/lipsyncs``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.lipsyncs import MODES, Lipsync, LipsyncSpec

from . import reconcile, watch
from .inputs import Patch
from .jobs import Job, JobStore

if TYPE_CHECKING:
    from heygen.api.client import Client

KIND = "lipsync"
TITLE_PREFIX = "Replace audio of "
# HeyGen's lip-sync statuses, as the job statuses every page understands.
STATUS_OF = {"pending": "pending", "running": "processing", "completed": "completed", "failed": "failed"}
MIN_RANGE_SECONDS = 0.5
SPEECH_TEXT_MAX = 5000
FAILED_CODE = "lipsync_failed"

Progress = Callable[[str, float], None]


class LipsyncRequestError(ValueError):
    """The request cannot be sent; ``problems`` maps a field ("source", "audio", "range", "mode") to a plain sentence."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class AudioFile:
    """A checked audio file waiting to be uploaded (``digest`` ties it to its job)."""

    data: bytes
    filename: str
    mime_type: str
    seconds: float
    digest: str
    name: str  # as the user named it


@dataclass(frozen=True)
class Speech:
    """New audio to be spoken by one of HeyGen's voices (``POST /v3/voices/speech``)."""

    text: str
    voice_id: str
    voice_name: str | None = None


def check_speech(speech: Speech) -> dict[str, str]:
    """Problems with a script and voice (by field "script", "voice"); empty when they can be sent."""
    problems = {}
    text = (speech.text or "").strip()
    if not text:
        problems["script"] = "Write the words the new audio should say: the script is empty."
    elif len(text) > SPEECH_TEXT_MAX:
        problems["script"] = (f"The script is {len(text):,} characters; HeyGen speaks at most {SPEECH_TEXT_MAX:,} "
                              f"at once. Shorten it by {len(text) - SPEECH_TEXT_MAX:,}.")
    if not speech.voice_id:
        problems["voice"] = "Pick the voice that should speak the script."
    return problems


def title_for(source: Job) -> str:
    """The history title of a lip-sync of ``source``."""
    return TITLE_PREFIX + (source.title or "Untitled video")


def source_problem(source: Job) -> str | None:
    """Why ``source`` cannot have its audio replaced, or None."""
    if source.status != "completed" or not source.video_id:
        return "Only a finished video can have its audio replaced; wait until it is ready."
    return None


def check_range(whole: bool, start: float | None, end: float | None, duration: float | None) -> dict[str, str]:
    """Problems with a time range (by field "range"); empty when it can be sent. ``duration``: the video's length."""
    if whole:
        return {}
    if start is None or end is None:
        return {"range": "Give the start and the end of the part to replace, in seconds."}
    if start < 0 or end < 0:
        return {"range": "Times start at 0 s; a start or end before that is not possible."}
    if end <= start:
        return {"range": f"The end ({end:g} s) must come after the start ({start:g} s)."}
    if end - start < MIN_RANGE_SECONDS:
        return {"range": f"The part to replace is {end - start:g} s long; make it at least {MIN_RANGE_SECONDS:g} s."}
    if duration is not None and end > duration + 0.05:
        return {"range": f"The video is {duration:g} s long; the end ({end:g} s) is past it."}
    if duration is not None and start >= duration:
        return {"range": f"The video is {duration:g} s long; the start ({start:g} s) is past its end."}
    return {}


def create_job(
    store: JobStore,
    *,
    account: str,
    source: Job,
    audio: AudioFile | None = None,
    speech: Speech | None = None,
    whole: bool = True,
    start: float | None = None,
    end: float | None = None,
    mode: str = "speed",
    idempotency_key: str | None = None,
    meant: dict[str, Any] | None = None,
) -> Job:
    """Check the request, then record it as a job (before anything is sent); raises ``LipsyncRequestError``.

    The new audio is an uploaded file (``audio``) or speech HeyGen makes from a script (``speech``).
    ``meant`` (a fix of a checked video: ``written_script``, ``values``) says what the whole result should
    say, for its own check; the job is then linked to ``source`` as redoing it.
    """
    problems: dict[str, str] = {}
    problem = source_problem(source)
    if problem:
        problems["source"] = problem
    if (audio is None) == (speech is None):
        problems["audio"] = "Choose the new audio: upload a file, or write a script and pick a voice."
    elif speech is not None:
        problems.update(check_speech(speech))
    problems.update(check_range(whole, start, end, source.duration))
    if mode not in MODES:
        problems["mode"] = "Choose speed or precision."
    if problems:
        raise LipsyncRequestError(problems)
    details = {
        "source_job_id": source.id,
        "source_video_id": source.video_id,
        "source_kind": source.kind,
        "source_title": source.title,
        "start_time": None if whole else float(start),
        "end_time": None if whole else float(end),
        "mode": mode,
        "audio": ({"source": "upload", "name": audio.name, "digest": audio.digest, "seconds": audio.seconds,
                   "asset_id": None} if audio is not None else
                  {"source": "speech", "text": speech.text, "voice_id": speech.voice_id,
                   "voice_name": speech.voice_name, "url": None, "seconds": None}),
    }
    if meant:
        details.update(meant)
    inputs = {KIND: details, "spec": {"aspect_ratio": _shape(source)}}
    if audio is not None:
        inputs["audio_seconds"] = audio.seconds
    return store.create(account=account, kind=KIND, title=title_for(source), inputs=inputs,
                        idempotency_key=idempotency_key, redo_of=source.id if meant else None)


def _shape(source: Job) -> str | None:
    spec = source.inputs.spec or {}
    return spec.get("aspect_ratio") or {"portrait": "9:16", "landscape": "16:9"}.get(spec.get("orientation"))


def details_of(job: Job) -> dict[str, Any]:
    """The lip-sync request stored with the job."""
    value = (job.inputs or {}).get(KIND)
    return value if isinstance(value, dict) else {}


def submit(client: Client, store: JobStore, job: Job, audio: AudioFile | None = None, *,
           progress: Progress | None = None) -> Job:
    """Upload the audio (once), fetch a fresh link to the original video, and start the lip-sync once.

    A failure before the create marks the job not sent ("submit_failed"); a create whose answer was
    lost makes it "checking" (``heygen.studio.reconcile``). The error is raised again in both cases.
    A job HeyGen has already accepted is returned unchanged.
    """
    if job.video_id is not None:
        return job
    reconcile.require_sendable(job)
    report = progress or (lambda _message, _fraction: None)
    details = dict(details_of(job))
    stored_audio = dict(details.get("audio") or {})
    try:
        if stored_audio.get("source") == "speech":
            if not stored_audio.get("url"):
                report("Making the new audio from the script…", 0.0)
                made = client.voices.speech(stored_audio.get("text") or "", stored_audio.get("voice_id") or "")
                stored_audio.update(url=made.audio_url, seconds=made.duration)
                details["audio"] = stored_audio
                job = store.update_inputs(job.id, **{KIND: Patch(audio=stored_audio)}, audio_seconds=made.duration)
        elif not stored_audio.get("asset_id"):
            if audio is None or audio.digest != stored_audio.get("digest"):
                raise LipsyncRequestError({"audio": f"Upload “{stored_audio.get('name') or 'the audio'}” again: "
                                                    "it has not reached HeyGen yet."})
            report(f"Uploading {audio.name}…", 0.0)
            asset = client.assets.upload(audio.data, filename=audio.filename, mime_type=audio.mime_type)
            stored_audio["asset_id"] = asset.asset_id
            details["audio"] = stored_audio
            job = store.update_inputs(job.id, **{KIND: Patch(audio=stored_audio)})
        report("Getting a fresh link to the original video…", 0.5)
        source_url = source_link(client, details)
    except errors.HeyGenError as exc:
        store.mark_submit_failed(job.id, exc.to_dict())
        raise
    except LipsyncRequestError as exc:
        store.mark_submit_failed(job.id, {"kind": "LipsyncRequestError", "message": str(exc)})
        raise
    spec = LipsyncSpec(video_url=source_url, audio_asset_id=stored_audio.get("asset_id"),
                       audio_url=stored_audio.get("url"), title=job.title,
                       mode=details.get("mode") or "speed", start_time=details.get("start_time"),
                       end_time=details.get("end_time"))
    report("Sending the lip-sync to HeyGen…", 0.8)
    lipsync_id = reconcile.send_once(store, job,
                                     lambda: client.lipsyncs.create(spec, idempotency_key=job.idempotency_key))
    report("Sent.", 1.0)
    return store.mark_submitted(job.id, lipsync_id, "pending")


def video_link(client: Client, lipsync_id: str) -> str | None:
    """A freshly signed link to a finished lip-sync's video (``GET /v3/lipsyncs/{id}``)."""
    return client.lipsyncs.get(lipsync_id).video_url


def source_link(client: Client, details: dict[str, Any]) -> str:
    """A freshly signed link to the original video (a video, or an earlier lip-sync)."""
    source_id = details.get("source_video_id")
    if details.get("source_kind") == KIND:
        url = client.lipsyncs.get(source_id).video_url
    else:
        url = client.videos.get(source_id).video_url
    if not url:
        raise errors.NotFoundError("HeyGen gave no download link for the original video, so its audio cannot "
                                   "be replaced.", hint="Open the original video and check that it is still ready.")
    return url


def record(store: JobStore, job_id: str, found: Lipsync) -> Job:
    """Save what HeyGen said about a lip-sync in the job."""
    status = STATUS_OF.get(found.status, "processing")
    return store.record_poll(
        job_id, status=status, video_url=found.video_url, subtitle_url=found.caption_url, duration=found.duration,
        failure_code=FAILED_CODE if status == "failed" else None,
        failure_message=found.failure_message if status == "failed" else None,
    )


def check(
    client: Client,
    store: JobStore,
    job: Job,
    policy: watch.PollPolicy,
    *,
    consecutive_failures: int = 0,
    deadline_from: float | None = None,
    now: float | None = None,
    find_lost: reconcile.FindLost | None = None,
) -> watch.CheckResult:
    """Ask HeyGen once about a lip-sync (``GET /v3/lipsyncs/{id}``) unless it has stopped, and record the answer.

    Before HeyGen has named it (a lost create being looked for), this is ``watch.check``.
    """
    now = time.time() if now is None else now
    if job.video_id is None:
        return watch.check(client, store, job, policy, consecutive_failures=consecutive_failures,
                           deadline_from=deadline_from, now=now, find_lost=find_lost or _find_own)
    known = watch.outcome_of(job, now)
    if known is not None:
        return watch.CheckResult(known, job, requested=False)
    if now - (deadline_from or job.submitted_at or job.created_at) > policy.deadline:
        return watch.CheckResult(watch.OVERDUE, job, requested=False)
    try:
        found = client.lipsyncs.get(job.video_id)
    except errors.HeyGenError as exc:
        return watch.watch_error(store, job, exc, policy, consecutive_failures=consecutive_failures)
    job = record(store, job.id, found)
    known = watch.outcome_of(job)
    if known is not None:
        return watch.CheckResult(known, job)
    return watch.CheckResult(watch.RUNNING, job, wait=policy.wait_after_poll(job, now))


def refresh_links(client: Client, store: JobStore, job: Job) -> Job:
    """Fetch the lip-sync again for a fresh (re-signed) video link and save it."""
    return record(store, job.id, client.lipsyncs.get(job.video_id))


def find_lost(client: Client, store: JobStore, job: Job, since: float) -> dict[str, Any] | None:
    """The lip-sync a lost create of ``job`` made: same title, created since ``since``, owned by no other job."""
    listed = [x for x in client.lipsyncs.list(limit=reconcile.LIST_LIMIT) if x.title == job.title]
    found = reconcile.closest_unowned(store, job, listed, since)
    return {"video_id": found.id, "status": STATUS_OF.get(found.status, "processing")} if found else None


_find_own = find_lost  # check's way of looking for a lost create, unless told another
