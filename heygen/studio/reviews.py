"""Client reviews: chosen finished videos shared through a link (``?review=TOKEN``), every visit and
decision made through it, and the summary exported as CSV.

A review belongs to an account fingerprint, like a job. Its token is random (192 bits), unique, and
only opens the review while it is neither past its expiry nor revoked. A client marks each video
Approved or Changes needed, with an optional comment tied to a moment of the video; every decision is
kept, and a video's state is its latest decision. A review made for a batch's sample approves the
batch when the client approves the sample (see ``decide``).
"""

from __future__ import annotations

import csv
import io
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
CSV_COLUMNS = ("review", "video", "version", "decision", "comment", "moment", "who", "when")


class ReviewError(Exception):
    """A review request that cannot be carried out; the message says why in plain words."""


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


@dataclass
class Review:
    """A shared set of videos and the link that opens it."""

    id: str
    account: str
    token: str
    title: str
    message: str
    batch_id: str | None
    created_at: float
    expires_at: float
    revoked_at: float | None
    items: list[Item] = field(default_factory=list)

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


def moment_text(seconds: float | None) -> str:
    """A moment in a video as m:ss ("" for none)."""
    if seconds is None:
        return ""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def parse_moment(text: str) -> float | None:
    """"1:05", "65" or "" (none) as seconds; ReviewError for anything else."""
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
        raise ReviewError(f"“{text}” is not a moment of the video: write it as minutes:seconds, e.g. 0:42.") from None
    if seconds < 0:
        raise ReviewError("A moment of the video cannot be negative.")
    return seconds


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
            raise ReviewError("The expiry date is in the past; choose a later date.")
        for item in chosen:
            if len(item.note) > MAX_NOTE or len(item.title) > MAX_TITLE:
                raise ReviewError(f"The note or title of “{item.title[:40]}” is too long.")
        review = Review(uuid.uuid4().hex, account, new_token(), title, (message or "").strip(), batch_id, now,
                        float(expires_at), None,
                        [Item(i.job_id, (i.title or "").strip() or "Untitled video", (i.note or "").strip())
                         for i in chosen])

        def tx(conn) -> None:
            query(conn, "INSERT INTO reviews (id, account, token, title, message, batch_id, created_at, expires_at) "
                        "VALUES (:id, :account, :token, :title, :message, :batch_id, :created_at, :expires_at)",
                  {"id": review.id, "account": account, "token": review.token, "title": review.title,
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
        review = self._one("token", token)
        # The lookup is by equality in SQL; compare again in constant time before trusting it.
        if review is None or not secrets.compare_digest(review.token, token):
            return None
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

    def record_visit(self, review: Review, now: float | None = None) -> Event:
        return self._add(review, None, "visit", now=now)

    def decide(self, review: Review, job_id: str, decision: str, *, comment: str = "", moment: float | None = None,
               who: str = "", now: float | None = None, on_sample_approved=None) -> Event:
        """Record the client's decision on one video of an open review.

        ``on_sample_approved(batch_id)`` is called when this approves the sample of a batch review.
        """
        if decision not in DECISIONS:
            raise ReviewError("Choose Approved or Changes needed.")
        if decision == "changes" and not (comment or "").strip():
            raise ReviewError("Say what should change, so the team can fix it.")
        event = self._add(review, job_id, "decision", decision=decision, comment=comment, moment=moment, who=who,
                          now=now)
        if decision == "approved" and review.batch_id and on_sample_approved is not None:
            on_sample_approved(review.batch_id)
        return event

    def comment(self, review: Review, job_id: str, comment: str, *, moment: float | None = None, who: str = "",
                now: float | None = None) -> Event:
        if not (comment or "").strip():
            raise ReviewError("The comment is empty.")
        return self._add(review, job_id, "comment", comment=comment, moment=moment, who=who, now=now)

    def _add(self, review: Review, job_id: str | None, kind: str, *, decision: str | None = None,
             comment: str | None = None, moment: float | None = None, who: str = "",
             now: float | None = None) -> Event:
        now = time.time() if now is None else now
        current = self.get(review.id)
        if current is None or not current.is_open(now):
            raise ReviewError("This review link has expired; nothing was recorded.")
        if job_id is not None and not current.has(job_id):
            raise ReviewError("That video is not part of this review.")
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > MAX_COMMENT:
            raise ReviewError(f"The comment is too long ({len(comment)} characters; at most {MAX_COMMENT}).")
        who = (who or "").strip()[:MAX_NAME] or None
        if moment is not None and moment < 0:
            raise ReviewError("A moment of the video cannot be negative.")
        event = Event(uuid.uuid4().hex, review.id, job_id, kind, decision, comment, moment, who, now)
        self.db.run(lambda conn: query(
            conn, "INSERT INTO review_events (id, review_id, job_id, kind, decision, comment, moment, who, at) "
                  "VALUES (:id, :review_id, :job_id, :kind, :decision, :comment, :moment, :who, :at)",
            event.__dict__), write=True)
        return event

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
        if not ids:
            return set()
        names = {f"j{n}": job_id for n, job_id in enumerate(ids[:500])}
        rows = self.db.run(lambda conn: query(
            conn, "SELECT DISTINCT i.job_id FROM review_items i JOIN reviews r ON r.id = i.review_id "
                  f"WHERE r.revoked_at IS NULL AND r.expires_at > :now AND i.job_id IN "
                  f"({', '.join(':' + n for n in names)})", {"now": now, **names}).fetchall(), write=False)
        return {row[0] for row in rows}

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


_REVIEW_COLUMNS = "id, account, token, title, message, batch_id, created_at, expires_at, revoked_at"
_EVENT_COLUMNS = "id, review_id, job_id, kind, decision, comment, moment, who, at"


def _review(row) -> Review:
    return Review(row[0], row[1], row[2], row[3], row[4] or "", row[5], float(row[6]), float(row[7]),
                  None if row[8] is None else float(row[8]))


def _event(row) -> Event:
    return Event(row[0], row[1], row[2], row[3], row[4], row[5], None if row[6] is None else float(row[6]),
                 row[7], float(row[8]))
