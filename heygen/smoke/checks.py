"""The checks of one account: each asks HeyGen something the studio relies on and gives table rows.

Read-only unless ``render`` is asked: then one short video is made (sent once, never resent) and
followed to the end with bulk statuses and the detail GET.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from heygen.api import errors
from heygen.api.client import Client
from heygen.api.videos import VideoSpec

from . import shapes
from .report import DIFFERS, HELD, NOTED, SKIPPED, Redactor, Row

SHORTEST_SCRIPT = "Hi."
RENDER_TITLE = "Studio smoke check"
RENDER_RESOLUTION = "720p"
LOOKS_PAGE = 50
VOICES_PAGE = 100
SESSIONS_PAGE = 5
UNREACHED = (errors.NetworkError, errors.ServerError, errors.RateLimitError)


class HeaderLog:
    """Keeps the headers of the last answer the client's session received (a response hook)."""

    def __init__(self) -> None:
        self.last: dict[str, str] = {}

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.last = dict(response.headers)
        return response


@dataclass
class Found:
    """What earlier checks learnt that later ones use."""

    key_refused: bool = False
    looks: list[dict] = field(default_factory=list)
    voices: list[dict] = field(default_factory=list)


class Checks:
    """Runs the checks with one client; ``rows`` collects the table."""

    def __init__(self, client: Client, redact: Redactor, headers: HeaderLog, *,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 progress: Callable[[str], None] = lambda line: None) -> None:
        self.client = client
        self.redact = redact
        self.headers = headers
        self.sleep = sleep
        self.clock = clock
        self.progress = progress
        self.rows: list[Row] = []
        self.found = Found()

    # -- helpers ---------------------------------------------------------------------------

    def _get(self, path: str, params: dict | None = None, headers: dict | None = None) -> dict:
        return self.client.request("GET", path, params=params, headers=headers, operation=f"GET {path}")

    def _add(self, check: str, assumption: str, result: str, answer: str = "", unreached: bool = False) -> Row:
        row = Row(check, assumption, result, self.redact(answer) if answer else "", unreached)
        self.rows.append(row)
        return row

    def _failed(self, check: str, assumption: str, exc: errors.HeyGenError) -> Row:
        """A row for a call that raised: unreached (network, 5xx, 429) is skipped, any other answer differs."""
        return self._add(check, assumption, SKIPPED if isinstance(exc, UNREACHED) else DIFFERS, describe(exc),
                         unreached=isinstance(exc, UNREACHED))

    def _refused(self, check: str, assumption: str) -> bool:
        if self.found.key_refused:
            self._add(check, assumption, SKIPPED, "not checked: HeyGen refused the key")
        return self.found.key_refused

    def _shape_row(self, check: str, assumption: str, items: list, fields: tuple, empty: str | None) -> Row:
        if not items and empty is not None:
            return self._add(check, assumption, DIFFERS, empty)
        faults = shapes.problems(items, fields)
        if faults:
            return self._add(check, assumption, DIFFERS, "; ".join(faults))
        return self._add(check, assumption, HELD, f"{len(items)} checked")

    # -- read-only checks ------------------------------------------------------------------

    def key(self) -> None:
        """GET /v3/users/me with the key; also sends an Idempotency-Key to see whether it is echoed."""
        check, assumption = "key", "GET /v3/users/me accepts the key and describes the account"
        sent = uuid.uuid4().hex
        try:
            body = self._get("/v3/users/me", headers={"Idempotency-Key": sent})
        except errors.HeyGenError as exc:
            self.found.key_refused = isinstance(exc, (errors.AuthenticationError, errors.PermissionDeniedError))
            self._failed(check, assumption, exc)
            self._add("idempotency-key", "Idempotency-Key echoed on a read", SKIPPED, "no answer to look at")
            return
        data = body.get("data")
        faults = shapes.problems([data], shapes.USER)
        if faults:
            self._add(check, assumption, DIFFERS, "; ".join(faults))
        else:
            billing = data.get("billing_type") or "not named"
            self._add(check, assumption, HELD, f"billing type {billing}")
        self._add("idempotency-key", "Idempotency-Key echoed on a read (the studio relies on neither echo nor "
                  "deduplication)", NOTED, echo(self.headers.last, sent) + "; --render looks at the create")

    def looks(self) -> None:
        check, assumption = "looks", ("GET /v3/avatars/looks: id, name, avatar_type on every look; previews, "
                                      "gender, default voice, engines on some")
        if self._refused(check, assumption):
            return
        items: list[dict] = []
        try:
            for ownership in ("public", "private"):
                page = self._get("/v3/avatars/looks", {"ownership": ownership, "limit": LOOKS_PAGE})
                data = page.get("data")
                if not isinstance(data, list):
                    self._add(check, assumption, DIFFERS, f"data is {shapes.outline(data)}")
                    return
                items += data
        except errors.HeyGenError as exc:
            self._failed(check, assumption, exc)
            return
        self.found.looks = [item for item in items if isinstance(item, dict)]
        self._shape_row(check, assumption, items, shapes.LOOK, "no looks listed")

    def voices(self) -> None:
        check, assumption = "voices", ("GET /v3/voices: voice_id, name, language, gender, support_pause, type on "
                                       "every voice; preview audio on some")
        if self._refused(check, assumption):
            return
        try:
            page = self._get("/v3/voices", {"type": "public", "limit": VOICES_PAGE})
        except errors.HeyGenError as exc:
            self._failed(check, assumption, exc)
        else:
            data = page.get("data")
            if not isinstance(data, list):
                self._add(check, assumption, DIFFERS, f"data is {shapes.outline(data)}")
            else:
                self.found.voices = [item for item in data if isinstance(item, dict)]
                self._shape_row(check, assumption, data, shapes.VOICE, "no voices listed")
        check, assumption = "speech-voices", "GET /v3/voices?engine=starfish lists voices that can speak a preview"
        try:
            page = self._get("/v3/voices", {"type": "public", "engine": "starfish", "limit": VOICES_PAGE})
        except errors.HeyGenError as exc:
            self._failed(check, assumption, exc)
            return
        data = page.get("data")
        self._shape_row(check, assumption, data if isinstance(data, list) else [], shapes.VOICE, "no voices listed")

    def statuses(self) -> None:
        check, assumption = "bulk-statuses", "GET /v3/videos/statuses answers not_found for an unknown id"
        if self._refused(check, assumption):
            return
        made_up = f"smoke_{uuid.uuid4().hex}"
        try:
            body = self._get("/v3/videos/statuses", {"video_ids": made_up})
        except errors.HeyGenError as exc:
            self._failed(check, assumption, exc)
            return
        data = body.get("data")
        entries = [e for e in data if isinstance(e, dict) and e.get("video_id") == made_up] \
            if isinstance(data, list) else []
        if entries and entries[0].get("status") == "not_found":
            self._add(check, assumption, HELD, "not_found")
        else:
            self._add(check, assumption, DIFFERS, compact(body))

    def sessions(self) -> None:
        check, assumption = "agent-sessions", "GET /v3/video-agents lists sessions with session_id and created_at"
        detail_check = "agent-session"
        detail_assumption = ("GET /v3/video-agents/{id}: session_id, status (July's six), created_at; progress, "
                             "video_id, messages typed")
        if self._refused(check, assumption):
            self._refused(detail_check, detail_assumption)
            return
        try:
            body = self._get("/v3/video-agents", {"limit": SESSIONS_PAGE})
        except errors.HeyGenError as exc:
            self._failed(check, assumption, exc)
            self._add(detail_check, detail_assumption, SKIPPED, "no session list to pick from")
            return
        data = body.get("data")
        if not isinstance(data, list):
            self._add(check, assumption, DIFFERS, f"data is {shapes.outline(data)}")
            self._add(detail_check, detail_assumption, SKIPPED, "no session list to pick from")
            return
        if data:
            self._shape_row(check, assumption, data, shapes.SESSION_ITEM, None)
        else:
            self._add(check, assumption, HELD, "the list is empty (the account has no session)")
        first = next((s for s in data if isinstance(s, dict) and isinstance(s.get("session_id"), str)), None)
        if first is None:
            self._add(detail_check, detail_assumption, SKIPPED, "the account has no Video Agent session to look at")
            return
        try:
            detail = self._get(f"/v3/video-agents/{quote(first['session_id'], safe='')}")
        except errors.HeyGenError as exc:
            self._failed(detail_check, detail_assumption, exc)
            return
        session = detail.get("data")
        faults = shapes.problems([session], shapes.SESSION)
        messages = session.get("messages") if isinstance(session, dict) else None
        if isinstance(messages, list):
            faults += [f"messages: {p}" for p in shapes.problems(messages, shapes.MESSAGE)]
        if faults:
            self._add(detail_check, detail_assumption, DIFFERS, "; ".join(faults))
        else:
            self._add(detail_check, detail_assumption, HELD, f"status {session.get('status')}")

    # -- render ----------------------------------------------------------------------------

    def render(self, *, poll_seconds: float, timeout_seconds: float) -> None:
        """Make one short video and follow it to the end: create, bulk statuses, detail GET."""
        create_check, create_assumption = "render-create", (
            f"POST /v3/videos takes a {len(SHORTEST_SCRIPT)}-character script with a look and its default voice "
            f"at {RENDER_RESOLUTION}, with an Idempotency-Key")
        follow_check, follow_assumption = "render-follow", (
            "GET /v3/videos/statuses follows the video to completed (queued/processing in between)")
        detail_check, detail_assumption = "render-detail", (
            "GET /v3/videos/{id} of the finished video: completed, video_url, duration, subtitle_url, thumbnail_url")
        later = ((follow_check, follow_assumption), (detail_check, detail_assumption))
        if self._refused(create_check, create_assumption):
            for check, assumption in later:
                self._refused(check, assumption)
            return
        spec = self._render_spec()
        if spec is None:
            self._add(create_check, create_assumption, SKIPPED, "no ready look with a voice was listed")
            for check, assumption in later:
                self._add(check, assumption, SKIPPED, "nothing was rendered")
            return
        sent = uuid.uuid4().hex
        try:
            created = self.client.videos.create(spec, idempotency_key=sent)
        except errors.HeyGenError as exc:
            row = self._failed(create_check, create_assumption, exc)
            if errors.unclear(exc):
                row.answer += (f" | HeyGen may have received it: not sent again; look for a video titled "
                               f"\"{RENDER_TITLE}\" on the account")
            for check, assumption in later:
                self._add(check, assumption, SKIPPED, "nothing to follow")
            return
        echoed = echo(self.headers.last, sent)
        self._add(create_check, create_assumption, HELD, f"status {created.status}")
        self._add("idempotency-key-create", "Idempotency-Key echoed on a create (the studio relies on neither "
                  "echo nor deduplication)", NOTED, echoed)
        final = self._follow(created.video_id, follow_check, follow_assumption, poll_seconds, timeout_seconds)
        if final is None:
            self._add(detail_check, detail_assumption, SKIPPED, "the video did not finish")
            return
        try:
            body = self._get(f"/v3/videos/{quote(created.video_id, safe='')}")
        except errors.HeyGenError as exc:
            self._failed(detail_check, detail_assumption, exc)
            return
        video = body.get("data")
        faults = shapes.problems([video], shapes.FINISHED_VIDEO)
        if isinstance(video, dict) and video.get("id") not in (None, created.video_id):
            faults.append("id is not the created video's id")
        if faults:
            self._add(detail_check, detail_assumption, DIFFERS, "; ".join(faults))
        else:
            self._add(detail_check, detail_assumption, HELD, f"{video['duration']:g} s long")

    def _render_spec(self) -> VideoSpec | None:
        """The cheapest sensible video: a ready public look's default voice (or the first voice), "Hi."."""
        voice_ids = [v.get("voice_id") for v in self.found.voices if isinstance(v.get("voice_id"), str)]
        for look in self.found.looks:
            if look.get("status") not in (None, "", "completed") or not isinstance(look.get("id"), str):
                continue
            voice = look.get("default_voice_id") if isinstance(look.get("default_voice_id"), str) else None
            voice = voice or (voice_ids[0] if voice_ids else None)
            if voice:
                return VideoSpec(avatar_id=look["id"], script=SHORTEST_SCRIPT, voice_id=voice, title=RENDER_TITLE,
                                 resolution=RENDER_RESOLUTION, aspect_ratio="16:9", captions="sidecar")
        return None

    def _follow(self, video_id: str, check: str, assumption: str, poll_seconds: float,
                timeout_seconds: float) -> str | None:
        """Bulk statuses until completed or failed; the row says which statuses were seen."""
        started = self.clock()
        seen: list[str] = []
        while True:
            try:
                body = self._get("/v3/videos/statuses", {"video_ids": video_id})
            except errors.HeyGenError as exc:
                self._failed(check, assumption, exc)
                return None
            data = body.get("data")
            entry = next((e for e in data if isinstance(e, dict) and e.get("video_id") == video_id), None) \
                if isinstance(data, list) else None
            if entry is None:
                self._add(check, assumption, DIFFERS, "the video is missing from the answer: " + compact(body))
                return None
            status = entry.get("status")
            if not seen or seen[-1] != status:
                seen.append(status)
                self.progress(f"video {status} after {self.clock() - started:.0f} s")
            trail = " -> ".join(str(s) for s in seen)
            if status not in shapes.BULK_STATUSES or status == "not_found":
                self._add(check, assumption, DIFFERS, f"{trail}: " + compact(entry))
                return None
            if status == "completed":
                self._add(check, assumption, HELD, f"{trail} in {self.clock() - started:.0f} s")
                return status
            if status == "failed":
                self._add(check, assumption, DIFFERS, f"{trail}: " + compact(entry))
                return None
            if self.clock() - started > timeout_seconds:
                self._add(check, assumption, SKIPPED, f"{trail}: not finished after {timeout_seconds:.0f} s "
                          f"(video id {video_id})", unreached=True)
                return None
            self.sleep(poll_seconds)


def echo(headers: dict[str, str], sent: str) -> str:
    """Whether an answer's headers carry back the Idempotency-Key that was sent."""
    value = next((v for k, v in headers.items() if k.lower() == "idempotency-key"), None)
    if value is None:
        return "not echoed"
    return "echoed" if value == sent else "a different Idempotency-Key came back"


def describe(exc: errors.HeyGenError) -> str:
    """HeyGen's answer to a failed call, or why there was none: status, code, HeyGen's message."""
    if isinstance(exc, errors.NetworkError):
        return f"no answer ({exc.reason}): {exc.message}"
    parts = [str(exc.status) if exc.status else "", exc.code or ""]
    head = " ".join(p for p in parts if p)
    text = exc.detail or exc.message
    if exc.param:
        text += f" (field {exc.param})"
    return f"{head}: {text}" if head else text


def compact(value: Any) -> str:
    """A JSON answer in one short line (the caller redacts it)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
