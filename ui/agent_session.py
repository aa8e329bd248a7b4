"""The status panel of a Video Agent chat session: progress and status in words, the conversation,
an input to answer or ask for changes, Stop, and every video the session made (play, keep).

Everything shown is read from the job store (the background worker records the session there);
only the user's actions (a message, Stop, Keep) call HeyGen. While the session works or waits, a
fragment redraws the progress and the conversation every few seconds; when what the controls
depend on changes (status, videos, a message settled), the page reruns in full.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from heygen.api import errors
from heygen.studio import agent_chat, archive, kinds
from heygen.studio.jobs import TERMINAL, Job

from . import connection, copy, kept_media, nav, refresh
from .feedback import show_error
from .text import md

TICK_SECONDS = 2.0
ROLE = {"user": "user", "model": "assistant"}
PENDING_WORDS = {
    "sending": "Sending…",
    "unclear": "HeyGen may have received this; the studio is checking the conversation before anything is sent again.",
    "missing": "This message did not reach HeyGen.",
}


def _keys(job_id: str) -> dict[str, str]:
    return {name: f"agent_session_{name}_{job_id}" for name in ("input", "error", "seen", "kept_error", "failed_text")}


def panel(conn: connection.Connection, job: Job) -> bool:
    """Draw a chat job's session and return True; return False (drawing nothing) for any other job."""
    if not agent_chat.is_chat(job) or not agent_chat.session_record(job).get("session_id"):
        return False
    keys = _keys(job.id)
    st.session_state[keys["seen"]] = _signature(job)
    if job.status in TERMINAL or agent_chat.waits_for_user(job):
        _progress(job)  # nothing changes until the user writes: no timer redraws the page while they type
        _conversation(job)
    else:
        live = st.fragment(_live, run_every=TICK_SECONDS)
        live(job.id)
    _problem(job)
    _controls(conn, job)
    _videos(conn, job)
    return True


def _signature(job: Job) -> tuple:
    """What the controls and the video list depend on: a change reruns the page in full."""
    session = agent_chat.session_record(job)
    return (job.status, session.get("status"), tuple((v.get("id"), v.get("status")) for v in session.get("videos") or []),
            tuple(e.get("state") for e in agent_chat.outbox(job)))


def _live(job_id: str) -> None:
    """One refresh: what the worker last recorded about the session (no HeyGen request)."""
    job = connection.job_store().get(job_id)
    if job is None or _signature(job) != st.session_state.get(_keys(job_id)["seen"]):
        refresh.whole_page()
        return
    _progress(job)
    _conversation(job)


def _progress(job: Job) -> None:
    session = agent_chat.session_record(job)
    status = agent_chat.session_status(job)
    progress = session.get("progress") if isinstance(session.get("progress"), int) else 0
    progress = 100 if status == "completed" else progress
    progress = max(0, min(100, progress))
    text = f"**{md(copy.session_words(status))}** · {progress}%"
    st.progress(progress / 100, text=text)
    notes = {
        "thinking": "The agent is thinking about your request.",
        "waiting_for_input": "The agent asked you something: answer below.",
        "reviewing": "The agent is reviewing its work.",
        "generating": "The agent is rendering the video; this panel updates on its own.",
        "completed": "Done. Ask for changes below to get a revised video.",
        "failed": "The session ended without finishing.",
    }
    note = notes.get(status, "")
    if session.get("checked_at") and job.status not in TERMINAL:
        import time

        note += f" Checked {max(0, int(time.time() - session['checked_at']))} s ago."
    if note:
        st.caption(note.strip())


def _conversation(job: Job) -> None:
    session = agent_chat.session_record(job)
    messages = session.get("messages") or []
    with st.container(border=True, key=f"agent_chat_log_{job.id}"):
        if not messages:
            st.caption("The conversation appears here as soon as HeyGen reports it.")
        for message in messages:
            with st.chat_message(ROLE.get(message.get("role"), "assistant")):
                if message.get("type") == "error":
                    st.error(md(message.get("content")), icon=":material/error:")
                else:
                    st.markdown(md(message.get("content")))
        said = [(m.get("content") or "").strip() for m in messages if m.get("role") == "user"]
        for entry in agent_chat.outbox(job):
            if entry.get("state") in PENDING_WORDS and entry["text"].strip() not in said:
                with st.chat_message("user"):
                    st.markdown(md(entry["text"]))
                    st.caption(PENDING_WORDS[entry["state"]])


