"""Media the sandbox serves: generated PNG previews, WAV tones, bundled MP4 clips (SRT subtitles: see subtitles)."""

from __future__ import annotations

import array
import io
import math
import re
import struct
import wave
import zlib
from functools import lru_cache
from pathlib import Path

from .subtitles import SENTENCE_PAUSE, WORDS_PER_SECOND, said_words, sentences, spoken_words  # noqa: F401 - spoken_words is part of this module's API

MEDIA_DIR = Path(__file__).resolve().parent / "media"
CLIPS = {"landscape": "landscape.mp4", "portrait": "portrait.mp4"}
SAMPLE_RATE = 16000

_BREAK = re.compile(r"<break\b[^>]*?time\s*=\s*[\"']?([\d.]+)\s*(ms|s)?[\"']?[^>]*>", re.I)


# ---------------------------------------------------------------- PNG


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(width: int, height: int, rows: list) -> bytes:
    """An 8-bit RGB PNG from `height` rows of `width * 3` bytes."""
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def _shade(colour, factor: float) -> bytes:
    return bytes(max(0, min(255, int(c * factor))) for c in colour)


def _paint(row: bytearray, width: int, x0: float, x1: float, colour: bytes) -> None:
    start, end = max(0, int(x0)), min(width, int(math.ceil(x1)))
    if end > start:
        row[start * 3:end * 3] = colour * (end - start)


def _ellipse_span(y, cx, cy, rx, ry, power=2.0):
    """Horizontal extent of a superellipse at row y, or None."""
    dy = abs(y + 0.5 - cy) / ry
    if dy > 1.0:
        return None
    half = rx * (1.0 - dy * dy) ** (1.0 / power)
    return cx - half, cx + half


def portrait_png(width: int, height: int, palette) -> bytes:
    """A head-and-shoulders silhouette on a graded background."""
    radius = 0.13 * min(width * 1.6, height)
    cx = width / 2 + palette.head_shift * radius
    cy = height * 0.42
    body_rx = min(width * 0.46, 2.6 * radius)
    body_ry = 2.2 * radius
    body_cy = cy + 1.35 * radius + body_ry
    skin = bytes(palette.skin)
    neck = _shade(palette.skin, 0.85)
    hair = bytes(palette.hair)
    clothes = bytes(palette.clothing)
    collar = _shade(palette.clothing, 0.8)
    rows = []
    for y in range(height):
        grade = 1.0 - 0.35 * y / height
        row = bytearray(_shade(palette.background, grade) * width)
        if palette.long_hair:
            span = _ellipse_span(y, cx, cy + 0.55 * radius, 1.08 * radius, 1.6 * radius)
            if span and y >= cy - 0.2 * radius:
                _paint(row, width, *span, hair)
        if cy < y < cy + 1.55 * radius:
            _paint(row, width, cx - 0.3 * radius, cx + 0.3 * radius, neck)
        span = _ellipse_span(y, width / 2, body_cy, body_rx, body_ry, power=3.0)
        if span:
            _paint(row, width, *span, clothes)
            depth = y - (cy + 1.35 * radius)
            if 0 <= depth < 0.7 * radius:
                half = 0.32 * radius * (1 - depth / (0.7 * radius))
                _paint(row, width, cx - half, cx + half, collar)
        span = _ellipse_span(y, cx, cy, 0.8 * radius, radius)
        if span:
            _paint(row, width, *span, skin)
        span = _ellipse_span(y, cx, cy - 0.22 * radius, 0.88 * radius, 0.88 * radius)
        if span and y < cy - 0.2 * radius:
            _paint(row, width, *span, hair)
        rows.append(row)
    return encode_png(width, height, rows)


def scene_png(width: int, height: int, palette) -> bytes:
    """A flat graphic scene (bands, a sun disc) for style thumbnails and image videos."""
    top = palette.background
    bottom = palette.clothing
    sun = bytes(palette.skin)
    ground = _shade(palette.hair, 1.6)
    rows = []
    for y in range(height):
        t = y / max(1, height - 1)
        colour = bytes(int(a + (b - a) * t) for a, b in zip(top, bottom))
        row = bytearray(colour * width)
        span = _ellipse_span(y, width * 0.7, height * 0.38, height * 0.16, height * 0.16)
        if span:
            _paint(row, width, *span, sun)
        if y > height * 0.72:
            _paint(row, width, 0, width, ground)
        rows.append(row)
    return encode_png(width, height, rows)


PREVIEW_SIZES = {"landscape": (384, 216), "portrait": (216, 384), "square": (320, 320)}


_IMAGE_CACHE: dict = {}


def _cached(key, make) -> bytes:
    data = _IMAGE_CACHE.get(key)
    if data is None:
        if len(_IMAGE_CACHE) > 4096:
            _IMAGE_CACHE.clear()
        data = _IMAGE_CACHE[key] = make()
    return data


def look_preview(look) -> bytes:
    """The preview image of a look (cached)."""
    width, height = PREVIEW_SIZES[look.orientation]
    return _cached(("look", look.id), lambda: portrait_png(width, height, look.palette))


def thumbnail(key: str, palette, aspect_ratio: str, scene: bool = False) -> bytes:
    """A thumbnail in a 16:9 or 9:16 frame, cached under `key`."""
    width, height = PREVIEW_SIZES["portrait" if aspect_ratio == "9:16" else "landscape"]
    draw = scene_png if scene else portrait_png
    return _cached(("thumb", key, aspect_ratio, scene), lambda: draw(width, height, palette))


# ---------------------------------------------------------------- WAV


