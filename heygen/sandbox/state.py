"""Mutable sandbox state: config, videos, assets, idempotency keys, faults, request log."""

from __future__ import annotations

import copy
import hashlib
import hmac
import math
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import misspeak
from .catalogue import get_catalogue
from .errors import ApiError
from .subtitles import speech_of

OUTCOMES = ("complete", "fail", "never", "vanish")
FAULT_KINDS = ("status", "html", "drop", "slow", "redirect")
LOG_SIZE = 10_000
MEDIA_LOG_SIZE = 2_000
ASSET_MEMORY_BYTES = 512 * 1024 * 1024
PENDING_UPLOADS = 100
IDEMPOTENCY_KEYS = 10_000

DEFAULT_CONFIG = {
    "render_seconds": 20.0,
    "agent_render_seconds": None,  # None = 3 x render_seconds
    "latency_ms": 0,
    "render_outcome": "complete",
    "failure_code": "download_failed",
    "failure_message": "Failed to download the input media. Make sure the URL is publicly accessible.",
    "balance": 120.0,
    "url_ttl_seconds": 7 * 24 * 3600,
    "max_upload_bytes": 32 * 1024 * 1024,
    "voices_drop_field": None,  # a field name: GET /v3/voices leaves it out of every voice (a HeyGen that differs)
    "waiting_phase": False,  # True: the first phase reports "waiting", as the live API may (July's enum has no "waiting")
    "honour_idempotency_key": True,  # False: every create makes a new video, whatever its Idempotency-Key
    "max_concurrent_renders": 3,  # renders the account may run at once (creates beyond: 429); 0 or None: no limit
    "elsewhere_videos": 0,  # finished videos on the account that no API create made (as if made in the web app)
    "asset_ready_seconds": 1.0,  # how long a completed direct upload stays "processing" (no url yet)
    "max_direct_upload_bytes": None,  # None: HeyGen's per-kind maximum; a number overrides it for every kind
    "agent_session_hidden_looks": 0,  # a new Video Agent session answers 404 "Session not found" to its first N looks
    "agent_session_stale_seconds": 0.0,  # a session still says "generating" this long after its video finished
    "agent_create_names_video": True,  # False: a one-shot Video Agent create answers without its video id
}

# The videos "made elsewhere" (ELSEWHERE_PREFIX + number): titles, lengths and shapes, fixed.
ELSEWHERE_PREFIX = "v_elsewhere_"
ELSEWHERE_TITLES = (
    ("Web app: quarterly update for the sales team", 42.0, "16:9"),
    ("Web app: onboarding welcome (portrait)", 18.5, "9:16"),
    ("Web app: product tour, part 1", 65.0, "16:9"),
    ("Web app: holiday greeting", 12.0, "9:16"),
    ("Web app: conference invitation", 30.0, "16:9"),
    ("Web app: customer story", 54.0, "16:9"),
)
ELSEWHERE_EPOCH = 1_780_000_000  # creation time of the first one (they are a day apart)


def check_config(changes: dict) -> dict:
    """Validated config changes; ValueError names the first bad key."""
    clean = {}
    for key, value in changes.items():
        if key not in DEFAULT_CONFIG:
            raise ValueError(f"unknown config key {key!r}; known: {', '.join(sorted(DEFAULT_CONFIG))}")
        if key == "render_outcome":
            if value not in OUTCOMES:
                raise ValueError(f"render_outcome must be one of {', '.join(OUTCOMES)}")
        elif key in ("failure_code", "failure_message"):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{key} must be a non-empty string")
        elif key == "agent_render_seconds" and value is None:
            pass
        elif key == "max_direct_upload_bytes":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError("max_direct_upload_bytes must be a positive whole number or null (per-kind limits)")
        elif key == "agent_session_hidden_looks":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
                raise ValueError("agent_session_hidden_looks must be a whole number from 0 to 1000")
        elif key == "voices_drop_field":
            if value is not None and (not isinstance(value, str) or not value):
                raise ValueError("voices_drop_field must be a field name or null")
        elif key == "elsewhere_videos":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 50:
                raise ValueError("elsewhere_videos must be a whole number from 0 to 50")
        elif key == "max_concurrent_renders":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError("max_concurrent_renders must be a whole number, 0 or null (no limit)")
        elif key in ("waiting_phase", "honour_idempotency_key", "agent_create_names_video"):
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false")
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{key} must be a number")
            if value < 0 and key != "balance":
                raise ValueError(f"{key} must not be negative")
            value = int(value) if key == "max_upload_bytes" else float(value)
        clean[key] = value
    return clean


