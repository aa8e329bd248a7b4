"""Client reviews: chosen finished videos shared through a link (``?review=TOKEN``), every visit and
decision made through it, and the summary exported as CSV.

A review belongs to an account fingerprint, like a job. Its token is random (192 bits) and only opens
the review while it is neither past its expiry nor revoked; the database keeps only its SHA-256, so
the plain token exists once, on the ``Review`` that ``create`` or ``new_link`` returns. A client marks
each video Approved or Changes needed, with an optional comment tied to a moment of the video; every
decision is kept, and a video's state is its latest decision. A review made for a batch's sample
approves the batch when the client approves the sample (see ``decide``).

Nothing a visitor sends can make the studio fail: a moment is a finite number of seconds from 0 to
24 hours (and within the video when its length is known), a comment has at most ``MAX_COMMENT``
characters, and a link takes at most ``RATE_LIMIT`` decisions and comments in ``RATE_WINDOW`` seconds.
A value stored before these rules (an infinite or negative moment) is shown as no moment at all.
Visits are counted by visitor (a hash of the browser's id), not by page load.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .db import Database, query
from .spreadsheet import safe_cell

TOKEN_BYTES = 24
DECISIONS = {"approved": "Approved", "changes": "Changes needed"}
MAX_COMMENT = 2000
MAX_NAME = 80
MAX_TITLE = 200
MAX_NOTE = 1000
MAX_ITEMS = 24
MAX_MOMENT = 24 * 3600.0  # seconds: no video is longer than a day
MOMENT_TOLERANCE = 1.0  # seconds a moment may pass the video's length (moments are whole seconds)
RATE_LIMIT = 30  # decisions and comments per link...
RATE_WINDOW = 60.0  # ...in this many seconds
CSV_COLUMNS = ("review", "video", "version", "decision", "comment", "moment", "who", "when")


class ReviewError(Exception):
    """A review request that cannot be carried out; the message says why in plain words."""


class MomentError(ReviewError):
    """A moment that is not one of the video: ``reason`` is "format", "not_finite", "negative", "too_long"
    (past ``MAX_MOMENT``) or "past_end" (past ``duration``, the video's length)."""

    def __init__(self, text: str, reason: str, duration: float | None = None) -> None:
        super().__init__(f"moment {text[:40]!r}: {reason}")
        self.text = text
        self.reason = reason
        self.duration = duration


class CommentTooLong(ReviewError):
    """A comment of ``length`` characters, more than ``limit``."""

    def __init__(self, length: int, limit: int = MAX_COMMENT) -> None:
        super().__init__(f"comment of {length} characters; at most {limit}")
        self.length = length
        self.limit = limit


class TooManyMessages(ReviewError):
    """The link already took ``limit`` decisions and comments in the last ``window`` seconds; nothing was recorded."""

    def __init__(self, limit: int = RATE_LIMIT, window: float = RATE_WINDOW) -> None:
        super().__init__(f"more than {limit} decisions and comments in {window:g} s")
        self.limit = limit
        self.window = window


@dataclass
class Item:
    """One video of a review, as the client sees it."""

    job_id: str
    title: str
    note: str = ""


@dataclass
class Event:
    """A visit, decision or comment recorded against a review."""

    id: str
    review_id: str
    job_id: str | None
    kind: str
    decision: str | None
    comment: str | None
    moment: float | None
    who: str | None
    at: float
    visitor: str | None = None  # for a visit: the hash of the visitor's id, when known


@dataclass
class Review:
    """A shared set of videos and the link that opens it.

    ``token_hash`` is what the database keeps; ``token``, the link's secret itself, is known only on the
    review ``create`` or ``new_link`` returned ("" on a review read back).
    """

    id: str
    account: str
    token_hash: str
    title: str
    message: str
    batch_id: str | None
    created_at: float
    expires_at: float
    revoked_at: float | None
    items: list[Item] = field(default_factory=list)
    token: str = ""

    def state(self, now: float | None = None) -> str:
        """"open", "expired" or "revoked"."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if (time.time() if now is None else now) >= self.expires_at else "open"

    def is_open(self, now: float | None = None) -> bool:
        return self.state(now) == "open"

    def has(self, job_id: str) -> bool:
        return any(item.job_id == job_id for item in self.items)


def new_token() -> str:
    """A fresh link token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: object) -> bool:
    """True for a string shaped like a token (checked before any lookup)."""
    return isinstance(text, str) and 16 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)


