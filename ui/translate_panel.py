"""Translating finished videos: the "Translate" section of a video's panel (languages, speed or precision,
captions, voice, brand glossary, subtitles to review first), the Videos page's sections for an uploaded
MP4 and for several videos at once (queued, at most a few translating at a time), the review table of a
proofread, a failed language retried, and translations shown under their source in the history."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from heygen.api import errors
from heygen.studio import kinds, srt, translate
from heygen.studio.errors import NotSendable
from heygen.studio.jobs import Job
from heygen.studio.media import MediaError
from heygen.studio.media.clips import inspect_clip

from . import connection, job_watch, nav, refresh
from .copy import (KIND_ADVICE, fmt_duration, status_words, translation_facts, translation_facts_many,
                   translation_problems)
from .feedback import failure_record, show_error
from .text import md

MODES = {"speed": "Speed (faster)", "precision": "Precision (closer lip movements)"}
VOICES = {"clone": "Keep the speaker's voice", "stock": "Use a stock voice"}
NO_GLOSSARY = "No glossary"
COLUMNS = ["Start", "End", "Original", "Translation"]


def _key(job: Job, name: str) -> str:
    return f"tr_{job.id}_{name}"


# ---------------------------------------------------------------- the request form


def section(conn: connection.Connection, job: Job) -> None:
    """The "Translate" expander of a finished video's panel."""
    if translate.source_problem(job):
        return
    prefix = f"tr_{job.id}"
    with st.expander("Translate", icon=":material/translate:", expanded=bool(st.session_state.get(f"{prefix}_open"))):
        st.caption("Dubs this video into other languages. Each language becomes a video of its own in the history, "
                   "under this one.")
        _form(conn, prefix, job.duration, source=job)


def upload_section(conn: connection.Connection) -> None:
    """The Videos page's "Translate an uploaded video" expander (an MP4 made elsewhere)."""
    prefix = "tr_upload"
    with st.expander("Translate an uploaded video", icon=":material/translate:",
                     expanded=bool(st.session_state.get(f"{prefix}_open"))):
        st.caption("Upload an MP4 to dub it into other languages. Each language becomes a video in the history.")
        uploaded = st.file_uploader("Video (MP4)", type=["mp4"], key=f"{prefix}_file")
        if uploaded is None:
            return
        try:
            info = inspect_clip(uploaded.getvalue(), uploaded.name)
        except MediaError as exc:
            st.error(md(str(exc)), icon=":material/error:")
            return
        st.caption(md(f"{uploaded.name}: {info.format} video, {fmt_duration(info.duration_seconds)}"))
        _form(conn, prefix, info.duration_seconds, upload=(uploaded, info))


def _choices(conn: connection.Connection, prefix: str) -> dict | None:
    """The languages and glossaries of the form ``prefix``, loaded when the user asks (None until then)."""
    choices = st.session_state.get(f"{prefix}_choices")
    if choices is None:
        if st.button("Choose languages", key=f"{prefix}_load", icon=":material/translate:"):
            _load_choices(conn, prefix)
            st.rerun()
        failure = st.session_state.get(f"{prefix}_load_failure")
        if failure:
            show_error(failure, title="The languages could not be loaded")
    return choices


def _options(prefix: str, choices: dict, *, review: bool = True) -> tuple[list[str], set[str], translate.Options]:
    """The language picker and the options every translation form shares: (languages, languages whose
    subtitles are reviewed first, the options). ``review`` False leaves the review picker out."""
    k = lambda name: f"{prefix}_{name}"  # noqa: E731 - a short local helper
    languages = st.multiselect("Languages", choices["languages"], key=k("languages"),
                               placeholder="Type to search, pick several")
    reviewed: list[str] = []
    if review:
        reviewed = st.multiselect("Review the subtitles first", languages, key=k("review"),
                                  help="For these languages you check and correct the subtitles before HeyGen "
                                       "renders the video (a product or client name, for example).")
    left, right = st.columns(2)
    mode = left.radio("Quality", list(MODES), key=k("mode"), format_func=MODES.get)
    voice = right.radio("Voice", list(VOICES), key=k("voice"), format_func=VOICES.get)
    captions = st.checkbox("Captions (SRT subtitles with each video)", value=True, key=k("captions"))
    names = [NO_GLOSSARY, *[g["name"] for g in choices["glossaries"]]]
    glossary = st.selectbox("Brand glossary", names, key=k("glossary"),
                            help="Custom translations of your brand's terms, set up on HeyGen.")
    found = next((g for g in choices["glossaries"] if g["name"] == glossary), None)
    options = translate.Options(mode=mode or "speed", captions=bool(captions), stock_voice=voice == "stock",
                                glossary_id=found["id"] if found else None,
                                glossary_name=found["name"] if found else None)
    return list(languages), set(reviewed), options


