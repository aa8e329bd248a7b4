"""The Studio's voice and script: the voice picker, speed and pitch, the script with its counters and pauses,
Listen, and the script limit (HeyGen's 5,000 characters, or the lower one it reported for this account).
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from heygen.studio.scripting import (
    MAX_SCRIPT_CHARS, char_count, estimated_seconds, format_duration, has_break_tags, insert_pause, remove_breaks,
    word_count,
)

from . import connection, listen, pickers
from .catalogue import Catalogue
from .studio_inputs import P, PITCH, SCRIPT, SCRIPT_LIMIT, SPEED, Draft, field_error, now
from .text import md


def _insert_pause() -> None:
    st.session_state[SCRIPT] = insert_pause(st.session_state.get(SCRIPT, ""))


def _remove_pauses() -> None:
    st.session_state[SCRIPT] = remove_breaks(st.session_state.get(SCRIPT, ""))


def script_section(draft: Draft, catalogue: Catalogue, conn: connection.Connection | None = None) -> None:
    """Voice, speed and pitch, the script editor with its counters and the pause helper, and Listen."""
    conn = conn or connection.current()
    st.markdown("**Voice**")
    pickers.voice_picker(catalogue, key_prefix=P, avatar=draft.look if draft.source == "avatar" else None,
                         speech_ids=listen.speech_voice_ids(conn))
    field_error(draft, "voice")
    c1, c2 = st.columns(2)
    c1.slider("Speed", 0.5, 1.5, value=now(SPEED), step=0.05, key=SPEED, format="%.2f×")
    c2.slider("Pitch", -50, 50, value=now(PITCH), step=1, key=PITCH)
    field_error(draft, "speed")
    field_error(draft, "pitch")

    limit = script_limit()
    st.text_area(
        "Script", key=SCRIPT, height=220,
        placeholder="Type what the avatar should say. Press Ctrl+Enter (⌘+Enter) to update the counters.",
    )
    script = st.session_state.get(SCRIPT, "")
    chars = char_count(script)
    words = word_count(script)
    seconds = estimated_seconds(script, speed=float(st.session_state.get(SPEED, 1.0)))
    count = f"{chars:,} / {limit:,} characters"
    count = f":red[**{count}**]" if chars > limit else count
    info, action = st.columns([2.1, 1.3], vertical_alignment="center")
    info.caption(f"{count} · {words:,} word{'s' if words != 1 else ''} · about {format_duration(seconds)} spoken")
    voice = draft.voice
    if voice is not None and voice.support_pause:
        action.button("Insert pause", key="studio_insert_pause", on_click=_insert_pause, width="stretch",
                      icon=":material/pause:",
                      help='Adds <break time="1s"/> at the end of the script: a one-second pause.')
    elif voice is not None:
        action.caption("This voice does not support pauses.")
    if voice is not None and not voice.support_pause and has_break_tags(script):
        st.warning(f"The script has pause tags, but “{md(voice.name)}” does not support pauses.",
                   icon=":material/pause_circle:")
        st.button("Remove the pause tags", key="studio_remove_pauses", on_click=_remove_pauses)
    field_error(draft, "script")
    with st.container(border=True, key="studio_listen_box"):
        listen.button(conn, key="studio_listen", voice=draft.voice, text=script,
                      speed=float(st.session_state.get(SPEED, 1.0)))


def script_limit() -> int:
    """5,000, or the lower limit HeyGen reported for this account."""
    return int(st.session_state.get(SCRIPT_LIMIT) or MAX_SCRIPT_CHARS)


_LIMIT_IN_MESSAGE = re.compile(r"(\d[\d,]*)\s*(?:characters|chars)", re.IGNORECASE)


def learn_script_limit(error: dict[str, Any]) -> None:
    """A launch refused for its script length teaches the form this account's lower limit."""
    state = st.session_state
    about_script = error.get("param") == "script" or (
        not error.get("param") and "script" in str(error.get("heygen_message") or "").lower()
    )
    if about_script:
        numbers = [int(n.replace(",", "")) for n in _LIMIT_IN_MESSAGE.findall(str(error.get("heygen_message") or ""))]
        limits = [n for n in numbers if 0 < n < MAX_SCRIPT_CHARS]
        if limits:
            state[SCRIPT_LIMIT] = min(limits)
