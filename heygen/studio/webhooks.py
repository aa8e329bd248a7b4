"""HeyGen's webhooks for a studio with a public address: the endpoint registered for an account, the
signature and replay checks of each delivery, what an event means for its job, the catch-up from
HeyGen's feed of events, and the rotation of the signing secret.

- One endpoint per account at ``<public address>/hooks/heygen``, for the event types the job kinds name
  (``JobKind.events``). An endpoint already registered at that URL is reused; HeyGen shows a secret only
  when it makes one, so a reused endpoint's secret is rotated unless this database already holds it.
- A delivery is accepted when its ``Signature`` header is the hex HMAC-SHA256 of the raw body under the
  current secret, or under the previous one for ``ROTATION_GRACE_SECONDS`` after a rotation (deliveries
  HeyGen signed just before it). A verified delivery older than ``TOLERANCE_SECONDS`` (its ``created_at``)
  is ``stale``; one whose ``event_id``, or whose event type and video, was already acted on is a ``duplicate``
  and changes nothing. A body without an ``event_id`` is known by its SHA-256.
- An event for a render of this account is recorded with ONE detail request through the same function the
  poller uses for a render that has just finished (``BulkStatuses.detail``), so keeping the files and the
  check follow as usual. Batch rows and renders already finished are left alone.
- ``catch_up`` reads HeyGen's feed (``GET /v3/webhooks/events``, newest first) back to the last catch-up
  and acts on events never received. Webhooks are ``healthy`` for an account while it has an endpoint, a server
  has read the feed lately (every ``pace`` seconds, so a registration no server keeps any more goes stale), and
  no catch-up (other than the first after a start) has found a missed event in the last ``MISSED_HOLD_SECONDS``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from heygen.api import errors

from . import kinds, watch
from .db import Database, query
from .jobs import Job, JobStore

if TYPE_CHECKING:
    from heygen.api.client import Client

log = logging.getLogger("heygen.studio.webhooks")

PATH = "/hooks/heygen"
SIGNATURE_HEADER = "signature"
TOLERANCE_SECONDS = 300.0  # a delivery created longer ago than this is refused as stale
ROTATION_GRACE_SECONDS = 60.0  # the previous secret still verifies this long after a rotation
CATCH_UP_MARGIN_SECONDS = 60.0  # the feed is read this far before the last catch-up (clocks, late writes)
MISSED_HOLD_SECONDS = 600.0  # after a missed event, renders are polled as usual this long
SEEN_KEEP_SECONDS = 2 * 86400.0  # how long received event ids are remembered
MAX_BODY_BYTES = 64 * 1024

# Outcomes of one delivery (the web server maps them to HTTP answers).
RECORDED = "recorded"  # the job was updated from HeyGen's detail answer
IGNORED = "ignored"  # verified, but nothing to do (another kind of event, someone else's video, already final)
DUPLICATE = "duplicate"  # this event was already acted on
STALE = "stale"  # verified but too old: a replay, or a delivery late enough for the catch-up to take
BAD_SIGNATURE = "bad_signature"  # not signed with this endpoint's secret (or no endpoint registered)
MALFORMED = "malformed"  # signed, but not an event
UNAVAILABLE = "unavailable"  # HeyGen's detail request failed: HeyGen may deliver it again


def needed_events() -> list[str]:
    """The event types the studio acts on: those of every job kind."""
    return sorted({name for kind in kinds.KINDS.values() for name in kind.events})


def hook_url(public_url: str) -> str:
    return public_url.rstrip("/") + PATH


def sign(secret: str, body: bytes) -> str:
    """The signature HeyGen sends for ``body``: hex HMAC-SHA256 under the endpoint's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Registration:
    """The endpoint registered for an account. ``secret`` never goes to logs or pages."""

    account: str
    endpoint_id: str
    url: str
    events: tuple[str, ...]
    secret: str
    registered_at: float
    previous_secret: str | None = None
    previous_until: float | None = None
    caught_up_to: float | None = None
    missed_at: float | None = None

    def __repr__(self) -> str:
        return f"Registration(account={self.account!r}, endpoint_id={self.endpoint_id!r}, url={self.url!r})"

    def verifies(self, body: bytes, signature: str | None, now: float) -> bool:
        """Whether ``signature`` is this endpoint's for ``body`` (the previous secret during its grace)."""
        if not signature:
            return False
        given = signature.strip().lower()
        secrets = [self.secret]
        if self.previous_secret and self.previous_until is not None and now <= self.previous_until:
            secrets.append(self.previous_secret)
        return any(hmac.compare_digest(sign(secret, body), given) for secret in secrets)

    def healthy(self, now: float, pace: float) -> bool:
        """Whether events reach the studio: the feed was read within two ``pace`` periods (a server keeps the
        endpoint) and no event went missing lately."""
        kept = self.caught_up_to is not None and now - self.caught_up_to <= 2 * pace + CATCH_UP_MARGIN_SECONDS
        return kept and (self.missed_at is None or now - self.missed_at > MISSED_HOLD_SECONDS)


