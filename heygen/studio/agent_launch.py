"""Launching a Video Agent render safely: check the request and its files, record the job, upload, submit once.

The rules are those of ``heygen.studio.launch`` for avatar videos: everything is checked before anything
is stored or sent; the job (kind "agent", with its idempotency key) is in the store before any
request goes out; each attachment's asset id is saved in the job as soon as its upload finishes,
so a retry uploads only what is missing and re-sends the same key, which can never start (or
bill) a second video.

What a job's ``inputs`` hold:
    agent: 1                  format version
    spec                      ``AgentSpec.to_dict()`` (prompt, avatar_id, voice_id, style_id, orientation, ...)
    files[]                   one record per attachment: name, kind, mime_type, size, digest, filename,
                              detail, asset_id (None until uploaded)
    title_set                 True when the user typed the title (else it follows the prompt)
    session                   {session_id, status, created_at} once HeyGen answered
    plus display extras given by the caller (avatar_name, voice_name, style_name, ...)

Watching: HeyGen's answer normally carries the ``video_id``, and the job is watched through
``GET /v3/videos/{video_id}`` like any render. When the answer has no ``video_id`` yet, the job
keeps the ``session_id``, takes status "waiting" without a video id, and ``check`` (a drop-in for
``watch.check``) asks ``GET /v3/video-agents/{session_id}`` (the current path) until the agent names its
video; from then on it is watched like any other (whatever the session's own status says then: HeyGen's
sessions may say "generating" for a while after their video is done).

A session HeyGen has only just created may answer 404 "Session not found" for a while: until the
studio has seen it once, a 404 within ``SESSION_APPEARS_SECONDS`` of sending is waited out, not a failure.
"""

from __future__ import annotations

import hashlib
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from . import reconcile, watch
from heygen.api.agents import FILES_MAX, ORIENTATIONS, PROMPT_MAX, AgentSpec
from .inputs import Patch
from .jobs import TERMINAL, Job, JobStore
from .media import MediaError, inspect_audio, prepare_image
from .launch import byte_progress, upload_file
from .media.errors import MAX_VIDEO_BYTES, check_upload_size, safe_stem
from .media.sniff import identify
from .scripting import default_title

if TYPE_CHECKING:
    from heygen.api.client import Client

Progress = Callable[[str, float], None]

KIND = "agent"
FORMAT_VERSION = 1
FIRST_STATUS = "waiting"  # the job's status once HeyGen has the request, before the first status check
TITLE_PREFIX = "Agent: "
SESSION_APPEARS_SECONDS = 300.0  # a new session may be "not found" this long after it was created
ACCEPTED = "Video Agent takes JPEG, PNG or WebP images, PDF documents, MP4 or WebM clips, and MP3 or WAV audio"
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P "}


