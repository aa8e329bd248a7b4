"""The avatar and voice catalogues: fetched once per account, shared by every browser session.

``load(conn)`` returns a ``Catalogue`` (all looks and voices, public and the account's own) or
None after showing why it could not be loaded. The catalogue comes from memory, else from the
copy kept in the data folder (brought up to date in the background; a later rerun shows the
fresh one), else from HeyGen on the spot. Reruns (typing, filtering, paging) never wait for
HeyGen. ``refresh()`` makes this session's next ``load`` fetch everything again.
The filter helpers below are plain functions so every page filters the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

import streamlit as st

from heygen.avatars import AvatarLook
from heygen.catalogue import Catalogue, LiveCatalogue
from heygen.client import Client
from heygen.errors import HeyGenError
from heygen.jobs import default_data_dir
from heygen.voices import Voice

from .connection import Connection
from .feedback import show_error

__all__ = [
    "Catalogue", "load", "refresh", "filter_looks", "filter_voices", "page_of", "languages",
    "ORIENTATIONS", "TYPE_LABELS",
]

CACHE_SECONDS = 3600
_FAILED_KEY = "catalogue_failed"
_FORCE_KEY = "catalogue_force_fetch"
TYPE_LABELS = {"studio_avatar": "Studio avatar", "video_avatar": "Video avatar", "photo_avatar": "Photo avatar"}
ORIENTATIONS = ("landscape", "portrait", "square")

T = TypeVar("T")


@st.cache_resource(show_spinner=False, max_entries=16)
def _live(account: str, base_url: str, data_dir: str, _client: Client) -> LiveCatalogue:
    return LiveCatalogue(_client, account, base_url, data_dir, max_age=CACHE_SECONDS)


def refresh() -> None:
    """Make this session's next ``load`` fetch both lists again (and forget a remembered failure)."""
    st.session_state[_FORCE_KEY] = True
    st.session_state.pop(_FAILED_KEY, None)


def _forget_failure() -> None:
    st.session_state.pop(_FAILED_KEY, None)


def load(conn: Connection, *, key: str = "catalogue") -> Catalogue | None:
    """The catalogue for this account, or None after showing the error and a "Try again" button.

    A failure is remembered for this browser session, so reruns do not ask HeyGen again until
    the user presses "Try again".
    """
    failed = st.session_state.get(_FAILED_KEY)
    if failed and failed.get("account") == conn.account:
        show_error(failed["error"], title="The avatar and voice lists could not be loaded")
        st.button("Try again", key=f"{key}_retry", on_click=_forget_failure)
        return None
    live = _live(conn.account, conn.base_url, str(default_data_dir()), conn.client)
    try:
        if st.session_state.pop(_FORCE_KEY, False):
            with st.spinner("Loading avatars and voices…"):
                return live.fetch_now()
        at_hand = live.peek()
        if at_hand is not None:
            return at_hand
        with st.spinner("Loading avatars and voices…"):
            return live.get()
    except HeyGenError as exc:
        st.session_state[_FAILED_KEY] = {"account": conn.account, "error": exc.to_dict()}
        show_error(exc, title="The avatar and voice lists could not be loaded")
        st.button("Try again", key=f"{key}_retry", on_click=_forget_failure)
        return None


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
