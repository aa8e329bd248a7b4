"""A Video Agent chat session (``mode: chat``) as a job: what the session said is kept in the job,
messages and stops are sent once, and every video the session made can be kept on this computer.

A chat job is an agent job whose spec has ``mode: "chat"``. While its session works (or waits for
the user) the job is not terminal, and ``check`` (the agent kind's check) follows the session: one
``GET /v3/video-agents/{id}``, plus ``GET …/videos`` when a video appeared or is still rendering.
What it learns is written to ``job.inputs["session"]`` so pages show it without asking HeyGen:

    session: {session_id, status, progress, title, video_id, created_at, checked_at,
              messages: [{role, content, type, created_at}] (oldest first),
              videos: [{id, title, status, created_at, duration, video_url, thumbnail_url,
                        subtitle_url, failure_message}] (newest first)}
    chat:    {outbox: [{id, text, sent_at, state, run_id?, error?}], stopped_at?}

The job's own video (``video_id`` and its links) is the session's first finished video; later ones
(revisions) live in ``session.videos``. The job is "completed" whenever the session rests with a
finished video, and waits again once the user sends a message. HeyGen's advice is to follow the video
once the session names it: a session that still says "generating" after the video it named for the
user's last message has finished is resting too (``answered_by_video``). A session that answers 404 before
the studio has ever seen it is not gone yet (``agent_launch.not_visible_yet``).

Never paying twice: a message may start a render, so it is recorded ("sending") before it goes
out and never re-sent on its own. When its answer is lost the entry becomes "unclear"; the next
checks look for it among the session's messages: found, it is "sent"; still absent on a look at
least ``LOOK_AFTER_SECONDS`` after sending, it is "missing" and only the user may send it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
import uuid
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.agents import MESSAGE_MAX
from . import agent_launch, archive, watch
from .inputs import DROP, Derive, Patch
from .jobs import TERMINAL, Job, JobStore

if TYPE_CHECKING:
    from heygen.api.client import Client

CHAT = "chat"
WORKING = ("thinking", "reviewing", "generating")
ANSWERABLE = ("waiting_for_input", "completed")
LOOK_AFTER_SECONDS = 30.0  # a lost message is called missing only by a look at least this long after sending
CLOCK_MARGIN_SECONDS = 120.0  # HeyGen's clock and ours may differ by this much
SESSION_FOLDER = "session"  # kept session videos: <media root>/<job id>/session/<video key>/


class Refusal(StrEnum):
    """Why a message (or a stop) cannot be sent as things are."""

    NOT_CHAT = "not_chat"  # the video was not made in a chat session
    STOPPED = "stopped"  # the user stopped the session
    AWAITING = "awaiting"  # the last message's arrival is being checked in the conversation
    BUSY = "busy"  # the agent is working (its session status says at what)
    EMPTY = "empty"  # the message is empty
    TOO_LONG = "too_long"  # the message is longer than MESSAGE_MAX


class ChatError(ValueError):
    """A message or stop that cannot be sent as things are: ``reason`` (a ``Refusal``), with the session's
    ``status`` (BUSY) or the message's ``length`` (TOO_LONG)."""

    def __init__(self, reason: Refusal, *, status: str | None = None, length: int | None = None) -> None:
        super().__init__(reason.value)
        self.reason, self.status, self.length = reason, status, length


def is_chat(job: Job | None) -> bool:
    """Whether ``job`` is a Video Agent job in chat mode."""
    spec = (job.inputs.spec if job is not None else None) or {}
    return job is not None and job.kind == agent_launch.KIND and spec.get("mode") == CHAT


def session_record(job: Job) -> dict[str, Any]:
    """What the job knows about its session (empty before HeyGen answered the create)."""
    session = (job.inputs or {}).get("session")
    return dict(session) if isinstance(session, dict) else {}


def outbox(job: Job) -> list[dict[str, Any]]:
    """The user's messages as sent from the studio, oldest first."""
    chat = (job.inputs or {}).get("chat")
    return _entries(chat.get("outbox")) if isinstance(chat, dict) else []


def _entries(stored: Any) -> list[dict[str, Any]]:
    """Copies of the outbox entries ``stored`` (an outbox as stored, or None)."""
    return [dict(m) for m in (stored or [])]