def _form(conn: connection.Connection, prefix: str, duration: float | None, *, source: Job | None = None,
          upload=None) -> None:
    """Languages (loaded on request), review, quality, voice, captions, glossary, the cost facts and Translate."""
    k = lambda name: f"{prefix}_{name}"  # noqa: E731 - a short local helper
    choices = _choices(conn, prefix)
    if choices is None:
        return
    languages, review, options = _options(prefix, choices)
    if languages:
        st.info(md(f"To be made: {translation_facts(languages, duration)}."), icon=":material/payments:")
    if st.button("Translate", key=k("go"), type="primary", icon=":material/send:"):
        _launch(conn, prefix, languages, options, review, choices["languages"], source=source, upload=upload)
    _show_problems(prefix, "The translation was not sent")
    sent = st.session_state.get(k("sent"))
    if sent:
        st.success(md(sent), icon=":material/check_circle:")


def _show_problems(prefix: str, failure_title: str) -> None:
    """The form's per-field problems and the last send's failure, if any (the failure is shown once)."""
    for message in (st.session_state.get(f"{prefix}_problems") or {}).values():
        st.error(md(message), icon=":material/error:")
    failure = st.session_state.pop(f"{prefix}_failure", None)
    if failure:
        show_error(failure, title=failure_title)


def _load_choices(conn: connection.Connection, prefix: str) -> None:
    """The user asked to choose languages: fetch the languages and glossaries once for this form."""
    st.session_state[f"{prefix}_open"] = True
    try:
        languages = conn.client.translations.languages()
        glossaries = [{"id": g.brand_glossary_id, "name": g.name} for g in conn.client.brand_glossaries.list()]
    except errors.HeyGenError as exc:
        st.session_state[f"{prefix}_load_failure"] = exc.to_dict()
        return
    st.session_state.pop(f"{prefix}_load_failure", None)
    st.session_state[f"{prefix}_choices"] = {"languages": languages, "glossaries": glossaries}


def _launch(conn: connection.Connection, prefix: str, languages: list[str], options: translate.Options,
            review: set[str], supported: list[str], *, source: Job | None, upload) -> None:
    """Record one job per language, send each once; on a problem say why and keep every choice.

    An uploaded video goes to HeyGen first (an upload costs nothing), and only once per file."""
    k = lambda name: f"{prefix}_{name}"  # noqa: E731
    st.session_state.pop(k("problems"), None)
    st.session_state.pop(k("sent"), None)
    problems = translate.check_request(languages, supported, options, review)
    if problems:
        st.session_state[k("problems")] = translation_problems(problems)
        return
    uploaded_source = None
    if upload is not None:
        file, info = upload
        kept = st.session_state.get(k("asset"))
        if not kept or kept.get("file_id") != file.file_id:
            try:
                with st.spinner(f"Uploading {file.name}…"):
                    asset = conn.client.assets.upload_file(file.getvalue(), filename=info.filename,
                                                           mime_type=info.mime_type)
            except errors.HeyGenError as exc:
                st.session_state[k("failure")] = exc.to_dict()
                return
            kept = {"file_id": file.file_id, "asset_id": asset.asset_id}
            st.session_state[k("asset")] = kept
        uploaded_source = {"asset_id": kept["asset_id"], "name": file.name, "seconds": info.duration_seconds}
    store = connection.job_store()
    try:
        jobs = translate.create_jobs(store, account=conn.account, source=source, upload=uploaded_source,
                                     languages=languages, options=options, supported=supported, review=review)
    except translate.TranslationRequestError as exc:
        st.session_state[k("problems")] = translation_problems(exc.problems)
        return
    sent, unsent = [], []
    with st.spinner("Sending the translation to HeyGen…"):
        for index, new in enumerate(jobs):
            try:
                sent.append(kinds.of(new).send(conn.client, store, new))
            except (errors.HeyGenError, NotSendable) as exc:
                failed = store.get(new.id)
                if index == 0 and failed is not None and failed.status == "submit_failed":
                    for other in jobs:  # surely nothing was sent: nothing is left behind, the choices stay
                        store.delete(other.id)
                    st.session_state[k("failure")] = failure_record(exc)
                    return
                unsent.append(translate.details_of(new)["language"])
    text = f"Sent: {', '.join(translate.details_of(j)['language'] for j in sent)}."
    if unsent:
        text += f" Not sent: {', '.join(unsent)} (open them in the history to send again)."
    where = "under this video" if source is not None else "each under its language"
    st.session_state[k("sent")] = text + f" They are in the history below, {where}."


