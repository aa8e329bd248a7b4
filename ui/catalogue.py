"""The avatar and voice catalogues: fetched once per account, shared by every browser session.

``load(conn)`` returns a ``Catalogue`` (all looks and voices, public and the account's own) or
None after showing why it could not be loaded. Reruns (typing, filtering, paging) never reach
HeyGen: the lists are cached for an hour and filtered here. ``refresh()`` drops the cache.
The filter helpers below are plain functions so every page filters the same way.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import streamlit as st

from heygen.avatars import AvatarLook
from heygen.client import Client
from heygen.errors import AuthenticationError, HeyGenError
from heygen.voices import Voice

from .connection import Connection
from .feedback import show_error

__all__ = [
    "Catalogue", "load", "refresh", "filter_looks", "filter_voices", "page_of", "languages",
    "ORIENTATIONS", "TYPE_LABELS",
]

CACHE_SECONDS = 3600
_FAILED_KEY = "catalogue_failed"
TYPE_LABELS = {"studio_avatar": "Studio avatar", "video_avatar": "Video avatar", "photo_avatar": "Photo avatar"}
ORIENTATIONS = ("landscape", "portrait", "square")

T = TypeVar("T")


@dataclass(frozen=True)
class Catalogue:
    """Every avatar look and voice the account can use, as fetched at ``fetched_at``."""

    looks: tuple[AvatarLook, ...] = ()
    private_look_ids: frozenset[str] = frozenset()
    voices: tuple[Voice, ...] = ()
    fetched_at: float = 0.0
    notes: tuple[str, ...] = ()

    @cached_property
    def _looks_by_id(self) -> dict[str, AvatarLook]:
        return {look.id: look for look in self.looks}

    @cached_property
    def _voices_by_id(self) -> dict[str, Voice]:
        return {voice.voice_id: voice for voice in self.voices}

    def look(self, look_id: str | None) -> AvatarLook | None:
        return self._looks_by_id.get(look_id) if look_id else None

    def voice(self, voice_id: str | None) -> Voice | None:
        return self._voices_by_id.get(voice_id) if voice_id else None

    def is_private(self, look: AvatarLook) -> bool:
        return look.id in self.private_look_ids


def _fetch_all(client: Client) -> Catalogue:
    """All four lists, fetched side by side (each follows its own pages)."""
    jobs = {
        "public_looks": lambda: client.avatars.looks(ownership="public"),
        "private_looks": lambda: client.avatars.looks(ownership="private"),
        "public_voices": lambda: client.voices.list(type="public"),
        "private_voices": lambda: client.voices.list(type="private"),
    }
    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="catalogue") as pool:
        futures = {name: pool.submit(fn) for name, fn in jobs.items()}
        results: dict[str, object] = {}
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except HeyGenError as exc:
                results[name] = exc
    notes = []
    for name in ("public_looks", "public_voices"):
        if isinstance(results[name], HeyGenError):
            raise results[name]
    for name, what in (("private_looks", "Your own avatars"), ("private_voices", "Your cloned voices")):
        outcome = results[name]
        if isinstance(outcome, AuthenticationError):
            raise outcome
        if isinstance(outcome, HeyGenError):
            notes.append(f"{what} could not be loaded ({outcome.message}) Use “Refresh lists” to try again.")
            results[name] = []
    private_looks = list(results["private_looks"])
    public_looks = list(results["public_looks"])
    private_ids = frozenset(look.id for look in private_looks)
    looks = private_looks + [look for look in public_looks if look.id not in private_ids]
    private_voices = [v for v in results["private_voices"]]
    private_voice_ids = {v.voice_id for v in private_voices}
    for voice in private_voices:
        voice.type = "private"
    voices = private_voices + [v for v in results["public_voices"] if v.voice_id not in private_voice_ids]
    return Catalogue(
        looks=tuple(looks), private_look_ids=private_ids, voices=tuple(voices), fetched_at=time.time(),
        notes=tuple(notes),
    )


@st.cache_data(ttl=CACHE_SECONDS, max_entries=16, show_spinner="Loading avatars and voices…")
def _cached_catalogue(account: str, base_url: str, _client: Client) -> Catalogue:
    return _fetch_all(_client)


def refresh() -> None:
    """Forget the cached catalogues (every account) and any remembered failure."""
    _cached_catalogue.clear()
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
    try:
        return _cached_catalogue(conn.account, conn.base_url, conn.client)
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
