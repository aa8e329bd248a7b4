"""Checking an audio file a marketer uploads (the voice track of a video) before it goes to HeyGen.

`inspect_audio` recognises MP3, WAV and M4A from the bytes themselves, measures the duration, and
refuses with a plain `MediaError` anything HeyGen cannot use: other formats, files that are not
audio, unreadable files or ones with no length, files over HeyGen's audio maximum (``MAX_AUDIO_BYTES``;
files over 32 MB are sent as direct uploads) and recordings over 10 minutes.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass

from mutagen import MutagenError
from mutagen.mp3 import MPEGInfo

from .errors import MAX_AUDIO_BYTES, MediaError, check_upload_size, safe_stem
from .sniff import find_mp3_start, identify

__all__ = ["AudioInfo", "inspect_audio", "MAX_AUDIO_SECONDS"]

MAX_AUDIO_SECONDS = 600

_ACCEPTED = "please upload an MP3, WAV or M4A file"
_TYPES = {"mp3": ("audio/mpeg", ".mp3"), "wav": ("audio/wav", ".wav"), "m4a": ("audio/mp4", ".m4a")}
_WAV_SAMPLE_FORMATS = (1, 3)  # integer PCM and floating point: the length follows from the frame count
_WAV_EXTENSIBLE = 0xFFFE


@dataclass(frozen=True)
class AudioInfo:
    """What `inspect_audio` found: the real format, its MIME type, length, size, and a file name
    whose extension matches the real format."""

    format: str
    mime_type: str
    duration_seconds: float
    size_bytes: int
    filename: str


class _Unreadable(Exception):
    """Raised inside the parsers; turned into a `MediaError` with the format's name."""


def _describe_length(seconds: float) -> str:
    whole = math.ceil(round(seconds, 1))
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


# --- WAV -----------------------------------------------------------------------------------------


