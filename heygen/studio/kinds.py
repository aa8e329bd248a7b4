"""Every kind of job the studio launches, described once: how it is sent, how it is watched (one by
one and in bulk), how long it may take, what its failures mean, and how its panel and "Edit & retry"
treat it.

The worker, the status panel, the history, reconciliation and archiving look a job's kind up here
(``of(job)``) instead of branching on it; ``watch``, ``reconcile`` and ``archive`` are given what they
need of it. A new kind is its own module, one entry in ``KINDS``, its form and its page (``ui.nav``
finds pages in pages/; ``editor`` names the one that edits it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from . import agent_chat, agent_launch, imports, inspection, launch, lipsync, reconcile, scenes, templates, translate
from . import watch
from .inputs import (AgentInputs, ImportedInputs, Inputs, LipsyncInputs, ScenesInputs, TemplateInputs,
                     TranslationInputs, VideoInputs)
from .states import JobStatus

if TYPE_CHECKING:
    from heygen.api.client import Client

    from .config import Settings
    from .jobs import Job, JobStore

# The sections of a finished video's panel (the UI maps each name to what it draws).
REVIEWS = "reviews"  # the client's decisions and comments on it
REPLACE_AUDIO = "replace_audio"  # a lip-sync of it to new audio
TRANSLATE = "translate"  # translations of it into other languages
VIDEO_SECTIONS = (REVIEWS, REPLACE_AUDIO, TRANSLATE)
# A kind's own views, drawn instead of the usual panel when they apply (each says whether it does).
CHAT = "chat"  # a Video Agent chat session that works or waits for the user
SUBTITLE_REVIEW = "subtitle_review"  # a translation queued, waiting for its subtitles' review, or failed

@dataclass(frozen=True)
class JobKind:
    """How one kind of job is sent, watched and shown.

    ``send(client, store, job[, files], progress=...)`` sends the job's create once, uploading ``files`` first
    (files already uploaded are reused). ``check(client, store, job, policy, ...)`` watches one job
    (``watch.Check``), looking for a lost create with ``find_lost`` (``reconcile.FindLost``, bound in by ``make``);
    ``bulk`` says whether its renders can be asked about many at a time once they have a video id, at
    ``statuses`` (``GET /v3/videos/statuses`` unless told otherwise). ``first_factor`` and ``deadline_setting``
    shape its poll policy from the settings (``poll_policy``), ``expected_seconds``/``length_input`` how long its
    renders take. ``terminal`` are the statuses in which watching ends; ``failure_codes`` are HeyGen's failure
    codes of its own (the UI words advice for them); ``refresh`` renews a finished job's links.
    """

    name: str
    label: str
    send: Callable[..., Job]
    check: watch.Check
    # What its jobs keep besides their columns (``Job.inputs``), decoded by the store as this class.
    inputs: type[Inputs] = VideoInputs
    bulk: bool = True
    statuses: watch.BulkStatuses = watch.VIDEO_STATUSES
    first_factor: float = 1.0
    deadline_setting: str = "deadline_minutes"
    # How long a render takes: a fixed expectation (seconds) when the inputs do not tell, else the input holding the
    # finished video's length when known (else the script's spoken length; see ``watch.PollPolicy``).
    expected_seconds: float | None = None
    length_input: str = "audio_seconds"
    # While HeyGen answers the user's latest message (a chat), check at least this often (seconds) for
    # ``reply_window_seconds`` after it; None: no such schedule (see ``watch.PollPolicy.reply_maximum``).
    reply_poll_seconds: float | None = None
    reply_window_seconds: float = 300.0
    terminal: frozenset[str] = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.NOT_FOUND,
                                          JobStatus.REJECTED, JobStatus.SUBMIT_FAILED, JobStatus.UNCLEAR})
    # HeyGen failure codes particular to this kind (the UI has advice for each; the general codes apply to all).
    failure_codes: frozenset[str] = frozenset()
    # What a failure of a render of this kind means beyond HeyGen's message (a multi-scene video: all or nothing).
    failure_note: Callable[[str | None], str] | None = None
    refresh: watch.Refresh = watch.refresh_links  # renews a finished job's links
    # A fresh link to the video of a finished job of this kind, by its id (for a lip-sync or translation of it).
    video_link: Callable[[Client, str], str | None] = watch.video_link
    # Looks on HeyGen for what a create whose answer was lost made (bound into ``check`` by ``make``).
    find_lost: reconcile.FindLost = reconcile.find_video
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
    # Its panel and history: whether "Edit & retry" can reopen it in a form, and the page whose form does (the
    # page's file name in pages/); its own views (``CHAT``, ``SUBTITLE_REVIEW``) and the sections of its
    # finished panel (``VIDEO_SECTIONS``).
    editable: bool = True
    editor: str = "studio"
    # Whether a job is followed before HeyGen names its video (a Video Agent session not naming it yet).
    awaiting_video: Callable[[Job], bool] = lambda job: False
    views: tuple[str, ...] = ()
    sections: tuple[str, ...] = VIDEO_SECTIONS
    named_in_panel: bool = False  # its panel's caption names the kind (its label)
    made_here: bool = True  # rendered by the studio (False: a video brought in from HeyGen)
    typical_minutes: tuple[int, int] | None = None  # how long its renders usually take, when that is worth saying
    deletable: bool = True  # its video id is a video the user may delete on HeyGen (DELETE /v3/videos/{id})
    fixable: bool = False  # a finding of its check can be fixed by new audio for a sentence, or a render again


def make(name: str, label: str, send: Callable[..., Job], check: watch.Check, **facts: Any) -> JobKind:
    """A ``JobKind`` whose ``check`` looks for a lost create with the kind's own ``find_lost``."""
    find_lost = facts.get("find_lost", reconcile.find_video)
    return JobKind(name, label, send, partial(check, find_lost=find_lost), **facts)


