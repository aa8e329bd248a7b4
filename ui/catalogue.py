"""The avatar and voice catalogues: fetched once per account, shared by every browser session.

``load(conn)`` returns a ``Catalogue`` (all looks and voices, public and the account's own) or
None after showing why it could not be loaded. The catalogue comes from memory, else from the
copy kept in the data folder (brought up to date in the background), else from a background
fetch: with ``partial=True`` the page gets what has arrived as soon as a first screen of avatars
and some voices are there (``Catalogue.complete`` is then False), every later run gets what has
arrived by then, and ``follow`` shows a note saying what is still loading (nothing reruns the
page by itself, so no click is lost to a timer). Reruns (typing,
filtering, paging) never wait for HeyGen. ``refresh()`` makes the next ``load`` fetch everything
again. ``speech_voice_ids(conn)`` tells which voices HeyGen can speak without a render, as the
lists at hand know them (they are listed with the catalogue, in the background). The filter helpers
below are plain functions so every page filters the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

import streamlit as st

from heygen.api.avatars import AvatarLook
from heygen.studio.catalogue import Catalogue, LiveCatalogue
from heygen.api.client import Client
from heygen.studio.jobs import default_data_dir
from heygen.api.voices import Voice

from .connection import Connection
from .text import md
from .feedback import show_error

__all__ = [
    "Catalogue", "load", "warm", "refresh", "follow", "loading_words", "speech_voice_ids", "filter_looks", "filter_voices",
    "page_of", "languages", "ORIENTATIONS", "TYPE_LABELS",
]

CACHE_SECONDS = 3600
FIRST_SCREEN = 24  # looks on one gallery page
WAIT_SECONDS = 120.0  # longest a run waits for a first screen (the client's own timeouts end it sooner)
SHOW_ARRIVED = "Show what has arrived"
_SEEN_KEY = "catalogue_seen_fetch"  # the fetch whose lists (or failure) this session was shown
_FORCE_KEY = "catalogue_force_fetch"
_REFRESHED_KEY = "catalogue_refreshed"
TYPE_LABELS = {"studio_avatar": "Studio avatar", "digital_twin": "Digital twin", "photo_avatar": "Photo avatar"}
ORIENTATIONS = ("landscape", "portrait", "square")
LOADING = "Loading avatars and voices…"
FAILED_TITLE = "The avatar and voice lists could not be loaded"

T = TypeVar("T")


@st.cache_resource(show_spinner=False, max_entries=16)
def _live(account: str, base_url: str, data_dir: str, _client: Client) -> LiveCatalogue:
    return LiveCatalogue(_client, account, base_url, data_dir, max_age=CACHE_SECONDS)


def _live_for(conn: Connection) -> LiveCatalogue:
    return _live(conn.account, conn.base_url, str(default_data_dir()), conn.client)


def refresh() -> None:
    """Make this session's next ``load`` fetch both lists again (and forget a remembered failure)."""
    st.session_state[_FORCE_KEY] = True
    st.session_state.pop(_SEEN_KEY, None)


def warm(conn: Connection) -> None:
    """Start fetching the lists in the background when none are at hand and none is under way, so a
    later step of the page finds them arrived. Never waits, never shows anything; a failure is shown
    by the ``load`` that later needs the lists."""
    live = _live_for(conn)
    if live.progress is None and live.peek() is None:
        live.start()


def speech_voice_ids(conn: Connection) -> frozenset[str] | None:
    """The voices HeyGen can speak without a render, or None while they are not known (still being
    listed, or HeyGen would not list them). Never asks HeyGen."""
    return _live_for(conn).speech_voice_ids()


def _forget_failure() -> None:
    st.session_state.pop(_SEEN_KEY, None)


def _failed(error: BaseException, *, key: str, title: str = FAILED_TITLE) -> None:
    show_error(error, title=title)
    st.button("Try again", key=f"{key}_retry", on_click=_forget_failure)


def load(conn: Connection, *, key: str = "catalogue", partial: bool = False,
         first_screen: int = FIRST_SCREEN) -> Catalogue | None:
    """The catalogue for this account, or None after showing the error and a "Try again" button.

    ``partial``: return what has arrived once ``first_screen`` avatars and some voices are there
    (call ``follow`` to keep the page up to date); otherwise wait for the whole catalogue. A
    failure is remembered for this browser session, so reruns do not ask HeyGen again until the
    user presses "Try again"; what arrived before it stays usable with ``partial``.
    """
    live = _live_for(conn)
    if st.session_state.pop(_FORCE_KEY, False):
        progress = live.start()
        st.session_state[_REFRESHED_KEY] = progress.serial
        if not partial:
            with st.spinner(LOADING):
                progress.wait(timeout=WAIT_SECONDS)
    at_hand = live.peek()
    progress = live.progress
    if at_hand is not None:
        if (progress is not None and progress.error is not None
                and st.session_state.get(_REFRESHED_KEY) == progress.serial):
            show_error(progress.error, title="The lists could not be refreshed; the ones kept earlier are shown")
        return at_hand
    # A fetch that failed is tried again for a session that has not been shown it (or its
    # partial lists) yet; the others see the failure until they press "Try again".
    seen = progress is not None and st.session_state.get(_SEEN_KEY) == progress.serial
    if progress is None or (progress.error is not None and not seen):
        progress = live.start()
    st.session_state[_SEEN_KEY] = progress.serial
    ready = progress.usable(first_screen) if partial else progress.done
    if not ready:
        with st.spinner(LOADING):
            catalogue = progress.wait(first_screen if partial else None, timeout=WAIT_SECONDS)
    else:
        catalogue = progress.snapshot()
    if progress.error is not None:
        if partial and catalogue is not None and catalogue.looks and catalogue.voices:
            _failed(progress.error, key=key,
                    title=f"{FAILED_TITLE} completely; the ones that arrived can be used")
            return catalogue
        _failed(progress.error, key=key)
        return None
    if catalogue is None or not (partial or catalogue.complete):
        st.info("HeyGen is taking unusually long to list the avatars and voices. Reload the page in a "
                "moment.", icon=":material/hourglass_top:")
        return None
    return catalogue


