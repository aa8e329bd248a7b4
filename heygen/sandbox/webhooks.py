"""Webhooks: endpoints (``/v3/webhooks/endpoints``), their signing secrets, the event types, the feed of
events (``GET /v3/webhooks/events``), and signed deliveries of finished renders.

Once an endpoint exists, a background thread watches the sandbox's videos. When one finishes or fails
(``avatar_video.success``/``.fail``; a Video Agent render: ``video_agent.success``/``.fail``), the
event is added to the feed and POSTed, from a thread of its own with a short timeout, to every enabled
endpoint subscribed to its type. Each delivery carries a ``Signature`` header: the hex HMAC-SHA256 of
the raw body under the endpoint's secret. The body is the feed's item: ``event_id``, ``event_type``,
``event_data`` (``video_id``, ``url`` or ``msg``, ``callback_id``) and ``created_at`` (ISO 8601), so a
receiver can refuse old or repeated deliveries. A delivery is tried once (no retries): a receiver that
was down catches up from the feed.

Lenient where HeyGen is strict: HeyGen wants a public HTTPS URL; the sandbox also takes ``http://`` to a
loopback host (127.0.0.1, localhost, ::1), so tests can receive on this machine. Stricter where HeyGen is not:
the sandbox only delivers to loopback hosts (an endpoint elsewhere is accepted, and its deliveries are recorded
as not sent), so it never reaches beyond this machine.
``rotate-secret`` makes a new secret and the old one stops signing at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
import weakref
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import validate
from .answers import page
from .errors import ApiError, invalid

SIGNATURE_HEADER = "Signature"
SCAN_SECONDS = 0.1  # how often finished renders are looked for
DELIVERY_TIMEOUT = 5.0
FEED_SIZE = 10_000
LOOPBACK = ("127.0.0.1", "localhost", "::1")

EVENT_TYPES = (
    ("avatar_video.success", "An avatar video finished rendering."),
    ("avatar_video.fail", "An avatar video failed to render."),
    ("avatar_video_gif.success", "The GIF preview of an avatar video is ready."),
    ("avatar_video_gif.fail", "The GIF preview of an avatar video failed."),
    ("video_translate.success", "A video translation finished."),
    ("video_translate.fail", "A video translation failed."),
    ("video_translate.preflight.validation_failed", "A video translation's input did not pass validation."),
    ("video_translate.preflight.download_failed", "A video translation's input could not be downloaded."),
    ("personalized_video", "A personalized video changed state."),
    ("instant_avatar.success", "An instant avatar is ready."),
    ("instant_avatar.fail", "An instant avatar failed."),
    ("photo_avatar_generation.success", "A photo avatar was generated."),
    ("photo_avatar_generation.fail", "A photo avatar could not be generated."),
    ("photo_avatar_train.success", "A photo avatar finished training."),
    ("photo_avatar_train.fail", "A photo avatar's training failed."),
    ("photo_avatar_add_motion.success", "Motion was added to a photo avatar."),
    ("photo_avatar_add_motion.fail", "Motion could not be added to a photo avatar."),
    ("proofread_creation.success", "A translation proofread is ready."),
    ("proofread_creation.fail", "A translation proofread failed."),
    ("live_avatar.success", "A live avatar is ready."),
    ("live_avatar.fail", "A live avatar failed."),
    ("avatar_video_caption.success", "Captions of an avatar video are ready."),
    ("avatar_video_caption.fail", "Captions of an avatar video failed."),
    ("video_agent.success", "A Video Agent video finished rendering."),
    ("video_agent.fail", "A Video Agent video failed."),
    ("hyperframes_video.success", "A HyperFrames video finished rendering."),
    ("hyperframes_video.fail", "A HyperFrames video failed."),
    ("ai_clipping.success", "AI clipping finished."),
    ("ai_clipping.fail", "AI clipping failed."),
    ("batch.finished", "Every video of a batch has finished."),
)
KNOWN_TYPES = frozenset(name for name, _ in EVENT_TYPES)
# The events of a finished sandbox video, by the video's kind (others: avatar_video).
VIDEO_EVENTS = {"agent": ("video_agent.success", "video_agent.fail")}
AVATAR_EVENTS = ("avatar_video.success", "avatar_video.fail")
SILENT_KINDS = frozenset({"elsewhere"})  # made outside the API: no event


@dataclass
class Endpoint:
    """A registered webhook endpoint."""

    endpoint_id: str
    url: str
    events: list | None
    secret: str = field(repr=False)
    created_at: float
    status: str = "enabled"
    entity_id: str | None = None

    def public(self, with_secret: bool = False) -> dict:
        """Its JSON form; the secret only when asked (create)."""
        return {"endpoint_id": self.endpoint_id, "url": self.url, "events": self.events, "status": self.status,
                "created_at": iso(self.created_at), "secret": self.secret if with_secret else None}

    def wants(self, event_type: str) -> bool:
        return self.status == "enabled" and (self.events is None or event_type in self.events)


@dataclass
class Event:
    """One event of the feed, and what became of its deliveries (sandbox-side facts, not in the API)."""

    event_id: str
    event_type: str
    event_data: dict
    created_at: float
    entity_id: str
    sent_at: float | None = None  # when its first delivery was POSTed
    deliveries: list = field(default_factory=list)  # {"endpoint_id", "status" (HTTP status or None), "error"}

    def public(self) -> dict:
        return {"event_id": self.event_id, "event_type": self.event_type, "event_data": self.event_data,
                "created_at": iso(self.created_at)}


class Hooks:
    """The webhook state of one sandbox: endpoints, the feed, the renders already announced."""

    def __init__(self, videos: dict) -> None:
        self.lock = threading.Lock()
        self.videos = videos  # the state's videos dict when made: a reset replaces it, and these hooks with it
        self.endpoints: dict[str, Endpoint] = {}
        self.feed: list[Event] = []  # oldest first
        self.announced: set[str] = set()
        self.thread: threading.Thread | None = None


_HOOKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_HOOKS_LOCK = threading.Lock()


def hooks(state) -> Hooks:
    """The webhook state of ``state`` (new after a sandbox reset)."""
    with _HOOKS_LOCK:
        found = _HOOKS.get(state)
        if found is None or found.videos is not state.videos:
            found = _HOOKS[state] = Hooks(state.videos)
        return found


def iso(moment: float) -> str:
    """ISO 8601 in UTC with milliseconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)) + f".{int(moment * 1000) % 1000:03d}Z"


