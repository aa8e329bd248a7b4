"""Every kind of job the studio launches, described once: how it is sent, how it is watched (one by
one and in bulk), how long it may take, and what its failures mean.

The worker, the status panel and "Send again" look a job's kind up here instead of branching on
it. A new kind (scenes, translations) is one more entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from . import agent_chat, agent_launch, imports, inspection, launch, lipsync, reconcile, templates, translate, watch
from .states import JobStatus

if TYPE_CHECKING:
    from heygen.api.client import Client

    from .jobs import Job, JobStore


@dataclass(frozen=True)
class JobKind:
    """How one kind of job is sent and watched.

    ``send(client, store, job[, files], progress=...)`` sends the job's create once, uploading
    ``files`` first (files already uploaded are reused);
    ``check(client, store, job, policy, ...)`` watches one job; ``bulk`` says whether its renders can
    be asked about many at a time once they have a video id, at ``statuses`` (``GET /v3/videos/statuses``
    unless told otherwise). ``first_factor`` and
    ``deadline_setting`` shape its poll policy from the settings; ``terminal`` are the statuses in
    which watching ends; ``failure_hints`` map HeyGen's failure codes to advice; ``refresh`` renews
    a finished job's links; ``editable`` says whether "Edit & retry" can reopen it in a form;
    ``find_lost`` looks on HeyGen for what a create whose answer was lost made; ``meant`` reads what a
finished video was meant to say, for the check of its subtitles; ``id_name`` says what its ``video_id`` is.
    """

    name: str
    label: str
    send: Callable[..., Job]
    check: Callable[..., watch.CheckResult]
    bulk: bool = True
    statuses: watch.BulkStatuses = watch.VIDEO_STATUSES
    first_factor: float = 1.0
    deadline_setting: str = "deadline_minutes"
    # While HeyGen answers the user's latest message (a chat), check at least this often (seconds) for
    # ``reply_window_seconds`` after it; None: no such schedule (see ``watch.PollPolicy.reply_maximum``).
    reply_poll_seconds: float | None = None
    reply_window_seconds: float = 300.0
    terminal: frozenset[str] = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.NOT_FOUND,
                                          JobStatus.REJECTED, JobStatus.SUBMIT_FAILED, JobStatus.UNCLEAR})
    failure_hints: dict[str, str] = field(default_factory=lambda: dict(watch.FAILURE_HINTS))
    refresh: Callable[..., Job] | None = None  # renews a finished job's links; None: GET /v3/videos/{id}
    editable: bool = True  # whether "Edit & retry" can reopen it in a form
    find_lost: Callable[..., dict[str, Any] | None] = reconcile.find_video
    # What a finished video was meant to say, for the check of its subtitles (None: nothing to check).
    meant: Callable[[Job], inspection.Meant | None] = inspection.meant_script
    # What HeyGen calls the job's ``video_id``, for its panel ("video id", "proofread id", …).
    id_name: Callable[[Job], str] = lambda job: "video id"
    # Videos a finished job has beyond its own that are kept on disk too (a chat session's revisions): those not
    # kept yet, as ``more_to_keep(job, media_root)``, and keeping them, ``keep_more(client, job, media_root)``.
    more_to_keep: Callable[..., list] = lambda job, media_root: []
    keep_more: Callable[..., list] = lambda client, job, media_root: []
    # The webhook events that announce the end of its renders (heygen.studio.webhooks); none: polling only.
    events: tuple[str, ...] = ("avatar_video.success", "avatar_video.fail")


def _send_video(client: Client, store: JobStore, job: Job, files: Any = (), **kwargs: Any) -> Job:
    return launch.submit(client, store, job, files, **kwargs)


def _send_agent(client: Client, store: JobStore, job: Job, files: Any = (), **kwargs: Any) -> Job:
    return agent_launch.submit(client, store, job, files, **kwargs)


KINDS: dict[str, JobKind] = {
    "avatar": JobKind("avatar", "Avatar video", _send_video, watch.check),
    "image": JobKind("image", "Photo video", _send_video, watch.check),
    # A multi-scene video (POST /v3/videos, type studio) is sent and watched like any other video.
    "scenes": JobKind("scenes", "Multi-scene video", _send_video, watch.check, meant=inspection.meant_scenes),
    # A Video Agent session names its video only after a while: it is followed through the session.
    "agent": JobKind("agent", "Video Agent render", _send_agent, agent_launch.check, first_factor=3.0,
                     deadline_setting="agent_deadline_minutes", find_lost=reconcile.find_session,
                     more_to_keep=agent_chat.unkept_videos, keep_more=agent_chat.keep_videos, events=(),
                     meant=inspection.meant_prompt, reply_poll_seconds=5.0),
    # A video made elsewhere and brought into the history: already on HeyGen, never sent.
    "imported": JobKind("imported", imports.ORIGIN, imports.never_send, watch.check, editable=False,
                        meant=lambda job: None),
    # The audio of a finished video replaced (POST /v3/lipsyncs), watched at GET /v3/lipsyncs/{id}.
    "lipsync": JobKind("lipsync", "Audio replaced", lipsync.submit, lipsync.check, bulk=False,
                       refresh=lipsync.refresh_links, editable=False, find_lost=lipsync.find_lost, events=(),
                       meant=inspection.meant_lipsync, id_name=lambda job: "lip-sync id",
                       failure_hints={lipsync.FAILED_CODE: "HeyGen could not lip-sync the new audio. Check that the "
                                      "audio is clear speech, then replace the audio of the original again."}),
    # One language of a translated video (POST /v3/video-translations, optionally after a proofread),
    # watched many at a time at GET /v3/video-translations/statuses (a proofread one by one, its
    # subtitles possibly waiting for the user's review).
    "translation": JobKind("translation", translate.LABEL, translate.submit, translate.check,
                           statuses=translate.BULK_STATUSES, refresh=translate.refresh_links, editable=False, events=(),
                           find_lost=translate.find_lost, meant=inspection.meant_translation,
                           id_name=translate.id_name, failure_hints={translate.FAILED_CODE: translate.FAILURE_HINT}),
    # A HeyGen template rendered with the job's values (POST /v3/templates/{id}): its answer is a video,
    # watched, reconciled (by title) and kept like any other.
    "template": JobKind("template", templates.LABEL, templates.submit, watch.check),
}


def of(job_or_kind: Job | str) -> JobKind:
    """The description of a job's kind (a job, or a kind's name); unknown kinds are watched as avatar videos."""
    name = job_or_kind if isinstance(job_or_kind, str) else job_or_kind.kind
    if not isinstance(job_or_kind, str) and agent_chat.follows_session(job_or_kind):
        return _CHAT_SESSION
    return KINDS.get(name, KINDS["avatar"])


# A Video Agent chat session that works or waits for the user: followed through the session, never in bulk.
_CHAT_SESSION = replace(KINDS["agent"], bulk=False)