# -- while the lists are loading -----------------------------------------------------------------


def loading_words(catalogue: Catalogue) -> str:
    """What has arrived so far, e.g. "Loading more avatars… 312 of about 1,234 · 405 voices so far"."""
    parts = []
    if not catalogue.looks_complete:
        count = len(catalogue.looks)
        total = catalogue.looks_expected
        if total and total > count:
            parts.append(f"Loading more avatars… {count:,} of about {total:,}")
        else:
            parts.append(f"Loading more avatars… {count:,} so far")
    if not catalogue.voices_complete:
        parts.append(f"{len(catalogue.voices):,} voices so far" if parts
                     else f"Loading more voices… {len(catalogue.voices):,} so far")
    if not parts and not catalogue.speech_complete:
        parts.append("Finding the voices Listen works with")
    return " · ".join(parts)


def follow(conn: Connection, shown: Catalogue) -> None:
    """While ``shown`` is partial (or the lists are being refreshed), a note that says what has
    arrived so far, with a button that shows the rest; an empty slot once the lists are complete.

    Nothing reruns the page by itself while the lists load (a timer's run could swallow a click made
    at that moment): every run of the page (any click or edit) already draws the looks and voices
    that have arrived by then, and the note says so. The note only reads the fetch's state in
    memory; it never asks HeyGen. The slot (and the notes about the lists above it) is always drawn,
    so the elements below keep their places when the note goes: the browser then updates the
    gallery in place instead of briefly showing an old copy beside the new one.
    """
    with st.container(key="catalogue_notes"):
        for note in shown.notes:
            st.warning(md(note), icon=":material/warning:")
    with st.container(key="catalogue_follow"):
        live = _live_for(conn)
        progress = live.progress
        if progress is None or progress.error is not None or (shown.complete and progress.done):
            return  # complete, or stopped on an error shown by ``load``
        if shown.complete:
            st.caption("Refreshing the avatar and voice lists… the new lists are used from your next click.")
            return
        # It may have ended since ``shown`` was taken: not a rerun, which would lose a click this run carries.
        words, more = st.columns([4, 1], vertical_alignment="center")
        words.caption("Every avatar and voice has arrived; they show up as you use the page." if progress.done
                      else f"{loading_words(shown)}. The rest shows up as you use the page.")
        more.button(SHOW_ARRIVED, key="catalogue_show_arrived", type="tertiary", icon=":material/refresh:",
                    help="Draw the gallery again with every avatar and voice that has arrived so far.")


# -- filtering (plain functions) ---------------------------------------------------------------


def _matches(text: str | None, query: str) -> bool:
    return query in (text or "").casefold()


def _same(value: str | None, wanted: str | None) -> bool:
    return not wanted or (value or "").casefold() == wanted.casefold()


def filter_looks(
    catalogue: Catalogue,
    *,
    search: str = "",
    gender: str | None = None,
    avatar_type: str | None = None,
    orientation: str | None = None,
    ownership: str | None = None,
) -> list[AvatarLook]:
    """Looks matching every given filter; ``ownership`` is "private", "public" or None for both."""
    query = (search or "").strip().casefold()
    out = []
    for look in catalogue.looks:
        if ownership == "private" and look.id not in catalogue.private_look_ids:
            continue
        if ownership == "public" and look.id in catalogue.private_look_ids:
            continue
        if query and not (_matches(look.name, query) or any(_matches(tag, query) for tag in look.tags)):
            continue
        if not _same(look.gender, gender) or not _same(look.avatar_type, avatar_type):
            continue
        if not _same(look.preferred_orientation, orientation):
            continue
        out.append(look)
    return out


def filter_voices(
    voices: Iterable[Voice], *, search: str = "", language: str | None = None, gender: str | None = None
) -> list[Voice]:
    """Voices matching every given filter (search looks at the name)."""
    query = (search or "").strip().casefold()
    return [
        v for v in voices
        if (not query or _matches(v.name, query)) and _same(v.language, language) and _same(v.gender, gender)
    ]


def languages(voices: Iterable[Voice]) -> list[str]:
    """The voices' languages, sorted, without blanks or duplicates."""
    return sorted({v.language for v in voices if v.language}, key=str.casefold)


def page_of(items: Sequence[T], page: int, page_size: int) -> tuple[list[T], int, int]:
    """(items on ``page``, the page actually shown, number of pages); pages count from 1."""
    pages = max(1, -(-len(items) // page_size))
    page = min(max(1, int(page or 1)), pages)
    start = (page - 1) * page_size
    return list(items[start : start + page_size]), page, pages
