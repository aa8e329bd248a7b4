"""The status panel of one render: refreshes itself while HeyGen works, and always stops with a reason.

The live part is a fragment with ``run_every`` that only reads the job store: the background
worker asks HeyGen and records the answers, and the panel shows what it last saw and how long ago.
A refresh never calls HeyGen; only the user's buttons do ("Check now", "Keep waiting", "Retry",
"Send again", "Refresh links"). When the job reaches a stopped outcome the page reruns in full; from
then on the fragment is no longer called, so the browser's timer is disarmed.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

import streamlit as st

from heygen.studio import kinds, reconcile, watch
from heygen.api import errors
from heygen.studio.errors import NotSendable
from heygen.studio.jobs import Job

from . import agent_session, checks, connection, kept_media, nav, refresh, replace_audio, reviews_panel, translate_panel
from .copy import NEXT_STEP, failure_advice, fmt_duration, job_status_words, made_how, status_words, typical_wait
from .feedback import failure_record, show_error
from .job_watch import TICK_SECONDS, check_now, stopped_outcome, watch_state
from .text import md

__all__ = ["TICK_SECONDS", "check_now", "fmt_duration", "job_status_words", "panel", "status_words",
           "stopped_outcome", "watch_state"]

# A kind's own views, each drawing the job and saying True when it applies (``JobKind.views``).
VIEWS = {kinds.CHAT: agent_session.panel, kinds.SUBTITLE_REVIEW: translate_panel.panel}
# The sections of a finished video's panel (``JobKind.sections``), in the kind's order.
SECTIONS = {
    kinds.REVIEWS: lambda conn, job: reviews_panel.job_section(job),
    kinds.REPLACE_AUDIO: replace_audio.section,
    kinds.TRANSLATE: translate_panel.section,
}


def panel(conn: connection.Connection, job_id: str) -> None:
    """Everything about one job: live status while it runs, then the result or the reason it stopped."""
    store = connection.job_store()
    job = store.get(job_id)
    if job is None or job.account != conn.account:
        st.warning("This video is not in the history of the current account.")
        return
    st.subheader(md(job.title or "Untitled video"))
    caption = [f"Started {datetime.fromtimestamp(job.created_at):%d %b %Y, %H:%M}"]
    if job.made_by:
        caption[0] += f" by {md(job.made_by)}"
    kind = kinds.of(job)
    if job.video_id:
        caption.append(f"HeyGen {kind.id_name(job)} {md(job.video_id)}")
    if kind.named_in_panel:
        caption.append(md(kind.label))
    st.caption(" · ".join(caption))
    for view in kind.views:  # a chat session, a translation waiting for its subtitles' review, …
        if VIEWS[view](conn, job):
            _remove_controls(conn, job)
            return
    outcome = stopped_outcome(job)
    if outcome is None:
        policy = connection.poll_policy(job.kind)
        live = st.fragment(_live, run_every=min(TICK_SECONDS, policy.first))
        live(conn, job_id)
    else:
        _stopped(conn, job, outcome)
    _remove_controls(conn, job)


def _live(conn: connection.Connection, job_id: str) -> None:
    """One refresh: what the store says about the job (no HeyGen request); a full rerun once it stopped."""
    job = connection.job_store().get(job_id)
    if job is None or stopped_outcome(job) is not None:
        refresh.whole_page()
        return
    _live_view(conn, job)


def _live_view(conn: connection.Connection, job: Job) -> None:
    steps = ["submitting", "waiting", "pending", "processing", "completed"]
    position = steps.index(job.status) if job.status in steps else 0 if job.status == reconcile.CHECKING else 3
    st.progress(position / (len(steps) - 1), text=f"**{md(status_words(job.status))}** · {fmt_duration(job.elapsed)} elapsed")
    note = NEXT_STEP.get(job.status, "HeyGen is working on the video; this panel updates on its own.")
    if typical_wait(kinds.of(job)):
        note += f" {typical_wait(kinds.of(job))}"
    if job.last_polled_at is not None:
        note += f" Checked {fmt_duration(max(0.0, time.time() - job.last_polled_at))} ago."
    note += " The studio keeps checking even when this page is closed."
    st.caption(note)
    # The last check failed (the user's or the worker's; a successful one clears the stored error).
    err = job.error_detail if job.video_id is not None else None
    if err:
        if err.get("kind") == "RateLimitError":
            st.info(f"HeyGen asked the studio to slow down; checking again in {err.get('retry_after') or 'a few'} s.")
        else:
            st.warning(f"{md(err.get('message'))} The studio will try again.", icon=":material/sync_problem:")
    st.button("Check now", key=f"check_now_{job.id}", on_click=_check_clicked, args=(conn, job.id))


def _check_clicked(conn: connection.Connection, job_id: str) -> None:
    job = connection.job_store().get(job_id)
    if job is not None:
        check_now(conn, job)


def _resume(conn: connection.Connection, job_id: str, *, restart_deadline: bool = False) -> None:
    """The user asks to watch a stopped job again: a check at once, then the worker's as usual."""
    state = watch_state(job_id)
    state.update(stopped=None, failures=0, error=None)
    store = connection.job_store()
    job = store.get(job_id)
    if job is None:
        return
    if restart_deadline:  # the background worker restarts its deadline too
        state["deadline_from"] = time.time()
        job = store.update_inputs(job_id, deadline_from=state["deadline_from"])
    check_now(conn, job)