class AgentRequestError(ValueError):
    """The request cannot be sent as it is; ``problems`` maps each field to one plain sentence."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__(" ".join(self.problems.values()))


@dataclass(frozen=True)
class Attachment:
    """A checked file waiting to be uploaded as an asset.

    ``kind`` is "image", "pdf", "video" or "audio"; ``data`` is what is uploaded (a prepared JPEG
    for images); ``name`` is the file's name as chosen, ``filename`` the name sent (its extension
    matches the content); ``digest`` identifies the original file; ``detail`` describes it in words.
    """

    kind: str
    data: bytes
    filename: str
    mime_type: str
    name: str
    digest: str
    detail: str
    notes: tuple[str, ...] = ()

    def record(self) -> dict[str, Any]:
        """What the job keeps about this file (never its bytes)."""
        return {"name": self.name, "kind": self.kind, "mime_type": self.mime_type, "size": len(self.data),
                "digest": self.digest, "filename": self.filename, "detail": self.detail, "asset_id": None}


# -- checks ------------------------------------------------------------------------------------------


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _length(seconds: float) -> str:
    whole = max(1, round(seconds))
    minutes, rest = divmod(whole, 60)
    return f"{minutes}:{rest:02d}" if minutes else f"{rest} s"


def _image(data: bytes, name: str, digest: str) -> Attachment:
    try:
        prepared = prepare_image(data, name)
    except MediaError as exc:
        if exc.code == "too_small":
            raise MediaError("too_small", exc.message.split(", too small")[0] + "; Video Agent needs images of "
                             "at least 256 pixels on the shorter side.") from None
        raise
    return Attachment("image", prepared.data, prepared.filename, prepared.mime_type, name, digest,
                      f"Image · {prepared.width}×{prepared.height}", prepared.notes)


def _pdf(data: bytes, name: str, digest: str) -> Attachment:
    if not data.startswith(b"%PDF-"):
        raise MediaError("truncated", "This PDF is damaged (it does not start like a PDF document); "
                                      "please save or export it again.")
    return Attachment("pdf", data, safe_stem(name, "document") + ".pdf", "application/pdf", name, digest,
                      f"PDF document · {_size(len(data))}")


def _mp4_brand(data: bytes) -> bytes:
    return data[8:12] if len(data) >= 12 else b""


def _mp4(data: bytes, name: str, digest: str, noun: str) -> Attachment:
    if _mp4_brand(data) in _M4A_BRANDS:
        raise MediaError("unsupported_format", "This file is M4A audio; Video Agent takes MP3 or WAV audio. "
                                               "Export it as MP3 or WAV and attach it again.")
    if noun != "an MP4 file":
        raise MediaError("unsupported_format", f"This file is {noun}; Video Agent takes MP4 or WebM clips. "
                                               "Export it as MP4 and attach it again.")
    size = struct.unpack(">I", data[:4])[0]
    if size < 8 or size > len(data):
        raise MediaError("truncated", "This MP4 file is damaged or incomplete; please export it again.")
    return Attachment("video", data, safe_stem(name, "clip") + ".mp4", "video/mp4", name, digest,
                      f"MP4 clip · {_size(len(data))}")


def _ebml_doctype(data: bytes) -> str | None:
    head = data[:64]
    at = head.find(b"\x42\x82")
    if at < 0 or at + 3 > len(head):
        return None
    length = head[at + 2] & 0x7F if head[at + 2] & 0x80 else None
    if not length:
        return None
    return head[at + 3 : at + 3 + length].decode("ascii", "replace")


def _webm(data: bytes, name: str, digest: str) -> Attachment:
    doctype = _ebml_doctype(data)
    if doctype == "matroska":
        raise MediaError("unsupported_format", "This file is a Matroska (MKV) video; Video Agent takes MP4 or "
                                               "WebM clips. Export it as MP4 or WebM and attach it again.")
    if doctype != "webm":
        raise MediaError("truncated", "This WebM file is damaged or incomplete; please export it again.")
    return Attachment("video", data, safe_stem(name, "clip") + ".webm", "video/webm", name, digest,
                      f"WebM clip · {_size(len(data))}")


def _audio(data: bytes, name: str, digest: str) -> Attachment:
    info = inspect_audio(data, name)
    return Attachment("audio", data, info.filename, info.mime_type, name, digest,
                      f"{info.format.upper()} audio · {_length(info.duration_seconds)}")


def check_attachment(data: bytes, name: str) -> Attachment:
    """Check one file for Video Agent and return it ready to upload, or raise ``MediaError``.

    The file's content decides its kind (never its name). Images go through ``prepare_image``;
    PDFs must start with ``%PDF-``; clips must be MP4 or WebM; audio must be MP3 or WAV (checked
    by ``inspect_audio``). Nothing may be empty; images and PDFs may not be over 32 MB, clips not over
    HeyGen's video maximum, audio not over its audio maximum.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes")
    data = bytes(data)
    check_upload_size(data, MAX_VIDEO_BYTES)  # the largest kind; clips and audio over 32 MB go as direct uploads
    digest = hashlib.sha256(data).hexdigest()
    sniffed = identify(data)
    if sniffed.kind not in ("audio", "video", "media"):
        check_upload_size(data)
    if sniffed.kind == "image":
        return _image(data, name, digest)
    if sniffed.format == "PDF":
        return _pdf(data, name, digest)
    if sniffed.format in ("MP4", "MOV"):
        return _mp4(data, name, digest, sniffed.noun)
    if sniffed.format == "MKV":
        return _webm(data, name, digest)
    if sniffed.format in ("MP3", "WAV", "MP3?"):
        return _audio(data, name, digest)
    if sniffed.kind == "audio":
        raise MediaError("unsupported_format", f"This file is {sniffed.noun}; Video Agent takes MP3 or WAV audio. "
                                               "Export it as MP3 or WAV and attach it again.")
    if sniffed.kind == "video":
        raise MediaError("unsupported_format", f"This file is {sniffed.noun}; Video Agent takes MP4 or WebM clips. "
                                               "Export it as MP4 and attach it again.")
    if sniffed.kind in ("document", "archive"):
        raise MediaError("unsupported_format", f"This file is {sniffed.noun}; {ACCEPTED}. "
                                               "Save documents as PDF first.")
    if sniffed.kind == "text":
        raise MediaError("unsupported_format", f"This file is plain text; {ACCEPTED}. "
                                               "Paste the text into the prompt instead, or save it as a PDF.")
    raise MediaError("unsupported_format", f"This file is not a kind Video Agent can use; {ACCEPTED}.")


