"""Voices: HeyGen's library and the account's own cloned voices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

VOICES_PAGE_MAX = 100


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