def _stopped(conn: connection.Connection, job: Job, outcome: str) -> None:
    state = watch_state(job.id)
    if outcome == watch.COMPLETED:
        _completed(conn, job)
    elif outcome == watch.FAILED:
        hint = failure_advice(job)
        text = "**HeyGen could not render this video.**"
        if job.failure_message:
            text += f"  \n{md(job.failure_message)}"
        if hint:
            text += f"  \n{md(hint)}"
        if kinds.of(job).failure_note is not None:
            text += f"  \n{md(kinds.of(job).failure_note(job.failure_message))}"
        st.error(text, icon=":material/cancel:")
        with st.expander("Details"):
            st.markdown(f"**HeyGen code:** {md(job.failure_code or 'none given')}")
            if job.failure_message:
                st.markdown(f"**HeyGen message:** {md(job.failure_message)}")
        _edit_and_retry(job)
    elif outcome == watch.NOT_FOUND:
        st.error("**HeyGen no longer has this video.** It may have been deleted on HeyGen, or it was made with "
                 "another account.", icon=":material/search_off:")
        _edit_and_retry(job)
    elif outcome == watch.REJECTED:
        show_error(job.error_detail or state["error"] or {"message": "HeyGen did not accept the API key."},
                   title="Watching stopped")
        nav.link(nav.SETTINGS, label="Open Settings to fix the key", icon=":material/key:")
    elif outcome == watch.OVERDUE:
        st.warning(f"**This render is taking longer than usual** ({fmt_duration(job.elapsed)} so far). HeyGen may "
                   "still finish it; the studio has stopped checking for now.", icon=":material/hourglass_top:")
        st.button("Keep waiting", key=f"keep_waiting_{job.id}", type="primary",
                  on_click=_resume, args=(conn, job.id), kwargs={"restart_deadline": True})
    elif outcome == watch.CONNECTION_LOST:
        show_error(state["error"] or {"message": "The studio could not reach HeyGen."},
                   title="Connection to HeyGen lost")
        st.caption("The render goes on at HeyGen; the studio stopped asking after several failed attempts.")
        st.button("Retry", key=f"retry_watch_{job.id}", type="primary", on_click=_resume, args=(conn, job.id))
    elif outcome == watch.UNCLEAR:
        show_error(job.error_detail or {"message": f"{reconcile.MAY_HAVE}. {reconcile.RESEND_WARNING}"},
                   title="Waiting for your decision")
        st.caption("The studio looked for this video on your HeyGen account twice, at least "
                   f"{reconcile.SPAN_NEEDED:.0f} s apart, and found nothing. Nothing was sent again on its own.")
        left, right = st.columns(2)
        with left:
            st.button("Send again", key=f"send_again_{job.id}", type="primary", icon=":material/send:",
                      on_click=_send_again, args=(conn, job.id),
                      help="Sends the same request (same request key). HeyGen may already have the first one.")
        with right:
            _edit_and_retry(job)
        resend_error = st.session_state.pop(f"resend_error_{job.id}", None)
        if resend_error:
            show_error(resend_error, title="Sending again did not work")
    elif outcome == watch.NOT_SUBMITTED:
        interrupted = {"message": "The launch was cut off before HeyGen confirmed it (the studio was closed or "
                                  "reloaded while sending).",
                       "hint": "Look for it on HeyGen before sending it again, or use Edit & retry."}
        show_error(job.error_detail or interrupted, title="The video was not sent to HeyGen")
        _edit_and_retry(job)