@lru_cache(maxsize=256)
def _syllable(freq_hz: float, seconds: float) -> bytes:
    count = int(SAMPLE_RATE * seconds)
    ramp = max(1, int(SAMPLE_RATE * 0.03))
    samples = array.array("h")
    step = 2 * math.pi * freq_hz / SAMPLE_RATE
    for i in range(count):
        envelope = min(1.0, i / ramp, (count - 1 - i) / ramp)
        value = math.sin(step * i) + 0.35 * math.sin(2 * step * i) + 0.12 * math.sin(3 * step * i)
        samples.append(int(9000 * envelope * value))
    return samples.tobytes()


def _silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(SAMPLE_RATE * seconds)


def _wav(frames: bytes) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(frames)
    return buffer.getvalue()


def _pitch(base: float, step: int) -> float:
    return round(base * (1.0, 1.25, 1.125, 0.94)[step % 4], 1)


@lru_cache(maxsize=2048)
def voice_preview(pitch_hz: float) -> bytes:
    """A ~1.5 s WAV of three tones whose pitch follows the voice."""
    parts = []
    for step in range(3):
        parts.append(_syllable(_pitch(pitch_hz, step), 0.4))
        parts.append(_silence(0.1))
    return _wav(b"".join(parts))


def speech_wav(text: str, pitch_hz: float, speed: float = 1.0):
    """A WAV with one tone per word; returns (bytes, duration, word timestamps)."""
    words = spoken_words(text)[:600] or ["..."]
    word_seconds = 0.3 / speed
    gap = 0.1 / speed
    parts, stamps, clock = [], [], 0.0
    for index, word in enumerate(words):
        parts.append(_syllable(_pitch(pitch_hz, index), round(word_seconds, 3)))
        parts.append(_silence(gap))
        stamps.append({"word": word, "start": round(clock, 3), "end": round(clock + word_seconds, 3)})
        clock += word_seconds + gap
    return _wav(b"".join(parts)), round(clock, 3), stamps


# ---------------------------------------------------------------- script text


def pause_seconds(text: str) -> float:
    """Total time of the <break time="..."/> tags in a script."""
    total = 0.0
    for value, unit in _BREAK.findall(text or ""):
        seconds = float(value)
        total += seconds / 1000.0 if (unit or "").lower() == "ms" else seconds
    return total


def has_break_tag(text: str) -> bool:
    """Whether a script contains a pause tag."""
    return bool(re.search(r"<break\b", text or "", re.I))


def script_duration(text: str) -> float:
    """Spoken length of a script in seconds: about 150 words a minute, numbers said as their words, a short rest
    after each sentence, and its pauses."""
    said = said_words(spoken_words(text))
    return round(max(2.0, said / WORDS_PER_SECOND + SENTENCE_PAUSE * sentences(text) + pause_seconds(text)), 1)


# ---------------------------------------------------------------- MP4 clips and uploads


@lru_cache(maxsize=4)
def clip(name: str) -> bytes:
    """A bundled MP4 clip: 'landscape' (16:9) or 'portrait' (9:16)."""
    return (MEDIA_DIR / CLIPS[name]).read_bytes()


def clip_for(aspect_ratio: str | None) -> str:
    """The clip name that fits a video aspect ratio."""
    return "portrait" if aspect_ratio == "9:16" else "landscape"


SUPPORTED_UPLOADS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "application/pdf": ".pdf",
    "application/x-subrip": ".srt",
}
ALIASES = {"text/srt": "application/x-subrip", "application/srt": "application/x-subrip", "video/mov": "video/quicktime", "image/jpg": "image/jpeg", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav",
           "audio/mp3": "audio/mpeg", "audio/vnd.wave": "audio/wav"}


def sniff_mime(data: bytes) -> str | None:
    """The MIME type of a file from its first bytes, for the types uploads accept."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[4:8] == b"ftyp":
        return "video/quicktime" if data[8:12] == b"qt  " else "video/mp4"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "audio/wav"
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if data.startswith(b"%PDF"):
        return "application/pdf"
    return None


def normalise_mime(declared: str | None) -> str | None:
    """A declared Content-Type reduced to a supported upload type, or None."""
    if not declared:
        return None
    value = declared.split(";")[0].strip().lower()
    value = ALIASES.get(value, value)
    return value if value in SUPPORTED_UPLOADS else None


TEXT_UPLOADS = ("application/x-subrip",)  # types with no magic bytes: told by the name and text content
EXTENSIONS = {ext: mime for mime, ext in SUPPORTED_UPLOADS.items()} | {".jpeg": "image/jpeg"}


def _is_text(data: bytes) -> bool:
    """True when the bytes read as UTF-8 text (a BOM allowed) with no NUL bytes."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def mime_from_name(filename: str | None, data: bytes) -> str | None:
    """The upload type a file name's extension gives, when the content agrees with it.

    Only text types are told this way (binary types are told by their first bytes, which
    ``sniff_mime`` has already tried): an ``.srt`` sent as application/octet-stream is still a
    subtitle file if its content is text."""
    if not filename or "." not in filename:
        return None
    mime = EXTENSIONS.get("." + filename.rsplit(".", 1)[1].strip().lower())
    if mime in TEXT_UPLOADS and _is_text(data):
        return mime
    return None


def wav_duration(data: bytes) -> float | None:
    """Length of a WAV file in seconds, if it is one."""
    try:
        with wave.open(io.BytesIO(data)) as audio:
            return round(audio.getnframes() / float(audio.getframerate()), 2)
    except (wave.Error, EOFError, ZeroDivisionError):
        return None


def parse_range(header: str | None, size: int):
    """(start, end) inclusive for a single 'bytes=' range; None = whole file; False = unsatisfiable."""
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match or (match.group(1) == "" and match.group(2) == ""):
        return None  # malformed or multi-range: ignored, the whole file is sent
    first, last = match.group(1), match.group(2)
    if first == "":
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)
