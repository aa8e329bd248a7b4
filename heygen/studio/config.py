"""The studio's settings from environment variables, and the account fingerprint that keeps jobs apart."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from pathlib import Path

SANDBOX_ACCOUNT = "sandbox"


@dataclass(frozen=True)
class Settings:
    """Everything configurable with environment variables (see the README)."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    data_dir: Path = Path(".studio-data")
    database_url: str | None = None  # None: jobs.sqlite3 in the data folder
    queue_url: str | None = None  # a redis:// URL: team mode (worker processes elsewhere)
    media_dir: Path | None = None  # None: <data folder>/media
    worker: bool = True  # False: this process starts no background worker
    log_level: str | None = None  # None: INFO for the studio, WARNING for the queue and migrations
    open_browser: bool = False  # open the owner address in the desktop's browser at start
    poll_seconds: float = 5.0
    max_poll_seconds: float = 30.0
    deadline_minutes: float = 30.0
    agent_deadline_minutes: float = 90.0
    sandbox_render_seconds: float = 20.0
    webhooks: bool = True  # receive HeyGen's webhooks when there is a public address
    webhook_poll_seconds: float = 300.0  # the safety net's interval while webhooks bring the news
    owner_secret: str | None = field(default=None, repr=False)
    public_url: str | None = None
    review_only: bool = False
    extra_hosts: tuple[str, ...] = ()
    team_emails: tuple[str, ...] = ()

    @property
    def media_root(self) -> Path:
        """Where finished videos are kept."""
        return self.media_dir if self.media_dir is not None else self.data_dir / "media"

    @property
    def mode(self) -> str:
        """"team" (worker processes elsewhere), "off" (this process starts no worker) or "in-process"."""
        return "team" if self.queue_url else "in-process" if self.worker else "off"

    def on_team(self, email: object) -> bool:
        """Whether a verified e-mail address belongs to the team ($HEYGEN_STUDIO_TEAM_EMAILS: addresses, or
        ``@domain`` for a whole domain)."""
        if not isinstance(email, str) or "@" not in email:
            return False
        address = email.strip().lower()
        domain = "@" + address.rsplit("@", 1)[1]
        return address in self.team_emails or domain in self.team_emails

    def allowed_hosts(self) -> tuple[str, ...]:
        """Host names the studio answers to: this computer's, the public address's, and any extra ones."""
        hosts = ["localhost", "127.0.0.1", "::1"]
        if self.public_url:
            name = urlsplit(self.public_url).hostname
            if name:
                hosts.append(name)
        hosts.extend(self.extra_hosts)
        return tuple(dict.fromkeys(h.lower() for h in hosts))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            api_key=(env.get("HEYGEN_API_KEY") or "").strip() or None,
            base_url=(env.get("HEYGEN_API_BASE_URL") or "").strip() or None,
            data_dir=Path(env.get("HEYGEN_STUDIO_DATA_DIR") or ".studio-data"),
            database_url=(env.get("HEYGEN_STUDIO_DATABASE_URL") or "").strip() or None,
            queue_url=(env.get("HEYGEN_STUDIO_QUEUE_URL") or "").strip() or None,
            media_dir=Path(media) if (media := (env.get("HEYGEN_STUDIO_MEDIA_DIR") or "").strip()) else None,
            worker=not _off(env.get("HEYGEN_STUDIO_WORKER")),
            log_level=(env.get("HEYGEN_STUDIO_LOG_LEVEL") or "").strip().upper() or None,
            open_browser=_on(env.get("HEYGEN_STUDIO_OPEN_BROWSER")),
            poll_seconds=_number(env, "HEYGEN_POLL_SECONDS", 5.0, low=0.5, high=300),
            max_poll_seconds=_number(env, "HEYGEN_MAX_POLL_SECONDS", 30.0, low=1, high=600),
            deadline_minutes=_number(env, "HEYGEN_DEADLINE_MINUTES", 30.0, low=0.05, high=24 * 60),
            agent_deadline_minutes=_number(env, "HEYGEN_AGENT_DEADLINE_MINUTES", 90.0, low=0.05, high=24 * 60),
            sandbox_render_seconds=_number(env, "HEYGEN_SANDBOX_RENDER_SECONDS", 20.0, low=0, high=3600),
            webhooks=not _off(env.get("HEYGEN_STUDIO_WEBHOOKS")),
            webhook_poll_seconds=_number(env, "HEYGEN_WEBHOOK_POLL_SECONDS", 300.0, low=5, high=3600),
            owner_secret=(env.get("HEYGEN_STUDIO_OWNER_SECRET") or "").strip() or None,
            public_url=(env.get("HEYGEN_STUDIO_PUBLIC_URL") or "").strip().rstrip("/") or None,
            review_only=_on(env.get("HEYGEN_STUDIO_REVIEW_ONLY")),
            extra_hosts=tuple(h.strip().lower() for h in (env.get("HEYGEN_STUDIO_ALLOWED_HOSTS") or "").split(",")
                              if h.strip()),
            team_emails=tuple(e.strip().lower() for e in (env.get("HEYGEN_STUDIO_TEAM_EMAILS") or "").split(",")
                              if e.strip()),
        )


def account_fingerprint(api_key: str, base_url: str) -> str:
    """A short, stable id for (server, key) that cannot be turned back into the key."""
    digest = hashlib.sha256(f"heygen-studio\n{base_url.rstrip('/')}\n{api_key}".encode()).hexdigest()
    return f"acct-{digest[:16]}"


def _on(raw: str | None) -> bool:
    return (raw or "").strip().lower() in ("1", "true", "yes", "on")


def _off(raw: str | None) -> bool:
    return (raw or "").strip().lower() in ("0", "off", "false", "no")


def _number(env: Mapping[str, str], name: str, default: float, *, low: float, high: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        return default
    return min(max(value, low), high)