# ---------------------------------------------------------------- several videos at once

MANY = "tr_many"


def _video_label(job: Job) -> str:
    return f"{job.title or 'Untitled video'} · {fmt_duration(job.duration)} · " \
           f"{datetime.fromtimestamp(job.created_at):%d %b %Y}"


def many_section(conn: connection.Connection) -> None:
    """The Videos page's "Translate several videos" expander: finished videos × languages, queued and sent
    at most a few at a time by the studio's background worker."""
    k = lambda name: f"{MANY}_{name}"  # noqa: E731
    with st.expander("Translate several videos", icon=":material/translate:",
                     expanded=bool(st.session_state.get(k("open")))):
        st.caption("Dub several finished videos into several languages at once. Each video and language becomes a "
                   "translation of its own in the history, under its video. Only a few translate at a time; the "
                   "studio sends the others as those finish, even with this page closed.")
        finished = [j for j in connection.job_store().list(conn.account, statuses=("completed",), limit=500)
                    if not translate.source_problem(j)]
        if not finished:
            st.info("No finished video yet. Once a video is ready, it can be translated here.",
                    icon=":material/info:")
            return
        by_id = {j.id: j for j in finished}
        if k("videos") in st.session_state:  # a video removed from the history meanwhile drops out
            st.session_state[k("videos")] = [i for i in st.session_state[k("videos")] if i in by_id]
        picked = st.multiselect("Finished videos", list(by_id), key=k("videos"), format_func=lambda i: _video_label(by_id[i]),
                                placeholder="Type a title to search, pick several")
        choices = _choices(conn, MANY)
        if choices is None:
            return
        languages, _, options = _options(MANY, choices, review=False)
        at_once = st.number_input("At most translating at once", min_value=1, max_value=translate.MAX_AT_ONCE,
                                  value=translate.DEFAULT_AT_ONCE, step=1, key=k("at_once"),
                                  help="The others wait their turn, like a batch's renders: each is sent as one of "
                                       "these finishes.")
        sources = [by_id[i] for i in picked if i in by_id]
        if sources and languages:
            st.info(md(f"To be made: {translation_facts_many(sources, languages)}. At most {int(at_once)} translating "
                       "at once."), icon=":material/payments:")
        if st.button("Translate these videos", key=k("go"), type="primary", icon=":material/send:"):
            _launch_many(conn, sources, languages, options, choices["languages"], int(at_once or 1))
        _show_problems(MANY, "Nothing was recorded or sent")
        recorded = st.session_state.get(k("sent"))
        if recorded:
            st.success(md(recorded["text"]), icon=":material/check_circle:")


def _launch_many(conn: connection.Connection, sources: list[Job], languages: list[str], options: translate.Options,
                 supported: list[str], at_once: int) -> None:
    """Check the request (HeyGen must still have every video), then record every video × language, queued.

    Nothing is sent here: the background worker sends them, at most ``at_once`` at a time. The same
    request clicked twice is recorded once."""
    k = lambda name: f"{MANY}_{name}"  # noqa: E731
    st.session_state[k("open")] = True
    st.session_state.pop(k("problems"), None)
    signature = [sorted(j.id for j in sources), languages, options.__dict__, at_once]
    recorded = st.session_state.get(k("sent"))
    if recorded and recorded["signature"] == signature:
        return  # already recorded: the message stays
    st.session_state.pop(k("sent"), None)
    problems = translate.check_many(sources, languages, supported, options, at_once)
    if problems:
        st.session_state[k("problems")] = translation_problems(problems)
        return
    try:
        with st.spinner(f"Checking that HeyGen still has the {len(sources)} video{'s' if len(sources) != 1 else ''}…"):
            unreachable = translate.source_problems(conn.client, sources,
                                                    link_of=kinds.video_link_of)
    except errors.HeyGenError as exc:
        st.session_state[k("failure")] = exc.to_dict()
        return
    try:
        jobs = translate.create_many(connection.job_store(), account=conn.account, sources=sources,
                                     languages=languages, options=options, supported=supported, at_once=at_once,
                                     unreachable=unreachable)
    except translate.TranslationRequestError as exc:
        st.session_state[k("problems")] = translation_problems(exc.problems)
        return
    count, videos = len(jobs), len(sources)
    text = (f"Recorded {count} translation{'s' if count != 1 else ''} ({videos} video{'s' if videos != 1 else ''} × "
            f"{len(languages)} language{'s' if len(languages) != 1 else ''}). The studio sends {min(at_once, count)} "
            "now and each of the others as one finishes. They are in the history below, each under its video.")
    st.session_state[k("sent")] = {"signature": signature, "text": text}


