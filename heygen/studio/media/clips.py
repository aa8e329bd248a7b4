"""Checks of an uploaded video clip (MP4 or MOV) before it is used in a multi-scene video: its real
format, its size, and its length read from the file's movie header."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from heygen.api.assets import max_bytes_for

from .errors import MediaError, _megabytes
from .sniff import identify

# The largest clip accepted (files above 32 MB go to HeyGen as a direct upload).
MAX_CLIP_BYTES = max_bytes_for("video/mp4")
_TYPES = {"MP4": ("video/mp4", ".mp4"), "MOV": ("video/quicktime", ".mov")}


@dataclass(frozen=True)
class ClipInfo:
    """What `inspect_clip` found: format ("MP4" or "MOV"), MIME type, length (None when the file
    does not say), size, and a file name whose extension matches the real format."""

    format: str
    mime_type: str
    duration_seconds: float | None
    size_bytes: int
    filename: str


def _movie_seconds(data: bytes) -> float | None:
    """The length in the ``moov/mvhd`` box of an ISO media file, or None."""
    pos, end = 0, len(data)
    moov = None
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            size, header = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < header:
            return None
        if kind == b"moov":
            moov = (pos + header, min(pos + size, end))
            break
        pos += size
    if moov is None:
        return None
    pos, end = moov
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if size < 8:
            return None
        if kind == b"mvhd":
            body = data[pos + 8:pos + size]
            if not body:
                return None
            if body[0] == 1 and len(body) >= 32:
                timescale, duration = struct.unpack(">IQ", body[20:32])
            elif len(body) >= 20:
                timescale, duration = struct.unpack(">II", body[12:20])
            else:
                return None
            return round(duration / timescale, 2) if timescale else None
        pos += size
    return None


def inspect_clip(data: bytes, filename: str = "clip") -> ClipInfo:
    """Check an uploaded clip; raise `MediaError` when it is empty, too large, or not MP4/MOV."""
    if not data:
        raise MediaError("empty", "This file is empty (0 bytes); please choose the file again.")
    if len(data) > MAX_CLIP_BYTES:
        raise MediaError("too_large_file", f"This clip is {_megabytes(len(data))}; clips of at most "
                                           f"{MAX_CLIP_BYTES // 1024 // 1024} MB can be sent.")
    sniffed = identify(data)
    if sniffed.format not in _TYPES:
        raise MediaError("not_a_clip", f"This file is {sniffed.noun}; please upload an MP4 or MOV video.")
    mime, extension = _TYPES[sniffed.format]
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return ClipInfo(sniffed.format, mime, _movie_seconds(data), len(data), f"{stem or 'clip'}{extension}")
