"""Replace the audio of a finished video: new audio (an uploaded file, or a script and a voice), the whole
video or a time range, speed or precision; launched as a new lip-sync job beside the original."""

from __future__ import annotations

import hashlib

import streamlit as st

from heygen.api import errors
from heygen.studio import lipsync
from heygen.studio.errors import NotSendable
from heygen.studio.jobs import Job
from heygen.studio.media import MediaError, inspect_audio

from . import catalogue as catalogue_ui
from . import connection, nav, pickers
from .copy import fmt_duration
from .feedback import failure_record, show_error
from .text import md

UPLOAD = "An audio file"
SCRIPT = "A script and a voice"
WHOLE = "The whole video"
RANGE = "A time range"
MODES = {"speed": "Speed (faster)", "precision": "Precision (closer lip movements)"}


def _key(job: Job, name: str) -> str:
    return f"ra_{job.id}_{name}"


def speech_available(conn: connection.Connection) -> bool:
    """Whether the client can make speech from a script (``POST /v3/voices/speech``)."""
    return callable(getattr(conn.client.voices, "speech", None))


def section(conn: connection.Connection, job: Job) -> None:
    """The "Replace the audio" expander of a finished video's panel."""
    if lipsync.source_problem(job):
        return
    k = lambda name: _key(job, name)  # noqa: E731 - a short local helper
    with st.expander("Replace the audio", icon=":material/graphic_eq:", expanded=bool(st.session_state.get(k("open")))):
        st.caption("Lip-syncs this video to new audio, for all of it or a part. The result is a new video in the "
                   "history; this one stays as it is.")
        sources = [UPLOAD, SCRIPT] if speech_available(conn) else [UPLOAD]
        source = st.radio("New audio from", sources, key=k("source"), horizontal=True)
        if not speech_available(conn):
            st.caption("New audio from a script is not available here; upload an audio file (MP3 or WAV).")
        audio = speech = None
        problems: dict[str, str] = dict(st.session_state.get(k("problems")) or {})
        if source == UPLOAD:
            uploaded = st.file_uploader("Audio file (MP3, WAV or M4A)", type=["mp3", "wav", "m4a"], key=k("file"))
            if uploaded is not None:
                audio = _audio(uploaded, problems)
        else:
            st.text_area("Script", key=k("script"), height=100, placeholder="The words the new audio should say")
            catalogue = catalogue_ui.load(conn, key=k("catalogue"))
            voice = pickers.voice_picker(catalogue, key_prefix=k("voice")) if catalogue is not None else None
            speech = lipsync.Speech(st.session_state.get(k("script")) or "", voice.voice_id if voice else "",
                                    voice.name if voice else None)
        for field in ("audio", "script", "voice"):
            if problems.get(field):
                st.error(md(problems[field]), icon=":material/error:")
        length = f" (the video is {fmt_duration(job.duration)} long)" if job.duration else ""
        span = st.radio(f"Replace the audio of{length}", [WHOLE, RANGE], key=k("span"), horizontal=True)
        start = end = None
        if span == RANGE:
            left, right = st.columns(2)
            start = left.number_input("From (seconds)", min_value=0.0, step=0.5, key=k("start"), value=0.0)
            end = right.number_input("To (seconds)", min_value=0.0, step=0.5, key=k("end"),
                                     value=float(job.duration) if job.duration else 1.0)
        if problems.get("range"):
            st.error(md(problems["range"]), icon=":material/error:")
        mode = st.radio("Lip-sync quality", list(MODES), key=k("mode"), format_func=MODES.get, horizontal=True)
        if st.button("Replace the audio", key=k("go"), type="primary", icon=":material/record_voice_over:"):
            _launch(conn, job, audio=audio, speech=speech, whole=span == WHOLE, start=start, end=end, mode=mode)
        failure = st.session_state.pop(k("failure"), None)
        if failure:
            show_error(failure, title="The audio could not be replaced")


def _audio(uploaded, problems: dict[str, str]) -> lipsync.AudioFile | None:
    data = uploaded.getvalue()
    try:
        info = inspect_audio(data, uploaded.name)
    except MediaError as exc:
        problems["audio"] = str(exc)
        return None
    st.caption(md(f"{uploaded.name}: {info.format.upper()} audio, {fmt_duration(info.duration_seconds)}"))
    return lipsync.AudioFile(data=data, filename=info.filename, mime_type=info.mime_type,
                             seconds=info.duration_seconds, digest=hashlib.sha256(data).hexdigest(),
                             name=uploaded.name)


def _launch(conn: connection.Connection, job: Job, **request) -> None:
    """Record the lip-sync, send it once, and open its panel; on a problem, say why and keep every input."""
    k = lambda name: _key(job, name)  # noqa: E731
    st.session_state[k("open")] = True
    st.session_state.pop(k("problems"), None)
    if request["audio"] is None and request["speech"] is None:
        st.session_state[k("problems")] = {"audio": "Upload the new audio first (an MP3 or WAV file)."}
        st.rerun()
    store = connection.job_store()
    try:
        new = lipsync.create_job(store, account=conn.account, source=job, **request)
    except lipsync.LipsyncRequestError as exc:
        st.session_state[k("problems")] = exc.problems
        st.rerun()
    try:
        with st.spinner("Sending the new audio to HeyGen…"):
            lipsync.submit(conn.client, store, new, request["audio"])
    except (errors.HeyGenError, NotSendable, lipsync.LipsyncRequestError) as exc:
        failed = store.get(new.id)
        if failed is not None and failed.status == "submit_failed":
            store.delete(new.id)  # surely not sent: nothing is left behind, the inputs stay in the form
            st.session_state[k("failure")] = failure_record(exc)
            st.rerun()
    nav.select_job(new.id)
    st.rerun()
