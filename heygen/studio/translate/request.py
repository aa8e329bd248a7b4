"""A translation request: its options and checks, and the jobs it records (one video, or several at once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.translations import MODES

from ..jobs import Job, JobStore
from .common import DEFAULT_AT_ONCE, KIND, MAX_AT_ONCE, MAX_MANY, LinkOf, details_of
from .watch import source_link

if TYPE_CHECKING:
    from heygen.api.client import Client


class Code(StrEnum):
    """What is wrong with a translation request (``ui.copy`` words each)."""

    NO_LANGUAGE = "no_language"
    LANGUAGE_TWICE = "language_twice"
    UNSUPPORTED = "unsupported"  # names: the languages HeyGen does not translate into
    REVIEW_NOT_CHOSEN = "review_not_chosen"  # names: the languages to review that are not chosen
    MODE = "mode"  # neither speed nor precision
    NO_SOURCE = "no_source"  # one video: none chosen
    NO_SOURCES = "no_sources"  # several videos: none chosen
    NOT_FINISHED = "not_finished"  # the source video is not ready
    NO_VIDEO_YET = "no_video_yet"  # the source is a translation whose video is not made yet
    GONE = "gone"  # HeyGen no longer has the source video
    VIDEO_TWICE = "video_twice"
    AT_ONCE = "at_once"  # limit: the most that may translate at once
    TOO_MANY = "too_many"  # videos × languages over the limit of one request


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: its ``code`` and the particulars it concerns."""

    code: Code
    names: tuple[str, ...] = ()  # languages
    source: str | None = None  # the title of the chosen video it concerns ("" when untitled), among several
    videos: int = 0
    languages: int = 0
    limit: int = 0


# A request's problems by field ("source", "languages", "mode", "at_once"); empty when it can be sent.
Problems = dict[str, tuple[Problem, ...]]


class TranslationRequestError(ValueError):
    """The request cannot be sent; ``problems`` names what is wrong, by field."""

    def __init__(self, problems: Problems) -> None:
        super().__init__("; ".join(f"{field}: {', '.join(p.code for p in found)}" for field, found in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class Options:
    """What the user chose for every language of one request."""

    mode: str = "speed"
    captions: bool = True
    stock_voice: bool = False  # False: keep the speaker's own voice
    glossary_id: str | None = None
    glossary_name: str | None = None


def source_problem(source: Job) -> Code | None:
    """Why ``source`` cannot be translated, or None."""
    if source.status != "completed" or not source.video_id:
        return Code.NOT_FINISHED
    if source.kind == KIND and details_of(source).get("phase") != "translate":
        return Code.NO_VIDEO_YET
    return None


def title_for(source_title: str | None, language: str) -> str:
    """The history title of one language's translation."""
    return f"{source_title or 'Untitled video'} — {language}"


def check_request(languages: list[str], supported: list[str] | None, options: Options,
                  review: set[str] | frozenset[str] = frozenset()) -> Problems:
    """Problems with the languages and options (by field); empty when they can be sent."""
    problems: Problems = {}
    if not languages:
        problems["languages"] = (Problem(Code.NO_LANGUAGE),)
    elif len(set(languages)) != len(languages):
        problems["languages"] = (Problem(Code.LANGUAGE_TWICE),)
    elif supported is not None:
        unknown = tuple(name for name in languages if name not in supported)
        if unknown:
            problems["languages"] = (Problem(Code.UNSUPPORTED, names=unknown),)
    stray = set(review) - set(languages)
    if stray and "languages" not in problems:
        problems["languages"] = (Problem(Code.REVIEW_NOT_CHOSEN, names=tuple(sorted(stray))),)
    if options.mode not in MODES:
        problems["mode"] = (Problem(Code.MODE),)
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
        problems["source"] = (Problem(Code.NO_SOURCE),)
    elif source is not None:
        problem = source_problem(source)
        if problem:
            problems["source"] = (Problem(problem),)
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


def source_problems(client: Client, sources: list[Job], link_of: LinkOf | None = None) -> dict[str, Code]:
    """Sources HeyGen cannot give a download link for (deleted, or without a video: ``Code.GONE``), by title (or
    id): one ``GET`` per source, nothing created. Raises the ``HeyGenError`` of a request that failed for
    another reason (network, key), so that nothing is recorded on a guess."""
    problems: dict[str, Code] = {}
    for source in sources:
        details = {"source_video_id": source.video_id, "source_kind": source.kind}
        try:
            source_link(client, details, link_of)
        except errors.NotFoundError:
            problems[source.title or source.id] = Code.GONE
    return problems


def check_many(sources: list[Job], languages: list[str], supported: list[str] | None, options: Options,
               at_once: int = DEFAULT_AT_ONCE, unreachable: dict[str, Code] | None = None) -> Problems:
    """Problems with a request to translate several videos (by field: "source", "languages", "mode",
    "at_once"); empty when it can be recorded. Asks HeyGen nothing (``source_problems`` does)."""
    problems = check_request(languages, supported, options)
    if not sources:
        problems["source"] = (Problem(Code.NO_SOURCES),)
    else:
        named = [Problem(code, source=j.title or "") for j in sources if (code := source_problem(j))]
        named += [Problem(code, source=title) for title, code in (unreachable or {}).items()]
        if len({j.id for j in sources}) != len(sources):
            named.append(Problem(Code.VIDEO_TWICE))
        if named:
            problems["source"] = tuple(named)
    if isinstance(at_once, bool) or not isinstance(at_once, int) or not 1 <= at_once <= MAX_AT_ONCE:
        problems["at_once"] = (Problem(Code.AT_ONCE, limit=MAX_AT_ONCE),)
    if len(sources) * len(languages) > MAX_MANY and "source" not in problems:
        problems["source"] = (Problem(Code.TOO_MANY, videos=len(sources), languages=len(languages), limit=MAX_MANY),)
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
    unreachable: dict[str, Code] | None = None,
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
