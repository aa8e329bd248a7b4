"""What kind of file some bytes are, judged from their content (never from the file name).

`identify` names the format in words a marketer understands ("a GIF image", "FLAC audio",
"a PDF document", "text"), so a refusal can say what the file really is.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Sniffed", "identify", "mpeg_frame_at", "id3v2_end", "find_mp3_start"]


@dataclass(frozen=True)
class Sniffed:
    """The result of `identify`.

    ``kind`` is one of "image", "audio", "video", "media" (a container that may hold audio or
    video: MP4, WebM), "document", "archive", "text" or "unknown". ``format`` is a short code ("JPEG",
    "PNG", "WEBP", "GIF", "WAV", "MP3", "MP4", "PDF", ...; "" when unknown). ``noun`` reads after
    "This file is" ("a GIF image", "FLAC audio").
    """

    kind: str
    format: str
    noun: str


# Brands of MP4-family files that are still images, not audio or video.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}

# (version, layer) -> bitrates in kbit/s by index (index 0 = free format, 15 = invalid).
_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}


@dataclass(frozen=True)
class MpegFrame:
    """One MPEG audio frame header: version (1, 2 or 25 for 2.5), layer (1–3), sizes in bytes."""

    version: int
    layer: int
    sample_rate: int
    length: int


def mpeg_frame_at(data: bytes, pos: int) -> MpegFrame | None:
    """The MPEG audio frame header starting at ``pos``, or None if there is no valid one."""
    if pos + 4 > len(data):
        return None
    b0, b1, b2, _ = data[pos : pos + 4]
    if b0 != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version = {0: 25, 2: 2, 3: 1}.get((b1 >> 3) & 3)
    layer = {1: 3, 2: 2, 3: 1}.get((b1 >> 1) & 3)
    bitrate_index = b2 >> 4
    rate_index = (b2 >> 2) & 3
    if version is None or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _BITRATES[(1 if version == 1 else 2, layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (b2 >> 1) & 1
    if layer == 1:
        length = (12 * bitrate // sample_rate + padding) * 4
    elif layer == 3 and version != 1:
        length = 72 * bitrate // sample_rate + padding
    else:
        length = 144 * bitrate // sample_rate + padding
    return MpegFrame(version, layer, sample_rate, length)


def id3v2_end(data: bytes) -> int:
    """Offset just past any ID3v2 tags at the start of ``data`` (0 if there are none)."""
    pos = 0
    while data[pos : pos + 3] == b"ID3" and len(data) >= pos + 10:
        size_bytes = data[pos + 6 : pos + 10]
        if any(b & 0x80 for b in size_bytes):
            break
        size = (size_bytes[0] << 21) | (size_bytes[1] << 14) | (size_bytes[2] << 7) | size_bytes[3]
        footer = 10 if data[pos + 5] & 0x10 else 0
        pos += 10 + size + footer
    return pos


def find_mp3_start(data: bytes, *, search: int = 64 * 1024) -> tuple[int, MpegFrame] | None:
    """Where the MPEG audio frames begin: two valid frame headers in a row, after any ID3v2 tag.

    Looks at most ``search`` bytes past the tag (some files carry padding or junk there).
    """
    start = id3v2_end(data)
    end = min(len(data), start + search)
    pos = data.find(b"\xff", start, end)
    while pos != -1:
        frame = mpeg_frame_at(data, pos)
        if frame is not None:
            following = mpeg_frame_at(data, pos + frame.length)
            if following is not None and (following.version, following.layer, following.sample_rate) == (
                frame.version, frame.layer, frame.sample_rate
            ):
                return pos, frame
        pos = data.find(b"\xff", pos + 1, end)
    return None


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    # Allow a multi-byte character cut off at the end of the sample.
    for cut in range(4):
        try:
            text = head[: len(head) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    if not text:
        return False
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v" or ord(ch) == 127)
    return control <= len(text) // 100


def _identify_iso_media(data: bytes) -> Sniffed:
    major = data[8:12]
    size = struct.unpack(">I", data[:4])[0]
    compatible = [data[i : i + 4] for i in range(16, min(size, len(data), 64), 4)]
    brands = {major, *compatible}
    if major in _HEIF_BRANDS or (brands & _HEIF_BRANDS and not brands & {b"isom", b"mp42", b"M4A "}):
        return Sniffed("image", "HEIC", "a HEIC photo (the format iPhones use by default)")
    if major in _AVIF_BRANDS:
        return Sniffed("image", "AVIF", "an AVIF image")
    if major == b"crx ":
        return Sniffed("image", "CR3", "a camera raw photo")
    if major == b"qt  ":
        return Sniffed("video", "MOV", "a QuickTime video")
    return Sniffed("media", "MP4", "an MP4 file")


# What the first bytes mean, checked in order: before MP4-family files ...
_SIGNATURES_BEFORE_ISO: tuple[tuple[Callable[[bytes], bool], Sniffed], ...] = (
    (lambda head: head.startswith(b"\xff\xd8\xff"), Sniffed("image", "JPEG", "a JPEG image")),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), Sniffed("image", "PNG", "a PNG image")),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", Sniffed("image", "WEBP", "a WebP image")),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WAVE", Sniffed("audio", "WAV", "WAV audio")),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"AVI ", Sniffed("video", "AVI", "an AVI video")),
    (lambda head: head[:4] in (b"RF64", b"BW64") and head[8:12] == b"WAVE",
     Sniffed("audio", "RF64", "a very large WAV file (RF64)")),
    (lambda head: head[:6] in (b"GIF87a", b"GIF89a"), Sniffed("image", "GIF", "a GIF image")),
    (lambda head: head[:2] == b"BM" and len(head) >= 26
     and struct.unpack("<I", head[14:18])[0] in (12, 40, 52, 56, 64, 108, 124), Sniffed("image", "BMP", "a BMP image")),
    (lambda head: head[:4] in (b"II*\x00", b"MM\x00*"), Sniffed("image", "TIFF", "a TIFF image (or a camera raw photo)")),
    (lambda head: head[:4] == b"8BPS", Sniffed("image", "PSD", "a Photoshop document")),
    (lambda head: head[:4] == b"\x00\x00\x01\x00", Sniffed("image", "ICO", "an icon file")),
    (lambda head: head[:2] == b"\xff\x0a" or head[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n",
     Sniffed("image", "JXL", "a JPEG XL image")),
    (lambda head: head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or head[:4] == b"\xff\x4f\xff\x51",
     Sniffed("image", "JPEG2000", "a JPEG 2000 image")),
)
# ... and after them.
_SIGNATURES_AFTER_ISO: tuple[tuple[Callable[[bytes], bool], Sniffed], ...] = (
    (lambda head: head[:4] == b"%PDF", Sniffed("document", "PDF", "a PDF document")),
    (lambda head: head[:4] == b"PK\x03\x04", Sniffed("archive", "ZIP", "a ZIP archive or an Office document")),
    (lambda head: head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", Sniffed("document", "OLE", "an Office document")),
    (lambda head: head[:4] == b"fLaC", Sniffed("audio", "FLAC", "FLAC audio")),
    (lambda head: head[:4] == b"OggS", Sniffed("audio", "OGG", "Ogg audio (Vorbis or Opus)")),
    (lambda head: head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"), Sniffed("audio", "AIFF", "AIFF audio")),
    (lambda head: head[:4] == b"caff", Sniffed("audio", "CAF", "Core Audio (CAF) audio")),
    (lambda head: head[:6] == b"#!AMR\n" or head[:9] == b"#!AMR-WB\n", Sniffed("audio", "AMR", "AMR voice audio")),
    (lambda head: head[:4] == b"MThd", Sniffed("audio", "MIDI", "a MIDI file (notes, not recorded sound)")),
    (lambda head: head[:4] == b"\x1a\x45\xdf\xa3", Sniffed("media", "MKV", "a WebM or Matroska file")),
    (lambda head: head[:16] == b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c",
     Sniffed("audio", "WMA", "Windows Media audio or video")),
)


def identify(data: bytes) -> Sniffed:
    """Say what ``data`` is from its first bytes (and, for MP3, its first frames)."""
    head = data[:4096]
    if not data:
        return Sniffed("unknown", "", "empty")
    found = _signature(head, _SIGNATURES_BEFORE_ISO)
    if found is not None:
        return found
    if head[4:8] == b"ftyp" and len(head) >= 12:
        return _identify_iso_media(data)
    found = _signature(head, _SIGNATURES_AFTER_ISO) or _identify_mpeg_audio(data, head)
    if found is not None:
        return found
    if _looks_like_text(head):
        return _identify_text(head)
    return Sniffed("unknown", "", "")


def _signature(head: bytes, signatures: tuple[tuple[Callable[[bytes], bool], Sniffed], ...]) -> Sniffed | None:
    """What the first of ``signatures`` that ``head`` matches means, or None."""
    for matches, sniffed in signatures:
        if matches(head):
            return sniffed
    return None


def _identify_mpeg_audio(data: bytes, head: bytes) -> Sniffed | None:
    """MPEG audio (MP3, MP1, MP2), raw AAC, or an ID3 tag without readable sound; None for other bytes."""
    mp3 = find_mp3_start(data)
    if mp3 is not None:
        layer = mp3[1].layer
        if layer == 3:
            return Sniffed("audio", "MP3", "MP3 audio")
        return Sniffed("audio", f"MP{layer}", f"MPEG Layer {'I' * layer} audio (MP{layer})")
    after_tags = data[id3v2_end(data) :][:2]
    if head[:2] == b"\xff\xf1" or head[:2] == b"\xff\xf9" or after_tags in (b"\xff\xf1", b"\xff\xf9"):
        return Sniffed("audio", "AAC", "raw AAC audio")
    if head[:3] == b"ID3":
        return Sniffed("audio", "MP3?", "an MP3 file without any sound we can read")
    return None


def _identify_text(head: bytes) -> Sniffed:
    """Text that is an SVG drawing, a web page, or plain text."""
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<svg") or (lowered.startswith(b"<?xml") and b"<svg" in lowered):
        return Sniffed("image", "SVG", "an SVG drawing")
    if lowered.startswith((b"<!doctype html", b"<html")):
        return Sniffed("document", "HTML", "a web page")
    return Sniffed("text", "TEXT", "text")
