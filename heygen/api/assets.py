"""Assets: files uploaded to HeyGen so a video can use them by ``asset_id``.

Two wire paths, one entry point (``Assets.upload_file``):

- files of at most 32 MB go in one multipart ``POST /v3/assets``;
- larger ones go straight to HeyGen's storage: ``POST /v3/assets/direct-uploads`` hands out a
  presigned ``upload_url``, the bytes are ``PUT`` there (without the API key), then
  ``POST /v3/assets/{asset_id}/complete`` (idempotent, so retried safely) and
  ``GET /v3/assets/{asset_id}`` until the asset has a URL.

Memory: a direct upload reads its source in small blocks as it sends them, so a file on disk costs
one block of memory; bytes or a file object already in memory are read in place, never copied.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Union
from urllib.parse import urlsplit

import requests

from . import errors
from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

MB = 1024 * 1024
MAX_ASSET_BYTES = 32 * MB  # the most POST /v3/assets takes; larger files use a direct upload
UPLOAD_TIMEOUT = (5.0, 300.0)
# For the PUT of a direct upload. The first value also bounds each stalled write while the body is
# sent (urllib3 applies the connect timeout until the request is out), so it is longer.
PUT_TIMEOUT = (30.0, 300.0)
BLOCK_BYTES = 1 * MB  # how much of the file is read at a time for a direct upload

# The largest file HeyGen takes for each kind of asset, checked before anything is sent. HeyGen's
# July 2026 list documents no per-kind maximum; these are the studio's limits (audio: ten minutes
# of 48 kHz 24-bit stereo WAV fits), and each direct upload's own ``max_bytes`` is honoured too.
MAX_BYTES_BY_KIND = {"image": 50 * MB, "audio": 200 * MB, "video": 500 * MB, "document": 100 * MB}
KIND_WORDS = {"image": "images", "audio": "audio files", "video": "video clips", "document": "PDF documents",
              "file": "files of this type"}

COMPLETE_ATTEMPTS = 4
READY_TIMEOUT = 120.0  # seconds of waiting for HeyGen to finish processing a direct upload
READY_FIRST_WAIT = 0.5
READY_MAX_WAIT = 5.0
PUT_ATTEMPTS = 3
_RETRYABLE = (errors.ServerError, errors.NetworkError, errors.RateLimitError, errors.ConflictError,
              errors.UnexpectedResponseError)
_NEVER_FORWARDED = {"x-api-key", "authorization", "cookie"}

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]
Progress = Callable[[int, int], None]  # (bytes sent so far, total bytes)


@dataclass
class Asset:
    asset_id: str = ""
    url: str = ""
    mime_type: str = ""
    size_bytes: int = 0
    status: str = ""


@dataclass
class DirectUpload:
    """HeyGen's instructions for one direct upload (``POST /v3/assets/direct-uploads``)."""

    asset_id: str = ""
    upload_url: str = ""
    upload_headers: dict[str, Any] = field(default_factory=dict)
    expires_in_seconds: int = 0
    max_bytes: int = 0
    status: str = ""

    def __repr__(self) -> str:  # the presigned URL is a credential for this one file: never shown
        return f"DirectUpload(asset_id={self.asset_id!r}, max_bytes={self.max_bytes!r}, status={self.status!r})"


@dataclass
class AssetInfo:
    """An asset as ``GET /v3/assets/{asset_id}`` describes it; ``url`` is empty while HeyGen processes it."""

    id: str = ""
    name: str = ""
    type: str = ""
    owner: str = ""
    space_id: str = ""
    uploaded_at: int = 0
    url: str = ""
    folder_id: str = ""

    @property
    def ready(self) -> bool:
        return bool(self.url)


def kind_of(mime_type: str) -> str:
    """"image", "audio", "video", "document" (PDF) or "file" for a MIME type."""
    major = (mime_type or "").split("/")[0].strip().lower()
    if major in ("image", "audio", "video"):
        return major
    return "document" if (mime_type or "").strip().lower() == "application/pdf" else "file"


def max_bytes_for(mime_type: str) -> int:
    """The largest file of this type HeyGen takes (32 MB for types without a direct-upload limit)."""
    return MAX_BYTES_BY_KIND.get(kind_of(mime_type), MAX_ASSET_BYTES)


