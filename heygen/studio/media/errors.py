"""The refusal raised when an uploaded file cannot be used, and the upload size limits."""

from __future__ import annotations

import re

from heygen.api.assets import MAX_BYTES_BY_KIND

__all__ = ["MediaError", "MAX_UPLOAD_BYTES", "MAX_AUDIO_BYTES", "MAX_VIDEO_BYTES", "check_upload_size", "safe_stem"]

MAX_UPLOAD_BYTES = 32 * 1024 * 1024  # photos and other files sent in one request
MAX_AUDIO_BYTES = MAX_BYTES_BY_KIND["audio"]  # larger than 32 MB: sent as a direct upload
MAX_VIDEO_BYTES = MAX_BYTES_BY_KIND["video"]


class MediaError(ValueError):
    """A file the studio refuses to send to HeyGen.

    ``str(error)`` is one plain sentence meant for the marketer; ``code`` is a stable machine
    code such as "not_an_image", "truncated", "empty", "animated", "too_many_pixels",
    "too_large_decoded" (too much memory once opened), "too_small", "too_large_file", "unsupported_format", "not_audio", "audio_too_long" or
    "audio_unreadable".
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"MediaError(code={self.code!r}, message={self.message!r})"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_upload_size(data: bytes, limit: int = MAX_UPLOAD_BYTES, what: str = "files") -> None:
    """Refuse empty files and files over ``limit`` bytes (``what`` names the kind), before anything parses them."""
    if len(data) == 0:
        raise MediaError("empty", "This file is empty (0 bytes); please choose the file again.")
    if len(data) > limit:
        raise MediaError(
            "too_large_file",
            f"This file is {_megabytes(len(data))}; HeyGen accepts {what} of at most "
            f"{limit // 1024 // 1024} MB.",
        )


_UNSAFE = re.compile(r"[^\w .()+-]+")


def safe_stem(filename: str, default: str) -> str:
    """The base name of ``filename`` without folders or extension, safe to send as a file name."""
    name = re.split(r"[\\/]", str(filename or ""))[-1]
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 1 <= len(extension) <= 5 and extension.isalnum():
        name = stem
    name = _UNSAFE.sub("_", name).strip(" ._")
    name = re.sub(r"_{2,}", "_", name)[:100].strip(" ._")
    return name or default
