"""Translating a finished video into other languages: checking the request, recording one job per
language, sending each once, the optional proofread (subtitles reviewed and corrected before the
render), and watching each language until HeyGen has its video.

One request of the user becomes one job of kind "translation" per language, all recorded before
anything is sent and tied together by a ``group`` id and their source job. Each job sends its own
create with one output language (``POST /v3/video-translations``, or ``…/proofreads`` when its
subtitles are reviewed first), through ``reconcile.send_once``: a failed language is retried alone,
and a create whose answer was lost is looked for with ``GET /v3/video-translations`` before anything
is sent again. The job's ``video_id`` holds HeyGen's translation id (the proofread id while the
subtitles are being reviewed).

Several finished videos translated at once (``create_many``) make one job per video and language,
all recorded at once in status "queued" with a cap on how many of them run at a time; the background
worker sends them in turn (``send_queued``), as earlier ones finish, through the same ``submit``.

Phases (``inputs["translation"]["phase"]``): "translate" (a translation HeyGen renders), "proofread"
(HeyGen prepares the subtitles; job status "proofreading"), "review" (the user edits them; status
"review"), "generate" (the corrected subtitles are uploaded and the render is started, once).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.translations import MODES, STATUSES_MAX, Translation, TranslationSpec

from . import reconcile, srt, watch
from .inputs import Patch
from .jobs import Job, JobNotFoundError, JobStore
from .states import WATCHED, JobStatus

if TYPE_CHECKING:
    from heygen.api.client import Client

KIND = "translation"
# How a source video's fresh link is fetched, by the source job's kind (heygen.studio.kinds.video_link_of).
LinkOf = Callable[[str | None], Callable[[Any, str], str | None]]
LABEL = "Translation"
STATUS_OF = {"pending": "pending", "running": "processing", "completed": "completed", "failed": "failed"}
PROOFREADING = JobStatus.PROOFREADING  # HeyGen prepares the subtitles to review (watched by the worker)
REVIEW = JobStatus.REVIEW  # the subtitles wait for the user (not watched)
STATUS_WORDS = {PROOFREADING: "Preparing subtitles to review", REVIEW: "Waiting for your review"}
FAILED_CODE = "translation_failed"
REVIEW_WAIT = 600.0  # a job waiting for the user is looked at rarely, and without asking HeyGen
QUEUED = JobStatus.QUEUED  # recorded, waiting for a free slot among its request's translations
DEFAULT_AT_ONCE = 3  # translations of one request running at once, by default (as a batch's renders)
MAX_AT_ONCE = 10
MAX_MANY = 200  # translations one "several videos" request may make
QUEUE_TROUBLE_WAIT = 5.0  # after a send that surely did not reach HeyGen (network), before the next one
SRT_MIME = "application/x-subrip"


class TranslationRequestError(ValueError):
    """The request cannot be sent; ``problems`` maps a field ("source", "languages", "mode") to a plain sentence."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Options:
    """What the user chose for every language of one request."""

    mode: str = "speed"
    captions: bool = True
    stock_voice: bool = False  # False: keep the speaker's own voice
    glossary_id: str | None = None
    glossary_name: str | None = None


def details_of(job: Job) -> dict[str, Any]:
    """The translation request stored with the job."""
    value = (job.inputs or {}).get(KIND)
    return value if isinstance(value, dict) else {}


def source_problem(source: Job) -> str | None:
    """Why ``source`` cannot be translated, or None."""
    if source.status != "completed" or not source.video_id:
        return "Only a finished video can be translated; wait until it is ready."
    if source.kind == KIND and details_of(source).get("phase") != "translate":
        return "This translation has no video yet."
    return None


def title_for(source_title: str | None, language: str) -> str:
    """The history title of one language's translation."""
    return f"{source_title or 'Untitled video'} — {language}"


def facts(languages: list[str], duration: float | None) -> str:
    """The cost-relevant facts of a request: number of languages × video length."""
    count = len(languages)
    text = f"{count} language{'s' if count != 1 else ''}"
    if duration:
        text += f" × {_length(duration)} of video = {_length(count * duration)} of translated video"
    return text