def _put(entry: dict[str, Any]) -> Derive:
    """The outbox as stored with ``entry`` in place of the entry of its id; failed entries left out."""
    def put(stored: Any) -> list[dict[str, Any]]:
        entries = [dict(entry) if e.get("id") == entry["id"] else e for e in _entries(stored)]
        return [e for e in entries if e.get("state") != "failed"]

    return Derive(put)


def follows_session(job: Job) -> bool:
    """True for a chat job whose session is known and not resting: the kind's check follows the session."""
    return is_chat(job) and bool(session_record(job).get("session_id")) and job.status not in TERMINAL


def awaiting_answer(job: Job) -> bool:
    """A message sent from the studio whose arrival is not settled yet."""
    return any(m.get("state") in ("sending", "unclear") for m in outbox(job))


def waits_for_user(job: Job) -> bool:
    """True while only the user can move the session on: HeyGen waits for their answer, no message of theirs
    is unsettled and none of the session's videos is still rendering."""
    videos = session_record(job).get("videos") or []
    return (session_status(job) == "waiting_for_input" and not awaiting_answer(job)
            and all(v.get("status") in ("completed", "failed") for v in videos))


def can_message(job: Job) -> ChatError | None:
    """Why a message cannot be sent now, or None when it can."""
    session = session_record(job)
    if not is_chat(job) or not session.get("session_id"):
        return ChatError(Refusal.NOT_CHAT)
    if (job.inputs.get("chat") or {}).get("stopped_at"):
        return ChatError(Refusal.STOPPED)
    if awaiting_answer(job):
        return ChatError(Refusal.AWAITING)
    status = session.get("status")
    if status not in ANSWERABLE and not answered_by_video(job):
        return ChatError(Refusal.BUSY, status=status)
    return None


# -- watching ------------------------------------------------------------------------------------------


def _message_record(message: Any) -> dict[str, Any]:
    return {"role": message.role, "content": message.content, "type": message.type, "created_at": message.created_at}


def _video_record(video: Any) -> dict[str, Any]:
    return {"id": video.id, "title": video.title, "status": video.status, "created_at": video.created_at,
            "duration": video.duration, "video_url": video.video_url, "thumbnail_url": video.thumbnail_url,
            "subtitle_url": video.subtitle_url, "failure_message": video.failure_message}