def sign(secret: str, body: bytes) -> str:
    """The ``Signature`` header of a delivery: hex HMAC-SHA256 of the raw body under the endpoint's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- validation


def _check_url(value, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid("url", "url is required: the HTTPS address that receives the webhook POSTs.")
    parts = urlsplit(value.strip())
    loopback = parts.scheme == "http" and (parts.hostname or "") in LOOPBACK
    if not parts.hostname or not (parts.scheme == "https" or loopback):
        raise invalid("url", "url must be a publicly accessible HTTPS URL (the sandbox also takes http:// to "
                             "127.0.0.1 or localhost).")
    return value.strip()


def _check_events(value) -> list | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid("events", "events must be a list of event type names, or null for every event.")
    unknown = [v for v in value if v not in KNOWN_TYPES]
    if unknown:
        raise invalid("events", f"Unknown event type {unknown[0]!r}; GET /v3/webhooks/event-types lists them.")
    return list(dict.fromkeys(value))


def _body(req) -> dict:
    body = req.json()
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise invalid(None, "The request body must be a JSON object.")
    return body


def _endpoint(book: Hooks, endpoint_id: str) -> Endpoint:
    found = book.endpoints.get(endpoint_id)
    if found is None:
        raise ApiError(404, "not_found", "Webhook endpoint not found.")
    return found


# ---------------------------------------------------------------- the endpoints


def list_endpoints(state, req):
    """GET /v3/webhooks/endpoints (oldest first)."""
    book = hooks(state)
    with book.lock:
        items = sorted(book.endpoints.values(), key=lambda e: e.created_at)
    return 200, page(state, "webhook-endpoints", items, req.query, 10, 100, lambda e: e.public())


def create_endpoint(state, req):
    """POST /v3/webhooks/endpoints: the endpoint and its secret (shown this once)."""
    body = _body(req)
    url = _check_url(body.get("url"), required=True)
    events = _check_events(body.get("events"))
    entity_id = body.get("entity_id")
    if entity_id is not None and not isinstance(entity_id, str):
        raise invalid("entity_id", "entity_id must be a string or null.")
    endpoint = Endpoint("ep_" + uuid.uuid4().hex[:24], url, events, _new_secret(), time.time(), entity_id=entity_id)
    book = hooks(state)
    with book.lock:
        book.endpoints[endpoint.endpoint_id] = endpoint
    _ensure_watching(state, book)
    return 200, {"data": endpoint.public(with_secret=True)}


def update_endpoint(state, req, endpoint_id):
    """PATCH /v3/webhooks/endpoints/{endpoint_id}: a new url and/or events (the list is replaced)."""
    body = _body(req)
    url = _check_url(body.get("url"), required=False)
    events = _check_events(body.get("events")) if "events" in body else ...
    book = hooks(state)
    with book.lock:
        endpoint = _endpoint(book, endpoint_id)
        if url is not None:
            endpoint.url = url
        if events is not ...:
            endpoint.events = events
        return 200, {"data": endpoint.public()}


def delete_endpoint(state, req, endpoint_id):
    """DELETE /v3/webhooks/endpoints/{endpoint_id}."""
    book = hooks(state)
    with book.lock:
        _endpoint(book, endpoint_id)
        del book.endpoints[endpoint_id]
    return 200, {"data": {}, "error": None}


def rotate_secret(state, req, endpoint_id):
    """POST /v3/webhooks/endpoints/{endpoint_id}/rotate-secret: a new secret; the old one signs no more."""
    book = hooks(state)
    with book.lock:
        endpoint = _endpoint(book, endpoint_id)
        endpoint.secret = _new_secret()
        return 200, {"data": {"endpoint_id": endpoint.endpoint_id, "secret": endpoint.secret}}


def event_types(state, req):
    """GET /v3/webhooks/event-types."""
    return 200, {"data": [{"event_type": name, "description": text} for name, text in EVENT_TYPES],
                 "has_more": False, "next_token": None}


def list_events(state, req):
    """GET /v3/webhooks/events: newest first, filtered by event_type and entity_id (the video id)."""
    wanted_type = validate.query_value(req.query, "event_type")
    entity = validate.query_value(req.query, "entity_id")
    book = hooks(state)
    with book.lock:
        items = [e for e in reversed(book.feed)
                 if (not wanted_type or e.event_type == wanted_type) and (not entity or e.entity_id == entity)]
    return 200, page(state, "webhook-events", items, req.query, 10, 100, Event.public)


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


ID = r"([^/]+)"
ROUTES = (
    ("/v3/webhooks/endpoints", {"GET": list_endpoints, "POST": create_endpoint}),
    (f"/v3/webhooks/endpoints/{ID}", {"PATCH": update_endpoint, "DELETE": delete_endpoint}),
    (f"/v3/webhooks/endpoints/{ID}/rotate-secret", {"POST": rotate_secret}),
    ("/v3/webhooks/event-types", {"GET": event_types}),
    ("/v3/webhooks/events", {"GET": list_events}),
)


# ---------------------------------------------------------------- watching and delivering


def _ensure_watching(state, book: Hooks) -> None:
    """Start the thread that announces finished renders (renders already finished are never announced)."""
    with book.lock:
        if book.thread is not None and book.thread.is_alive():
            return
        with state.lock:
            videos = list(state.videos.values())
        book.announced.update(v.id for v in videos if state.phase(v) in ("completed", "failed", None))
        book.thread = threading.Thread(target=_watch, args=(state, book), name="sandbox-webhooks", daemon=True)
        book.thread.start()


def _watch(state, book: Hooks) -> None:
    while not state.stopping.wait(SCAN_SECONDS):
        if hooks(state) is not book:
            return  # the sandbox was reset: its new hooks start their own thread
        try:
            announce_finished(state, book)
        except Exception:  # a bad scan must not end the watching
            continue


def announce_finished(state, book: Hooks | None = None, now: float | None = None) -> list[Event]:
    """Make and deliver the events of renders that have finished since the last look."""
    book = book or hooks(state)
    now = time.time() if now is None else now
    with state.lock:
        fresh = [v for v in state.videos.values() if v.id not in book.announced and v.kind not in SILENT_KINDS]
        finished = [(v, state.phase(v, now)) for v in fresh]
    made = []
    for video, status in finished:
        if status not in ("completed", "failed"):
            continue
        success, fail = VIDEO_EVENTS.get(video.kind, AVATAR_EVENTS)
        if status == "completed":
            event_type, data = success, {"video_id": video.id, "url": state.sign(f"/media/videos/{video.id}.mp4"),
                                         "callback_id": None}
        else:
            event_type, data = fail, {"video_id": video.id, "msg": video.failure_message, "callback_id": None}
        with book.lock:
            book.announced.add(video.id)
            targets = [e for e in book.endpoints.values() if e.wants(event_type)]
            if not targets:
                continue
            event = Event("evt_" + uuid.uuid4().hex, event_type, data, now, video.id)
            book.feed.append(event)
            del book.feed[:-FEED_SIZE]
            signed = [(e.endpoint_id, e.url, e.secret) for e in targets]
        made.append(event)
        body = json.dumps(event.public()).encode()
        for endpoint_id, url, secret in signed:
            threading.Thread(target=_deliver, args=(book, event, endpoint_id, url, secret, body),
                             name="sandbox-webhook-delivery", daemon=True).start()
    return made


def _deliver(book: Hooks, event: Event, endpoint_id: str, url: str, secret: str, body: bytes) -> None:
    """POST one event to one endpoint, once, and note the answer."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body), "User-Agent": "heygen-sandbox"})
    with book.lock:
        event.sent_at = event.sent_at or time.time()
    status, error = None, None
    if (urlsplit(url).hostname or "") not in LOOPBACK:
        with book.lock:
            event.deliveries.append({"endpoint_id": endpoint_id, "status": None, "error": "not_loopback"})
        return
    try:
        with _NO_REDIRECTS.open(request, timeout=DELIVERY_TIMEOUT) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        error = type(exc).__name__
    with book.lock:
        event.deliveries.append({"endpoint_id": endpoint_id, "status": status, "error": error})


class _Refuse(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_Refuse, urllib.request.ProxyHandler({}))


def events(state) -> list[Event]:
    """The feed, oldest first, with when each event was sent and how its deliveries went (for tests and benches)."""
    book = hooks(state)
    with book.lock:
        return list(book.feed)
