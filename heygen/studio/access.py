"""Who may use the studio: the owner's secret, the cookie that proves it, and team members' invites.

The owner proves who they are with a secret made on the studio's first start (kept 0600 in the data
folder) or given as $HEYGEN_STUDIO_OWNER_SECRET. Opening the owner address (``/?owner=SECRET``) sets
a cookie whose value is derived from the secret, so the secret itself never stays in the browser.
A team member signs in through a personal invite link (``/?invite=TOKEN``) that the owner made: the
token is stored hashed, carries the member's name, and stops working when revoked. Nothing here
depends on the network address a request came from.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .datadir import private_dir, private_file
from .db import Database, query

OWNER_COOKIE = "studio_owner"
MEMBER_COOKIE = "studio_member"
VISITOR_COOKIE = "studio_visitor"
OWNER_PARAM = "owner"
INVITE_PARAM = "invite"
SECRET_FILE = "owner-secret"
SECRET_BYTES = 24
MAX_MEMBER_NAME = 80


class AccessError(Exception):
    """An invite that cannot be made or used; ``reason`` is one of "name", "unknown"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def owner_secret(data_dir: Path, configured: str | None = None) -> str:
    """The owner's secret: ``configured`` when given, else the one kept in the data folder (made once)."""
    if configured:
        return configured
    folder = private_dir(data_dir)
    path = folder / SECRET_FILE
    existing = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    if existing:
        private_file(path, create=False)
        return existing
    private_file(path)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    path.write_text(secret + "\n", encoding="utf-8")
    return secret


def owner_cookie(secret: str) -> str:
    """The cookie value that proves the owner's secret was shown (never the secret itself)."""
    return hmac.new(secret.encode(), b"heygen-studio owner cookie", hashlib.sha256).hexdigest()


def is_owner_secret(candidate: object, secret: str) -> bool:
    """Whether ``candidate`` is the owner's secret (compared in constant time)."""
    return isinstance(candidate, str) and hmac.compare_digest(candidate.encode(), secret.encode())


def is_owner_cookie(candidate: object, secret: str) -> bool:
    """Whether ``candidate`` is the owner's cookie value (compared in constant time)."""
    return isinstance(candidate, str) and hmac.compare_digest(candidate.encode(), owner_cookie(secret).encode())


def file_grant(secret: str, job_id: str, kind: str, expires_at: int) -> str:
    """A grant to fetch one kept file until ``expires_at`` (epoch seconds): "<expiry>.<signature>"."""
    message = f"kept-file\n{job_id}\n{kind}\n{expires_at}".encode()
    return f"{expires_at}.{hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()}"


def grant_allows(grant: object, secret: str, job_id: str, kind: str, now: float | None = None) -> bool:
    """Whether ``grant`` was made by ``file_grant`` for this file and has not expired."""
    if not isinstance(grant, str) or "." not in grant:
        return False
    expiry, _, _ = grant.partition(".")
    if not expiry.isdigit() or int(expiry) < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(grant.encode(), file_grant(secret, job_id, kind, int(expiry)).encode())


def token_hash(token: str) -> str:
    """How a link token is stored: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def owner_address(base_url: str, secret: str) -> str:
    """The address that signs the owner in on this studio."""
    return f"{base_url.rstrip('/')}/?{OWNER_PARAM}={secret}"


@dataclass(frozen=True)
class Member:
    """A team member invited by the owner."""

    id: str
    name: str
    created_at: float
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class MemberStore:
    """Team members and their invites, in the studio's database (tokens kept as hashes only)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def invite(self, name: str, now: float | None = None) -> tuple[Member, str]:
        """A new member called ``name`` and the token of their invite link (shown once, never stored)."""
        name = " ".join((name or "").split())
        if not name or len(name) > MAX_MEMBER_NAME:
            raise AccessError("name")
        token = secrets.token_urlsafe(SECRET_BYTES)
        member = Member(uuid.uuid4().hex, name, time.time() if now is None else now, None)
        self.db.run(lambda conn: query(
            conn, "INSERT INTO members (id, name, token_hash, created_at) VALUES (:id, :name, :hash, :at)",
            {"id": member.id, "name": member.name, "hash": token_hash(token), "at": member.created_at}), write=True)
        return member, token

    def by_token(self, token: object) -> Member | None:
        """The active member whose invite token this is, else None."""
        if not isinstance(token, str) or not 16 <= len(token) <= 64:
            return None
        wanted = token_hash(token)
        rows = self.db.run(lambda conn: query(
            conn, "SELECT id, name, token_hash, created_at, revoked_at FROM members WHERE token_hash = :hash",
            {"hash": wanted}).fetchall(), write=False)
        for row in rows:
            if hmac.compare_digest(row[2], wanted) and row[4] is None:
                return Member(row[0], row[1], row[3], row[4])
        return None

    def list(self) -> list[Member]:
        rows = self.db.run(lambda conn: query(
            conn, "SELECT id, name, created_at, revoked_at FROM members ORDER BY created_at").fetchall(), write=False)
        return [Member(*row) for row in rows]

    def revoke(self, member_id: str, now: float | None = None) -> None:
        at = time.time() if now is None else now
        self.db.run(lambda conn: query(
            conn, "UPDATE members SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL",
            {"at": at, "id": member_id}), write=True)