def _send_again(conn: connection.Connection, job_id: str) -> None:
    """The user chose to send a job whose first create may or may not have reached HeyGen."""
    store = connection.job_store()
    job = store.get(job_id)
    if job is None:
        return
    try:
        kinds.of(job).send(conn.client, store, job)
    except (errors.HeyGenError, NotSendable, ValueError) as exc:
        st.session_state[f"resend_error_{job_id}"] = failure_record(exc)
    watch_state(job_id).update(stopped=None, failures=0, error=None)  # the worker watches it from here


_PLAYER = "player_source_{}"
REMOTE_KEPT_SECONDS = 86_400  # a session that started on HeyGen's link keeps it this long (links last days)


def _plays_kept_file(job: Job, local: dict) -> bool:
    """Whether the player plays the file kept on this computer rather than HeyGen's link. A session whose player
    started on HeyGen's link keeps it (the kept file arriving while the video plays would reload the player) for
    a day after the render finished, while the link surely works."""
    key = _PLAYER.format(job.id)
    fresh = time.time() - (job.completed_at or job.updated_at) < REMOTE_KEPT_SECONDS
    if "video" not in local or (job.video_url and fresh and st.session_state.get(key) == "remote"):
        st.session_state[key] = "remote"
        return False
    st.session_state[key] = "local"
    return True


def _completed(conn: connection.Connection, job: Job) -> None:
    how = made_how(kinds.of(job), job.elapsed)
    st.success(f"**Ready** · {fmt_duration(job.duration)} long · {how}", icon=":material/check_circle:")
    local = kept_media.files(job)
    spec = job.inputs.get("spec") or {}
    shape = spec.get("aspect_ratio") or {"portrait": "9:16", "landscape": "16:9"}.get(spec.get("orientation"))
    width = {"9:16": 360, "16:9": 720}.get(shape, 480)
    start = checks.play_from(job.id)  # a finding's moment the user asked to see
    if _plays_kept_file(job, local):
        st.video(kept_media.play_source(job, local["video"]), width=width, start_time=start, autoplay=bool(start),
                 muted=bool(start))
        st.caption(kept_media.LOCAL_CAPTION)
    elif job.video_url:
        st.video(job.video_url, width=width, start_time=start, autoplay=bool(start), muted=bool(start))
        st.caption(kept_media.REMOTE_CAPTION)
    checks.fix_error(job)
    checks.section(conn, job)
    cols = st.columns(4)
    with cols[0]:
        st.download_button("Download MP4", data=_file_fetcher(conn, job.id, "video_url"),
                           file_name=f"{_slug(job.title)}.mp4", mime="video/mp4", key=f"dl_mp4_{job.id}",
                           type="primary", icon=":material/download:", on_click="ignore")
    with cols[1]:
        if job.subtitle_url or "subtitles" in local:
            st.download_button("Subtitles (SRT)", data=_file_fetcher(conn, job.id, "subtitle_url"),
                               file_name=f"{_slug(job.title)}.srt", mime="application/x-subrip",
                               key=f"dl_srt_{job.id}", on_click="ignore")
        if job.captioned_video_url:
            st.download_button("With captions (MP4)", data=_file_fetcher(conn, job.id, "captioned_video_url"),
                               file_name=f"{_slug(job.title)}-captions.mp4", mime="video/mp4",
                               key=f"dl_captioned_{job.id}", on_click="ignore", icon=":material/closed_caption:")
    with cols[2]:
        if job.video_page_url:
            st.link_button("Open on HeyGen", job.video_page_url)
    with cols[3]:
        st.button("Refresh links", key=f"refresh_{job.id}", on_click=_refresh_links, args=(conn, job.id),
                  help="Video links expire after a few days; this fetches fresh ones.")
    refresh_error = st.session_state.pop(f"refresh_error_{job.id}", None)
    if refresh_error:
        show_error(refresh_error, title="The links could not be refreshed")
    if "thumbnail" in local or job.thumbnail_url:
        with st.expander("Thumbnail"):
            st.image(str(local["thumbnail"]) if "thumbnail" in local else job.thumbnail_url, width=320)
    for section in kinds.of(job).sections:  # client reviews, replace the audio, translate, …
        SECTIONS[section](conn, job)


