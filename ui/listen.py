"""Hear a script before rendering it: one "Listen" widget for every page that has a script.

Usage (any page; ``key`` must be unique on the page)::

    from ui import listen
    listen.button(conn, key="studio_listen", voice=voice, text=script, speed=1.1)

It shows a "Part to hear" box, prefilled with the first ``PREVIEW_CHARS`` characters of ``text``
(and following ``text`` until the user edits it; Streamlit's text areas report no selection, so the
user puts the part they want to hear there), a **Listen** button and, once pressed, a player.
It speaks with ``voice`` at ``speed`` through ``POST /v3/voices/speech``; the clips are kept per
(voice, text, speed) in the data folder, so pressing Listen again costs no request. Voices whose
engine HeyGen cannot speak without a render get a short note instead of the button.
``speech_voice_ids(conn)`` is the set the voice picker marks with ``SPEAKS`` (listed with the avatar and
voice lists, in the background; until it is known, Listen is offered for every voice).
"""

from __future__ import annotations

import streamlit as st

from heygen.api.errors import HeyGenError
from heygen.api.voices import SPEECH_TEXT_MAX, Voice
from heygen.studio.jobs import default_data_dir
from heygen.studio.speech import PREVIEW_CHARS, SpeechCache, part_to_hear

from . import catalogue, pickers
from .connection import Connection
from .feedback import show_error
from .text import md

__all__ = ["PREVIEW_CHARS", "SPEAKS", "button", "speech_voice_ids", "can_speak"]

SPEAKS = pickers.SPEAKS


@st.cache_resource(show_spinner=False)
def _cache(folder: str) -> SpeechCache:
    return SpeechCache(folder)


def speech_voice_ids(conn: Connection) -> frozenset[str] | None:
    """The ids of the voices HeyGen can speak without a render, or None while they are not known
    (Listen is then offered for every voice). Never asks HeyGen."""
    return catalogue.speech_voice_ids(conn)


def can_speak(conn: Connection, voice: Voice | None) -> bool:
    """Whether Listen is offered for ``voice``."""
    if voice is None:
        return False
    ids = speech_voice_ids(conn)
    return ids is None or voice.voice_id in ids


def _follow(key: str, text: str) -> str:
    """Keep the part box following the text's first characters until the user edits it."""
    state = st.session_state
    part_key, auto_key = f"{key}_part", f"{key}_part_auto"
    auto = part_to_hear(text)
    if (state.get(part_key) or "").strip() in ("", state.get(auto_key, "")):
        state[part_key] = auto
    state[auto_key] = auto
    return part_key


def button(conn: Connection, *, key: str, voice: Voice | None, text: str, speed: float | None = None) -> None:
    """The Part to hear box, the Listen button and the player, under session keys starting with ``key``."""
    if voice is None:
        st.caption("Choose a voice to listen to the script before rendering.")
        return
    if not can_speak(conn, voice):
        st.caption(f"Listen is not available for “{md(voice.name or voice.voice_id)}”: HeyGen can speak only the "
                   f"voices marked {SPEAKS} without rendering a video.")
        return
    part_key = _follow(key, text or "")
    st.text_area("Part to hear", key=part_key, height=90, max_chars=SPEECH_TEXT_MAX,
                 help=f"Filled with the first {PREVIEW_CHARS} characters of the script. Put the sentence you want "
                      "to check here (a name, a number) to hear just that.")
    part = (st.session_state.get(part_key) or "").strip()
    heard_key = f"{key}_heard"
    wanted = [voice.voice_id, part, round(float(speed), 2) if speed is not None else 1.0]
    pressed = st.button("Listen", key=f"{key}_button", icon=":material/volume_up:", disabled=not part,
                        help="Hear this part with the chosen voice and speed. Nothing is rendered; a part "
                             "heard before plays again without asking HeyGen.")
    if pressed:
        try:
            heard = _cache(str(default_data_dir() / "speech")).hear(conn.client, conn.account, voice.voice_id, part,
                                                                    speed)
        except HeyGenError as exc:
            st.session_state.pop(heard_key, None)
            show_error(exc, title="The script could not be spoken")
            return
        st.session_state[heard_key] = {"for": wanted, "audio": heard.audio, "mime": heard.mime_type,
                                       "duration": heard.duration, "cached": heard.cached}
    heard = st.session_state.get(heard_key)
    if not heard or heard.get("for") != wanted:
        if heard:
            st.caption("The voice, speed or text changed since you last listened; press Listen to hear it now.")
        return
    st.audio(heard["audio"], format=heard["mime"], autoplay=pressed)
    length = f"{heard['duration']:.1f} s · " if isinstance(heard.get("duration"), (int, float)) else ""
    source = "played again from the copy kept here" if heard.get("cached") else "spoken by HeyGen just now"
    st.caption(f"{length}{source}")