def check_spec(spec: AgentSpec, *, pending_files: int = 0) -> dict[str, str]:
    """Problems with ``spec`` by field ("prompt", "files", "orientation", "avatar", "voice", "style",
    "callback_url"), as plain sentences; empty when it can be sent. ``pending_files`` are
    attachments not uploaded yet (they count towards the 20-file limit)."""
    problems: dict[str, str] = {}
    prompt = spec.prompt if isinstance(spec.prompt, str) else ""
    length = len(prompt.strip())
    if not length:
        problems["prompt"] = "Describe the video you want: the prompt is empty."
    elif length > PROMPT_MAX:
        problems["prompt"] = (f"The prompt is {length:,} characters; Video Agent accepts at most {PROMPT_MAX:,}. "
                              f"Shorten it by {length - PROMPT_MAX:,}.")
    total = len(spec.file_asset_ids or []) + pending_files
    if total > FILES_MAX:
        problems["files"] = (f"Video Agent takes at most {FILES_MAX} files and {total} are attached; "
                             f"remove {total - FILES_MAX}.")
    elif any(not isinstance(a, str) or not a.strip() for a in spec.file_asset_ids or []):
        problems["files"] = "One of the attached files has no HeyGen asset id; attach it again."
    if spec.orientation not in (None, *ORIENTATIONS):
        problems["orientation"] = "The orientation must be landscape, portrait, or left for HeyGen to decide."
    for name, field in (("avatar_id", "avatar"), ("voice_id", "voice"), ("style_id", "style")):
        value = getattr(spec, name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems[field] = f"The chosen {field} has no id; choose it again or let HeyGen choose."
    url = spec.callback_url
    if url is not None and (not isinstance(url, str) or not url.startswith(("https://", "http://"))):
        problems["callback_url"] = "The callback URL must be an http(s) address."
    return problems


def agent_title(prompt: str | None, *, max_words: int = 6, max_chars: int = 48) -> str:
    """The history title of an agent render: "Agent: " and the prompt's first words."""
    words = default_title(prompt, max_words=max_words, max_chars=max_chars)
    return TITLE_PREFIX + words if words else TITLE_PREFIX.rstrip(": ") + " video"


# -- launch ------------------------------------------------------------------------------------------


def session_of(job: Job) -> dict[str, Any] | None:
    """HeyGen's session record stored with the job (after a successful create), or None."""
    session = (job.inputs or {}).get("session")
    return session if isinstance(session, dict) and session.get("session_id") else None


def create_job(
    store: JobStore,
    *,
    account: str,
    spec: AgentSpec,
    attachments: Sequence[Attachment] = (),
    reused: Sequence[dict[str, Any]] = (),
    title: str | None = None,
    extra: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> Job:
    """Check the request, then record it as a job (before anything is sent).

    ``reused`` are file records of an earlier job whose ``asset_id`` is already on HeyGen.
    Raises ``AgentRequestError`` with the problems when the request cannot be sent.
    """
    problems = check_spec(spec, pending_files=len(attachments) + len(reused))
    seen: dict[str, str] = {}
    for attachment in attachments:
        if attachment.digest in seen and "files" not in problems:
            first = seen[attachment.digest]
            problems["files"] = f"“{attachment.name}” is the same file as “{first}”; attach it once."
        seen.setdefault(attachment.digest, attachment.name)
    if any(not (r.get("asset_id") if isinstance(r, dict) else None) for r in reused) and "files" not in problems:
        problems["files"] = "A file kept from an earlier video has no HeyGen asset id; attach it again."
    if problems:
        raise AgentRequestError(problems)
    typed = (title or "").strip()
    inputs = {
        **(extra or {}),
        "agent": FORMAT_VERSION,
        "spec": spec.to_dict(),
        "files": [{**dict(r), "digest": r.get("digest")} for r in reused] + [a.record() for a in attachments],
        "title_set": bool(typed),
    }
    return store.create(account=account, kind="agent", title=typed or agent_title(spec.prompt), inputs=inputs,
                        idempotency_key=idempotency_key)


def submit(
    client: Client,
    store: JobStore,
    job: Job,
    attachments: Sequence[Attachment] = (),
    *,
    progress: Progress | None = None,
) -> Job:
    """Upload the job's attachments that are not on HeyGen yet, then start the Video Agent once.

    Asset ids are saved in the job as each upload finishes. On a HeyGen error the job is marked
    not sent (with the error) and the error is raised again; calling ``submit`` again on that job
    is the safe retry (finished uploads are skipped, the same idempotency key goes out). A job
    HeyGen has already accepted is returned unchanged: it is never sent twice.
    """
    if job.video_id is not None or session_of(job) is not None:
        return job
    reconcile.require_sendable(job)
    report = progress or (lambda _message, _fraction: None)
    files = [dict(f) for f in job.inputs.files or []]
    by_digest = {a.digest: a for a in attachments}
    todo = [i for i, f in enumerate(files) if not f.get("asset_id")]
    missing = [files[i].get("name") or "a file" for i in todo if files[i].get("digest") not in by_digest]
    if missing:
        raise AgentRequestError({"files": f"Attach “{missing[0]}” again: it has not reached HeyGen yet."})
    steps = len(todo) + 1
    try:
        for done, index in enumerate(todo):
            record = files[index]
            attachment = by_digest[record["digest"]]
            label = f"Uploading {record.get('name')} ({done + 1} of {len(todo)})…"
            report(label, done / steps)
            asset = upload_file(client, attachment.data, attachment.filename, attachment.mime_type,
                                byte_progress(report, label, record.get("name") or attachment.filename,
                                              done / steps, 1 / steps))
            record["asset_id"] = asset.asset_id
            job = store.update_inputs(job.id, files=files)
    except errors.HeyGenError as exc:
        store.mark_submit_failed(job.id, exc.to_dict())
        raise
    spec = AgentSpec.from_dict(job.inputs.spec or {})
    spec.file_asset_ids = [*spec.file_asset_ids, *(f["asset_id"] for f in files)]
    report("Sending your prompt to HeyGen's Video Agent…", (steps - 1) / steps)
    session = reconcile.send_once(store, job,
                                  lambda: client.video_agents.create(spec, idempotency_key=job.idempotency_key))
    report("Sent.", 1.0)
    job = store.update_inputs(job.id, session={"session_id": session.session_id, "status": session.status,
                                               "created_at": session.created_at})
    if session.video_id:
        return store.mark_submitted(job.id, session.video_id, FIRST_STATUS)
    return store.set_status(job.id, FIRST_STATUS, detail=f"Video Agent session {session.session_id} started; "
                                                         "HeyGen has not named the video yet.")


# -- watching ------------------------------------------------------------------------------------------


def not_visible_yet(job: Job, now: float) -> bool:
    """Whether a 404 for the job's session means "not visible yet": HeyGen created it moments ago and no
    look has found it since (a look that did records ``checked_at`` in the session)."""
    session = session_of(job) or {}
    sent = reconcile.sent_at(job)
    return not session.get("checked_at") and now - sent < SESSION_APPEARS_SECONDS


def wait_for_session(store: JobStore, job: Job, policy: watch.PollPolicy, now: float) -> watch.CheckResult:
    """A look that found no session yet: recorded as a look, and followed again (no failure, no error)."""
    job = store.record_poll(job.id, status=FIRST_STATUS)
    return watch.CheckResult(watch.RUNNING, job, wait=policy.wait_after_poll(job, now))


def awaiting_video(job: Job) -> bool:
    """True for an agent job HeyGen accepted whose video id is not known yet (watch its session)."""
    return job.kind == KIND and job.video_id is None and session_of(job) is not None and job.status not in TERMINAL


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
    """``watch.check`` for any job, which also follows an agent session until HeyGen names its video; a lost
    create is looked for among the account's sessions (``reconcile.find_session``). A chat session that works
    or waits for the user has its own check, ``agent_chat.check`` (``kinds.of`` gives it)."""
    if not awaiting_video(job):
        return watch.check(client, store, job, policy, consecutive_failures=consecutive_failures,
                           deadline_from=deadline_from, now=now, find_lost=find_lost or reconcile.find_session)
    now = time.time() if now is None else now
    if now - (deadline_from or job.created_at) > policy.deadline:
        return watch.CheckResult(watch.OVERDUE, job)
    session_id = session_of(job)["session_id"]
    try:
        state = client.video_agents.session(session_id)
    except errors.NotFoundError as exc:
        if not_visible_yet(job, now):
            return wait_for_session(store, job, policy, now)
        detail = {**exc.to_dict(), "message": "HeyGen no longer knows this Video Agent session.",
                  "hint": "Use Edit & retry to start it again."}
        return watch.CheckResult(watch.NOT_SUBMITTED, store.mark_submit_failed(job.id, detail), error=exc)
    except (errors.AuthenticationError, errors.PermissionDeniedError) as exc:
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        return watch.CheckResult(watch.REJECTED, job, error=exc)
    except errors.RateLimitError as exc:
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        return watch.CheckResult(watch.RUNNING, job, wait=max(exc.retry_after or 0.0, policy.interval(job.polls)),
                                 error=exc)
    except errors.HeyGenError as exc:
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        if consecutive_failures + 1 >= policy.max_network_failures:
            return watch.CheckResult(watch.CONNECTION_LOST, job, error=exc)
        return watch.CheckResult(watch.RUNNING, job, wait=policy.interval(job.polls), error=exc)
    if state.video_id:
        job = store.mark_submitted(job.id, state.video_id, FIRST_STATUS)
        return watch.CheckResult(watch.RUNNING, job, wait=policy.first)
    if state.status == "failed":
        detail = {"kind": "AgentSessionFailed", "code": "session_failed",
                  "message": "HeyGen's Video Agent stopped before it started rendering this video.",
                  "hint": "Use Edit & retry; a shorter, clearer prompt often helps."}
        return watch.CheckResult(watch.NOT_SUBMITTED, store.mark_submit_failed(job.id, detail))
    if not session_of(job).get("checked_at"):
        job = store.update_inputs(job.id, session=Patch(checked_at=now))
    job = store.record_poll(job.id, status=FIRST_STATUS)
    return watch.CheckResult(watch.RUNNING, job, wait=policy.interval(job.polls))