_COLUMNS = ("account, endpoint_id, url, events, secret, registered_at, previous_secret, previous_until, "
            "caught_up_to, missed_at")


def _row(row) -> Registration:
    return Registration(row[0], row[1], row[2], tuple(json.loads(row[3])), row[4], row[5], row[6], row[7], row[8],
                        row[9])


class WebhookStore:
    """Registrations and received event ids, in the studio's database (shared by a team's servers)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, account: str) -> Registration | None:
        rows = self.db.run(lambda conn: query(conn, f"SELECT {_COLUMNS} FROM webhook_endpoints WHERE account = :a",
                                              {"a": account}).fetchall(), write=False)
        return _row(rows[0]) if rows else None

    def claim(self, reg: Registration) -> Registration:
        """Save ``reg`` unless the account already has a registration; the one kept is returned."""
        def work(conn):
            found = query(conn, f"SELECT {_COLUMNS} FROM webhook_endpoints WHERE account = :a {self.db.for_update}",
                          {"a": reg.account}).fetchall()
            if found:
                return _row(found[0])
            query(conn, f"INSERT INTO webhook_endpoints ({_COLUMNS}) VALUES (:account, :endpoint_id, :url, :events, "
                        ":secret, :registered_at, NULL, NULL, NULL, NULL)",
                  {"account": reg.account, "endpoint_id": reg.endpoint_id, "url": reg.url,
                   "events": json.dumps(list(reg.events)), "secret": reg.secret, "registered_at": reg.registered_at})
            return reg
        try:
            return self.db.run(work, write=True)
        except Exception as exc:  # another server of the team saved its registration at the same moment
            kept = self.get(reg.account) if _is_conflict(exc) else None
            if kept is None:
                raise
            return kept

    def update(self, account: str, **fields: Any) -> Registration | None:
        """Change some columns of the account's registration."""
        if "events" in fields:
            fields["events"] = json.dumps(list(fields["events"]))
        sets = ", ".join(f"{name} = :{name}" for name in fields)
        self.db.run(lambda conn: query(conn, f"UPDATE webhook_endpoints SET {sets} WHERE account = :account",
                                       {**fields, "account": account}), write=True)
        return self.get(account)

    def forget(self, account: str) -> None:
        self.db.run(lambda conn: query(conn, "DELETE FROM webhook_endpoints WHERE account = :a", {"a": account}),
                    write=True)

    def first_sight(self, event_id: str, account: str, now: float) -> bool:
        """Note ``event_id`` as received; False when it already was (a replay or a second delivery)."""
        def work(conn):
            found = query(conn, "SELECT 1 FROM webhook_events WHERE event_id = :e", {"e": event_id}).fetchall()
            if found:
                return False
            query(conn, "INSERT INTO webhook_events (event_id, account, received_at) VALUES (:e, :a, :t)",
                  {"e": event_id, "a": account, "t": now})
            query(conn, "DELETE FROM webhook_events WHERE received_at < :old", {"old": now - SEEN_KEEP_SECONDS})
            return True
        try:
            return self.db.run(work, write=True)
        except Exception as exc:  # two servers inserting the same id at once: the other one has it
            if _is_conflict(exc):
                return False
            raise

    def unsee(self, event_id: str) -> None:
        """Forget an event id, so a new delivery of it is acted on (its handling failed)."""
        self.db.run(lambda conn: query(conn, "DELETE FROM webhook_events WHERE event_id = :e", {"e": event_id}),
                    write=True)


def _is_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "unique" in text or "duplicate" in text


