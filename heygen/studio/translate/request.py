"""A translation request: its options and checks, and the jobs it records (one video, or several at once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.translations import MODES

from ..jobs import Job, JobStore
from .common import DEFAULT_AT_ONCE, KIND, MAX_AT_ONCE, MAX_MANY, LinkOf, details_of
from .watch import source_link

if TYPE_CHECKING:
    from heygen.api.client import Client


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
