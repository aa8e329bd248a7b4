"""The avatar and voice catalogue of one account: every look and voice it can use.

``fetch`` lists them in parts side by side (looks split by ownership and avatar type, with the
avatar groups alongside) and merges the parts into the order of the plain one-list-at-a-time
listing, which ``fetch_sequential`` gives. While it runs, a ``Progress`` tells what has been
listed so far as a partial ``Catalogue`` whose looks are the first looks of the final order (the
plain listing's first page is asked for alongside, so the first screen is right from the start).
``save``/``read`` keep a catalogue in the data folder (never the API key), and ``LiveCatalogue``
serves one account's catalogue from memory or disk, or what its background fetch has so far.

Order: your own looks first (as HeyGen lists them), then HeyGen's looks in the order of the
avatar groups (``GET /v3/avatars``), each group's looks as HeyGen lists them; that is the order
of ``GET /v3/avatars/looks`` whenever HeyGen lists looks group by group in the groups' order. When
a part contradicts that (a part out of group order, a group with fewer looks than it counts), the
public looks are listed again in one plain listing. Voices: your cloned voices, then the library.
Alongside, the voices HeyGen can speak without a render (``speech_voice_ids``) are listed too; a
first screen does not wait for them, so a partial catalogue may not know them yet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heygen.api._model import from_api
from .datadir import private_dir
from heygen.api.avatars import GROUPS_PAGE_MAX, LOOKS_PAGE_MAX, AvatarGroup, AvatarLook
from heygen.api.errors import AuthenticationError, HeyGenError, InvalidRequestError, RateLimitError
from heygen.api.voices import SPEECH_ENGINE, VOICES_PAGE_MAX, Voice

if TYPE_CHECKING:
    from heygen.api.client import Client

__all__ = ["Catalogue", "LiveCatalogue", "Progress", "fetch", "fetch_sequential", "cache_path", "save", "read"]

log = logging.getLogger("heygen.studio.catalogue")

LOOKS = "/v3/avatars/looks"
GROUPS = "/v3/avatars"
VOICES = "/v3/voices"
# Every avatar type either API version names; a server that rejects one simply has none of it.
LOOK_TYPES = ("studio_avatar", "digital_twin", "photo_avatar")
WORKERS = 10  # requests in flight at once (the client's connection pool holds 10)
RATE_LIMIT_WAITS = 3  # extra waits per list after the client's own retries gave up on a 429
RATE_LIMIT_WAIT_MAX = 30.0
CACHE_FORMAT = 1
PageHook = Callable[[str, dict[str, Any], int], None]


@dataclass(frozen=True)
class Catalogue:
    """Every avatar look and voice the account can use, as fetched at ``fetched_at``."""

    looks: tuple[AvatarLook, ...] = ()
    private_look_ids: frozenset[str] = frozenset()
    voices: tuple[Voice, ...] = ()
    fetched_at: float = 0.0
    notes: tuple[str, ...] = ()
    looks_complete: bool = True  # False: more looks are still being listed (appended after these)
    voices_complete: bool = True
    looks_expected: int | None = None  # how many looks there will be, when HeyGen has said so
    # The voices HeyGen can speak without a render; None: not known (not listed yet, or HeyGen
    # would not list them).
    speech_voice_ids: frozenset[str] | None = None
    speech_complete: bool = True  # False: they are still being listed

    @property
    def complete(self) -> bool:
        return self.looks_complete and self.voices_complete and self.speech_complete

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


# -- listing ---------------------------------------------------------------------------------------


class _Cancelled(Exception):
    """The fetch this list belongs to has already failed."""


class _Lister:
    """Pages through list endpoints with one client; waits out a 429 the client gave up on."""

    def __init__(self, client: Client, sleep: Callable[[float], None], on_page: PageHook | None) -> None:
        self.client = client
        self.sleep = sleep
        self.on_page = on_page
        self.cancelled = threading.Event()

    def items(self, path: str, params: dict[str, Any], page_size: int,
              stop: Callable[[list[dict[str, Any]]], bool] | None = None,
              on_data: Callable[[list[dict[str, Any]]], None] | None = None,
              pages: int | None = None) -> list[dict[str, Any]]:
        """Every item of one list (or its first ``pages``), following ``next_token``; ``stop(page)``
        ends it early; ``on_data(page)`` is told each page's items as they arrive."""
        out: list[dict[str, Any]] = []
        token: str | None = None
        waits = 0
        while True:
            if self.cancelled.is_set():
                raise _Cancelled(path)
            try:
                page = self.client.request(
                    "GET", path, params={**params, "limit": page_size, "token": token}, operation=f"GET {path}"
                )
            except RateLimitError as exc:
                if waits >= RATE_LIMIT_WAITS:
                    raise
                waits += 1
                self.sleep(min(RATE_LIMIT_WAIT_MAX, exc.retry_after or 2.0 * waits))
                continue
            data = [item for item in (page.get("data") or []) if isinstance(item, dict)]
            out.extend(data)
            if on_data is not None:
                on_data(data)
            if self.on_page is not None:
                self.on_page(path, params, len(out))
            token = page.get("next_token")
            if not token or not page.get("has_more", True) or not data or (stop is not None and stop(data)):
                return out
            if pages is not None:
                pages -= 1
                if pages <= 0:
                    return out