# ---------------------------------------------------------------- a translation's own panel


def panel(conn: connection.Connection, job: Job) -> bool:
    """A translation waiting for its subtitles' review, or failed: drawn here (True); else False."""
    if job.kind != translate.KIND:
        return False
    details = translate.details_of(job)
    st.caption(md(f"{details.get('language')} · translated from “{details.get('source_title') or 'a video'}”"))
    if job.status == translate.QUEUED:
        st.fragment(_queued, run_every=job_watch.TICK_SECONDS)(job.id)
        return True
    phase = details.get("phase")
    if phase == "review" or (phase == "generate" and job.status != "submitting"):
        _review(conn, job)
        return True
    if job.status in ("failed", "submit_failed"):
        _failed(conn, job)
        return True
    return False


def _queued(job_id: str) -> None:
    """A translation waiting for a free slot (refreshed from the store; a full rerun once it is sent)."""
    store = connection.job_store()
    job = store.get(job_id)
    if job is None or job.status != translate.QUEUED:
        refresh.whole_page()
        return
    group = translate.group_of(store, job)
    running = sum(1 for j in group if j.status in translate.HOLDS_A_SLOT)
    waiting = sum(1 for j in group if j.status == translate.QUEUED)
    at_once = translate.details_of(job).get("at_once") or translate.DEFAULT_AT_ONCE
    st.info(f"**{status_words(job.status)}.** {running} of this request's translations are on their "
            f"way (at most {at_once} at once) and {waiting} wait, this one included. The studio sends it as soon as "
            "one finishes, even with this page closed. Nothing has been sent or charged for it yet.",
            icon=":material/hourglass_top:")


def _failed(conn: connection.Connection, job: Job) -> None:
    if job.status == "failed":
        text = f"**HeyGen could not translate this language.**  \n{md(job.failure_message or 'HeyGen gave no reason.')}"
        st.error(text, icon=":material/cancel:")
        st.caption(md(KIND_ADVICE[translate.FAILED_CODE]))
    else:
        show_error(job.error_detail or {"message": "The translation was not sent to HeyGen."},
                   title="The translation was not sent")
    if st.button("Retry this language", key=_key(job, "retry"), type="primary", icon=":material/refresh:"):
        store = connection.job_store()
        again = translate.retry(store, job)
        try:
            again = kinds.of(again).send(conn.client, store, again)
        except (errors.HeyGenError, NotSendable) as exc:
            st.session_state[_key(job, "retry_failure")] = failure_record(exc)
        nav.select_job(again.id)
        st.rerun()
    failure = st.session_state.pop(_key(job, "retry_failure"), None)
    if failure:
        show_error(failure, title="The retry was not sent")
    store = connection.job_store()
    not_sent = translate.not_sent_of(store, job) if job.status == "submit_failed" else []
    if len(not_sent) > 1:
        languages = ", ".join(sorted({str(translate.details_of(j).get("language")) for j in not_sent}))
        if st.button(f"Queue all {len(not_sent)} not sent again", key=_key(job, "requeue"), icon=":material/queue:",
                     help=f"{languages}: sent by the studio in turn, within the request's limit of translations "
                          "at once (after you have fixed what stopped them, e.g. added credit)."):
            queued = translate.queue_again(store, not_sent)
            st.session_state[_key(job, "requeued")] = queued
            st.rerun()
    requeued = st.session_state.pop(_key(job, "requeued"), None)
    if requeued:
        st.success(f"{requeued} translation{'s' if requeued != 1 else ''} queued again.", icon=":material/queue:")