class Health:
    """Whether webhooks reach the studio for an account, read from the database at most every ``ttl`` seconds
    (for a worker, which may run in another process than the receiving server)."""

    def __init__(self, store: WebhookStore, pace: float, ttl: float = 5.0) -> None:
        self.store, self.pace, self.ttl = store, pace, ttl
        self._seen: dict[str, tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def __call__(self, account: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        with self._lock:
            known = self._seen.get(account)
        if known is not None and now - known[0] < self.ttl:
            return known[1]
        reg = self.store.get(account)
        healthy = reg is not None and reg.healthy(now, self.pace)
        with self._lock:
            self._seen[account] = (now, healthy)
        return healthy


@dataclass(frozen=True)
class Received:
    """What became of one delivery or feed event."""

    outcome: str
    event_id: str | None = None
    job_id: str | None = None
    requests: int = 0  # HeyGen requests made for it


def _render_key(event: dict) -> list[str]:
    """The key of what an event is about (its type and video), also noted as received: a render's end is
    acted on once, whatever the id of the delivery or of the feed's item."""
    data = event.get("event_data") if isinstance(event.get("event_data"), dict) else {}
    video_id, event_type = data.get("video_id"), event.get("event_type")
    return [f"{event_type}:{video_id}"] if isinstance(video_id, str) and isinstance(event_type, str) else []


def _created_at(value: object) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class Webhooks:
    """Webhooks for one account: registering, receiving, catching up and rotating.

    ``policy_for(job)`` is the poll policy of a job (for the detail request's bookkeeping); ``pace`` is how
    often the feed is read (the safety net's interval).
    """

    def __init__(self, client: Client, jobs: JobStore, account: str, public_url: str,
                 policy_for: Callable[[Job], watch.PollPolicy] = lambda job: watch.PollPolicy(),
                 pace: float = 300.0) -> None:
        self.pace = pace
        self.client = client
        self.jobs = jobs
        self.store = WebhookStore(jobs.db)
        self.account = account
        self.url = hook_url(public_url)
        self.policy_for = policy_for
        self._lock = threading.Lock()
        self._cached: tuple[float, Registration | None] | None = None

    # -- the endpoint --------------------------------------------------------------------------

    def registration(self, now: float | None = None, *, fresh: bool = False) -> Registration | None:
        """The account's registration (read again at most every few seconds)."""
        now = time.time() if now is None else now
        with self._lock:
            if not fresh and self._cached is not None and now - self._cached[0] < 5.0:
                return self._cached[1]
        reg = self.store.get(self.account)
        with self._lock:
            self._cached = (now, reg)
        return reg

    def _forget_cache(self) -> None:
        with self._lock:
            self._cached = None

    def register(self, now: float | None = None) -> Registration:
        """Make sure HeyGen delivers the needed events to this studio, registering or reusing the endpoint."""
        now = time.time() if now is None else now
        wanted = needed_events()
        kept = self.store.get(self.account)
        if kept is not None and kept.url != self.url:
            self.store.forget(self.account)  # the studio moved: its old endpoint is left to the owner
            kept = None
        on_heygen = {e.endpoint_id: e for e in self.client.webhooks.endpoints()}
        if kept is not None and kept.endpoint_id in on_heygen:
            found = on_heygen[kept.endpoint_id]
            if found.events is not None and not set(wanted) <= set(found.events):
                self.client.webhooks.update_endpoint(kept.endpoint_id, events=wanted)
                kept = self.store.update(self.account, events=wanted) or kept
            self._forget_cache()
            return kept
        if kept is not None:
            self.store.forget(self.account)  # removed on HeyGen's side
        same_url = [e for e in on_heygen.values() if e.url.rstrip("/") == self.url]
        if same_url:
            endpoint = same_url[0]
            secret = self.client.webhooks.rotate_secret(endpoint.endpoint_id)
            if endpoint.events is not None and not set(wanted) <= set(endpoint.events):
                self.client.webhooks.update_endpoint(endpoint.endpoint_id, events=wanted)
            endpoint_id = endpoint.endpoint_id
        else:
            made = self.client.webhooks.create_endpoint(self.url, wanted)
            endpoint_id, secret = made.endpoint_id, made.secret or ""
        if not secret:
            raise errors.UnexpectedResponseError("HeyGen registered the webhook endpoint without a signing secret.",
                                                 operation="POST /v3/webhooks/endpoints")
        reg = Registration(self.account, endpoint_id, self.url, tuple(wanted), secret, now, caught_up_to=now)
        kept = self.store.claim(reg)
        if kept.endpoint_id != endpoint_id and not same_url:
            self.client.webhooks.delete_endpoint(endpoint_id)  # another server of the team registered first
        elif kept is reg:
            self.store.update(self.account, caught_up_to=now)
        self._forget_cache()
        log.info("Webhook endpoint %s receives HeyGen's events at %s", kept.endpoint_id, kept.url)
        return self.store.get(self.account) or kept

    def rotate(self, now: float | None = None) -> Registration:
        """A new signing secret from HeyGen; the previous one still verifies for ``ROTATION_GRACE_SECONDS``."""
        now = time.time() if now is None else now
        reg = self.store.get(self.account)
        if reg is None:
            raise LookupError("no webhook endpoint is registered for this account")
        secret = self.client.webhooks.rotate_secret(reg.endpoint_id)
        if not secret:
            raise errors.UnexpectedResponseError("HeyGen rotated the secret without sending the new one.",
                                                 operation="POST /v3/webhooks/endpoints/{endpoint_id}/rotate-secret")
        updated = self.store.update(self.account, secret=secret, previous_secret=reg.secret,
                                    previous_until=now + ROTATION_GRACE_SECONDS)
        self._forget_cache()
        log.info("Webhook endpoint %s has a new signing secret", reg.endpoint_id)
        return updated or reg

    def healthy(self, now: float | None = None) -> bool:
        """Whether HeyGen's events reach the studio, so polling may be a slow safety net."""
        now = time.time() if now is None else now
        reg = self.registration(now)
        return reg is not None and reg.healthy(now, self.pace)

    # -- receiving -------------------------------------------------------------------------------

    def receive(self, body: bytes, signature: str | None, now: float | None = None) -> Received:
        """Verify one delivery and act on it."""
        now = time.time() if now is None else now
        reg = self.registration(now)
        if reg is None or not reg.verifies(body, signature, now):
            reg = self.registration(now, fresh=True)  # a rotation by another server of the team
            if reg is None or not reg.verifies(body, signature, now):
                return Received(BAD_SIGNATURE)
        try:
            event = json.loads(body)
        except ValueError:
            return Received(MALFORMED)
        if not isinstance(event, dict):
            return Received(MALFORMED)
        event_id = event.get("event_id") if isinstance(event.get("event_id"), str) else None
        event_id = event_id or "sha256:" + hashlib.sha256(body).hexdigest()
        created = _created_at(event.get("created_at"))
        if created is not None and now - created > TOLERANCE_SECONDS:
            return Received(STALE, event_id)
        keys = [event_id, *_render_key(event)]
        if not self._first_sight(keys, now):
            return Received(DUPLICATE, event_id)
        result = self.act_on(event, now)
        if result.outcome == UNAVAILABLE:
            self._unsee(keys)
        return Received(result.outcome, event_id, result.job_id, result.requests)

    def _first_sight(self, keys: list[str], now: float) -> bool:
        """Note every key as received; True only when none of them was before."""
        return all([self.store.first_sight(key, self.account, now) for key in keys])

    def _unsee(self, keys: list[str]) -> None:
        for key in keys:
            self.store.unsee(key)

    def act_on(self, event: dict, now: float | None = None) -> Received:
        """Record what one event says about its render: one detail request, as the poller makes."""
        now = time.time() if now is None else now
        data = event.get("event_data") if isinstance(event.get("event_data"), dict) else {}
        video_id = data.get("video_id")
        if event.get("event_type") not in needed_events() or not isinstance(video_id, str) or not video_id:
            return Received(IGNORED)
        job = self.jobs.find_by_video_id(self.account, video_id)
        if job is None or job.batch_id is not None or event.get("event_type") not in kinds.of(job).events:
            return Received(IGNORED, job_id=job.id if job else None)
        if watch.outcome_of(job, now) is not None:
            return Received(IGNORED, job_id=job.id)
        kind = kinds.of(job)
        result = kind.statuses.detail(self.client, self.jobs, job, self.policy_for(job), now, 0)
        if result.error is not None and not isinstance(result.error, errors.NotFoundError):
            return Received(UNAVAILABLE, job_id=job.id, requests=1)
        return Received(RECORDED, job_id=job.id, requests=1)

    # -- catching up -------------------------------------------------------------------------------

    def catch_up(self, now: float | None = None, *, after_start: bool = False) -> list[Received]:
        """Act on the events of HeyGen's feed since the last catch-up that never arrived by delivery.

        ``after_start``: the studio was down, so missed events are expected and webhooks stay healthy.
        """
        now = time.time() if now is None else now
        reg = self.store.get(self.account)
        if reg is None:
            return []
        since = (reg.caught_up_to or reg.registered_at) - CATCH_UP_MARGIN_SECONDS
        wanted = set(needed_events())
        results, missed = [], False
        for event in self.client.webhooks.events():
            created = _created_at(event.created_at)
            if created is not None and created < since:
                break
            if event.event_type not in wanted or not event.event_id:
                continue
            body = {"event_type": event.event_type, "event_data": event.event_data}
            keys = [event.event_id, *_render_key(body)]
            if not self._first_sight(keys, now):
                continue  # delivered (perhaps under another id: HeyGen's deliveries may carry none)
            result = self.act_on(body, now)
            if result.outcome == UNAVAILABLE:
                self._unsee(keys)
            if result.job_id is not None and created is not None and now - created > CATCH_UP_MARGIN_SECONDS:
                missed = True  # one of ours, never delivered (polling may have found it meanwhile)
            results.append(Received(result.outcome, event.event_id, result.job_id, result.requests))
        changes: dict[str, Any] = {"caught_up_to": now}
        if missed and not after_start:
            changes["missed_at"] = now
            log.warning("HeyGen's feed had events this studio never received; renders are polled as usual for a while")
        self.store.update(self.account, **changes)
        self._forget_cache()
        return results