def _looks(items: Iterable[dict[str, Any]]) -> list[AvatarLook]:
    return [from_api(AvatarLook, item) for item in items]


def _voices(items: Iterable[dict[str, Any]], private: bool = False) -> list[Voice]:
    voices = [from_api(Voice, item) for item in items]
    if private:
        for voice in voices:
            voice.type = "private"
    return voices


def _assemble(private_looks: list[AvatarLook] | HeyGenError, public_looks: list[AvatarLook],
              private_voices: list[Voice] | HeyGenError, public_voices: list[Voice], **state: Any) -> Catalogue:
    notes = []
    if isinstance(private_looks, HeyGenError):
        notes.append(f"Your own avatars could not be loaded ({private_looks.message}) "
                     "Use “Refresh lists” to try again.")
        private_looks = []
    if isinstance(private_voices, HeyGenError):
        notes.append(f"Your cloned voices could not be loaded ({private_voices.message}) "
                     "Use “Refresh lists” to try again.")
        private_voices = []
    private_ids = frozenset(look.id for look in private_looks)
    looks = private_looks + [look for look in public_looks if look.id not in private_ids]
    private_voice_ids = {v.voice_id for v in private_voices}
    voices = private_voices + [v for v in public_voices if v.voice_id not in private_voice_ids]
    return Catalogue(looks=tuple(looks), private_look_ids=private_ids, voices=tuple(voices),
                     fetched_at=time.time(), notes=tuple(notes), **state)


def _speech_ids(lister: _Lister) -> frozenset[str] | None:
    """The voices HeyGen can speak without a render (the library's, then the account's own), or
    None when HeyGen's own list cannot be read; the account's own are left out when they cannot."""
    ids: set[str] = set()
    for voice_type in ("public", "private"):
        try:
            items = lister.items(VOICES, {"type": voice_type, "engine": SPEECH_ENGINE}, VOICES_PAGE_MAX)
        except HeyGenError:
            if voice_type == "public":
                return None
            break
        ids.update(item["voice_id"] for item in items if isinstance(item.get("voice_id"), str) and item["voice_id"])
    return frozenset(ids)


def _optional(outcome: Any) -> Any:
    """A private list's result, or its error (an authentication error is never optional)."""
    if isinstance(outcome, AuthenticationError):
        raise outcome
    return outcome


# -- what a running fetch has so far ---------------------------------------------------------------

_serials = itertools.count(1)


