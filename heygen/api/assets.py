"""Assets: files uploaded to HeyGen so a video can use them by ``asset_id``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from . import errors
from ._model import from_api

if TYPE_CHECKING:
    from .client import Client

MAX_ASSET_BYTES = 32 * 1024 * 1024
UPLOAD_TIMEOUT = (5.0, 300.0)


@dataclass
class Asset:
    asset_id: str = ""
    url: str = ""
    mime_type: str = ""
    size_bytes: int = 0


class Assets:
    """``client.assets``."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def upload(self, data: bytes | IO[bytes], *, filename: str, mime_type: str) -> Asset:
        """Upload one file (multipart field ``file``). Files over 32 MB are refused before sending."""
        size = _size_of(data)
        if size > MAX_ASSET_BYTES:
            raise errors.PayloadTooLargeError(
                f"“{filename}” is {size / 1024 / 1024:.1f} MB; HeyGen accepts files of at most 32 MB.",
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


def _size_of(data: bytes | IO[bytes]) -> int:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return len(data)
    try:
        return os.fstat(data.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        pos = data.tell()
        data.seek(0, os.SEEK_END)
        end = data.tell()
        data.seek(pos)
        return end - pos