@dataclass
class Fault:
    """One injected fault: which requests it matches, what it does, how many times."""

    id: int
    kind: str = "status"
    method: str | None = None
    path: str | None = None
    status: int | None = None
    retry_after: float | None = None
    code: str | None = None
    message: str | None = None
    delay_ms: float = 0
    times: int | None = 1
    fired: int = 0
    after: bool = False  # True: the request is carried out first, then its answer is replaced by the fault
    location: str | None = None  # where a "redirect" fault points
    query: dict | None = None  # parameters the request must carry ("*": any value, e.g. a page token)
    released: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)  # ends delay_ms

    def matches(self, method: str, path: str, is_api: bool, query: dict | None = None) -> bool:
        """Whether this fault applies to a request (wildcards match /v3 API calls only)."""
        if self.method not in (None, "*") and self.method.upper() != method.upper():
            return False
        for name, wanted in (self.query or {}).items():
            value = (query or {}).get(name)
            if value in (None, "") or (wanted != "*" and str(value) != str(wanted)):
                return False
        if self.path in (None, "", "*"):
            return is_api
        if "*" in self.path:  # "*" stands for one path segment, e.g. "/v3/assets/*/complete"
            pattern = "[^/]+".join(re.escape(part) for part in self.path.split("*"))
            return re.match(pattern, path) is not None
        return path.startswith(self.path)

    def as_dict(self) -> dict:
        """JSON form."""
        return {
            "id": self.id, "kind": self.kind, "method": self.method, "path": self.path,
            "status": self.status, "retry_after": self.retry_after, "code": self.code,
            "message": self.message, "delay_ms": self.delay_ms, "times": self.times,
            "fired": self.fired, "after": self.after, "location": self.location, "query": self.query,
        }


def make_fault(fault_id: int, spec: dict) -> Fault:
    """A Fault from a dict of options; ValueError on a bad option."""
    known = {"kind", "method", "path", "status", "retry_after", "code", "message", "delay_ms", "times", "after",
             "location", "query"}
    unknown = set(spec) - known
    if unknown:
        raise ValueError(f"unknown fault option(s): {', '.join(sorted(unknown))}")
    kind = spec.get("kind") or "status"
    if kind not in FAULT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
    status = spec.get("status")
    if status is None:
        status = {"status": 500, "html": 502, "redirect": 302}.get(kind)
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)
                               or not 100 <= status <= 599):
        raise ValueError("status must be an HTTP status code")
    retry_after = spec.get("retry_after")
    if retry_after is None and kind == "status" and status == 429:
        retry_after = 1
    times = spec.get("times", 1)
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError("times must be a positive integer or null (forever)")
    delay = spec.get("delay_ms") or 0
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError("delay_ms must be a non-negative number")
    after = spec.get("after", False)
    if not isinstance(after, bool):
        raise ValueError("after must be true or false")
    location = spec.get("location")
    if kind == "redirect" and (not isinstance(location, str) or not location.startswith(("http://", "https://", "/"))):
        raise ValueError("a redirect fault needs a location: an http(s) URL or a path")
    query = spec.get("query")
    if query is not None and (not isinstance(query, dict)
                              or not all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())):
        raise ValueError("query must be an object of parameter names to values (\"*\": any value)")
    method = spec.get("method")
    return Fault(
        id=fault_id, kind=kind, method=method.upper() if isinstance(method, str) else None,
        path=spec.get("path"), status=status, retry_after=retry_after, code=spec.get("code"),
        message=spec.get("message"), delay_ms=delay, times=times, after=after, location=location,
        query=query,
    )


@dataclass
class Asset:
    """An uploaded file kept in memory."""

    asset_id: str
    data: bytes = field(repr=False)
    mime_type: str
    filename: str
    extension: str
    created_at: float
    ready_at: float = 0.0  # before this time the asset is still "processing" (direct uploads)