def _review(conn: connection.Connection, job: Job) -> None:
    """The proofread's subtitles as an editable table; the corrected file is uploaded and rendered once."""
    k = lambda name: _key(job, name)  # noqa: E731
    details = translate.details_of(job)
    if job.status == "checking":
        st.warning("HeyGen may have received the request to render this language: its answer was lost. The studio "
                   "is looking for the video on your account before anything is sent again.",
                   icon=":material/hourglass_top:")
        return
    if job.status == "unclear":
        st.warning("The render request's answer was lost and no video from it has shown up on your account. "
                   "Starting it again may make (and charge for) a second video.", icon=":material/help:")
    st.info("**Waiting for your review.** Check the translated subtitles, correct any line, then start the render.",
            icon=":material/rate_review:")
    if not details.get("review_srt"):
        if st.button("Open the subtitles", key=k("open_srt"), type="primary", icon=":material/subtitles:"):
            try:
                translate.load_review(conn.client, connection.job_store(), job)
            except srt.SrtError as exc:
                st.session_state[k("srt_failure")] = {"message": "HeyGen's subtitle file could not be read: "
                                                                 + " ".join(exc.problems[:5]),
                                                      "hint": "Try again in a moment; nothing was changed."}
            except errors.HeyGenError as exc:
                st.session_state[k("srt_failure")] = exc.to_dict()
            st.rerun()
        failure = st.session_state.pop(k("srt_failure"), None)
        if failure:
            show_error(failure, title="The subtitles could not be opened")
        return
    rows = details["review_srt"]
    table = pd.DataFrame({"Start": [srt.stamp(r["start"]) for r in rows], "End": [srt.stamp(r["end"]) for r in rows],
                          "Original": [r["original"] for r in rows], "Translation": [r["translation"] for r in rows]})
    edited = st.data_editor(table, key=k("editor"), hide_index=True, num_rows="fixed", width="stretch",
                            disabled=["Original"],
                            column_config={"Start": st.column_config.TextColumn("Start", width="small"),
                                           "End": st.column_config.TextColumn("End", width="small"),
                                           "Translation": st.column_config.TextColumn("Translation", width="large")})
    duration = details.get("duration") or job.duration
    if duration:
        st.caption(f"The video is {_clock(duration)} long; cues may not overlap or run past its end.")
    label = "Start the render again" if job.status == "unclear" else "Upload and render"
    if st.button(label, key=k("render"), type="primary", icon=":material/movie:"):
        _render(conn, job, edited)
    problems = st.session_state.pop(k("render_problems"), None)
    if problems:
        st.error("**The subtitles were not sent.**  \n" + "  \n".join(md(p) for p in problems),
                 icon=":material/error:")
    failure = st.session_state.pop(k("render_failure"), None)
    if failure:
        show_error(failure, title="The render was not started")


def _render(conn: connection.Connection, job: Job, edited: pd.DataFrame) -> None:
    k = lambda name: _key(job, name)  # noqa: E731
    lines, problems = [], []
    for n, row in enumerate(edited.to_dict("records"), start=1):
        try:
            start, end = srt.parse_time(str(row["Start"])), srt.parse_time(str(row["End"]))
        except ValueError as exc:
            problems.append(f"Cue {n}: {exc}")
            continue
        lines.append(translate.Line(start, end, str(row["Original"] or ""), str(row["Translation"] or "")))
    if problems:
        st.session_state[k("render_problems")] = problems
        return
    store = connection.job_store()
    try:
        with st.spinner("Uploading the corrected subtitles and starting the render…"):
            translate.finish_review(conn.client, store, store.get(job.id), lines)
    except srt.SrtError as exc:
        st.session_state[k("render_problems")] = exc.problems
        return
    except (errors.HeyGenError, NotSendable) as exc:
        st.session_state[k("render_failure")] = failure_record(exc)
        return
    job_watch.watch_state(job.id).update(stopped=None, failures=0, error=None, wait=None, check_now=False)
    st.rerun()


# ---------------------------------------------------------------- the history


def grouped(jobs: list[Job]) -> list[Job]:
    """``jobs`` with each translation moved right under its source video (when the source is listed)."""
    by_source: dict[str, list[Job]] = {}
    ids = {j.id for j in jobs}
    for j in jobs:
        source = translate.details_of(j).get("source_job_id") if j.kind == translate.KIND else None
        if source in ids:
            by_source.setdefault(source, []).append(j)
    placed = {j.id for group in by_source.values() for j in group}
    ordered: list[Job] = []

    def add(job: Job) -> None:
        ordered.append(job)
        for child in sorted(by_source.get(job.id, []), key=lambda c: c.created_at):
            add(child)

    for j in jobs:
        if j.id not in placed:
            add(j)
    return ordered


def history_titles(jobs: list[Job]) -> list[str]:
    """The history rows' titles: a translation listed under its source shows its language, indented."""
    ids = {j.id for j in jobs}
    titles = []
    for j in jobs:
        details = translate.details_of(j) if j.kind == translate.KIND else {}
        under_source = details.get("source_job_id") in ids
        titles.append(f"↳ {details.get('language')}" if under_source and details.get("language") else j.title)
    return titles


def _clock(seconds: float) -> str:
    """A video's length as m:ss (whole seconds, rounded down so no cue is invited past the end)."""
    whole = int(max(seconds, 0))
    return f"{whole // 60}:{whole % 60:02d}"