def _length(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"


def facts_many(sources: list[Job], languages: list[str]) -> str:
    """The cost-relevant facts of translating several videos: videos × languages, and the minutes made."""
    videos, count = len(sources), len(languages)
    text = (f"{videos} video{'s' if videos != 1 else ''} × {count} language{'s' if count != 1 else ''} = "
            f"{videos * count} translation{'s' if videos * count != 1 else ''}")
    known = [float(j.duration) for j in sources if j.duration]
    if known:
        total = round(sum(known))  # whole seconds, so that the two figures agree
        text += f" · {_length(total)} of video → {_length(total * count)} of translated video"
        missing = videos - len(known)
        if missing:
            text += f" (plus {missing} video{'s' if missing != 1 else ''} of unknown length)"
    return text


def check_request(languages: list[str], supported: list[str] | None, options: Options,
                  review: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    """Problems with the languages and options (by field); empty when they can be sent."""
    problems: dict[str, str] = {}
    if not languages:
        problems["languages"] = "Choose at least one language to translate into."
    elif len(set(languages)) != len(languages):
        problems["languages"] = "A language is chosen twice."
    elif supported is not None:
        unknown = [name for name in languages if name not in supported]
        if unknown:
            problems["languages"] = (f"HeyGen does not translate into {', '.join(unknown)}; choose languages from "
                                     "the list.")
    stray = set(review) - set(languages)
    if stray and "languages" not in problems:
        problems["languages"] = f"Subtitles to review are for a language not chosen: {', '.join(sorted(stray))}."
    if options.mode not in MODES:
        problems["mode"] = "Choose speed or precision."
    return problems


def create_jobs(
    store: JobStore,
    *,
    account: str,
    languages: list[str],
    options: Options,
    source: Job | None = None,
    upload: dict[str, Any] | None = None,
    supported: list[str] | None = None,
    review: set[str] | frozenset[str] = frozenset(),
) -> list[Job]:
    """Check the request, then record one job per language (before anything is sent).

    The source is a finished job of the history (``source``) or an uploaded MP4 already on HeyGen
    (``upload``: ``asset_id``, ``name``, ``seconds``). ``review``: languages whose subtitles the
    user reviews before the render. Raises ``TranslationRequestError`` and records nothing on a problem.
    """
    problems = check_request(languages, supported, options, review)
    if source is None and not (upload and upload.get("asset_id")):
        problems["source"] = "Choose the video to translate."
    elif source is not None:
        problem = source_problem(source)
        if problem:
            problems["source"] = problem
    if problems:
        raise TranslationRequestError(problems)
    group = uuid.uuid4().hex
    if source is not None:
        base = {"source_job_id": source.id, "source_video_id": source.video_id, "source_kind": source.kind,
                "source_title": source.title, "source_asset_id": None, "duration": source.duration}
        spec = {"aspect_ratio": (source.inputs.spec or {}).get("aspect_ratio")}
    else:
        base = {"source_job_id": None, "source_video_id": None, "source_kind": "upload",
                "source_title": upload.get("name"), "source_asset_id": upload["asset_id"],
                "duration": upload.get("seconds")}
        spec = {}
    jobs = []
    for language in languages:
        details = {**base, "group": group, "language": language, "mode": options.mode,
                   "captions": bool(options.captions), "stock_voice": bool(options.stock_voice),
                   "glossary_id": options.glossary_id, "glossary_name": options.glossary_name,
                   "proofread": language in review, "phase": None, "proofread_id": None}
        jobs.append(store.create(account=account, kind=KIND, title=title_for(base["source_title"], language),
                                 inputs={KIND: details, "spec": spec}))
    return jobs


def source_problems(client: Client, sources: list[Job], link_of: LinkOf | None = None) -> dict[str, str]:
    """Sources HeyGen cannot give a download link for (deleted, or without a video), by title: one
    ``GET`` per source, nothing created. Raises the ``HeyGenError`` of a request that failed for
    another reason (network, key), so that nothing is recorded on a guess."""
    problems: dict[str, str] = {}
    for source in sources:
        details = {"source_video_id": source.video_id, "source_kind": source.kind}
        try:
            source_link(client, details, link_of)
        except errors.NotFoundError:
            problems[source.title or source.id] = ("HeyGen no longer has this video, so it cannot be translated. "
                                                   "Unselect it.")
    return problems


def check_many(sources: list[Job], languages: list[str], supported: list[str] | None, options: Options,
               at_once: int = DEFAULT_AT_ONCE, unreachable: dict[str, str] | None = None) -> dict[str, str]:
    """Problems with a request to translate several videos (by field: "source", "languages", "mode",
    "at_once"); empty when it can be recorded. Asks HeyGen nothing (``source_problems`` does)."""
    problems = check_request(languages, supported, options)
    if not sources:
        problems["source"] = "Choose at least one finished video to translate."
    else:
        named = [f"“{j.title or 'Untitled video'}”: {source_problem(j)}" for j in sources if source_problem(j)]
        named += [f"“{title}”: {message}" for title, message in (unreachable or {}).items()]
        if len({j.id for j in sources}) != len(sources):
            named.append("A video is chosen twice.")
        if named:
            problems["source"] = " ".join(named)
    if isinstance(at_once, bool) or not isinstance(at_once, int) or not 1 <= at_once <= MAX_AT_ONCE:
        problems["at_once"] = f"Choose how many translate at once: 1 to {MAX_AT_ONCE}."
    if len(sources) * len(languages) > MAX_MANY and "source" not in problems:
        problems["source"] = (f"{len(sources)} videos × {len(languages)} languages is {len(sources) * len(languages)} "
                              f"translations; one request makes at most {MAX_MANY}. Choose fewer videos or languages.")
    return problems


def create_many(
    store: JobStore,
    *,
    account: str,
    sources: list[Job],
    languages: list[str],
    options: Options,
    supported: list[str] | None = None,
    at_once: int = DEFAULT_AT_ONCE,
    unreachable: dict[str, str] | None = None,
) -> list[Job]:
    """Check the request, then record one job per video and language, all "queued" (nothing is sent here).

    At most ``at_once`` of them run at a time: the background worker sends the others as earlier ones
    finish (``send_queued``). ``unreachable`` are the sources HeyGen cannot give (``source_problems``).
    Raises ``TranslationRequestError`` and records nothing on a problem.
    """
    problems = check_many(sources, languages, supported, options, at_once, unreachable)
    if problems:
        raise TranslationRequestError(problems)
    group = uuid.uuid4().hex
    jobs = []
    for source in sources:
        base = {"source_job_id": source.id, "source_video_id": source.video_id, "source_kind": source.kind,
                "source_title": source.title, "source_asset_id": None, "duration": source.duration}
        spec = {"aspect_ratio": (source.inputs.spec or {}).get("aspect_ratio")}
        for language in languages:
            details = {**base, "group": group, "at_once": at_once, "language": language, "mode": options.mode,
                       "captions": bool(options.captions), "stock_voice": bool(options.stock_voice),
                       "glossary_id": options.glossary_id, "glossary_name": options.glossary_name,
                       "proofread": False, "phase": None, "proofread_id": None}
            jobs.append(store.create(account=account, kind=KIND, title=title_for(source.title, language),
                                     inputs={KIND: details, "spec": spec}, queued=True))
    return jobs


@dataclass(frozen=True)
class QueueReport:
    """What one pass over the queued translations did: sent, not sent (each with its reason in its job),
    HeyGen requests made, and when the next send may be tried (None: at the next pass)."""

    sent: int = 0
    not_sent: int = 0
    requests: int = 0
    retry_at: float | None = None


# Refusals that every later send of the same request would meet too: its other queued languages are not sent.
_STOPS_THE_REQUEST = (errors.InsufficientCreditError, errors.AuthenticationError, errors.PermissionDeniedError)
# Statuses in which a translation holds one of its request's slots (on its way at HeyGen).
HOLDS_A_SLOT = tuple(status for status in WATCHED if status != JobStatus.QUEUED)
# Passing trouble on a send that surely did not reach HeyGen: the translation waits for the next pass.
_PASSING = (errors.RateLimitError, errors.NetworkError, errors.ServerError)


def send_queued(client: Client, store: JobStore, account: str, *, now: float | None = None,
                link_of: LinkOf | None = None) -> QueueReport:
    """Send the account's queued translations, oldest first, while their request has a free slot.

    A request holds a slot for each of its translations on its way at HeyGen (sending, being
    looked for after a lost answer, queued or rendering there). Each send is ``submit`` (once, never
    twice: the store's ``start_sending`` claim, then ``reconcile``). A send that surely did not reach
    HeyGen for a passing reason (429, a network failure before sending) is queued again and the pass
    ends; a refusal every later send would meet too (credit, key) marks the request's other queued
    translations not sent with the same reason; any other refusal marks that one translation not sent.
    Meant to run under the worker's per-account lease, so that two passes never fill the same slots.
    """
    now = time.time() if now is None else now
    waiting = sorted((j for j in store.list(account, statuses=(QUEUED,)) if j.kind == KIND),
                     key=lambda j: (j.created_at, j.id))
    if not waiting:
        return QueueReport()
    busy: dict[str, int] = {}
    for job in store.list(account, statuses=HOLDS_A_SLOT, limit=1000):
        if job.kind == KIND:
            group = details_of(job).get("group")
            busy[group] = busy.get(group, 0) + 1
    sent = not_sent = requests = 0
    stopped: dict[str, dict] = {}  # requests refused for good in this pass, with the reason
    links: dict[tuple, str] = {}  # source links fetched in this pass: each video's once
    for job in waiting:
        details = details_of(job)
        group = details.get("group")
        if group in stopped:
            store.mark_submit_failed(job.id, stopped[group])
            not_sent += 1
            continue
        if busy.get(group, 0) >= _at_once(details):
            continue
        asks_link = not details.get("source_asset_id") and source_key(details) not in links
        try:
            submit(client, store, job, links=links, link_of=link_of)
        except JobNotFoundError:
            continue  # removed from the history meanwhile
        except errors.HeyGenError as exc:
            # the link's request, then the create's unless fetching the link failed
            requests += asks_link + (not asks_link or source_key(details) in links)
            now_job = store.get(job.id)
            status = now_job.status if now_job is not None else None
            if status in (JobStatus.SUBMITTING, JobStatus.CHECKING):  # another sender has it, or HeyGen may have
                busy[group] = busy.get(group, 0) + 1
                if status == JobStatus.CHECKING:
                    return QueueReport(sent, not_sent, requests, now + QUEUE_TROUBLE_WAIT)
                continue
            if isinstance(exc, _PASSING):  # not sent (a lost create would be "checking" above)
                store.set_status(job.id, QUEUED, detail=f"Not sent yet: {exc.message} The studio tries again shortly.")
                wait = exc.retry_after if isinstance(exc, errors.RateLimitError) and exc.retry_after else \
                    QUEUE_TROUBLE_WAIT
                return QueueReport(sent, not_sent, requests, now + wait)
            not_sent += 1
            if isinstance(exc, _STOPS_THE_REQUEST):
                stopped[group] = exc.to_dict()
            continue
        requests += 1 + asks_link
        sent += 1
        busy[group] = busy.get(group, 0) + 1
    return QueueReport(sent, not_sent, requests)


def _at_once(details: dict[str, Any]) -> int:
    value = details.get("at_once")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else DEFAULT_AT_ONCE


def retry(store: JobStore, job: Job) -> Job:
    """A new job for the same language and options as ``job`` (a failed language tried again)."""
    details = {**details_of(job), "phase": None, "proofread_id": None}
    for key in ("review_srt", "generate_sent_at", "looks", "srt_uploaded"):
        details.pop(key, None)
    return store.create(account=job.account, kind=KIND, title=job.title,
                        inputs={KIND: details, "spec": job.inputs.spec or {}})


def not_sent_of(store: JobStore, job: Job) -> list[Job]:
    """The translations of ``job``'s request that never reached HeyGen (refused before sending)."""
    return [j for j in group_of(store, job) if j.status == JobStatus.SUBMIT_FAILED]


def queue_again(store: JobStore, jobs: list[Job]) -> int:
    """Put translations that were never sent back in their request's queue: the worker sends them within
    the request's cap, with their own request keys. Returns how many were queued."""
    queued = 0
    for job in jobs:
        current = store.get(job.id)
        if current is not None and current.status == JobStatus.SUBMIT_FAILED and not current.video_id:
            store.set_status(job.id, QUEUED, detail="Queued again by the user.")
            queued += 1
    return queued


def group_of(store: JobStore, job: Job) -> list[Job]:
    """Every job of the request ``job`` belongs to, oldest first."""
    group = details_of(job).get("group")
    jobs = [j for j in store.list(job.account, search=None, limit=500) if j.kind == KIND
            and details_of(j).get("group") == group]
    return sorted(jobs, key=lambda j: j.created_at)


def _update(store: JobStore, job: Job, **changes: Any) -> Job:
    """Set ``changes`` in the job's translation details as stored (the other details are kept)."""
    return store.update_inputs(job.id, **{KIND: Patch(**changes)})


def video_link(client: Client, translation_id: str) -> str | None:
    """A freshly signed link to a finished translation's video (``GET /v3/video-translations/{id}``)."""
    return client.translations.get(translation_id).video_url


def source_link(client: Client, details: dict[str, Any], link_of: LinkOf | None = None) -> str:
    """A freshly signed link to the source video, fetched as its kind says (``link_of(kind)``,
    ``heygen.studio.kinds.video_link_of``; without it: a translation's own way, else a video's)."""
    source_id, kind = details.get("source_video_id"), details.get("source_kind")
    fetch = link_of(kind) if link_of is not None else video_link if kind == KIND else watch.video_link
    url = fetch(client, source_id)
    if not url:
        raise errors.NotFoundError("HeyGen gave no download link for the source video, so it cannot be translated.",
                                   hint="Open the source video and check that it is still ready.")
    return url


def source_key(details: dict[str, Any]) -> tuple:
    """What names a translation's source on HeyGen: its kind and id."""
    return details.get("source_kind"), details.get("source_video_id")


def spec_of(job: Job, video_url: str | None) -> TranslationSpec:
    """The one-language create request of ``job``."""
    d = details_of(job)
    return TranslationSpec(output_languages=[d["language"]], video_url=video_url,
                           video_asset_id=d.get("source_asset_id"), title=job.title, mode=d.get("mode") or "speed",
                           captions=bool(d.get("captions")), stock_voice=bool(d.get("stock_voice")),
                           brand_glossary_id=d.get("glossary_id"))


def submit(client: Client, store: JobStore, job: Job, *, links: dict[tuple, str] | None = None,
           link_of: LinkOf | None = None, **_: Any) -> Job:
    """Send the job's create once: a translation, or a proofread when its subtitles are reviewed first.

    A failure before the create marks the job not sent; a create whose answer was lost makes it
    "checking" (``heygen.studio.reconcile``). The error is raised again in both cases. A job HeyGen
    has already accepted is returned unchanged. ``links`` keeps the source links fetched by earlier
    sends of one pass (by ``source_key``), so the languages of one video fetch its link once; ``link_of`` says
    how a source of each kind is fetched (see ``source_link``).
    """
    if job.video_id is not None:
        return job
    reconcile.require_sendable(job)
    details = details_of(job)
    try:
        if details.get("source_asset_id"):
            url = None
        elif links is not None and source_key(details) in links:
            url = links[source_key(details)]
        else:
            url = source_link(client, details, link_of)
            if links is not None:
                links[source_key(details)] = url
    except errors.HeyGenError as exc:
        store.mark_submit_failed(job.id, exc.to_dict())
        raise
    spec = spec_of(job, url)
    if details.get("proofread"):
        ids = reconcile.send_once(store, job, lambda: client.translations.create_proofread(
            spec, idempotency_key=job.idempotency_key))
        job = _update(store, store.get(job.id), phase="proofread", proofread_id=ids[0])
        return store.mark_submitted(job.id, ids[0], PROOFREADING)
    ids = reconcile.send_once(store, job, lambda: client.translations.create(spec, idempotency_key=job.idempotency_key))
    job = _update(store, store.get(job.id), phase="translate")
    return store.mark_submitted(job.id, ids[0], "pending")


def record(store: JobStore, job_id: str, found: Translation) -> Job:
    """Save what HeyGen said about a translation in the job."""
    status = STATUS_OF.get(found.status, "processing")
    return store.record_poll(
        job_id, status=status, video_url=found.video_url, subtitle_url=found.srt_caption_url, duration=found.duration,
        failure_code=FAILED_CODE if status == "failed" else None,
        failure_message=(found.failure_message or "HeyGen gave no reason.") if status == "failed" else None,
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
    """One look at a translation job in whatever phase it is, recorded in the job.

    Before HeyGen has named it (a lost create being looked for), this is ``watch.check``. A job
    waiting for the user's review asks HeyGen nothing.
    """
    now = time.time() if now is None else now
    if job.video_id is None:
        return watch.check(client, store, job, policy, consecutive_failures=consecutive_failures,
                           deadline_from=deadline_from, now=now, find_lost=find_lost or _find_own)
    known = watch.outcome_of(job, now)
    if known is not None:
        return watch.CheckResult(known, job, requested=False)
    phase = details_of(job).get("phase")
    if phase == "review" or job.status == REVIEW:
        return watch.CheckResult(watch.RUNNING, job, wait=REVIEW_WAIT, requested=False)
    if phase == "generate":
        return _look_for_render(client, store, job, now)
    if now - (deadline_from or job.submitted_at or job.created_at) > policy.deadline:
        return watch.CheckResult(watch.OVERDUE, job, requested=False)
    try:
        if phase == "proofread":
            found = client.translations.proofread(job.video_id)
        else:
            job = record(store, job.id, client.translations.get(job.video_id))
    except errors.HeyGenError as exc:
        return watch.watch_error(store, job, exc, policy, consecutive_failures=consecutive_failures)
    if phase == "proofread":
        if found.status == "completed":
            job = _update(store, job, phase="review")
            job = store.record_poll(job.id, status=REVIEW)
            return watch.CheckResult(watch.RUNNING, job, wait=REVIEW_WAIT)
        if found.status == "failed":
            job = store.record_poll(job.id, status="failed", failure_code=FAILED_CODE,
                                    failure_message=found.failure_message or "HeyGen could not prepare the subtitles.")
            return watch.CheckResult(watch.FAILED, job)
        job = store.record_poll(job.id, status=PROOFREADING)
        return watch.CheckResult(watch.RUNNING, job, wait=policy.interval(job.polls))
    known = watch.outcome_of(job)
    if known is not None:
        return watch.CheckResult(known, job)
    return watch.CheckResult(watch.RUNNING, job, wait=policy.wait_after_poll(job, now))


def _bulk_detail(client: Client, store: JobStore, job: Job, policy: watch.PollPolicy, now: float,
                 failures: int) -> watch.CheckResult:
    """One ``GET /v3/video-translations/{id}`` for a translation the bulk statuses found finished: its links
    (the bulk answer has none) or its failure, recorded."""
    try:
        job = record(store, job.id, client.translations.get(job.video_id))
    except errors.HeyGenError as exc:
        return watch.watch_error(store, job, exc, policy, consecutive_failures=failures)
    known = watch.outcome_of(job)
    if known is not None:
        return watch.CheckResult(known, job)
    return watch.CheckResult(watch.RUNNING, job, wait=policy.wait_after_poll(job, now))


def _asked_in_bulk(job: Job) -> bool:
    """Whether the job's ``video_id`` is a translation id (not a proofread's, nor one awaiting the user)."""
    return details_of(job).get("phase") == "translate" and job.status != REVIEW


def id_name(job: Job) -> str:
    """What the job's ``video_id`` is: a proofread's id until the translation is generated from it."""
    details = details_of(job)
    if details.get("proofread") and (details.get("phase") in ("proofread", "review", "generate")
                                     or job.status == REVIEW):
        return "proofread id"
    return "video id"


# Translations are watched many at a time: one GET /v3/video-translations/statuses for up to 100.
BULK_STATUSES = watch.BulkStatuses("GET /v3/video-translations/statuses", STATUSES_MAX,
                                   lambda client, ids: client.translations.statuses(ids), _bulk_detail,
                                   _asked_in_bulk)


def refresh_links(client: Client, store: JobStore, job: Job) -> Job:
    """Fetch the translation again for fresh (re-signed) links and save them."""
    return record(store, job.id, client.translations.get(job.video_id))


def find_lost(client: Client, store: JobStore, job: Job, since: float) -> dict[str, Any] | None:
    """The translation a lost create of ``job`` made: same title and language, created since ``since``,
    owned by no other job. A lost proofread cannot be found (HeyGen has no list of proofreads): None."""
    details = details_of(job)
    if details.get("proofread") and details.get("phase") != "generate":
        return None
    found = _listed(client, store, job, since)
    return {"video_id": found.id, "status": STATUS_OF.get(found.status, "processing")} if found else None


_find_own = find_lost  # check's way of looking for a lost create, unless told another


def _listed(client: Client, store: JobStore, job: Job, since: float) -> Translation | None:
    language = details_of(job).get("language")
    listed = [t for t in client.translations.list(limit=reconcile.LIST_LIMIT)
              if t.title == job.title and t.output_language in (None, language)]
    return reconcile.closest_unowned(store, job, listed, since)


# ---------------------------------------------------------------- the proofread


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
    _update(store, job, review_srt=[line.__dict__ for line in lines])
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
    "checking", and the account's translations are looked through before it may be started again.
    """
    duration = details_of(job).get("duration") or job.duration
    cues = check_lines(lines, duration)
    claimed = store.start_sending(job.id, _may_generate)
    if claimed is None:
        raise errors.ConflictError("This language's render has already been started.",
                                   hint="Watch it on the Videos page.")
    job = _update(store, claimed, review_srt=[line.__dict__ for line in lines])
    proofread_id = job.video_id
    details = details_of(job)
    try:
        if not details.get("srt_uploaded"):
            data = srt.serialise(cues).encode("utf-8")
            asset = client.assets.upload(data, filename=f"proofread-{proofread_id}.srt", mime_type=SRT_MIME)
            client.translations.upload_proofread_srt(proofread_id, asset.asset_id)
            job = _update(store, job, srt_uploaded=True)
    except errors.HeyGenError as exc:
        store.set_status(job.id, REVIEW, detail="The corrected subtitles did not reach HeyGen.")
        raise
    job = _update(store, job, phase="generate", generate_sent_at=time.time(), looks=[])
    try:
        translation_id = client.translations.generate(proofread_id, captions=bool(details.get("captions")),
                                                      idempotency_key=f"{job.idempotency_key}-render")
    except errors.HeyGenError as exc:
        if errors.unclear(exc):
            store.set_status(job.id, reconcile.CHECKING, detail=f"{reconcile.MAY_HAVE}. {exc.message}")
        else:
            job = _update(store, job, phase="review")
            store.set_status(job.id, REVIEW, detail=exc.message)
        raise
    job = _update(store, job, phase="translate", proofread_id=proofread_id)
    return store.mark_submitted(job.id, translation_id, "pending")


def _look_for_render(client: Client, store: JobStore, job: Job, now: float) -> watch.CheckResult:
    """A render request whose answer was lost: look for its translation on the account (never resend)."""
    details = details_of(job)
    if job.status == "submitting" and now - job.updated_at > watch.SUBMIT_GRACE_SECONDS:
        # The render request was cut off mid-send (the app closed): HeyGen may have it; look before anything.
        job = store.set_status(job.id, reconcile.CHECKING, detail=f"{reconcile.MAY_HAVE}. The request was cut off.")
    if job.status != reconcile.CHECKING:
        return watch.CheckResult(watch.RUNNING, job, wait=REVIEW_WAIT, requested=False)
    looks = [float(t) for t in details.get("looks") or []]
    due = looks[-1] + reconcile.LOOK_EVERY if looks else 0.0
    if now < due:
        return watch.CheckResult(watch.RUNNING, job, wait=due - now, requested=False)
    since = float(details.get("generate_sent_at") or job.created_at) - reconcile.CLOCK_MARGIN
    try:
        found = _listed(client, store, job, since)
    except errors.HeyGenError as exc:
        return watch.CheckResult(watch.RUNNING, job, wait=reconcile.LOOK_EVERY, error=exc)
    if found is not None:
        job = _update(store, job, phase="translate", proofread_id=job.video_id)
        return watch.CheckResult(watch.RUNNING, store.mark_submitted(job.id, found.id, "pending"), wait=1.0)
    looks.append(now)
    job = _update(store, job, looks=looks)
    if reconcile.settled_without_match(looks):
        job = store.set_status(job.id, reconcile.UNCLEAR, detail=reconcile.RESEND_WARNING)
        return watch.CheckResult(watch.RUNNING, job, wait=REVIEW_WAIT)
    return watch.CheckResult(watch.RUNNING, job, wait=reconcile.LOOK_EVERY)