class Progress:
    """What one fetch has listed so far; written by the fetch's threads, read from any thread.

    ``snapshot()`` is a ``Catalogue``: the final one once the fetch has ended, else a partial one
    whose looks are the first looks of the final order (the account's own looks, then the longest
    known start of HeyGen's looks) and whose voices are those listed so far. ``version`` grows with
    every page, ``done``/``error`` tell how the fetch ended.
    """

    def __init__(self) -> None:
        self.serial = next(_serials)
        self.version = 0
        self.started = time.time()
        self.result: Catalogue | None = None
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self._private_looks: list[AvatarLook] | HeyGenError | None = None
        self._private_voices: list[Voice] | HeyGenError | None = None
        self._public_voices: list[dict[str, Any]] = []
        self._voices_done = False
        self._speech: frozenset[str] | None = None
        self._speech_done = False
        self._first: list[dict[str, Any]] | None = None  # the plain listing's first page
        self._groups: list[dict[str, Any]] = []
        self._groups_done = False
        self._parts: dict[str, list[dict[str, Any]]] = {}
        self._parts_done: set[str] = set()
        self._tail: frozenset[str] = frozenset()
        self._plain: list[dict[str, Any]] | None = None  # the plain listing, once the parts are given up
        self._public: list[AvatarLook] | None = None
        self._cached: tuple[int, Catalogue] | None = None
        self._converted: dict[Any, AvatarLook] = {}

    # -- written by the fetch

    def _update(self, change: Callable[[], None]) -> None:
        with self._cond:
            change()
            self.version += 1
            self._cond.notify_all()

    def private_looks(self, outcome: list[AvatarLook] | HeyGenError) -> None:
        self._update(lambda: setattr(self, "_private_looks", outcome))

    def private_voices(self, outcome: list[Voice] | HeyGenError) -> None:
        self._update(lambda: setattr(self, "_private_voices", outcome))

    def voices_page(self, items: list[dict[str, Any]]) -> None:
        self._update(lambda: self._public_voices.extend(items))

    def voices_done(self) -> None:
        self._update(lambda: setattr(self, "_voices_done", True))

    def speech(self, ids: frozenset[str] | None) -> None:
        """The voices HeyGen can speak without a render (None: they could not be listed)."""
        def change() -> None:
            self._speech, self._speech_done = ids, True
        self._update(change)

    def first_page(self, items: list[dict[str, Any]]) -> None:
        self._update(lambda: setattr(self, "_first", list(items)))

    def groups_page(self, items: list[dict[str, Any]]) -> None:
        self._update(lambda: self._groups.extend(items))

    def groups_done(self) -> None:
        self._update(lambda: setattr(self, "_groups_done", True))

    def part_page(self, avatar_type: str, items: list[dict[str, Any]]) -> None:
        self._update(lambda: self._parts.setdefault(avatar_type, []).extend(items))

    def part_done(self, avatar_type: str) -> None:
        self._update(lambda: self._parts_done.add(avatar_type))

    def tail(self, group_ids: Iterable[str]) -> None:
        self._update(lambda: setattr(self, "_tail", frozenset(group_ids)))

    def plain_page(self, items: list[dict[str, Any]]) -> None:
        def change() -> None:
            if self._plain is None:
                self._plain = []
            self._plain.extend(items)
        self._update(change)

    def public_done(self, looks: list[AvatarLook]) -> None:
        self._update(lambda: setattr(self, "_public", looks))

    def finish(self, catalogue: Catalogue) -> None:
        """The fetch gave ``catalogue`` (ignored once the fetch has ended)."""
        def change() -> None:
            if self.result is None and self.error is None:
                self.result = catalogue
        self._update(change)

    def fail(self, error: BaseException) -> None:
        """The fetch stopped on ``error`` (ignored once the fetch has ended)."""
        def change() -> None:
            if self.result is None and self.error is None:
                self.error = error
        self._update(change)

    # -- read from anywhere

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None

    @property
    def speech_voice_ids(self) -> frozenset[str] | None:
        """The voices HeyGen can speak without a render, once listed (else None)."""
        with self._cond:
            return self.result.speech_voice_ids if self.result is not None else self._speech

    def _parts_prefix(self) -> list[dict[str, Any]]:
        """HeyGen's looks of the first groups that every part has listed completely."""
        groups = self._groups
        rank = {g.get("id"): i for i, g in enumerate(groups)}
        limit = len(groups)
        for avatar_type in LOOK_TYPES:
            if avatar_type in self._parts_done:
                continue
            items = self._parts.get(avatar_type)
            if not items:
                return []
            limit = min(limit, rank.get(items[-1].get("group_id"), len(groups)))
        for group_id in self._tail:
            limit = min(limit, rank.get(group_id, limit))
        by_group: list[list[dict[str, Any]]] = [[] for _ in range(limit)]
        seen: set[Any] = set()
        for avatar_type in LOOK_TYPES:
            last = -1
            for item in self._parts.get(avatar_type, ()):
                r = rank.get(item.get("group_id"))
                if r is None or r >= limit:
                    break
                if r < last:
                    return []  # not in group order: the parts say nothing about the final order
                last = r
                if item.get("id") not in seen:
                    seen.add(item.get("id"))
                    by_group[r].append(item)
        out: list[dict[str, Any]] = []
        for i, items in enumerate(by_group):
            if len(items) != groups[i].get("looks_count"):
                break
            out.extend(items)
        return out

    def _public_prefix(self) -> tuple[list[dict[str, Any]] | list[AvatarLook], bool]:
        """(the first public looks of the final order, whether they are all of them)."""
        if self._public is not None:
            return self._public, True
        first = self._first or []
        if self._plain is not None:  # the plain listing, which starts with ``first``
            return (self._plain if len(self._plain) >= len(first) else first), False
        prefix = self._parts_prefix()
        overlap = min(len(first), len(prefix))
        if [i.get("id") for i in prefix[:overlap]] != [i.get("id") for i in first[:overlap]]:
            return first, False
        return (prefix if len(prefix) > len(first) else first), False

    def _usable(self, first_screen: int | None) -> bool:
        if self.done:
            return True
        if first_screen is None or self._private_looks is None or self._private_voices is None:
            return False
        if not self._public_voices and not self._voices_done:
            return False
        public, complete = self._public_prefix()
        return complete or len(public) >= first_screen

    def wait(self, first_screen: int | None = None, timeout: float | None = None) -> Catalogue | None:
        """Wait until ``first_screen`` of HeyGen's looks and some voices are known (None: until
        the fetch ends), at most ``timeout`` seconds; returns ``snapshot()``."""
        with self._cond:
            self._cond.wait_for(lambda: self._usable(first_screen), timeout=timeout)
        return self.snapshot()

    def usable(self, first_screen: int) -> bool:
        """Whether a first screen of looks and some voices are known (or the fetch has ended)."""
        with self._cond:
            return self._usable(first_screen)

    def _look(self, item: dict[str, Any] | AvatarLook) -> AvatarLook:
        if isinstance(item, AvatarLook):
            return item
        key = item.get("id")
        look = self._converted.get(key)
        if look is None:
            look = self._converted[key] = from_api(AvatarLook, item)
        return look

    def snapshot(self) -> Catalogue | None:
        """The catalogue as far as it is known (the final one once the fetch gave it), or None
        before anything arrived or after a failure with nothing listed."""
        with self._cond:
            if self.result is not None:
                return self.result
            if self._cached is not None and self._cached[0] == self.version:
                return self._cached[1]
            public, looks_done = self._public_prefix()
            private_looks = self._private_looks if self._private_looks is not None else []
            private_voices = self._private_voices if self._private_voices is not None else []
            expected = None
            if self._groups_done:
                expected = sum(int(g.get("looks_count") or 0) for g in self._groups)
                expected += len(private_looks) if isinstance(private_looks, list) else 0
            # Nothing is shown before the account's own items, which come first in the final order.
            catalogue = _assemble(
                private_looks, [self._look(item) for item in public] if self._private_looks is not None else [],
                private_voices, _voices(self._public_voices) if self._private_voices is not None else [],
                looks_complete=looks_done and self._private_looks is not None,
                voices_complete=self._voices_done and self._private_voices is not None,
                looks_expected=expected, speech_voice_ids=self._speech, speech_complete=self._speech_done,
            )
            if not catalogue.looks and not catalogue.voices:
                catalogue = None
            self._cached = (self.version, catalogue)
            return catalogue