def _settle_outbox(entries: list[dict[str, Any]], messages: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
    """Mark unclear messages found in the session "sent", and those still absent long enough "missing"."""
    said = [(m.get("content") or "").strip() for m in messages if m.get("role") == "user"]
    times = [m.get("created_at") for m in messages if m.get("role") == "user"]
    for entry in entries:
        if entry.get("state") not in ("sending", "unclear"):
            continue
        arrived = any(text == entry["text"].strip() and (at is None or at >= entry["sent_at"] - CLOCK_MARGIN_SECONDS)
                      for text, at in zip(said, times))
        if arrived:
            entry["state"] = "sent"
        elif entry.get("state") == "unclear" and now - entry["sent_at"] >= LOOK_AFTER_SECONDS:
            entry["state"] = "missing"
    return entries


def answered_by_video(job: Job) -> bool:
    """Whether the video the session names has finished and is new since the user's last message (the
    session may still say "generating": the video is the agent's answer all the same)."""
    session = session_record(job)
    named = session.get("video_id")
    video = next((v for v in session.get("videos") or [] if named and v.get("id") == named), None)
    if video is None or video.get("status") not in ("completed", "failed"):
        return False
    sent = [e for e in outbox(job) if e.get("state") == "sent"]
    return not sent or ("videos_before" in sent[-1] and named not in sent[-1]["videos_before"])


def session_status(job: Job) -> str | None:
    """The session's status as pages show it: HeyGen's last word, except "completed" once the job rests on the
    finished video the session named while it still says it works (``answered_by_video``)."""
    status = session_record(job).get("status")
    if status in WORKING and job.status == "completed" and answered_by_video(job):
        return "completed"
    return status


def _needs_videos(state: Any, known: list[dict[str, Any]]) -> bool:
    by_id = {v.get("id"): v for v in known}
    if state.video_id and by_id.get(state.video_id, {}).get("status") not in ("completed", "failed"):
        return True
    return state.status in ("completed", "failed") and any(v.get("status") not in ("completed", "failed")
                                                            for v in known)


def record_session(store: JobStore, job: Job, state: Any, videos: list[Any] | None, now: float) -> Job:
    """Write what HeyGen said about the session (and its videos, when asked) into the job."""
    messages = [_message_record(m) for m in state.messages]
    session = dict(status=state.status, progress=state.progress, title=state.title, video_id=state.video_id,
                   messages=messages, checked_at=now)
    if videos is not None:
        session["videos"] = [_video_record(v) for v in videos]
    settled = Derive(lambda stored: _settle_outbox(_entries(stored), messages, now))
    return store.update_inputs(job.id, session=Patch(**session), chat=Patch(outbox=settled))


def check(
    client: Client,
    store: JobStore,
    job: Job,
    policy: watch.PollPolicy,
    *,
    consecutive_failures: int = 0,
    deadline_from: float | None = None,
    now: float | None = None,
    find_lost: object = None,
) -> watch.CheckResult:
    """One look at a chat job's session: record it, then settle the job's status from it (a followed session
    is never lost: ``find_lost`` is not used)."""
    now = time.time() if now is None else now
    if job.status in TERMINAL:
        return watch.CheckResult(watch.outcome_of(job, now) or watch.COMPLETED, job, requested=False)
    recorded = session_record(job)
    waiting_for_user = recorded.get("status") == "waiting_for_input" and not awaiting_answer(job)
    if not waiting_for_user and now - (deadline_from or job.created_at) > policy.deadline:
        return watch.CheckResult(watch.OVERDUE, job, requested=False)
    session_id = recorded["session_id"]
    requests = 1
    try:
        state = client.video_agents.session(session_id)
        videos = None
        if _needs_videos(state, recorded.get("videos") or []):
            requests += 1
            videos = client.video_agents.videos(session_id)
    except errors.NotFoundError as exc:
        if agent_launch.not_visible_yet(job, now):
            return agent_launch.wait_for_session(store, job, policy, now)
        if job.video_id:
            job = store.set_status(job.id, "completed", detail="HeyGen no longer knows this Video Agent session.")
            return watch.CheckResult(watch.COMPLETED, job, error=exc)
        detail = {**exc.to_dict(), "message": "HeyGen no longer knows this Video Agent session.",
                  "hint": "Use Edit & retry to start it again."}
        return watch.CheckResult(watch.NOT_SUBMITTED, store.mark_submit_failed(job.id, detail), error=exc)
    except (errors.AuthenticationError, errors.PermissionDeniedError) as exc:
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        return watch.CheckResult(watch.REJECTED, job, error=exc, requests=requests)
    except errors.RateLimitError as exc:
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        return watch.CheckResult(watch.RUNNING, job, wait=max(exc.retry_after or 0.0, policy.interval(job.polls)),
                                 error=exc, requests=requests)
    except errors.HeyGenError as exc:
        job = store.record_watch_error(job.id, status=None, error_detail=exc.to_dict())
        if consecutive_failures + 1 >= policy.max_network_failures:
            return watch.CheckResult(watch.CONNECTION_LOST, job, error=exc, requests=requests)
        return watch.CheckResult(watch.RUNNING, job, wait=policy.interval(job.polls), error=exc, requests=requests)
    job = record_session(store, job, state, videos, now)
    return _settle(store, job, state, policy, requests)


def _answered(job: Job) -> bool:
    """Whether the agent has spoken since the user's last message sent from the studio (a session that still
    says "completed" right after a message has not started on it yet)."""
    sent = [e for e in outbox(job) if e.get("state") == "sent"]
    if not sent:
        return True
    messages = session_record(job).get("messages") or []
    last = sent[-1]["text"].strip()
    spoken = [i for i, m in enumerate(messages) if m.get("role") == "user" and (m.get("content") or "").strip() == last]
    if not spoken:
        return True  # beyond the messages HeyGen shows: long answered
    return any(m.get("role") == "model" for m in messages[spoken[-1] + 1:])


def _settle(store: JobStore, job: Job, state: Any, policy: watch.PollPolicy, requests: int) -> watch.CheckResult:
    finished = [v for v in session_record(job).get("videos") or [] if v.get("status") == "completed"]
    stopped = (job.inputs.get("chat") or {}).get("stopped_at")
    resting = not awaiting_answer(job) and (
        (state.status in ("completed", "failed") and (stopped or _answered(job)))
        or (state.status in WORKING and answered_by_video(job)))
    if resting and (finished or job.video_id):
        if job.video_id is None:
            first = finished[-1]  # newest first: the last one is the first the session made
            job = store.mark_submitted(job.id, first["id"], "processing")
            job = store.record_poll(job.id, status="completed", video_url=first.get("video_url"),
                                    thumbnail_url=first.get("thumbnail_url"), subtitle_url=first.get("subtitle_url"),
                                    duration=first.get("duration"),
                                    completed_at=float(first["created_at"]) if first.get("created_at") else None)
        else:
            job = store.record_poll(job.id, status="completed")
        return watch.CheckResult(watch.COMPLETED, job, requests=requests)
    if resting:
        detail = {"kind": "AgentSessionFailed", "code": "session_stopped" if stopped else "session_failed",
                  "message": ("You stopped this Video Agent session before it made a video." if stopped else
                              "HeyGen's Video Agent stopped before it made a video."),
                  "hint": "Use Edit & retry to start a new session; a shorter, clearer prompt often helps."}
        return watch.CheckResult(watch.NOT_SUBMITTED, store.mark_submit_failed(job.id, detail), requests=requests)
    status = "processing" if state.status in ("generating", "reviewing") else "waiting"
    if state.status == "waiting_for_input" and watch.REPLY_FROM in job.inputs and not awaiting_answer(job) \
            and _answered(job):  # the agent answered with a question: now it waits for the user, not the other way
        job = store.update_inputs(job.id, **{watch.REPLY_FROM: DROP})
    job = store.record_poll(job.id, status=status)
    return watch.CheckResult(watch.RUNNING, job, wait=policy.interval(job.polls), requests=requests)


# -- user actions --------------------------------------------------------------------------------------


def _reopen(store: JobStore, job: Job, detail: str, **changes: Any) -> Job:
    """Apply ``changes`` to the job's inputs and let the session be followed again (from now on, with a fresh
    deadline)."""
    job = store.update_inputs(job.id, deadline_from=time.time(), **changes)
    if job.status in TERMINAL:
        job = store.set_status(job.id, "waiting", detail=detail)
    return job


def send_message(client: Client, store: JobStore, job: Job, text: str) -> Job:
    """Send one message (an answer, or a change to the video) to the job's chat session, once.

    Raises ``ChatError`` when it cannot be sent now (nothing is sent) and ``errors.HeyGenError`` when
    HeyGen refused it or its answer was lost; in the latter case the message stays recorded as
    "unclear" and the session's messages decide later whether it arrived (it is never re-sent here).
    """
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise ChatError(Refusal.EMPTY)
    if len(text) > MESSAGE_MAX:
        raise ChatError(Refusal.TOO_LONG, length=len(text))
    job = store.get(job.id) or job
    refusal = can_message(job)
    if refusal:
        raise refusal
    known = [v.get("id") for v in session_record(job).get("videos") or []] + [job.video_id]
    entry = {"id": uuid.uuid4().hex[:12], "text": text, "sent_at": time.time(), "state": "sending",
             "videos_before": [v for v in known if v]}
    queued = Derive(lambda stored: [e for e in _entries(stored) if e.get("state") != "missing"] + [dict(entry)])
    job = store.update_inputs(job.id, chat=Patch(outbox=queued))
    try:
        run = client.video_agents.send_message(session_record(job)["session_id"], text)
    except errors.HeyGenError as exc:
        entry.update(state="unclear" if errors.unclear(exc) else "failed", error=exc.to_dict())
        if entry["state"] == "unclear":
            _reopen(store, job, "A message may have reached HeyGen; the studio is checking.",
                    chat=Patch(outbox=_put(entry)), **{watch.REPLY_FROM: entry["sent_at"]})
        else:
            store.update_inputs(job.id, chat=Patch(outbox=_put(entry)))
        raise
    entry.update(state="sent", run_id=run.run_id)
    # The session thinks until the next check says more; it is checked often until it answers
    # (watch.PollPolicy.reply_maximum).
    return _reopen(store, job, "Message sent: the agent is working on it.", chat=Patch(outbox=_put(entry)),
                   session=Patch(status="thinking", progress=0), **{watch.REPLY_FROM: entry["sent_at"]})


def stop(client: Client, store: JobStore, job: Job) -> Job:
    """Stop the session's current run (what it made so far is kept); raises ``errors.HeyGenError``."""
    job = store.get(job.id) or job
    session_id = session_record(job).get("session_id")
    if not is_chat(job) or not session_id:
        raise ChatError(Refusal.NOT_CHAT)
    client.video_agents.stop(session_id)
    return _reopen(store, job, "Stopped by you.", chat=Patch(stopped_at=time.time()))


def refresh_videos(client: Client, store: JobStore, job: Job) -> Job:
    """Ask HeyGen for the session's videos again (fresh links once the old ones expired) and record them."""
    job = store.get(job.id) or job
    session_id = session_record(job).get("session_id")
    if not is_chat(job) or not session_id:
        raise ChatError(Refusal.NOT_CHAT)
    videos = client.video_agents.videos(session_id)
    return store.update_inputs(job.id, session=Patch(videos=[_video_record(v) for v in videos]))


# -- keeping the session's videos -------------------------------------------------------------------------


def video_key(video_id: str) -> str:
    """The folder name of one session video (safe whatever HeyGen's id looks like)."""
    return "v" + hashlib.sha256(video_id.encode()).hexdigest()[:20]


def session_folder(job: Job, media_root: str | os.PathLike) -> Path:
    """Where the session's kept videos live: inside the job's own folder, so removing the job removes them."""
    return Path(media_root) / job.id / SESSION_FOLDER


def session_files(job_id: str, key: str, media_root: str | os.PathLike) -> dict[str, Path]:
    """The kept files of one session video (``key`` from ``video_key``) by kind; empty when none."""
    return archive.local_files(key, Path(media_root) / job_id / SESSION_FOLDER)


def kept_video(job: Job, video_id: str, media_root: str | os.PathLike) -> Path | None:
    """The kept copy of one of the session's videos, or None."""
    if video_id == job.video_id:
        own = archive.local_files(job, media_root).get(archive.VIDEO)
        if own is not None:
            return own
    try:
        return session_files(job.id, video_key(video_id), media_root).get(archive.VIDEO)
    except (OSError, ValueError):
        return None


def unkept_videos(job: Job, media_root: str | os.PathLike) -> list[dict[str, Any]]:
    """The chat session's finished videos (revisions; the draft too when it is not the job's own) not kept on
    this computer yet; empty for any other job. The worker keeps them as it keeps the job's own video."""
    if not is_chat(job):
        return []
    videos = session_record(job).get("videos") or []
    return [v for v in videos if v.get("status") == "completed" and v.get("id") and v.get("id") != job.video_id
            and kept_video(job, v["id"], media_root) is None]


def keep_videos(client: Client, job: Job, media_root: str | os.PathLike) -> list[Path]:
    """Keep every finished session video not kept yet (see ``unkept_videos``); the kept files.
    Raises ``archive.ArchiveError`` (or ``errors.HeyGenError``, ``OSError``) at the first that cannot be kept."""
    return [keep_video(client, job, video, media_root) for video in unkept_videos(job, media_root)]


def keep_video(client: Client, job: Job, video: dict[str, Any], media_root: str | os.PathLike) -> Path:
    """Download one finished session video to this computer; returns the kept file (raises ``archive.ArchiveError``)."""
    if video.get("status") != "completed" or not video.get("id"):
        raise archive.ArchiveError("Only a finished video can be kept.")
    found = kept_video(job, video["id"], media_root)
    if found is not None:
        return found
    one = dataclasses.replace(job, id=video_key(video["id"]), video_id=video["id"], status="completed",
                              video_url=video.get("video_url"), thumbnail_url=video.get("thumbnail_url"),
                              subtitle_url=video.get("subtitle_url"), completed_at=job.completed_at or time.time())
    result = archive.keep(client, one, session_folder(job, media_root), policy="everything")
    if archive.VIDEO not in result.files:
        raise archive.ArchiveError("The video could not be kept.")
    return result.files[archive.VIDEO]