def megabytes(size: int) -> str:
    """A size in words, e.g. "40.0 MB"."""
    return f"{size / MB:.1f} MB"


class Assets:
    """``client.assets``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    # -- the one entry point --------------------------------------------------------------

    def upload_file(
        self,
        source: Source,
        *,
        filename: str | None = None,
        mime_type: str,
        progress: Progress | None = None,
        ready_timeout: float = READY_TIMEOUT,
    ) -> Asset:
        """Upload a file from a path, bytes or a binary file object, by the path its size calls for.

        At most 32 MB: one multipart ``POST /v3/assets``. Larger: a direct upload, streamed in
        blocks from the source. Files over HeyGen's maximum for their kind (``max_bytes_for``) and
        empty files are refused before anything is sent. ``progress(sent, total)`` is called as
        bytes go out, never backwards, ending with ``sent == total``. A file object is read from
        its current position to its end.
        """
        report = progress or (lambda _sent, _total: None)
        opened: IO[bytes] | None = None
        if isinstance(source, (str, os.PathLike)):
            filename = filename or os.path.basename(os.fspath(source))
            opened = open(source, "rb")  # noqa: SIM115 - closed below
            source = opened
        name = filename or getattr(source, "name", None) or "file"
        name = os.path.basename(str(name))
        try:
            size = _size_of(source)
            _check_size(size, name, mime_type)
            if size <= MAX_ASSET_BYTES:
                report(0, size)
                data = bytes(source) if isinstance(source, memoryview) else source
                asset = self.upload(data, filename=name, mime_type=mime_type)
                report(size, size)
                return asset
            return self._direct(source, size, name, mime_type, report, ready_timeout)
        finally:
            if opened is not None:
                opened.close()

    # -- multipart, at most 32 MB ---------------------------------------------------------

    def upload(self, data: bytes | IO[bytes], *, filename: str, mime_type: str) -> Asset:
        """Upload one file (multipart field ``file``). Files over 32 MB are refused before sending."""
        size = _size_of(data)
        if size > MAX_ASSET_BYTES:
            raise errors.PayloadTooLargeError(
                f"“{filename}” is {size / 1024 / 1024:.1f} MB; HeyGen accepts files of at most 32 MB in one upload.",
                operation="POST /v3/assets",
            )
        if size == 0:
            raise errors.InvalidRequestError(f"“{filename}” is empty.", param="file", operation="POST /v3/assets")
        body = self._client.request(
            "POST",
            "/v3/assets",
            files={"file": (filename, data, mime_type)},
            retry=False,
            timeout=UPLOAD_TIMEOUT,
            operation="POST /v3/assets",
        )
        asset = from_api(Asset, body.get("data"))
        if not asset.asset_id:
            raise errors.UnexpectedResponseError(
                "HeyGen accepted the upload but did not say where the file is.", operation="POST /v3/assets"
            )
        return asset

    # -- direct uploads, the steps ------------------------------------------------------------

    def create_direct_upload(self, *, filename: str, content_type: str, size_bytes: int) -> DirectUpload:
        """``POST /v3/assets/direct-uploads``: an asset id and a presigned URL to PUT the bytes to."""
        operation = "POST /v3/assets/direct-uploads"
        try:
            body = self._client.request(
                "POST", "/v3/assets/direct-uploads",
                json={"filename": filename, "content_type": content_type, "size_bytes": size_bytes},
                retry=True, operation=operation,  # nothing is billed: a repeat only leaves an unused upload slot
            )
        except errors.PayloadTooLargeError as exc:
            exc.message = f"“{filename}” is {megabytes(size_bytes)}; HeyGen refused it as too large."
            exc.args = (exc.message,)
            raise
        upload = from_api(DirectUpload, body.get("data"))
        if not upload.asset_id or urlsplit(upload.upload_url).scheme not in ("http", "https"):
            raise errors.UnexpectedResponseError(
                "HeyGen agreed to take the file but did not say where to send it.", operation=operation)
        return upload

    def put_bytes(self, upload: DirectUpload, source: Source, size: int, *, content_type: str,
                  progress: Progress | None = None) -> None:
        """PUT ``size`` bytes of ``source`` to the presigned ``upload_url``, block by block.

        The API key is never sent (the URL carries its own signature), redirects are not followed,
        and a storage hiccup (5xx, dropped connection) is retried from the start when the source
        can be rewound. ``progress(sent, total)`` never goes backwards.
        """
        report = progress or (lambda _sent, _total: None)
        view = memoryview(source).cast("B") if isinstance(source, (bytes, bytearray, memoryview)) else None
        start = None if view is not None else _position(source)
        headers = {str(k): str(v) for k, v in (upload.upload_headers or {}).items()
                   if str(k).lower() not in _NEVER_FORWARDED}
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
        shown = [0]
        step = max(size // 100, 256 * 1024)  # about a hundred reports per file at most

        def monotone(sent: int, total: int) -> None:
            if sent > shown[0] and (sent - shown[0] >= step or sent == total):
                shown[0] = sent
                report(sent, total)

        for attempt in range(PUT_ATTEMPTS):
            if attempt and view is None:
                source.seek(start)  # type: ignore[union-attr]
            body = _Body(view if view is not None else source, size, monotone)
            try:
                self._put_once(upload.upload_url, body, headers)
                return
            except (errors.ServerError, errors.NetworkError) as exc:
                rewindable = view is not None or start is not None
                if attempt + 1 >= PUT_ATTEMPTS or not rewindable or body.failed_reading:
                    raise exc
                self._client._sleep(0.5 * 2 ** attempt)

    def _put_once(self, url: str, body: _Body, headers: dict[str, str]) -> None:
        operation = "PUT upload"
        try:
            response = self._client._session.put(url, data=body, headers=headers, timeout=PUT_TIMEOUT,
                                                 allow_redirects=False)
        except (requests.RequestException, OSError) as exc:
            if body.error is not None:
                raise body.error from None
            raise self._client._network_error(exc, operation) from None
        status = response.status_code
        response.close()
        if 200 <= status < 300:
            if body.sent != body.size:
                raise errors.UnexpectedResponseError(
                    "HeyGen's storage answered before the whole file was sent.", status=status, operation=operation)
            return
        if 300 <= status < 400:
            raise errors.UnexpectedResponseError(
                f"HeyGen's upload link redirected to {errors.redirect_host(response.headers.get('Location'), url)}; "
                "the studio does not follow it with your file.", status=status, operation=operation)
        if status in (401, 403):
            raise errors.PermissionDeniedError(
                f"HeyGen's storage refused the file (HTTP {status}); the upload link may have expired.",
                status=status, operation=operation, hint="Try again: a fresh upload link is asked for each time.")
        if status == 413:
            raise errors.PayloadTooLargeError(
                "HeyGen's storage refused the file as too large.", status=status, operation=operation)
        if status >= 500:
            raise errors.ServerError(
                f"HeyGen's storage failed while receiving the file (server error {status}).", status=status,
                operation=operation, hint="Nothing was charged. Try again in a minute.")
        raise errors.InvalidRequestError(
            f"HeyGen's storage did not accept the file (HTTP {status}).", status=status, operation=operation,
            hint="Try again; if it keeps happening, export the file again.")

    def complete(self, asset_id: str) -> Asset:
        """``POST /v3/assets/{asset_id}/complete``, retried on unclear failures (it is idempotent)."""
        operation = "POST /v3/assets/{asset_id}/complete"
        for attempt in range(COMPLETE_ATTEMPTS):
            try:
                body = self._client.request("POST", f"/v3/assets/{asset_id}/complete", json={}, retry=False,
                                            timeout=UPLOAD_TIMEOUT, operation=operation)
                break
            except _RETRYABLE as exc:
                if attempt + 1 >= COMPLETE_ATTEMPTS:
                    raise
                wait = getattr(exc, "retry_after", None)
                self._client._sleep(min(wait if wait is not None else 0.5 * 2 ** attempt, 10.0))
        asset = from_api(Asset, body.get("data"))
        if not asset.asset_id:
            asset.asset_id = asset_id
        return asset

    def get(self, asset_id: str) -> AssetInfo:
        """``GET /v3/assets/{asset_id}``."""
        body = self._client.request("GET", f"/v3/assets/{asset_id}", operation="GET /v3/assets/{asset_id}")
        return from_api(AssetInfo, body.get("data"))

    def wait_until_ready(self, asset_id: str, *, timeout: float = READY_TIMEOUT) -> AssetInfo:
        """Ask ``GET /v3/assets/{asset_id}`` until the asset has a URL, waiting at most ``timeout`` seconds."""
        waited, wait = 0.0, READY_FIRST_WAIT
        while True:
            info = self.get(asset_id)
            if info.ready:
                return info
            if waited + wait > timeout:
                raise errors.UnexpectedResponseError(
                    f"HeyGen received the file but had not finished processing it after {timeout:.0f} seconds.",
                    operation="GET /v3/assets/{asset_id}",
                    hint="Try again in a few minutes; the file does not need to be sent again if it is reused.")
            self._client._sleep(wait)
            waited += wait
            wait = min(wait * 2, READY_MAX_WAIT)

    # -- direct uploads, end to end ----------------------------------------------------------

    def _direct(self, source: Source, size: int, name: str, mime_type: str, report: Progress,
                ready_timeout: float) -> Asset:
        upload = self.create_direct_upload(filename=name, content_type=mime_type, size_bytes=size)
        if upload.max_bytes and size > upload.max_bytes:
            raise errors.PayloadTooLargeError(
                f"“{name}” is {megabytes(size)}; HeyGen takes at most {megabytes(upload.max_bytes)} for this upload.",
                operation="POST /v3/assets/direct-uploads")
        report(0, size)
        self.put_bytes(upload, source, size, content_type=mime_type, progress=report)
        asset = self.complete(upload.asset_id)
        if asset.status.lower() not in ("ready", "completed", "active"):
            info = self.wait_until_ready(asset.asset_id, timeout=ready_timeout)
            asset.url = info.url or asset.url
            asset.status = "ready"
        asset.mime_type = asset.mime_type or mime_type
        asset.size_bytes = asset.size_bytes or size
        return asset


class _Body:
    """A request body that reads its source block by block and reports progress (bounded memory).

    ``requests`` sends it with a Content-Length (``__len__``) and reads it through ``read``.
    """

    def __init__(self, source: memoryview | IO[bytes], size: int, report: Progress) -> None:
        self.source = source
        self.size = size
        self.sent = 0
        self.report = report
        self.error: errors.HeyGenError | None = None
        self.failed_reading = False

    def __len__(self) -> int:
        return self.size

    def __iter__(self):
        while True:
            block = self.read(BLOCK_BYTES)
            if not block:
                return
            yield block

    def read(self, n: int = -1) -> bytes:
        want = self.size - self.sent if n is None or n < 0 else min(n, self.size - self.sent)
        want = min(want, BLOCK_BYTES)
        if want <= 0:
            return b""
        if isinstance(self.source, memoryview):
            block = bytes(self.source[self.sent:self.sent + want])
        else:
            try:
                block = self.source.read(want)
            except (OSError, ValueError) as exc:
                self.failed_reading = True
                self.error = errors.UnexpectedResponseError(
                    "The file could not be read while it was being uploaded.", operation="PUT upload",
                    detail=type(exc).__name__, hint="Choose the file again.")
                raise
        if not block:
            self.failed_reading = True
            self.error = errors.UnexpectedResponseError(
                "The file became shorter while it was being uploaded.", operation="PUT upload",
                hint="Choose the file again.")
            raise OSError("source ended early")
        self.sent += len(block)
        self.report(self.sent, self.size)
        return block


def _check_size(size: int, name: str, mime_type: str) -> None:
    if size == 0:
        raise errors.InvalidRequestError(f"“{name}” is empty.", param="file", operation="POST /v3/assets")
    limit = max_bytes_for(mime_type)
    if size > limit:
        kind = kind_of(mime_type)
        raise errors.PayloadTooLargeError(
            f"“{name}” is {megabytes(size)}; HeyGen accepts {KIND_WORDS[kind]} of at most {megabytes(limit)}.",
            operation="upload", hint="Use a smaller or shorter file.")


def _position(source: Any) -> int | None:
    try:
        return source.tell() if source.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _size_of(data: Source) -> int:
    if isinstance(data, (bytes, bytearray)):
        return len(data)
    if isinstance(data, memoryview):
        return data.nbytes
    try:
        whole = os.fstat(data.fileno()).st_size  # type: ignore[union-attr]
        return max(0, whole - data.tell())  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        pos = data.tell()  # type: ignore[union-attr]
        data.seek(0, os.SEEK_END)  # type: ignore[union-attr]
        end = data.tell()  # type: ignore[union-attr]
        data.seek(pos)  # type: ignore[union-attr]
        return end - pos