def _recorded(fn: Callable[[], Any], record: Callable[[Any], None]) -> Callable[[], Any]:
    """``fn`` that also tells ``record`` its result or its HeyGen error."""
    def run() -> Any:
        try:
            value = fn()
        except HeyGenError as exc:
            record(exc)
            raise
        record(value)
        return value
    return run


def fetch_sequential(client: Client, *, sleep: Callable[[float], None] = time.sleep,
                     on_page: PageHook | None = None, progress: Progress | None = None) -> Catalogue:
    """The catalogue from four plain listings, one after the other (the reference order), then
    the voices HeyGen can speak.
    ``progress`` only learns the result or the error at the end."""
    lister = _Lister(client, sleep, on_page)

    def attempt(fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except HeyGenError as exc:
            return _optional(exc)

    try:
        public_looks = _looks(lister.items(LOOKS, {"ownership": "public"}, LOOKS_PAGE_MAX))
        private_looks = attempt(lambda: _looks(lister.items(LOOKS, {"ownership": "private"}, LOOKS_PAGE_MAX)))
        public_voices = _voices(lister.items(VOICES, {"type": "public"}, VOICES_PAGE_MAX))
        private_voices = attempt(lambda: _voices(lister.items(VOICES, {"type": "private"}, VOICES_PAGE_MAX), True))
        catalogue = _assemble(private_looks, public_looks, private_voices, public_voices,
                              speech_voice_ids=_speech_ids(lister))
    except BaseException as exc:
        if progress is not None:
            progress.fail(exc)
        raise
    if progress is not None:
        progress.finish(catalogue)
    return catalogue


class _OutOfOrder(Exception):
    """The parts of the public looks cannot be merged into the plain listing's order."""


class _PublicLooks:
    """HeyGen's own looks, one list per avatar type plus the groups, merged in group order.

    Once the groups are known and a single type is still being paged, the groups it has not
    reached yet are split: the list keeps going from the front and the last groups are asked for
    one by one (``group_id``) at the same time, so the longest list stops half way.
    """

    def __init__(self, lister: _Lister, pool: ThreadPoolExecutor, progress: Progress) -> None:
        self.lister = lister
        self.pool = pool
        self.progress = progress
        self.lock = threading.Lock()
        self.tail: frozenset[str] = frozenset()  # groups fetched one by one
        self.seen: set[Any] = set()  # groups the type lists have reached so far

    def _part(self, avatar_type: str) -> list[dict[str, Any]] | None:
        def watch(page: list[dict[str, Any]]) -> bool:
            with self.lock:
                self.seen.update(item.get("group_id") for item in page)
                return any(item.get("group_id") in self.tail for item in page)

        try:
            return self.lister.items(LOOKS, {"ownership": "public", "avatar_type": avatar_type}, LOOKS_PAGE_MAX,
                                     stop=watch, on_data=lambda page: self.progress.part_page(avatar_type, page))
        except InvalidRequestError:
            return None  # this server has no such avatar type
        finally:
            self.progress.part_done(avatar_type)

    def _group(self, group_id: str) -> list[dict[str, Any]]:
        return self.lister.items(LOOKS, {"ownership": "public", "group_id": group_id}, LOOKS_PAGE_MAX)

    def _groups(self) -> list[AvatarGroup]:
        items = self.lister.items(GROUPS, {"ownership": "public"}, GROUPS_PAGE_MAX, on_data=self.progress.groups_page)
        self.progress.groups_done()
        return [from_api(AvatarGroup, g) for g in items]

    def fetch(self) -> list[AvatarLook]:
        groups_future = self.pool.submit(self._groups)
        parts = {t: self.pool.submit(self._part, t) for t in LOOK_TYPES}
        group_futures: dict[str, Future] = {}
        pending: set[Future] = {groups_future, *parts.values()}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()  # a failed list fails the fetch now, not after the others
            if groups_future in done:
                group_futures = self._split_tail(groups_future.result(), parts)
        groups = groups_future.result()
        return self._merge(groups, {t: f.result() for t, f in parts.items()},
                           {g: f.result() for g, f in group_futures.items()})

    def _split_tail(self, groups: list[AvatarGroup], parts: dict[str, Future]) -> dict[str, Future]:
        """Ask for the last unseen groups one by one when only one type is still being paged."""
        if sum(1 for f in parts.values() if not f.done()) != 1:
            return {}
        with self.lock:
            unseen = [g for g in groups if g.id not in self.seen and g.looks_count > 0]
        spare = max(1, WORKERS - 4)
        front = sum(g.looks_count for g in unseen)
        tail: list[AvatarGroup] = []
        # Both ends should finish together: the front reads a page of looks per round trip, the
        # tail ``spare`` groups per round trip.
        for g in reversed(unseen[1:]):
            if (len(tail) + 1) / spare > (front - g.looks_count) / LOOKS_PAGE_MAX:
                break
            tail.append(g)
            front -= g.looks_count
        if not tail:
            return {}
        with self.lock:
            self.tail = frozenset(g.id for g in tail)
        self.progress.tail(self.tail)
        return {g.id: self.pool.submit(self._group, g.id) for g in tail}

    def _merge(self, groups: list[AvatarGroup], parts: dict[str, list[dict[str, Any]] | None],
               tail: dict[str, list[dict[str, Any]]]) -> list[AvatarLook]:
        rank = {g.id: i for i, g in enumerate(groups)}
        by_group: dict[str, list[dict[str, Any]]] = {g.id: [] for g in groups}
        ids: set[str] = set()
        for items in parts.values():
            last = -1
            for item in items or ():
                group = item.get("group_id")
                if group in tail:
                    continue
                if group not in rank or rank[group] < last:
                    raise _OutOfOrder(f"look {item.get('id')!r} is not in group order")
                last = rank[group]
                if item.get("id") not in ids:
                    ids.add(item.get("id"))
                    by_group[group].append(item)
        for group, items in tail.items():
            by_group[group] = [item for item in items if item.get("group_id") == group]
        for g in groups:
            if len(by_group[g.id]) != g.looks_count:
                raise _OutOfOrder(f"group {g.id!r} counts {g.looks_count} looks, {len(by_group[g.id])} listed")
        return _looks(item for g in groups for item in by_group[g.id])


def fetch(client: Client, *, sleep: Callable[[float], None] = time.sleep,
          on_page: PageHook | None = None, progress: Progress | None = None) -> Catalogue:
    """The catalogue, listed in parts side by side; the same looks and voices, in the same order,
    as ``fetch_sequential``. Raises ``HeyGenError`` when HeyGen's own lists cannot be read.
    ``progress`` is told every page as it arrives, and the result or the error."""
    progress = progress if progress is not None else Progress()
    lister = _Lister(client, sleep, on_page)
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="catalogue")
    try:
        private_looks = pool.submit(_recorded(
            lambda: _looks(lister.items(LOOKS, {"ownership": "private"}, LOOKS_PAGE_MAX)), progress.private_looks))
        private_voices = pool.submit(_recorded(
            lambda: _voices(lister.items(VOICES, {"type": "private"}, VOICES_PAGE_MAX), True),
            progress.private_voices))

        def public_voices_list() -> list[Voice]:
            items = lister.items(VOICES, {"type": "public"}, VOICES_PAGE_MAX, on_data=progress.voices_page)
            progress.voices_done()
            return _voices(items)

        def first_page() -> list[dict[str, Any]] | None:
            try:
                return lister.items(LOOKS, {"ownership": "public"}, LOOKS_PAGE_MAX, on_data=progress.first_page,
                                    pages=1)
            except HeyGenError:
                return None  # only a shortcut to the first screen and a check of the order

        def speech_list() -> frozenset[str] | None:
            ids = _speech_ids(lister)
            progress.speech(ids)
            return ids

        public_voices = pool.submit(public_voices_list)
        first = pool.submit(first_page)
        speech = pool.submit(speech_list)
        try:
            public_looks = _PublicLooks(lister, pool, progress).fetch()
            first_ids = [item.get("id") for item in first.result() or ()]
            if [look.id for look in public_looks[:len(first_ids)]] != first_ids:
                raise _OutOfOrder("the parts do not start like the plain listing")
        except _OutOfOrder as exc:
            log.info("listing the public looks in one list: %s", exc)
            public_looks = _looks(lister.items(LOOKS, {"ownership": "public"}, LOOKS_PAGE_MAX,
                                               on_data=progress.plain_page))
        progress.public_done(public_looks)

        def outcome(future: Future) -> Any:
            try:
                return future.result()
            except HeyGenError as exc:
                return _optional(exc)

        catalogue = _assemble(outcome(private_looks), public_looks, outcome(private_voices), public_voices.result(),
                              speech_voice_ids=speech.result())
    except BaseException as exc:
        lister.cancelled.set()  # the other lists stop at their next page
        progress.fail(exc)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    progress.finish(catalogue)
    return catalogue


