"""Voices: HeyGen's library, the account's own cloned voices, and speech from text with one of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import errors
from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

VOICES_PAGE_MAX = 100
SPEECH_ENGINE = "starfish"  # the engine POST /v3/voices/speech needs; GET /v3/voices?engine= filters by it
SPEECH_TEXT_MAX = 5000
SPEECH_SPEED = (0.5, 2.0)


@dataclass
class Voice:
    voice_id: str = ""
    name: str = ""
    language: str = ""
    gender: str = ""
    preview_audio_url: str | None = None
    support_pause: bool = False
    support_locale: bool = False
    type: str = "public"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class WordTiming:
    word: str = ""
    start: float = 0.0
    end: float = 0.0


@dataclass
class Speech:
    """An answer of ``POST /v3/voices/speech``: where the audio is and how long it lasts."""

    audio_url: str = ""
    duration: float | None = None
    request_id: str | None = None
    word_timestamps: list[WordTiming] = field(default_factory=list)


class Voices:
    """``client.voices``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(
        self,
        *,
        type: str | None = None,
        language: str | None = None,
        gender: str | None = None,
        engine: str | None = None,
        limit: int | None = None,
    ) -> list[Voice]:
        """Every voice matching the filters (all pages), or the first ``limit``.

        ``type`` is ``public`` (HeyGen's library, the default) or ``private`` (cloned voices).
        """
        params = {"type": type, "language": language, "gender": gender, "engine": engine}
        items = self._client.paginate(
            "/v3/voices", params, page_size=VOICES_PAGE_MAX, limit=limit, operation="GET /v3/voices"
        )
        return [from_api(Voice, item) for item in items]

    def speech(
        self,
        text: str,
        voice_id: str,
        *,
        speed: float | None = None,
        input_type: str | None = None,
        language: str | None = None,
        locale: str | None = None,
    ) -> Speech:
        """Synthesise ``text`` (1–``SPEECH_TEXT_MAX`` characters) with a voice that supports the
        ``SPEECH_ENGINE`` engine; the answer links to the audio (fetch it with ``client.download``).

        Each request is billed, so it is retried only when it surely never reached HeyGen; callers
        keep the audio (``heygen.studio.speech``) instead of asking twice.
        """
        body = speech_body(text, voice_id, speed=speed, input_type=input_type, language=language, locale=locale)
        answer = self._client.request(
            "POST", "/v3/voices/speech", json=body, retry="unsent", operation="POST /v3/voices/speech",
        )
        speech = from_api(Speech, answer.get("data"))
        if not speech.audio_url:
            raise errors.UnexpectedResponseError(
                "HeyGen made the speech but did not say where the audio is.", operation="POST /v3/voices/speech",
            )
        return speech

    def speech_voice_ids(self, *, limit: int | None = None) -> set[str]:
        """The ids of the voices that ``speech`` accepts (``GET /v3/voices?engine=starfish``, all types)."""
        ids: set[str] = set()
        for voice_type in ("public", "private"):
            ids.update(v.voice_id for v in self.list(type=voice_type, engine=SPEECH_ENGINE, limit=limit) if v.voice_id)
        return ids


def speech_body(
    text: str,
    voice_id: str,
    *,
    speed: float | None = None,
    input_type: str | None = None,
    language: str | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    """The ``POST /v3/voices/speech`` JSON; raises ``InvalidRequestError`` for what HeyGen would refuse."""
    if not isinstance(text, str) or not text.strip():
        raise errors.InvalidRequestError("There is no text to speak.", param="text")
    if len(text) > SPEECH_TEXT_MAX:
        raise errors.InvalidRequestError(
            f"HeyGen speaks at most {SPEECH_TEXT_MAX:,} characters at once (this text has {len(text):,}).", param="text",
        )
    if not isinstance(voice_id, str) or not voice_id.strip():
        raise errors.InvalidRequestError("No voice was chosen.", param="voice_id")
    body: dict[str, Any] = {"text": text, "voice_id": voice_id.strip()}
    if speed is not None:
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not SPEECH_SPEED[0] <= speed <= SPEECH_SPEED[1]:
            raise errors.InvalidRequestError(
                f"The speed must be between {SPEECH_SPEED[0]:g} and {SPEECH_SPEED[1]:g}.", param="speed",
            )
        body["speed"] = round(float(speed), 3)
    if input_type is not None:
        if input_type not in ("text", "ssml"):
            raise errors.InvalidRequestError("input_type must be 'text' or 'ssml'.", param="input_type")
        body["input_type"] = input_type
    if language:
        body["language"] = language
    if locale:
        body["locale"] = locale
    return body