def _problem(job: Job) -> None:
    if job.status == "submit_failed":
        show_error(job.error_detail or {"message": "The session ended before it made a video."},
                   title="The session did not make a video")
        if st.button("Edit & retry", key=f"agent_session_retry_{job.id}", type="primary", icon=":material/edit:"):
            nav.edit_job(job.id, kinds.of(job).editor)
    elif job.error_detail and job.status not in TERMINAL:
        st.warning(f"{md(job.error_detail.get('message'))} The studio keeps trying.", icon=":material/sync_problem:")


def _controls(conn: connection.Connection, job: Job) -> None:
    keys = _keys(job.id)
    refusal = agent_chat.can_message(job)
    reason = copy.chat_refusal(refusal) if refusal else None
    session = agent_chat.session_record(job)
    stopped = (job.inputs.get("chat") or {}).get("stopped_at")
    missing = [e for e in agent_chat.outbox(job) if e.get("state") == "missing"]
    if missing:
        entry = missing[-1]
        st.warning(f"Your message “{md(entry['text'])}” did not reach HeyGen: the studio looked at the conversation "
                   "and it is not there. Sending it again is your choice.", icon=":material/help:")
        st.button("Send it again", key=f"agent_session_resend_{job.id}", icon=":material/send:",
                  on_click=_send, args=(conn, job.id, entry["text"]))
    error = st.session_state.pop(keys["error"], None)
    if error:
        what = error.pop("what", None)
        show_error(error, title={"message": "The message was not sent", "stop": "The session was not stopped"}.get(what))
        failed_text = st.session_state.get(keys["failed_text"])
        if failed_text:
            st.caption("Your message, to send again or change:")
            st.code(failed_text, language=None, wrap_lines=True)
    placeholder = ("Answer the agent, or ask for changes (for example: a shorter intro, mention the webinar date)"
                   if not reason else reason)
    with st.container(key=f"agent_chat_box_{job.id}"):
        st.chat_input(placeholder, key=keys["input"], disabled=bool(reason), max_chars=agent_chat.MESSAGE_MAX,
                      on_submit=_submitted, args=(conn, job.id))
    if not stopped and agent_chat.session_status(job) in (*agent_chat.WORKING, "waiting_for_input"):
        st.button("Stop the session", key=f"agent_session_stop_{job.id}", icon=":material/stop_circle:",
                  on_click=_stop, args=(conn, job.id),
                  help="Stops the agent at its next checkpoint. Videos it already made are kept.")


def _submitted(conn: connection.Connection, job_id: str) -> None:
    _send(conn, job_id, st.session_state.get(_keys(job_id)["input"]) or "")


def _send(conn: connection.Connection, job_id: str, text: str) -> None:
    """A user action: send one message to the session (never re-sent on its own)."""
    keys = _keys(job_id)
    store = connection.job_store()
    job = store.get(job_id)
    if job is None:
        return
    try:
        agent_chat.send_message(conn.client, store, job, text)
    except agent_chat.ChatError as exc:
        st.session_state[keys["error"]] = {"message": copy.chat_refusal(exc), "what": "message"}
        st.session_state[keys["failed_text"]] = text
    except errors.HeyGenError as exc:
        detail = {**exc.to_dict(), "what": "message"}
        if errors.unclear(exc):
            detail["hint"] = ("HeyGen may have received it: the studio looks at the conversation and shows it as soon "
                              "as it is there. It is not sent again on its own.")
        st.session_state[keys["error"]] = detail
        st.session_state[keys["failed_text"]] = None if errors.unclear(exc) else text
    else:
        st.session_state.pop(keys["failed_text"], None)


