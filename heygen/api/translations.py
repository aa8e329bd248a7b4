"""Video translations: a finished video dubbed into other languages, with an optional proofread of the
subtitles before the render, and the brand glossaries that fix how terms are translated."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import errors
from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

PAGE_MAX = 100
STATUSES_MAX = 100  # translation ids per GET /v3/video-translations/statuses
MODES = ("speed", "precision")
TERMINAL_STATUSES = ("completed", "failed")
SRT_MAX_BYTES = 2 * 1024 * 1024  # a subtitle file larger than this is not a subtitle file


@dataclass
class Translation:
    """One language of a translation as HeyGen reports it: ``pending``, ``running``, ``completed`` or ``failed``."""

    id: str = ""
    status: str = "pending"
    title: str | None = None
    output_language: str | None = None
    input_language: str | None = None
    created_at: int | None = None
    duration: float | None = None
    video_url: str | None = None
    audio_url: str | None = None
    srt_caption_url: str | None = None
    vtt_caption_url: str | None = None
    failure_message: str | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass
class TranslationStatus:
    """One entry of ``GET /v3/video-translations/statuses``: ``queued``, ``processing``, ``completed``,
    ``failed`` or ``not_found``; any other status is kept as sent and counts as running. It carries no links."""

    id: str = ""
    status: str = "queued"
    failure_code: str | None = None
    failure_message: str | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass
class Proofread:
    """A proofread session of one language: ``processing``, ``completed`` (subtitles ready) or ``failed``."""

    id: str = ""
    status: str = "processing"
    title: str | None = None
    output_language: str | None = None
    input_language: str | None = None
    created_at: int | None = None
    failure_message: str | None = None


@dataclass
class ProofreadSrt:
    """Presigned links to a proofread's subtitles: the translation, and the original when HeyGen has one."""

    srt_url: str = ""
    original_srt_url: str | None = None


@dataclass
class Glossary:
    """A brand glossary: custom translations of the brand's terms."""

    brand_glossary_id: str = ""
    name: str = ""
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class TranslationSpec:
    """Everything needed to translate one video; ``to_body()`` gives the create JSON.

    The source video is a URL (``video_url``) or an uploaded asset (``video_asset_id``).
    ``proofread`` builds a ``POST /v3/video-translations/proofreads`` body instead (no captions
    or stock voice there: captions are chosen when the proofread is rendered).
    """

    output_languages: list[str] = field(default_factory=list)
    video_url: str | None = None
    video_asset_id: str | None = None
    title: str | None = None
    mode: str = "speed"
    captions: bool = False
    stock_voice: bool = False
    brand_glossary_id: str | None = None

    def to_body(self, *, proofread: bool = False) -> dict[str, Any]:
        if self.video_asset_id:
            video = {"type": "asset_id", "asset_id": self.video_asset_id}
        elif self.video_url:
            video = {"type": "url", "url": self.video_url}
        else:
            raise errors.InvalidRequestError("No source video was given for the translation.", param="video")
        body: dict[str, Any] = {"video": video, "output_languages": list(self.output_languages), "mode": self.mode}
        if proofread:
            body["title"] = self.title or "Untitled translation"
        else:
            if self.title:
                body["title"] = self.title
            body["enable_caption"] = bool(self.captions)
            if self.stock_voice:
                body["stock_voice_config"] = {"use_stock_voice": True}
        if self.brand_glossary_id:
            body["brand_glossary_id"] = self.brand_glossary_id
        return body


def _path_id(value: str, name: str) -> str:
    if not value or not str(value).strip():
        raise errors.InvalidRequestError(f"No {name} was given.", param=name)
    return quote(str(value).strip(), safe="")