def _refresh_links(conn: connection.Connection, job_id: str) -> None:
    store = connection.job_store()
    job = store.get(job_id)
    if job is None or not job.video_id:
        return
    try:
        kinds.of(job).refresh(conn.client, store, job)
    except errors.HeyGenError as exc:
        st.session_state[f"refresh_error_{job_id}"] = exc.to_dict()


def _file_fetcher(conn: connection.Connection, job_id: str, field: str):
    """A callable for a download button: reads the copy kept on this computer, else streams the file
    through the studio, renewing an expired link."""

    def fetch() -> bytes:
        local = kept_media.read(job_id, field)
        if local is not None:
            return local
        store = connection.job_store()
        job = store.get(job_id)
        return watch.fetch_file(conn.client, store, job, field, refresh=kinds.of(job).refresh)

    return fetch


def _edit_and_retry(job: Job) -> None:
    if not kinds.of(job).editable:
        return
    if st.button("Edit & retry", key=f"edit_retry_{job.id}", type="primary", icon=":material/edit:"):
        nav.edit_job(job.id, kinds.of(job).editor)


def _remove_controls(conn: connection.Connection, job: Job) -> None:
    flag = f"confirm_remove_{job.id}"
    if not st.session_state.get(flag):
        st.button("Remove from history…", key=f"remove_{job.id}", type="tertiary", icon=":material/delete:",
                  on_click=_ask_confirmation, args=(flag,))
        return
    with st.container(border=True):
        st.markdown(f"**Remove “{md(job.title)}” from the history?**")
        also = st.checkbox("Also delete the video on HeyGen", key=f"remove_remote_{job.id}",
                           disabled=not job.video_id or not kinds.of(job).deletable)
        left, right = st.columns(2)
        if left.button("Remove", key=f"remove_yes_{job.id}", type="primary"):
            if also and job.video_id:
                try:
                    conn.client.videos.delete(job.video_id)
                except errors.NotFoundError:
                    pass
                except errors.HeyGenError as exc:
                    show_error(exc, title="The video could not be deleted on HeyGen; it stays in the history")
                    return
            try:
                kept_media.remove(job.id)
            except OSError as exc:
                show_error({"message": f"The copy kept on this computer could not be deleted ({exc.strerror or exc}); "
                                       "the video stays in the history."})
                return
            connection.job_store().delete(job.id)
            st.session_state.pop(flag, None)
            if nav.selected_job() == job.id:
                nav.forget_selected_job()
            st.rerun()
        if right.button("Cancel", key=f"remove_no_{job.id}"):
            st.session_state.pop(flag, None)
            st.rerun()


def _ask_confirmation(flag: str) -> None:
    st.session_state[flag] = True


def _slug(title: str | None) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title or "").strip("-").lower()
    return slug[:60] or "heygen-video"