def _stop(conn: connection.Connection, job_id: str) -> None:
    store = connection.job_store()
    job = store.get(job_id)
    if job is None:
        return
    try:
        agent_chat.stop(conn.client, store, job)
    except (agent_chat.ChatError, errors.HeyGenError) as exc:
        detail = exc.to_dict() if isinstance(exc, errors.HeyGenError) else {"message": copy.chat_refusal(exc)}
        st.session_state[_keys(job_id)["error"]] = {**detail, "what": "stop"}


def _videos(conn: connection.Connection, job: Job) -> None:
    videos = agent_chat.session_record(job).get("videos") or []
    st.markdown(f"**Videos of this session** ({len(videos)})")
    if not videos:
        st.caption("The videos the agent makes appear here, newest first.")
        return
    keys = _keys(job.id)
    kept_error = st.session_state.pop(keys["kept_error"], None)
    if kept_error:
        show_error(kept_error, title=kept_error.pop("title", None) or "The video could not be kept")
    st.button("Refresh links", key=f"agent_session_refresh_{job.id}", type="tertiary", icon=":material/refresh:",
              on_click=_refresh, args=(conn, job.id),
              help="HeyGen's video links expire after a few days; this asks for fresh ones.")
    root = kept_media.media_root()
    count = len(videos)
    for number, video in enumerate(videos):
        label = "Draft" if number == count - 1 else f"Revision {count - 1 - number}"
        with st.container(border=True, key=f"agent_video_{job.id}_{number}"):
            head = f"**{label}** · {md(video.get('title') or 'Untitled')}"
            if video.get("duration"):
                head += f" · {float(video['duration']):.0f} s"
            if number == 0:
                head += " · latest"
            st.markdown(head)
            _one_video(conn, job, video, root)


def _one_video(conn: connection.Connection, job: Job, video: dict[str, Any], root: Any) -> None:
    status = video.get("status")
    if status == "failed":
        st.caption(f"Not finished: {md(video.get('failure_message') or 'HeyGen could not render it.')}")
        return
    if status != "completed":
        st.caption("Rendering…")
        return
    local = agent_chat.kept_video(job, video["id"], root)
    if local is not None:
        st.video(kept_media.chat_video_source(job, video["id"], local), width=480)
        st.caption(kept_media.LOCAL_CAPTION)
    elif video.get("video_url"):
        st.video(video["video_url"], width=480)
        st.button("Keep on this computer", key=f"agent_keep_{job.id}_{agent_chat.video_key(video['id'])}",
                  icon=":material/download_for_offline:", on_click=_keep, args=(conn, job.id, video["id"]),
                  help="Saves this video in the studio's media folder so it plays after HeyGen's link expires.")


def _refresh(conn: connection.Connection, job_id: str) -> None:
    store = connection.job_store()
    job = store.get(job_id)
    if job is None:
        return
    try:
        agent_chat.refresh_videos(conn.client, store, job)
    except (agent_chat.ChatError, errors.HeyGenError) as exc:
        detail = exc.to_dict() if isinstance(exc, errors.HeyGenError) else {"message": copy.chat_refusal(exc)}
        st.session_state[_keys(job_id)["kept_error"]] = {**detail, "title": "The links could not be refreshed"}


def _keep(conn: connection.Connection, job_id: str, video_id: str) -> None:
    store = connection.job_store()
    job = store.get(job_id)
    if job is None:
        return
    video = next((v for v in agent_chat.session_record(job).get("videos") or [] if v.get("id") == video_id), None)
    try:
        if video is None:
            raise archive.ArchiveError("This video is no longer listed in the session.")
        agent_chat.keep_video(conn.client, job, video, kept_media.media_root())
    except (archive.ArchiveError, errors.HeyGenError) as exc:
        st.session_state[_keys(job_id)["kept_error"]] = {"message": str(exc)}
    except OSError as exc:
        st.session_state[_keys(job_id)["kept_error"]] = {
            "message": f"The video could not be saved on this computer: {exc.strerror or exc}."}