class Translations:
    """``client.translations``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def languages(self) -> list[str]:
        """Every target language HeyGen translates into, by name (e.g. "Spanish (Spain)")."""
        body = self._client.request("GET", "/v3/video-translations/languages",
                                    operation="GET /v3/video-translations/languages")
        data = body.get("data")
        names = data.get("languages") if isinstance(data, dict) else None
        if not isinstance(names, list):
            raise errors.UnexpectedResponseError("HeyGen sent the list of languages in a shape the studio could not "
                                                 "read.", operation="GET /v3/video-translations/languages")
        return [name for name in names if isinstance(name, str) and name.strip()]

    def create(self, spec: TranslationSpec, *, idempotency_key: str | None = None) -> list[str]:
        """Start a translation, once; returns one id per output language, in HeyGen's order.
        A failure that may have reached HeyGen (``errors.unclear``) is for the caller to reconcile."""
        return self._create("/v3/video-translations", spec.to_body(), "video_translation_ids", idempotency_key)

    def create_proofread(self, spec: TranslationSpec, *, idempotency_key: str | None = None) -> list[str]:
        """Start a proofread (subtitles to review before the render), once; one proofread id per language."""
        return self._create("/v3/video-translations/proofreads", spec.to_body(proofread=True), "proofread_ids",
                            idempotency_key)

    def _create(self, path: str, body: dict[str, Any], key: str, idempotency_key: str | None) -> list[str]:
        operation = f"POST {path}"
        answer = self._client.request("POST", path, json=body,
                                      headers={"Idempotency-Key": idempotency_key or uuid.uuid4().hex},
                                      retry="unsent", operation=operation)
        data = answer.get("data")
        ids = data.get(key) if isinstance(data, dict) else None
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
            raise errors.UnexpectedResponseError("HeyGen accepted the translation but did not return its ids.",
                                                 operation=operation)
        return ids

    def get(self, translation_id: str) -> Translation:
        """One language's status and, once completed, its (freshly signed) links."""
        body = self._client.request("GET", f"/v3/video-translations/{_path_id(translation_id, 'translation id')}",
                                    operation="GET /v3/video-translations/{video_translation_id}")
        found = from_api(Translation, body.get("data"))
        found.id = found.id or translation_id
        return found

    def statuses(self, translation_ids: Iterable[str]) -> dict[str, TranslationStatus]:
        """The status of each translation, by id: one ``GET /v3/video-translations/statuses`` per
        ``STATUSES_MAX`` ids. Ids HeyGen's answer leaves out are missing from the result."""
        operation = "GET /v3/video-translations/statuses"
        wanted = list(dict.fromkeys(str(t).strip() for t in translation_ids if t is not None and str(t).strip()))
        found: dict[str, TranslationStatus] = {}
        for start in range(0, len(wanted), STATUSES_MAX):
            chunk = wanted[start:start + STATUSES_MAX]
            body = self._client.request("GET", "/v3/video-translations/statuses",
                                        params={"video_translation_ids": ",".join(chunk)}, operation=operation)
            items = body.get("data")
            if not isinstance(items, list):
                raise errors.UnexpectedResponseError(
                    "HeyGen sent translation statuses in a shape the studio could not read.", operation=operation)
            for item in items:
                status = _translation_status(item)
                if status is not None and status.id in chunk:
                    found[status.id] = status
        return found

    def list(self, *, limit: int | None = None) -> list[Translation]:
        """Translations on the account, newest first (all pages, or the first ``limit``)."""
        items = self._client.paginate("/v3/video-translations", {}, page_size=PAGE_MAX, limit=limit,
                                      operation="GET /v3/video-translations")
        return [from_api(Translation, item) for item in items]

    def proofread(self, proofread_id: str) -> Proofread:
        """A proofread's status (``completed``: its subtitles can be downloaded and edited)."""
        path = f"/v3/video-translations/proofreads/{_path_id(proofread_id, 'proofread id')}"
        body = self._client.request("GET", path, operation="GET /v3/video-translations/proofreads/{proofread_id}")
        found = from_api(Proofread, body.get("data"))
        found.id = found.id or proofread_id
        return found

    def proofread_srt(self, proofread_id: str) -> ProofreadSrt:
        """Presigned links to the proofread's subtitles (fetch them with ``read_srt``, never with the key)."""
        path = f"/v3/video-translations/proofreads/{_path_id(proofread_id, 'proofread id')}/srt"
        operation = "GET /v3/video-translations/proofreads/{proofread_id}/srt"
        found = from_api(ProofreadSrt, self._client.request("GET", path, operation=operation).get("data"))
        if not found.srt_url:
            raise errors.UnexpectedResponseError("HeyGen gave no link to the subtitles to proofread.",
                                                 operation=operation)
        return found

    def read_srt(self, url: str) -> str:
        """The text of a subtitle file behind a presigned link (keyless; at most ``SRT_MAX_BYTES``)."""
        body = self._client.download(url)
        data = bytearray()
        try:
            for chunk in body:
                data.extend(chunk)
                if len(data) > SRT_MAX_BYTES:
                    raise errors.UnexpectedResponseError("HeyGen's subtitle file is far too large to be subtitles.",
                                                         operation="download")
        finally:
            body.close()
        return bytes(data).decode("utf-8-sig", errors="replace")

    def upload_proofread_srt(self, proofread_id: str, asset_id: str) -> Proofread:
        """Replace the proofread's subtitles with an uploaded SRT asset (a PUT: repeating it is harmless)."""
        path = f"/v3/video-translations/proofreads/{_path_id(proofread_id, 'proofread id')}/srt"
        body = self._client.request("PUT", path, json={"srt": {"type": "asset_id", "asset_id": asset_id}},
                                    operation="PUT /v3/video-translations/proofreads/{proofread_id}/srt")
        found = from_api(Proofread, body.get("data"))
        found.id = found.id or proofread_id
        return found

    def generate(self, proofread_id: str, *, captions: bool = False, idempotency_key: str | None = None) -> str:
        """Render the translated video from the proofread subtitles, once; returns the translation id."""
        path = f"/v3/video-translations/proofreads/{_path_id(proofread_id, 'proofread id')}/generate"
        operation = "POST /v3/video-translations/proofreads/{proofread_id}/generate"
        answer = self._client.request("POST", path, json={"captions": bool(captions)},
                                      headers={"Idempotency-Key": idempotency_key or uuid.uuid4().hex},
                                      retry="unsent", operation=operation)
        data = answer.get("data")
        found = data.get("video_translation_id") if isinstance(data, dict) else None
        if not isinstance(found, str) or not found:
            raise errors.UnexpectedResponseError("HeyGen started the render but did not return its id.",
                                                 operation=operation)
        return found


def _translation_status(item: Any) -> TranslationStatus | None:
    """A TranslationStatus from one statuses entry (its id is sent as ``video_id``, the read model being
    shared with videos); None when it names no translation or no status."""
    if not isinstance(item, dict) or not isinstance(item.get("status"), str):
        return None
    found = next((item[key] for key in ("video_id", "video_translation_id", "id")
                  if isinstance(item.get(key), str) and item[key]), None)
    if found is None:
        return None
    failure = item.get("error") if isinstance(item.get("error"), dict) else {}
    code, message = failure.get("code"), failure.get("message")
    return TranslationStatus(id=found, status=item["status"], failure_code=None if code is None else str(code),
                             failure_message=None if message is None else str(message))


class BrandGlossaries:
    """``client.brand_glossaries``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self, limit: int | None = None) -> list[Glossary]:
        """The workspace's brand glossaries (all pages, or the first ``limit``)."""
        items = self._client.paginate("/v3/brand-glossaries", {}, page_size=PAGE_MAX, limit=limit,
                                      operation="GET /v3/brand-glossaries")
        return [g for g in (from_api(Glossary, item) for item in items) if g.brand_glossary_id]