# -- on disk ---------------------------------------------------------------------------------------


def cache_path(data_dir: Path | str, account: str, base_url: str) -> Path:
    """Where one account's catalogue is kept: a file named after (account, server) in the data folder."""
    digest = hashlib.sha256(f"{account}\n{base_url.rstrip('/')}".encode()).hexdigest()[:24]
    return Path(data_dir) / "catalogues" / f"catalogue-{digest}.json"


def _as_dict(item: Any) -> dict[str, Any]:
    return dataclasses.asdict(item)


def _with_extra(cls: type, data: Any) -> Any:
    item = from_api(cls, data)
    if isinstance(data, dict) and isinstance(data.get("extra"), dict):
        item.extra = data["extra"]
    return item


def save(catalogue: Catalogue, path: Path, *, account: str, base_url: str) -> None:
    """Write ``catalogue`` to ``path`` (folder 0700, file 0600, replaced in one step)."""
    folder = private_dir(path.parent)
    body = {
        "format": CACHE_FORMAT, "account": account, "base_url": base_url.rstrip("/"),
        "fetched_at": catalogue.fetched_at,
        "looks": [_as_dict(look) for look in catalogue.looks],
        "private_look_ids": sorted(catalogue.private_look_ids),
        "voices": [_as_dict(voice) for voice in catalogue.voices],
        "speech_voice_ids": sorted(catalogue.speech_voice_ids) if catalogue.speech_voice_ids is not None else None,
    }
    fd, tmp = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp", dir=folder)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out, separators=(",", ":"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(path: Path, *, account: str, base_url: str) -> Catalogue | None:
    """The catalogue kept at ``path`` for this account and server, or None (missing, unreadable,
    damaged, or written for another account, server or format)."""
    try:
        with open(path, encoding="utf-8") as src:
            body = json.load(src)
        if (not isinstance(body, dict) or body.get("format") != CACHE_FORMAT or body.get("account") != account
                or body.get("base_url") != base_url.rstrip("/")):
            return None
        looks, voices, private = body["looks"], body["voices"], body["private_look_ids"]
        if not all(isinstance(x, list) for x in (looks, voices, private)):
            return None
        speech = body.get("speech_voice_ids")  # not kept by earlier versions: not known
        speech_ids = frozenset(x for x in speech if isinstance(x, str)) if isinstance(speech, list) else None
        return Catalogue(
            looks=tuple(_with_extra(AvatarLook, item) for item in looks),
            private_look_ids=frozenset(x for x in private if isinstance(x, str)),
            voices=tuple(_with_extra(Voice, item) for item in voices),
            fetched_at=float(body["fetched_at"]),
            speech_voice_ids=speech_ids,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("ignoring the catalogue kept at %s: %s", path, type(exc).__name__)
        return None


# -- one account's catalogue, kept up to date ----------------------------------------------------------


class LiveCatalogue:
    """One account's catalogue: from memory, else from disk (refreshed in the background), else
    fetched on the spot or in the background (``start``), whose ``progress`` shows what it has so
    far. A fetched catalogue is kept on disk for the next start."""

    def __init__(self, client: Client, account: str, base_url: str, data_dir: Path | str | None, *,
                 max_age: float = 3600.0, fetcher: Callable[[Client], Catalogue] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.account = account
        self.base_url = base_url
        self.path = cache_path(data_dir, account, base_url) if data_dir is not None else None
        self.max_age = max_age
        self.fetcher = fetcher
        self.sleep = sleep
        self.refresh_error: HeyGenError | None = None
        self._current: Catalogue | None = None
        self._progress: Progress | None = None
        self._lock = threading.Lock()
        self._fetch_lock = threading.Lock()
        self._refresher: threading.Thread | None = None

    def peek(self) -> Catalogue | None:
        """The complete catalogue at hand (memory, then disk) without asking HeyGen; a copy read
        from disk or older than ``max_age`` starts a background refresh."""
        with self._lock:
            current = self._current
        if current is None and self.path is not None:
            current = read(self.path, account=self.account, base_url=self.base_url)
            if current is not None:
                with self._lock:
                    self._current = self._current or current
                    current = self._current
                self.refresh_in_background()
                return current
        if current is not None and time.time() - current.fetched_at > self.max_age:
            self.refresh_in_background()
        return current

    def get(self) -> Catalogue:
        """The catalogue at hand, or fetched now (``HeyGenError`` when it cannot be)."""
        return self.peek() or self.fetch_now(only_if_missing=True)

    @property
    def progress(self) -> Progress | None:
        """The latest fetch's progress (running, finished or failed), or None before any."""
        with self._lock:
            return self._progress

    def speech_voice_ids(self) -> frozenset[str] | None:
        """The voices HeyGen can speak without a render, as last listed (the latest fetch's, else the
        catalogue in memory's), or None when not known; never reads the disk or asks HeyGen."""
        with self._lock:
            current, progress = self._current, self._progress
        known = progress.speech_voice_ids if progress is not None else None
        if known is None and current is not None:
            known = current.speech_voice_ids
        return known

    def start(self) -> Progress:
        """The running background fetch's progress, or a new background fetch's."""
        self.refresh_in_background()
        with self._lock:
            assert self._progress is not None
            return self._progress

    def fetch_now(self, *, only_if_missing: bool = False, progress: Progress | None = None) -> Catalogue:
        """Fetch the whole catalogue now, keep it in memory and on disk, and return it."""
        with self._fetch_lock:
            if only_if_missing:
                with self._lock:
                    if self._current is not None:
                        return self._current
            if progress is None:
                progress = Progress()
                with self._lock:
                    self._progress = progress
            try:
                if self.fetcher is not None:
                    catalogue = self.fetcher(self.client)
                else:
                    catalogue = fetch(self.client, sleep=self.sleep, progress=progress)
            except BaseException as exc:
                progress.fail(exc)
                raise
            with self._lock:
                self._current = catalogue
            progress.finish(catalogue)
            self._save(catalogue)
            return catalogue

    @property
    def refreshing(self) -> bool:
        """True while a background fetch runs."""
        thread = self._refresher
        return thread is not None and thread.is_alive()

    def refresh_in_background(self) -> threading.Thread | None:
        """Start a background fetch unless one is running; returns its thread."""
        with self._lock:
            if self._refresher is not None and self._refresher.is_alive():
                return None
            progress = self._progress = Progress()
            self._refresher = threading.Thread(target=self._refresh, args=(progress,), name="catalogue-refresh",
                                               daemon=True)
            thread = self._refresher
        thread.start()
        return thread

    def _refresh(self, progress: Progress) -> None:
        try:
            self.fetch_now(progress=progress)
            self.refresh_error = None
        except HeyGenError as exc:
            self.refresh_error = exc
            log.info("background catalogue fetch failed: %s", exc.message)
        except Exception:  # a fetch that breaks must leave the catalogue at hand as it was
            log.exception("background catalogue fetch failed")

    def _save(self, catalogue: Catalogue) -> None:
        if self.path is None or catalogue.notes or not catalogue.complete:
            return  # an incomplete catalogue is not kept
        try:
            save(catalogue, self.path, account=self.account, base_url=self.base_url)
        except OSError as exc:
            log.warning("could not keep the catalogue at %s: %s", self.path, exc)