def _wav_duration(data: bytes) -> float:
    pos, end = 12, len(data)
    fmt = None
    data_size = None
    while pos + 8 <= end:
        chunk_id, size = struct.unpack_from("<4sI", data, pos)
        body = pos + 8
        if chunk_id == b"fmt ":
            if size < 16 or body + 16 > end:
                raise _Unreadable
            tag, channels, rate, byte_rate, block_align, _bits = struct.unpack_from("<HHIIHH", data, body)
            if tag == _WAV_EXTENSIBLE and size >= 40 and body + 26 <= end:
                tag = struct.unpack_from("<H", data, body + 24)[0]
            fmt = (tag, channels, rate, byte_rate, block_align)
        elif chunk_id == b"data" and data_size is None:
            available = end - body
            # A size of 0 or 0xFFFFFFFF is what recorders write while still recording; a size past
            # the end is a cut-off file. Either way only the bytes present can be played.
            data_size = available if size in (0, 0xFFFFFFFF) or size > available else size
            size = data_size
        pos = body + size + (size & 1)
    if fmt is None or data_size is None:
        raise _Unreadable
    tag, channels, rate, byte_rate, block_align = fmt
    if channels == 0 or rate == 0:
        raise _Unreadable
    if tag in _WAV_SAMPLE_FORMATS and block_align > 0:
        return (data_size // block_align) / rate
    if byte_rate > 0:
        return data_size / byte_rate
    raise _Unreadable


# --- MP3 -----------------------------------------------------------------------------------------


def _mp3_duration(data: bytes) -> float:
    start = find_mp3_start(data)
    if start is None:
        raise _Unreadable
    try:
        info = MPEGInfo(io.BytesIO(data), start[0])
    except (MutagenError, EOFError, OSError, ValueError, struct.error, ZeroDivisionError):
        raise _Unreadable from None
    length = float(info.length or 0.0)
    if not math.isfinite(length) or length < 0:
        raise _Unreadable
    return length


# --- M4A (MP4 container) ---------------------------------------------------------------------------


def _boxes(data: bytes, start: int, end: int, *, top_level: bool = False):
    """(type, payload start, payload end) of each box between ``start`` and ``end``."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise _Unreadable
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            raise _Unreadable
        if pos + size > end:
            if not top_level:
                raise _Unreadable
            size = end - pos  # a cut-off last box (usually the sound data itself)
        yield kind, pos + header, pos + size
        pos += size


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for child_kind, child_start, child_end in _boxes(data, start, end):
        if child_kind == kind:
            return child_start, child_end
    return None


def _timescale_duration(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Timescale and duration from an mvhd or mdhd box payload."""
    if start + 4 > end:
        raise _Unreadable
    version = data[start]
    if version == 1:
        if start + 32 > end:
            raise _Unreadable
        timescale, duration = struct.unpack_from(">IQ", data, start + 20)
        unknown = 0xFFFFFFFFFFFFFFFF
    else:
        if start + 20 > end:
            raise _Unreadable
        timescale, duration = struct.unpack_from(">II", data, start + 12)
        unknown = 0xFFFFFFFF
    return timescale, 0 if duration == unknown else duration


def _track_id(data: bytes, tkhd: tuple[int, int] | None) -> int | None:
    if tkhd is None or tkhd[0] + 24 > tkhd[1]:
        return None
    return struct.unpack_from(">I", data, tkhd[0] + (20 if data[tkhd[0]] == 1 else 12))[0]


def _default_durations(data: bytes, moov: tuple[int, int]) -> dict[int, int]:
    """Default sample duration per track id, from moov/mvex/trex (fragmented files)."""
    defaults: dict[int, int] = {}
    mvex = _child(data, *moov, b"mvex")
    if mvex:
        for kind, start, end in _boxes(data, *mvex):
            if kind == b"trex" and start + 16 <= end:
                track_id, _index, duration = struct.unpack_from(">III", data, start + 4)
                defaults[track_id] = duration
    return defaults


def _fragment_ticks(data: bytes, moof: tuple[int, int], track_id: int | None, default: int) -> int:
    """Sum of the sample durations of one track in one movie fragment (moof box)."""
    ticks = 0
    for kind, start, end in _boxes(data, *moof):
        if kind != b"traf":
            continue
        tfhd = _child(data, start, end, b"tfhd")
        if tfhd is None or tfhd[0] + 8 > tfhd[1]:
            raise _Unreadable
        flags = int.from_bytes(data[tfhd[0] + 1 : tfhd[0] + 4], "big")
        if track_id is not None and struct.unpack_from(">I", data, tfhd[0] + 4)[0] != track_id:
            continue
        duration = default
        if flags & 0x08:
            offset = tfhd[0] + 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
            duration = struct.unpack_from(">I", data, offset)[0]
        for run_kind, run_start, run_end in _boxes(data, start, end):
            if run_kind != b"trun":
                continue
            run_flags = int.from_bytes(data[run_start + 1 : run_start + 4], "big")
            count = struct.unpack_from(">I", data, run_start + 4)[0]
            if not run_flags & 0x100:
                ticks += count * duration
                continue
            pos = run_start + 8 + (4 if run_flags & 0x001 else 0) + (4 if run_flags & 0x004 else 0)
            stride = 4 * bin(run_flags & 0xF00).count("1")
            if pos + count * stride > run_end:
                raise _Unreadable
            ticks += sum(struct.unpack_from(">I", data, pos + i * stride)[0] for i in range(count))
    return ticks


def _m4a_duration(data: bytes) -> float:
    moov = None
    moofs = []
    for kind, start, end in _boxes(data, 0, len(data), top_level=True):
        if kind == b"moov":
            moov = (start, end)
        elif kind == b"moof":
            moofs.append((start, end))
    if moov is None:
        raise _Unreadable
    handlers: list[bytes] = []
    sound = None  # (track id, timescale, duration in ticks) of the first sound track
    movie_duration = 0.0
    for kind, start, end in _boxes(data, *moov):
        if kind == b"mvhd":
            timescale, duration = _timescale_duration(data, start, end)
            movie_duration = duration / timescale if timescale else 0.0
        elif kind == b"trak":
            mdia = _child(data, start, end, b"mdia")
            hdlr = mdia and _child(data, *mdia, b"hdlr")
            if not hdlr or hdlr[0] + 12 > hdlr[1]:
                continue
            handler = data[hdlr[0] + 8 : hdlr[0] + 12]
            handlers.append(handler)
            mdhd = _child(data, *mdia, b"mdhd")
            if handler == b"soun" and mdhd and sound is None:
                sound = (_track_id(data, _child(data, start, end, b"tkhd")), *_timescale_duration(data, *mdhd))
    if b"vide" in handlers:
        raise MediaError(
            "not_audio",
            f"This file is a video, not an audio file; {_ACCEPTED} with just the voice track.",
        )
    if sound is None:
        raise MediaError("not_audio", f"This file has no sound track in it; {_ACCEPTED}.")
    track_id, timescale, ticks = sound
    if not timescale:
        raise _Unreadable
    if ticks:
        return ticks / timescale
    if moofs:
        # A fragmented file (as some browsers record): the length is spread over the fragments.
        default = _default_durations(data, moov).get(track_id, 0) if track_id is not None else 0
        return sum(_fragment_ticks(data, moof, track_id, default) for moof in moofs) / timescale
    return movie_duration


# --- public --------------------------------------------------------------------------------------

_PARSERS = {"MP3": ("mp3", _mp3_duration), "WAV": ("wav", _wav_duration), "MP4": ("m4a", _m4a_duration)}
_FORMAT_NAMES = {"mp3": "MP3", "wav": "WAV", "m4a": "M4A"}


def inspect_audio(data: bytes, filename: str = "audio") -> AudioInfo:
    """Check an uploaded audio file and describe it, or raise `MediaError`."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes")
    data = bytes(data)
    check_upload_size(data, MAX_AUDIO_BYTES, "audio files")

    sniffed = identify(data)
    if sniffed.format == "MP3?":
        raise MediaError(
            "audio_unreadable",
            "This MP3 file has no sound we can read (it may be damaged); please export it again.",
        )
    if sniffed.format not in _PARSERS:
        if sniffed.kind in ("audio", "media"):
            raise MediaError("unsupported_format", f"This file is {sniffed.noun}; {_ACCEPTED}.")
        if sniffed.noun:
            raise MediaError(
                "not_audio",
                f"This file is not an audio file we can read (it looks like {sniffed.noun}); {_ACCEPTED}.",
            )
        raise MediaError("not_audio", f"This file is not an audio file we can read; {_ACCEPTED}.")

    kind, parse = _PARSERS[sniffed.format]
    try:
        duration = parse(data)
    except (_Unreadable, struct.error, IndexError):
        raise MediaError(
            "audio_unreadable",
            f"This {_FORMAT_NAMES[kind]} file is damaged or incomplete, so we cannot tell how long it is; "
            "please export it again.",
        ) from None
    if duration <= 0:
        raise MediaError(
            "empty",
            f"This {_FORMAT_NAMES[kind]} file has no sound in it (it lasts 0 seconds); please choose the recording again.",
        )
    if duration > MAX_AUDIO_SECONDS:
        raise MediaError(
            "audio_too_long",
            f"This audio is {_describe_length(duration)} long; HeyGen accepts at most "
            f"{MAX_AUDIO_SECONDS // 60} minutes.",
        )
    mime_type, extension = _TYPES[kind]
    return AudioInfo(
        format=kind,
        mime_type=mime_type,
        duration_seconds=duration,
        size_bytes=len(data),
        filename=safe_stem(filename, "audio") + extension,
    )