def token_hash(token: str) -> str:
    """What the database keeps of a link token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def visitor_hash(review_id: str, visitor: str) -> str:
    """What the database keeps of a visitor's id: its SHA-256 with the review's id (hex), so the same
    browser cannot be followed from one review to another."""
    return hashlib.sha256(f"{review_id}\n{visitor}".encode("utf-8", "replace")).hexdigest()


def moment_text(seconds: object) -> str:
    """A moment in a video as m:ss; "" for none and for anything that is not a moment (infinite,
    negative, past ``MAX_MOMENT``, not a number), as a value stored before the rules may be."""
    if not _is_moment(seconds):
        return ""
    whole = int(round(_real(seconds)))  # type: ignore[arg-type]
    return f"{whole // 60}:{whole % 60:02d}"


def check_moment(seconds: float, duration: float | None = None, text: str | None = None) -> float:
    """``seconds`` when it is a moment of the video: finite, from 0 to ``MAX_MOMENT``, and not past
    ``duration`` (the video's length, when known); MomentError otherwise."""
    shown = str(seconds)[:40] if text is None else text
    value = _real(seconds)
    if value is None:
        raise MomentError(shown, "format")
    if not math.isfinite(value):
        raise MomentError(shown, "not_finite")
    if value < 0:
        raise MomentError(shown, "negative")
    if value > MAX_MOMENT:
        raise MomentError(shown, "too_long")
    length = _real(duration) if _is_moment(duration) else None
    if length and value > length + MOMENT_TOLERANCE:
        raise MomentError(shown, "past_end", length)
    return value


def parse_moment(text: str, duration: float | None = None) -> float | None:
    """"1:05", "65" or "" (none) as seconds; MomentError for anything else, for a moment that is not
    finite, negative or past 24 hours, and for one past ``duration`` (the video's length, when known)."""
    text = (text or "").strip()
    if not text:
        return None
    parts = text.split(":")
    try:
        if len(parts) == 1:
            seconds = float(parts[0])
        elif len(parts) == 2 and parts[1].isdigit() and len(parts[1]) == 2:
            seconds = int(parts[0]) * 60 + int(parts[1])
        else:
            raise ValueError(text)
    except ValueError:
        raise MomentError(text, "format") from None
    return check_moment(seconds, duration, text)


def count_visitors(events: Iterable[Event]) -> int:
    """How many visitors ``events`` hold: one per distinct visitor, and one per visit whose visitor is unknown."""
    known: set[str] = set()
    unknown = 0
    for event in events:
        if event.kind != "visit":
            continue
        if event.visitor:
            known.add(event.visitor)
        else:
            unknown += 1
    return len(known) + unknown


class ReviewStore:
    """The reviews of every account, in ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reviews

    def create(self, account: str, items: Iterable[Item], *, title: str, expires_at: float, message: str = "",
               batch_id: str | None = None, now: float | None = None) -> Review:
        """A new review of ``items`` (finished videos, in the order given), open until ``expires_at``."""
        now = time.time() if now is None else now
        chosen = list(items)
        title = (title or "").strip()
        if not chosen:
            raise ReviewError("Choose at least one video to share.")
        if len(chosen) > MAX_ITEMS:
            raise ReviewError(f"A review link can hold at most {MAX_ITEMS} videos; choose fewer.")
        if len({item.job_id for item in chosen}) != len(chosen):
            raise ReviewError("The same video is chosen twice.")
        if not title:
            raise ReviewError("Give the review a title, so the client knows what they are looking at.")
        if len(title) > MAX_TITLE:
            raise ReviewError(f"The title is too long ({len(title)} characters; at most {MAX_TITLE}).")
        if expires_at <= now:
            raise ReviewError("The expiry date and time are in the past; choose a later day or time.")
        if len((message or "").strip()) > MAX_NOTE:
            raise ReviewError(f"The message is too long ({len(message.strip())} characters; at most {MAX_NOTE}).")
        for item in chosen:
            if len(item.note) > MAX_NOTE or len(item.title) > MAX_TITLE:
                raise ReviewError(f"The note or title of “{item.title[:40]}” is too long.")
        token = new_token()
        review = Review(uuid.uuid4().hex, account, token_hash(token), title, (message or "").strip(), batch_id, now,
                        float(expires_at), None,
                        [Item(i.job_id, (i.title or "").strip() or "Untitled video", (i.note or "").strip())
                         for i in chosen], token=token)

        def tx(conn) -> None:
            query(conn, "INSERT INTO reviews (id, account, token_hash, title, message, batch_id, created_at, "
                        "expires_at) VALUES (:id, :account, :token_hash, :title, :message, :batch_id, :created_at, "
                        ":expires_at)",
                  {"id": review.id, "account": account, "token_hash": review.token_hash, "title": review.title,
                   "message": review.message, "batch_id": batch_id, "created_at": now,
                   "expires_at": review.expires_at})
            query(conn, "INSERT INTO review_items (review_id, position, job_id, title, note) "
                        "VALUES (:review_id, :position, :job_id, :title, :note)",
                  [{"review_id": review.id, "position": n, "job_id": item.job_id, "title": item.title,
                    "note": item.note} for n, item in enumerate(review.items)])

        self.db.run(tx, write=True)
        return review

    def get(self, review_id: str) -> Review | None:
        return self._one("id", review_id)

    def by_token(self, token: str) -> Review | None:
        """The review the link token opens, whatever its state (None for a token never issued)."""
        if not looks_like_token(token):
            return None
        digest = token_hash(token)
        review = self._one("token_hash", digest)
        # The lookup is by equality in SQL; compare again in constant time before trusting it.
        if review is None or not secrets.compare_digest(review.token_hash, digest):
            return None
        return review

    def new_link(self, review_id: str, now: float | None = None) -> Review:
        """Give an open review a new token (returned on the review); the old link stops working at once.
        ReviewError when the review is gone, expired or revoked."""
        now = time.time() if now is None else now
        token = new_token()

        def tx(conn) -> None:
            changed = query(conn, "UPDATE reviews SET token_hash = :hash WHERE id = :id AND revoked_at IS NULL "
                                  "AND expires_at > :now", {"id": review_id, "hash": token_hash(token), "now": now})
            if changed.rowcount != 1:
                raise ReviewError("This review link has expired or was revoked; make a new review instead.")

        self.db.run(tx, write=True)
        review = self.get(review_id)
        if review is None:  # deleted in between
            raise ReviewError("This review no longer exists; make a new review instead.")
        review.token = token
        return review

    def list(self, account: str) -> list[Review]:
        """The account's reviews, newest first."""
        rows = self.db.run(lambda conn: query(
            conn, f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE account = :account ORDER BY created_at DESC, id",
            {"account": account}).fetchall(), write=False)
        return self._with_items([_review(row) for row in rows])

    def for_batch(self, batch_id: str) -> list[Review]:
        """The sample reviews made for a batch, newest first."""
        rows = self.db.run(lambda conn: query(
            conn, f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE batch_id = :batch_id ORDER BY created_at DESC, id",
            {"batch_id": batch_id}).fetchall(), write=False)
        return self._with_items([_review(row) for row in rows])

    def revoke(self, review_id: str, now: float | None = None) -> None:
        """Close the link for good (its history stays)."""
        self.db.run(lambda conn: query(
            conn, "UPDATE reviews SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL",
            {"id": review_id, "now": time.time() if now is None else now}), write=True)

    def set_expiry(self, review_id: str, expires_at: float) -> None:
        self.db.run(lambda conn: query(conn, "UPDATE reviews SET expires_at = :at WHERE id = :id",
                                       {"id": review_id, "at": float(expires_at)}), write=True)

    def delete(self, review_id: str) -> None:
        """Remove a review, its items and its recorded events."""
        def tx(conn) -> None:
            query(conn, "DELETE FROM review_events WHERE review_id = :id", {"id": review_id})
            query(conn, "DELETE FROM review_items WHERE review_id = :id", {"id": review_id})
            query(conn, "DELETE FROM reviews WHERE id = :id", {"id": review_id})

        self.db.run(tx, write=True)

    # -- what the client does

    def record_visit(self, review: Review, visitor: str | None = None, now: float | None = None) -> Event:
        """Record a visit by ``visitor`` (an opaque id of the browser; only its hash is kept). A visitor seen
        before on this review adds nothing (their first visit is returned); a visit with no id is always new."""
        return self._add(review, None, "visit", visitor=visitor_hash(review.id, str(visitor)) if visitor else None,
                         now=now)

    def decide(self, review: Review, job_id: str, decision: str, *, comment: str = "", moment: float | None = None,
               who: str = "", now: float | None = None, on_sample_approved=None) -> Event:
        """Record the client's decision on one video of an open review.

        ``on_sample_approved(batch_id)`` is called when this approves the sample of a batch review.
        """
        if decision not in DECISIONS:
            raise ReviewError("Choose Approved or Changes needed.")
        if decision == "changes" and not _clean(comment).strip():
            raise ReviewError("Say what should change, so the team can fix it.")
        event = self._add(review, job_id, "decision", decision=decision, comment=comment, moment=moment, who=who,
                          now=now)
        if decision == "approved" and review.batch_id and on_sample_approved is not None:
            on_sample_approved(review.batch_id)
        return event

    def comment(self, review: Review, job_id: str, comment: str, *, moment: float | None = None, who: str = "",
                now: float | None = None) -> Event:
        if not _clean(comment).strip():
            raise ReviewError("The comment is empty.")
        return self._add(review, job_id, "comment", comment=comment, moment=moment, who=who, now=now)

    def _add(self, review: Review, job_id: str | None, kind: str, *, decision: str | None = None,
             comment: str | None = None, moment: float | None = None, who: str = "", visitor: str | None = None,
             now: float | None = None) -> Event:
        """Record one event, checking in the same transaction that the link is open, the video is in it and
        the link is within its rate (decisions and comments only)."""
        now = time.time() if now is None else now
        comment = _clean(comment).strip() or None
        if comment is not None and len(comment) > MAX_COMMENT:
            raise CommentTooLong(len(comment))
        who = _clean(who).strip()[:MAX_NAME] or None
        if moment is not None:
            moment = check_moment(moment)
        event = Event(uuid.uuid4().hex, review.id, job_id, kind, decision, comment, moment, who, now, visitor)

        def tx(conn) -> Event:
            row = query(conn, "SELECT revoked_at, expires_at FROM reviews WHERE id = :id" + self.db.for_update,
                        {"id": review.id}).fetchone()
            if row is None or row[0] is not None or now >= float(row[1]):
                raise ReviewError("This review link has expired; nothing was recorded.")
            if job_id is not None and query(
                    conn, "SELECT 1 FROM review_items WHERE review_id = :id AND job_id = :job_id",
                    {"id": review.id, "job_id": job_id}).fetchone() is None:
                raise ReviewError("That video is not part of this review.")
            if kind == "visit" and visitor is not None:
                seen = query(conn, f"SELECT {_EVENT_COLUMNS} FROM review_events WHERE review_id = :id "
                                   "AND kind = 'visit' AND visitor = :visitor ORDER BY at, id LIMIT 1",
                             {"id": review.id, "visitor": visitor}).fetchone()
                if seen is not None:
                    return _event(seen)
            if kind != "visit":
                recent = query(conn, "SELECT count(*) FROM review_events WHERE review_id = :id "
                                     "AND kind IN ('decision', 'comment') AND at > :since",
                               {"id": review.id, "since": now - RATE_WINDOW}).scalar()
                if recent >= RATE_LIMIT:
                    raise TooManyMessages()
            query(conn, "INSERT INTO review_events (id, review_id, job_id, kind, decision, comment, moment, who, at, "
                        "visitor) VALUES (:id, :review_id, :job_id, :kind, :decision, :comment, :moment, :who, :at, "
                        ":visitor)", event.__dict__)
            return event

        return self.db.run(tx, write=True)

    # -- what the studio reads

    def events(self, review_id: str, *, kinds: Iterable[str] | None = None) -> list[Event]:
        """The review's events, oldest first."""
        rows = self.db.run(lambda conn: query(
            conn, f"SELECT {_EVENT_COLUMNS} FROM review_events WHERE review_id = :id ORDER BY at, id",
            {"id": review_id}).fetchall(), write=False)
        wanted = set(kinds) if kinds is not None else None
        return [e for e in map(_event, rows) if wanted is None or e.kind in wanted]

    def feedback(self, job_ids: Iterable[str]) -> dict[str, list[Event]]:
        """Decisions and comments on each of ``job_ids`` from every review, oldest first."""
        ids = list(dict.fromkeys(job_ids))
        found: dict[str, list[Event]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            names = {f"j{n}": job_id for n, job_id in enumerate(chunk)}
            rows = self.db.run(lambda conn, names=names: query(
                conn, f"SELECT {_EVENT_COLUMNS} FROM review_events WHERE kind IN ('decision', 'comment') "
                      f"AND job_id IN ({', '.join(':' + n for n in names)}) ORDER BY at, id", names).fetchall(),
                write=False)
            for event in map(_event, rows):
                found.setdefault(event.job_id, []).append(event)
        return found

    def latest_decisions(self, job_ids: Iterable[str]) -> dict[str, Event]:
        """Each video's latest decision, for the videos that have one."""
        latest: dict[str, Event] = {}
        for job_id, events in self.feedback(job_ids).items():
            decisions = [e for e in events if e.kind == "decision"]
            if decisions:
                latest[job_id] = decisions[-1]
        return latest

    def in_review(self, job_ids: Iterable[str], now: float | None = None) -> set[str]:
        """Those of ``job_ids`` that are in a review still open."""
        now = time.time() if now is None else now
        ids = list(dict.fromkeys(job_ids))
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            names = {f"j{n}": job_id for n, job_id in enumerate(ids[start:start + 500])}
            rows = self.db.run(lambda conn, names=names: query(
                conn, "SELECT DISTINCT i.job_id FROM review_items i JOIN reviews r ON r.id = i.review_id "
                      f"WHERE r.revoked_at IS NULL AND r.expires_at > :now AND i.job_id IN "
                      f"({', '.join(':' + n for n in names)})", {"now": now, **names}).fetchall(), write=False)
            found.update(row[0] for row in rows)
        return found

    def summary_csv(self, review: Review, version_of=None) -> str:
        """The review's decisions and comments as CSV: review, video, version, decision, comment, moment,
        who, when (``version_of(job_id)`` names the version of a video; its id by default)."""
        titles = {item.job_id: item.title for item in review.items}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for event in self.events(review.id, kinds=("decision", "comment")):
            writer.writerow([
                safe_cell(review.title), safe_cell(titles.get(event.job_id, "")),
                safe_cell(version_of(event.job_id) if version_of else event.job_id),
                DECISIONS.get(event.decision, "Comment") if event.kind == "decision" else "Comment",
                safe_cell(event.comment), moment_text(event.moment), safe_cell(event.who),
                datetime.fromtimestamp(event.at).isoformat(timespec="seconds"),
            ])
        return out.getvalue()

    # -- rows

    def _one(self, column: str, value: str) -> Review | None:
        row = self.db.run(lambda conn: query(
            conn, f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE {column} = :value", {"value": value}).fetchone(),
            write=False)
        return self._with_items([_review(row)])[0] if row is not None else None

    def _with_items(self, reviews: list[Review]) -> list[Review]:
        if not reviews:
            return reviews
        names = {f"r{n}": r.id for n, r in enumerate(reviews)}
        rows = self.db.run(lambda conn: query(
            conn, "SELECT review_id, job_id, title, note FROM review_items "
                  f"WHERE review_id IN ({', '.join(':' + n for n in names)}) ORDER BY review_id, position",
            names).fetchall(), write=False)
        by_id = {r.id: r for r in reviews}
        for review_id, job_id, title, note in rows:
            by_id[review_id].items.append(Item(job_id, title, note or ""))
        return reviews


_REVIEW_COLUMNS = "id, account, token_hash, title, message, batch_id, created_at, expires_at, revoked_at"
_EVENT_COLUMNS = "id, review_id, job_id, kind, decision, comment, moment, who, at, visitor"


def _review(row) -> Review:
    return Review(row[0], row[1], row[2], row[3], row[4] or "", row[5], float(row[6]), float(row[7]),
                  None if row[8] is None else float(row[8]))


def _event(row) -> Event:
    return Event(row[0], row[1], row[2], row[3], row[4], row[5], _number(row[6]), row[7], float(row[8]), row[9])


def _number(value: object) -> float | None:
    """A stored number as a float; None for none and for a value that is not a number at all."""
    try:
        return None if value is None else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _real(value: object) -> float | None:
    """``value`` as a float when it is a number (an int too large for a float is infinite); None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _is_moment(seconds: object) -> bool:
    value = _real(seconds)
    return value is not None and math.isfinite(value) and 0 <= value <= MAX_MOMENT


def _clean(text: str | None) -> str:
    """``text`` without NUL characters (PostgreSQL's text cannot hold them)."""
    return (text or "").replace("\x00", "")