def _send_video(client: Client, store: JobStore, job: Job, files: Any = (), **kwargs: Any) -> Job:
    return launch.submit(client, store, job, files, **kwargs)


def _send_agent(client: Client, store: JobStore, job: Job, files: Any = (), **kwargs: Any) -> Job:
    return agent_launch.submit(client, store, job, files, **kwargs)


def _send_translation(client: Client, store: JobStore, job: Job, files: Any = (), **kwargs: Any) -> Job:
    return translate.submit(client, store, job, link_of=video_link_of, **kwargs)


KINDS: dict[str, JobKind] = {
    "avatar": make("avatar", "Avatar video", _send_video, watch.check, fixable=True),
    "image": make("image", "Photo video", _send_video, watch.check, fixable=True),
    # A multi-scene video (POST /v3/videos, type studio) is sent and watched like any other video; its
    # length is the storyboard's estimate.
    "scenes": make("scenes", "Multi-scene video", _send_video, watch.check, meant=inspection.meant_scenes,
                   inputs=ScenesInputs,
                   length_input="estimated_seconds", failure_note=scenes.failure_note, editor="scenes"),
    # A Video Agent session names its video only after a while: it is followed through the session.
    "agent": make(agent_launch.KIND, "Video Agent render", _send_agent, agent_launch.check, first_factor=3.0,
                  inputs=AgentInputs,
                  deadline_setting="agent_deadline_minutes", find_lost=reconcile.find_session,
                  expected_seconds=15 * 60.0, typical_minutes=(10, 30),
                  more_to_keep=agent_chat.unkept_videos, keep_more=agent_chat.keep_videos, events=(),
                  meant=inspection.meant_prompt, reply_poll_seconds=5.0, editor="agent", views=(CHAT,),
                  awaiting_video=agent_launch.awaiting_video,
                  named_in_panel=True),
    # A video made elsewhere and brought into the history: already on HeyGen, never sent.
    "imported": make(imports.KIND, imports.ORIGIN, imports.never_send, watch.check, editable=False,
                     inputs=ImportedInputs,
                     meant=lambda job: None, named_in_panel=True, made_here=False),
    # The audio of a finished video replaced (POST /v3/lipsyncs), watched at GET /v3/lipsyncs/{id}.
    "lipsync": make(lipsync.KIND, "Audio replaced", lipsync.submit, lipsync.check, bulk=False, inputs=LipsyncInputs,
                    refresh=lipsync.refresh_links, video_link=lipsync.video_link, editable=False,
                    find_lost=lipsync.find_lost, events=(), meant=inspection.meant_lipsync,
                    id_name=lambda job: "lip-sync id", named_in_panel=True, deletable=False,
                    failure_codes=frozenset({lipsync.FAILED_CODE})),
    # One language of a translated video (POST /v3/video-translations, optionally after a proofread),
    # watched many at a time at GET /v3/video-translations/statuses (a proofread one by one, its
    # subtitles possibly waiting for the user's review).
    "translation": make(translate.KIND, translate.LABEL, _send_translation, translate.check,
                        inputs=TranslationInputs,
                        statuses=translate.BULK_STATUSES, refresh=translate.refresh_links,
                        video_link=translate.video_link, editable=False, events=(),
                        find_lost=translate.find_lost, meant=inspection.meant_translation,
                        id_name=translate.id_name, failure_codes=frozenset({translate.FAILED_CODE}),
                        views=(SUBTITLE_REVIEW,), deletable=False),
    # A HeyGen template rendered with the job's values (POST /v3/templates/{id}): its answer is a video,
    # watched, reconciled (by title) and kept like any other.
    "template": make(templates.KIND, templates.LABEL, templates.submit, watch.check, editor="templates",
                   inputs=TemplateInputs),
}


def of(job_or_kind: Job | str) -> JobKind:
    """The description of a job's kind (a job, or a kind's name); unknown kinds are watched as avatar videos."""
    name = job_or_kind if isinstance(job_or_kind, str) else job_or_kind.kind
    if not isinstance(job_or_kind, str) and agent_chat.follows_session(job_or_kind):
        return _CHAT_SESSION
    return KINDS.get(name, KINDS["avatar"])


def video_link_of(name: str | None) -> Callable[[Client, str], str | None]:
    """How a fresh link to the video of a finished job of the kind ``name`` is fetched (``JobKind.video_link``)."""
    return of(name or "avatar").video_link


# A Video Agent chat session that works or waits for the user: followed through the session, never in bulk.
_CHAT_SESSION = replace(KINDS["agent"], bulk=False, check=agent_chat.check)


def poll_policy(settings: Settings, kind: str = "avatar", *, pushed: bool = False) -> watch.PollPolicy:
    """How renders of ``kind`` are watched, from the settings (agent renders start slower and may take longer);
    ``pushed``: webhooks reach the studio, so renders of a kind they announce are only checked as a safety net."""
    described = of(kind)
    minutes = getattr(settings, described.deadline_setting)
    first = settings.poll_seconds * described.first_factor
    floor = settings.webhook_poll_seconds if pushed and described.events else 0.0
    return watch.PollPolicy(first=first, maximum=max(settings.max_poll_seconds, first), deadline=minutes * 60,
                            floor=floor, reply_maximum=described.reply_poll_seconds,
                            reply_window=described.reply_window_seconds, fixed_expected=described.expected_seconds,
                            length_input=described.length_input)
