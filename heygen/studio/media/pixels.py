"""How large a photo is once opened, read from its header before any pixel is decoded.

A small file can hold a huge picture: a 0.4 MB PNG can be 10,000×10,000 pixels with transparency,
400 MB once decoded. Two limits are checked from the header: the pixel count (`MAX_PIXELS`) and
the memory the decoded pixels take (`MAX_DECODED_BYTES`), counted in the bytes per pixel the image
reader really uses for the image's mode (it keeps three colour channels in four bytes, and grey
with transparency in four as well). Pillow's own pixel limit stays as it is; when it refuses an
image first, the refusal is turned into the same plain `MediaError` (`reader_limit_refusal`).
"""

from __future__ import annotations

import math
import struct

from PIL import Image

from .errors import MediaError, _megabytes

__all__ = [
    "MAX_PIXELS",
    "MAX_DECODED_BYTES",
    "READER_LIMIT",
    "bytes_per_pixel",
    "decoded_bytes",
    "check_size",
    "webp_header",
    "reader_limit_refusal",
]

MAX_PIXELS = 100_000_000
MAX_DECODED_BYTES = 300 * 1024 * 1024
READER_LIMIT = (Image.DecompressionBombError, Image.DecompressionBombWarning)

# Bytes per pixel of each mode as the image reader stores it in memory.
_BYTES_PER_PIXEL = {
    "1": 1, "L": 1, "P": 1,
    "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2,
    "LA": 4, "La": 4, "PA": 4, "I": 4, "F": 4,
    "RGB": 4, "RGBA": 4, "RGBa": 4, "RGBX": 4, "CMYK": 4, "YCbCr": 4, "LAB": 4, "HSV": 4,
}
_FALLBACK_BYTES_PER_PIXEL = 8  # a mode not in the table: assume the widest

_MODE_NOUNS = {
    "1": "black and white", "L": "grey", "P": "limited colours", "LA": "grey with transparency",
    "PA": "limited colours with transparency", "RGB": "colour", "RGBA": "colour with transparency",
    "CMYK": "CMYK colour", "I;16": "16-bit grey", "I;16B": "16-bit grey", "I": "32-bit grey",
    "F": "32-bit grey",
}


def bytes_per_pixel(mode: str) -> int:
    """The bytes one decoded pixel of ``mode`` takes in memory."""
    return _BYTES_PER_PIXEL.get(mode, _FALLBACK_BYTES_PER_PIXEL)


def decoded_bytes(size: tuple[int, int], mode: str) -> int:
    """The memory ``size`` pixels of ``mode`` take once decoded."""
    width, height = size
    return width * height * bytes_per_pixel(mode)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:.0f}" if pixels >= 10_000_000 else f"{pixels / 1e6:.1f}"


def _fitting(size: tuple[int, int], cost: int) -> tuple[int, int]:
    """The largest size of the same shape whose decoded pixels fit the memory limit."""
    scale = math.sqrt(MAX_DECODED_BYTES / cost)
    return max(1, math.floor(size[0] * scale)), max(1, math.floor(size[1] * scale))


def check_size(size: tuple[int, int], mode: str, decoded: tuple[int, int] | None = None) -> None:
    """Refuse a picture of ``size`` pixels in ``mode`` that is too large to open.

    ``decoded`` is the size the pixels will really be decoded at, when the reader scales the
    image down as it decodes (a JPEG that will be shrunk); it defaults to ``size``.
    """
    width, height = size
    if width * height > MAX_PIXELS:
        raise MediaError(
            "too_many_pixels",
            f"This image is {width}×{height} pixels ({_megapixels(width * height)} megapixels), more than the "
            f"{MAX_PIXELS // 1_000_000} megapixels we can handle; please resize it and upload it again.",
        )
    cost = decoded_bytes(decoded or size, mode)
    if cost > MAX_DECODED_BYTES:
        fit_width, fit_height = _fitting(size, cost)
        noun = _MODE_NOUNS.get(mode)
        raise MediaError(
            "too_large_decoded",
            f"This image is {width}×{height} pixels{f' in {noun}' if noun else ''}, which takes "
            f"{_megabytes(cost)} of memory to open, more than the {MAX_DECODED_BYTES // 1024 // 1024} MB we can "
            f"handle; please resize it to at most {fit_width}×{fit_height} pixels and upload it again.",
        )


def webp_header(data: bytes) -> tuple[tuple[int, int], str] | None:
    """A WebP file's canvas size and decoded mode ("RGB" or "RGBA") from its first 30 bytes.

    The WebP reader sets aside memory for the whole canvas as soon as it opens a file, so its size
    is checked before that. None when the header is not one of the three WebP kinds.
    """
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":  # lossy: never transparent
        width, height = struct.unpack("<HH", data[26:30])
        return (width & 0x3FFF, height & 0x3FFF), "RGB"
    if chunk == b"VP8L" and data[20] == 0x2F:  # lossless: 14-bit sizes minus one, then the alpha hint
        bits = int.from_bytes(data[21:25], "little")
        return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1), "RGBA" if bits >> 28 & 1 else "RGB"
    if chunk == b"VP8X":  # extended: flags (alpha = 0x10), then 24-bit sizes minus one
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return (width, height), "RGBA" if data[20] & 0x10 else "RGB"
    return None


def reader_limit_refusal(size: tuple[int, int] | None, exc: BaseException) -> MediaError:
    """The refusal for an image the image reader itself found too large (``exc`` is one of `READER_LIMIT`)."""
    limit = Image.MAX_IMAGE_PIXELS or MAX_PIXELS
    if isinstance(exc, Image.DecompressionBombError):
        limit *= 2  # the reader refuses outright at twice its limit; it only warns in between
    if size is None:
        return MediaError(
            "too_many_pixels",
            f"This image has more than the {_megapixels(limit)} megapixels our image reader accepts; please resize "
            "it and upload it again.",
        )
    width, height = size
    return MediaError(
        "too_many_pixels",
        f"This image is {width}×{height} pixels ({_megapixels(width * height)} megapixels), more than the "
        f"{_megapixels(limit)} megapixels our image reader accepts; please resize it and upload it again.",
    )
