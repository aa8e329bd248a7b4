"""Hearing a script before rendering it: speech from HeyGen, kept on disk per (voice, text, speed).

``SpeechCache.hear`` answers from the data folder when the same account already heard the same
text with the same voice at the same speed, and otherwise asks HeyGen once
(``POST /v3/voices/speech``), fetches the audio from its presigned link without the API key and
keeps it (folder 0700, files 0600). The newest ``max_items`` clips are kept.
``part_to_hear`` gives the default part of a long script: its first ``PREVIEW_CHARS`` characters.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from heygen.api import errors
from heygen.api.client import Client
from heygen.api.voices import SPEECH_TEXT_MAX

from .datadir import private_dir, private_file

__all__ = ["PREVIEW_CHARS", "Heard", "SpeechCache", "part_to_hear", "speech_key"]

PREVIEW_CHARS = 300
MAX_AUDIO_BYTES = 20 * 1024 * 1024
AUDIO_TYPES = {"audio/wav": "audio/wav", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav",
               "audio/mpeg": "audio/mpeg", "audio/mp3": "audio/mpeg", "audio/ogg": "audio/ogg",
               "audio/aac": "audio/aac", "audio/mp4": "audio/mp4", "audio/webm": "audio/webm"}


@dataclass(frozen=True)
class Heard:
    """One spoken clip: the audio, its type and length, and whether it came from the cache."""

    audio: bytes
    mime_type: str
    duration: float | None
    text: str
    cached: bool


def part_to_hear(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The first ``limit`` characters of ``text``, cut back to the last whole word when it is longer."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip()


def _speed(speed: float | None) -> float:
    return round(float(speed), 2) if speed is not None else 1.0


def speech_key(account: str, voice_id: str, text: str, speed: float | None) -> str:
    """The cache key of one clip: a digest of the account, voice, exact text and speed."""
    raw = json.dumps([account, voice_id, text, _speed(speed)], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class SpeechCache:
    """Spoken clips kept in ``folder`` (created private on first write)."""

    def __init__(self, folder: str | os.PathLike, *, max_items: int = 200) -> None:
        self.folder = Path(folder)
        self.max_items = max_items
        self._lock = threading.Lock()

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.audio", self.folder / f"{key}.json"

    def get(self, account: str, voice_id: str, text: str, speed: float | None) -> Heard | None:
        """The kept clip for these inputs, or None."""
        audio_path, meta_path = self._paths(speech_key(account, voice_id, text, speed))
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            audio = audio_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not audio or not isinstance(meta, dict):
            return None
        duration = meta.get("duration")
        return Heard(audio, str(meta.get("mime_type") or "audio/wav"),
                     float(duration) if isinstance(duration, (int, float)) else None, text, cached=True)

    def hear(self, client: Client, account: str, voice_id: str, text: str, speed: float | None = None) -> Heard:
        """The clip for these inputs: from the folder, else one request to HeyGen (then kept).

        Raises ``HeyGenError`` (e.g. ``InvalidRequestError`` for an empty or too long text, or a voice
        HeyGen cannot speak with) and nothing is kept then.
        """
        text = (text or "").strip()
        if not text:
            raise errors.InvalidRequestError("There is nothing to hear yet: write some text first.", param="text")
        if len(text) > SPEECH_TEXT_MAX:
            raise errors.InvalidRequestError(
                f"At most {SPEECH_TEXT_MAX:,} characters can be heard at once (this part has {len(text):,}).",
                param="text",
            )
        found = self.get(account, voice_id, text, speed)
        if found is not None:
            return found
        with self._lock:  # two presses at once in one process make one request
            found = self.get(account, voice_id, text, speed)
            if found is not None:
                return found
            spoken = client.voices.speech(text, voice_id, speed=_speed(speed) if speed is not None else None)
            audio, mime_type = _download(client, spoken.audio_url)
            heard = Heard(audio, mime_type, spoken.duration, text, cached=False)
            self._keep(speech_key(account, voice_id, text, speed), heard)
            return heard

    def _keep(self, key: str, heard: Heard) -> None:
        try:
            private_dir(self.folder)
            audio_path, meta_path = self._paths(key)
            for path, data in ((audio_path, heard.audio),
                               (meta_path, json.dumps({"mime_type": heard.mime_type, "duration": heard.duration}).encode())):
                temp = path.with_name(path.name + ".part")
                private_file(temp)
                temp.write_bytes(data)
                os.replace(temp, path)
            self._prune()
        except OSError:
            pass  # a clip that cannot be kept is simply asked for again next time

    def _prune(self) -> None:
        metas = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for meta in metas[self.max_items:]:
            for path in (meta, meta.with_suffix(".audio")):
                try:
                    path.unlink()
                except OSError:
                    pass


def _download(client: Client, url: str) -> tuple[bytes, str]:
    """The audio at a presigned link (fetched without the API key) and its media type."""
    body = client.download(url)
    if body.length is not None and body.length > MAX_AUDIO_BYTES:
        body.close()
        raise errors.UnexpectedResponseError("HeyGen's audio for this text is unexpectedly large.",
                                             operation="download")
    parts, size = [], 0
    try:
        for chunk in body:
            size += len(chunk)
            if size > MAX_AUDIO_BYTES:
                raise errors.UnexpectedResponseError("HeyGen's audio for this text is unexpectedly large.",
                                                     operation="download")
            parts.append(chunk)
    finally:
        body.close()
    data = b"".join(parts)
    if not data:
        raise errors.UnexpectedResponseError("HeyGen's audio for this text was empty.", operation="download")
    mime = AUDIO_TYPES.get(body.content_type or "", None)
    if mime is None:
        mime = "audio/wav" if data[:4] == b"RIFF" else "audio/mpeg"
    return data, mime
