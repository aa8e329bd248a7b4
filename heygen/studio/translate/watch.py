"""Sending a translation once and watching it: its create, its checks (one or many), a lost answer found, its links."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from heygen.api import errors
from heygen.api.translations import STATUSES_MAX, Translation, TranslationSpec

from .. import reconcile, watch
from ..jobs import Job, JobStore
from .common import (FAILED_CODE, KIND, PROOFREADING, REVIEW, REVIEW_WAIT, STATUS_OF, LinkOf, details_of,
                     update_details)

if TYPE_CHECKING:
    from heygen.api.client import Client


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
        job = update_details(store, store.get(job.id), phase="proofread", proofread_id=ids[0])
        return store.mark_submitted(job.id, ids[0], PROOFREADING)
    ids = reconcile.send_once(store, job, lambda: client.translations.create(spec, idempotency_key=job.idempotency_key))
    job = update_details(store, store.get(job.id), phase="translate")
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
            job = update_details(store, job, phase="review")
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
        job = update_details(store, job, phase="translate", proofread_id=job.video_id)
        return watch.CheckResult(watch.RUNNING, store.mark_submitted(job.id, found.id, "pending"), wait=1.0)
    looks.append(now)
    job = update_details(store, job, looks=looks)
    if reconcile.settled_without_match(looks):
        job = store.set_status(job.id, reconcile.UNCLEAR, detail=reconcile.RESEND_WARNING)
        return watch.CheckResult(watch.RUNNING, job, wait=REVIEW_WAIT)
    return watch.CheckResult(watch.RUNNING, job, wait=reconcile.LOOK_EVERY)