@dataclass
class Video:
    """A render job and the facts fixed when it was created."""

    id: str
    seq: int
    created_at: float
    render_seconds: float
    outcome: str
    failure_code: str
    failure_message: str
    title: str | None
    aspect_ratio: str
    script: str | None
    duration: float
    look_id: str | None
    image_key: str | None
    kind: str = "video"
    deleted: bool = False
    audio_url_is_api: bool = False
    captions: str | None = None  # None, "sidecar" or "burned" (POST /v3/videos caption)
    output_format: str = "mp4"
    speech: list | None = None  # what it says: subtitles.Segment list (None: its script over its length)
    mistakes: list = field(default_factory=list)  # what misspeak rules changed


@dataclass
class Lipsync:
    """A lip-sync job (POST /v3/lipsyncs) and the facts fixed when it was created."""

    id: str
    seq: int
    created_at: float
    render_seconds: float
    outcome: str
    failure_message: str
    title: str | None
    aspect_ratio: str
    duration: float
    deleted: bool = False
    script: str | None = None  # the words of its new audio, when known (speech the sandbox made)
    captions: bool = False  # whether it has a caption_url
    speech: list | None = None
    mistakes: list = field(default_factory=list)


class SandboxState:
    """Everything that changes while the sandbox runs, behind one lock."""

    def __init__(self, api_key: str, config: dict | None = None, username: str = "sandbox"):
        self.lock = threading.RLock()
        self.api_key = api_key
        self.username = username
        self.catalogue = get_catalogue()
        self.base_url = ""
        self.secret = secrets.token_bytes(32)
        self.config = dict(DEFAULT_CONFIG)
        self.config.update(check_config(config or {}))
        self.stopping = threading.Event()
        self._reset_locked()

    # ----------------------------------------------------------- lifecycle

    def _reset_locked(self) -> None:
        self.videos: dict[str, Video] = {}
        self.lipsyncs: dict[str, Lipsync] = {}
        self.assets: OrderedDict[str, Asset] = OrderedDict()
        self.asset_bytes = 0
        self.uploads: OrderedDict[str, object] = OrderedDict()  # direct uploads by asset id
        self.sessions: dict[str, str] = {}
        self.chats: dict = {}  # chat-mode Video Agent sessions (see agent_chat)
        self.session_looks: dict = {}  # GETs of each Video Agent session so far (see agent_chat.look)
        self.speech: OrderedDict[str, tuple] = OrderedDict()
        self.idempotency: OrderedDict[tuple, dict] = OrderedDict()
        self.in_progress: set = set()
        self.faults: list[Fault] = []
        self.fired_faults: deque = deque(maxlen=100)  # faults that fired lately (their delays can be released)
        self.misspeak_rules: list = []  # see misspeak
        self.misspeak_seq = 0
        self.log: deque = deque(maxlen=LOG_SIZE)
        self.media_log: deque = deque(maxlen=MEDIA_LOG_SIZE)
        self.seq = 0
        self.fault_seq = 0
        self._seed_elsewhere_locked()

    def _seed_elsewhere_locked(self) -> None:
        """Add the finished videos "made elsewhere" that the config asks for and that are missing."""
        for number in range(1, int(self.config.get("elsewhere_videos") or 0) + 1):
            video_id = f"{ELSEWHERE_PREFIX}{number:02d}"
            if video_id in self.videos:
                continue
            title, duration, aspect_ratio = ELSEWHERE_TITLES[(number - 1) % len(ELSEWHERE_TITLES)]
            if number > len(ELSEWHERE_TITLES):
                title = f"{title} ({number})"
            self.seq += 1
            self.videos[video_id] = Video(
                id=video_id, seq=self.seq, created_at=float(ELSEWHERE_EPOCH + 86400 * (number - 1)),
                render_seconds=60.0, outcome="complete", failure_code="", failure_message="", title=title,
                aspect_ratio=aspect_ratio, script=None, duration=duration, look_id=None,
                image_key=f"elsewhere:{number}", kind="elsewhere")

    def reset(self) -> None:
        """Forget videos, assets, idempotency keys, faults, misspeak rules and logs; keep catalogue and config."""
        with self.lock:
            self._reset_locked()

    def configure(self, **changes) -> dict:
        """Apply config changes and return the whole config."""
        clean = check_config(changes)
        with self.lock:
            self.config.update(clean)
            self._seed_elsewhere_locked()
            return dict(self.config)

    def get_config(self) -> dict:
        """A copy of the config."""
        with self.lock:
            return dict(self.config)

    def sleep(self, seconds: float) -> None:
        """Wait, waking early when the server stops."""
        if seconds > 0:
            self.stopping.wait(seconds)

    # ----------------------------------------------------------- faults

    def add_fault(self, **spec) -> dict:
        """Register a fault; returns its JSON form."""
        with self.lock:
            self.fault_seq += 1
            fault = make_fault(self.fault_seq, spec)
            self.faults.append(fault)
            return fault.as_dict()

    def clear_faults(self) -> None:
        """Remove every fault."""
        with self.lock:
            self.faults.clear()

    def list_faults(self) -> list:
        """JSON form of the active faults."""
        with self.lock:
            return [f.as_dict() for f in self.faults]

    def take_fault(self, method: str, path: str, is_api: bool, query: dict | None = None) -> Fault | None:
        """The first fault matching a request, counted as fired (removed when used up)."""
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path, is_api, query):
                    fault.fired += 1
                    if fault.times is not None and fault.fired >= fault.times:
                        self.faults.remove(fault)
                    self.fired_faults.append(fault)
                    return copy.copy(fault)
        return None

    def wait_fault(self, fault: Fault) -> None:
        """Wait out a fault's delay_ms; it ends early when the fault is released or the server stops."""
        end = time.monotonic() + fault.delay_ms / 1000.0
        while not self.stopping.is_set() and not fault.released.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return
            fault.released.wait(min(left, 0.05))

    def release_faults(self) -> int:
        """End the delay of every active or lately fired fault now (a held answer goes out); how many."""
        with self.lock:
            held = [*self.faults, *self.fired_faults]
            self.fired_faults.clear()
        for fault in held:
            fault.released.set()
        return len(held)

    # ----------------------------------------------------------- request log

    def _redact(self, value):
        if isinstance(value, str):
            return value.replace(self.api_key, "[redacted]") if self.api_key and self.api_key in value else value
        if isinstance(value, dict):
            return {self._redact(k): self._redact(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._redact(v) for v in value]
        return value

    def record(self, entry: dict, media: bool = False) -> None:
        """Append a request to the API log (or the media log), never storing the key."""
        entry = self._redact(entry)
        with self.lock:
            (self.media_log if media else self.log).append(entry)

    def requests_log(self, media: bool = False) -> list:
        """Copies of the logged requests, oldest first."""
        with self.lock:
            return copy.deepcopy(list(self.media_log if media else self.log))

    def clear_log(self) -> None:
        """Forget logged requests."""
        with self.lock:
            self.log.clear()
            self.media_log.clear()

    # ----------------------------------------------------------- idempotency

    @contextmanager
    def idempotency_slot(self, scope: str, key: str | None):
        """Hold an Idempotency-Key while a request runs.

        Yields None when the request should run (the caller then calls `remember`), or the
        stored (status, body) to replay. A key still held by another request raises 409.
        """
        if not key or not self.config.get("honour_idempotency_key", True):
            yield None
            return
        slot = (scope, key)
        with self.lock:
            stored = self.idempotency.get(slot)
            if stored is not None:
                self.idempotency.move_to_end(slot)
            elif slot in self.in_progress:
                raise ApiError(409, "request_in_progress")
            else:
                self.in_progress.add(slot)
        if stored is not None:
            yield copy.deepcopy(stored)
            return
        try:
            yield None
        finally:
            with self.lock:
                self.in_progress.discard(slot)

    def remember(self, scope: str, key: str | None, status: int, body: dict) -> None:
        """Store a successful answer for an Idempotency-Key."""
        if not key or not self.config.get("honour_idempotency_key", True):
            return
        with self.lock:
            self.idempotency[(scope, key)] = {"status": status, "body": copy.deepcopy(body)}
            while len(self.idempotency) > IDEMPOTENCY_KEYS:
                self.idempotency.popitem(last=False)

    def idempotency_snapshot(self) -> dict:
        """Keys being processed right now and how many answers are stored."""
        with self.lock:
            return {
                "in_progress": sorted(key for _, key in self.in_progress),
                "stored": len(self.idempotency),
            }

    # ----------------------------------------------------------- assets

    def add_asset(self, asset: Asset) -> None:
        """Keep an upload, evicting the oldest ones past the memory budget."""
        with self.lock:
            self.assets[asset.asset_id] = asset
            self.asset_bytes += len(asset.data)
            while self.asset_bytes > ASSET_MEMORY_BYTES and len(self.assets) > 1:
                _, old = self.assets.popitem(last=False)
                self.asset_bytes -= len(old.data)

    def add_upload(self, upload) -> None:
        """Keep an announced direct upload, forgetting the oldest past PENDING_UPLOADS."""
        with self.lock:
            self.uploads[upload.asset_id] = upload
            while len(self.uploads) > PENDING_UPLOADS:
                self.uploads.popitem(last=False)

    def get_upload(self, asset_id):
        """An announced direct upload by asset id, or None."""
        with self.lock:
            return self.uploads.get(asset_id) if isinstance(asset_id, str) else None

    def store_upload(self, asset_id: str, data: bytes) -> None:
        """Keep the bytes PUT for a direct upload (replacing an earlier PUT of the same upload)."""
        with self.lock:
            upload = self.uploads.get(asset_id)
            if upload is not None:
                upload.data = data

    def get_asset(self, asset_id) -> Asset | None:
        """An uploaded asset by id."""
        if not isinstance(asset_id, str):
            return None
        with self.lock:
            return self.assets.get(asset_id)

    # ----------------------------------------------------------- videos

    def add_video(self, **fields) -> Video:
        """Create a render job using the current config for its timing and fate.

        Raises a 429 ApiError (with Retry-After) when the account already runs ``max_concurrent_renders``.
        """
        with self.lock:
            self._check_render_slot(time.time())
            self.seq += 1
            config = self.config
            kind = fields.get("kind", "video")
            seconds = config["render_seconds"]
            if kind == "agent":
                seconds = config["agent_render_seconds"]
                if seconds is None:
                    seconds = 3 * config["render_seconds"]
            video = Video(
                id=fields.pop("id"),
                seq=self.seq,
                created_at=time.time(),
                render_seconds=float(seconds),
                outcome=config["render_outcome"],
                failure_code=config["failure_code"],
                failure_message=config["failure_message"],
                **fields,
            )
            if video.speech is None:
                video.speech = speech_of(video.script, video.duration)
            misspeak.on_create(self, video, "agent" if kind == "agent" else "video")
            self.videos[video.id] = video
            return video

    def _check_render_slot(self, now: float) -> None:
        """429 when as many renders as the limit are waiting, pending or processing (lock held)."""
        limit = self.config["max_concurrent_renders"]
        if not limit:
            return
        running = [v for v in self.videos.values()
                   if not v.deleted and self.phase(v, now) in ("waiting", "pending", "processing")]
        if len(running) < limit:
            return
        left = [v.created_at + v.render_seconds - now for v in running]
        soonest = min((s for s in left if s > 0), default=self.config["render_seconds"])
        raise ApiError(429, "rate_limit_exceeded",
                       f"This account is already rendering {len(running)} videos, the most it may render at once "
                       f"({limit}). Retry after the duration specified in the Retry-After header.",
                       headers={"Retry-After": str(max(1, math.ceil(soonest)))})

    def set_video_fate(self, video_id: str, outcome=None, failure_code=None,
                       failure_message=None, render_seconds=None) -> Video:
        """Change one video's outcome (and optionally its failure details or timing)."""
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        with self.lock:
            video = self.videos.get(video_id)
            if video is None or video.deleted:
                raise KeyError(video_id)
            if outcome is not None:
                video.outcome = outcome
            if failure_code is not None:
                video.failure_code = str(failure_code)
            if failure_message is not None:
                video.failure_message = str(failure_message)
            if render_seconds is not None:
                video.render_seconds = float(render_seconds)
            return copy.copy(video)

    def phase(self, video: Video, now: float | None = None) -> str | None:
        """The status a video shows now; None when it has vanished."""
        now = time.time() if now is None else now
        elapsed = now - video.created_at
        total = video.render_seconds
        done = elapsed >= total
        if not done:
            fraction = elapsed / total if total > 0 else 1.0
            if fraction < 0.10:
                return "waiting" if self.config["waiting_phase"] else "pending"
            if fraction < 0.25:
                return "pending"
            return "processing"
        if video.outcome == "never":
            return "processing"
        if video.outcome == "vanish":
            return None
        if video.outcome == "fail" or video.audio_url_is_api:
            return "failed"
        return "completed"

    def visible_video(self, video_id: str) -> Video | None:
        """A video that can be seen now (not deleted, not vanished)."""
        with self.lock:
            video = self.videos.get(video_id)
        if video is None or video.deleted or self.phase(video) is None:
            return None
        return video

    def delete_video(self, video_id: str) -> bool:
        """Mark a visible video deleted; False if it is not visible."""
        with self.lock:
            video = self.visible_video(video_id)
            if video is None:
                return False
            video.deleted = True
            return True

    def list_videos(self) -> list:
        """Visible videos, newest first."""
        with self.lock:
            videos = sorted(self.videos.values(), key=lambda v: -v.seq)
        return [v for v in videos if not v.deleted and self.phase(v) is not None]

    # ----------------------------------------------------------- lip-syncs

    def add_lipsync(self, **fields) -> Lipsync:
        """Create a lip-sync job; it takes as long as a render and shares the render config's fate."""
        with self.lock:
            self.seq += 1
            config = self.config
            lipsync = Lipsync(
                id=fields.pop("id"), seq=self.seq, created_at=time.time(),
                render_seconds=float(config["render_seconds"]), outcome=config["render_outcome"],
                failure_message=config["failure_message"], **fields,
            )
            if lipsync.speech is None:
                lipsync.speech = speech_of(lipsync.script, lipsync.duration)
            misspeak.on_create(self, lipsync, "lipsync")
            self.lipsyncs[lipsync.id] = lipsync
            return lipsync

    def lipsync_phase(self, lipsync: Lipsync, now: float | None = None) -> str | None:
        """pending, running, completed or failed; None when it has vanished."""
        now = time.time() if now is None else now
        elapsed = now - lipsync.created_at
        if elapsed < lipsync.render_seconds:
            return "pending" if elapsed < 0.25 * lipsync.render_seconds else "running"
        return {"never": "running", "vanish": None, "fail": "failed"}.get(lipsync.outcome, "completed")

    def visible_lipsync(self, lipsync_id: str) -> Lipsync | None:
        """A lip-sync that can be seen now (not deleted, not vanished)."""
        with self.lock:
            lipsync = self.lipsyncs.get(lipsync_id) if isinstance(lipsync_id, str) else None
        if lipsync is None or lipsync.deleted or self.lipsync_phase(lipsync) is None:
            return None
        return lipsync

    def list_lipsyncs(self) -> list:
        """Visible lip-syncs, newest first."""
        with self.lock:
            items = sorted(self.lipsyncs.values(), key=lambda x: -x.seq)
        return [x for x in items if not x.deleted and self.lipsync_phase(x) is not None]

    def set_lipsync_fate(self, lipsync_id: str, outcome=None, failure_message=None, render_seconds=None) -> Lipsync:
        """Change one lip-sync's outcome (and optionally its failure message or timing)."""
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        with self.lock:
            lipsync = self.lipsyncs.get(lipsync_id)
            if lipsync is None or lipsync.deleted:
                raise KeyError(lipsync_id)
            if outcome is not None:
                lipsync.outcome = outcome
            if failure_message is not None:
                lipsync.failure_message = str(failure_message)
            if render_seconds is not None:
                lipsync.render_seconds = float(render_seconds)
            return copy.copy(lipsync)

    # ----------------------------------------------------------- signed URLs

    def _signature(self, path: str, expires: int) -> str:
        message = f"{path}|{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:40]

    def sign(self, path: str, ttl: float | None = None) -> str:
        """A presigned absolute URL for a media path (valid ``ttl`` seconds, default url_ttl_seconds)."""
        expires = int(time.time() + (self.config["url_ttl_seconds"] if ttl is None else ttl))
        return f"{self.base_url}{path}?expires={expires}&signature={self._signature(path, expires)}"

    def check_signature(self, path: str, query: dict) -> str | None:
        """None if a presigned URL is valid, else the reason ('missing', 'invalid', 'expired')."""
        expires = (query.get("expires") or [""])[0]
        signature = (query.get("signature") or [""])[0]
        if not expires or not signature:
            return "missing"
        try:
            expires_at = int(expires)
        except ValueError:
            return "invalid"
        if not hmac.compare_digest(self._signature(path, expires_at), signature):
            return "invalid"
        if time.time() >= expires_at:
            return "expired"
        return None
