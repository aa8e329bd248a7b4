"""Good and bad uploads for the Studio page tests, built in memory (no binary files in the repo)."""

from __future__ import annotations

import io
import struct
import wave
import zlib

from PIL import Image, ImageDraw


def face_photo(width: int = 640, height: int = 800, mode: str = "RGB") -> Image.Image:
    """A simple portrait-like picture (a face-ish oval on a gradient)."""
    im = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(im)
    draw.ellipse((width * 0.3, height * 0.2, width * 0.7, height * 0.62), fill=(232, 190, 160))
    draw.rectangle((width * 0.2, height * 0.66, width * 0.8, height), fill=(60, 70, 120))
    return im if mode == "RGB" else im.convert(mode)


def encode(im: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def jpeg(width: int = 640, height: int = 800) -> bytes:
    return encode(face_photo(width, height), "JPEG", quality=85)


def png(width: int = 640, height: int = 800) -> bytes:
    return encode(face_photo(width, height), "PNG")


def webp(width: int = 640, height: int = 800) -> bytes:
    return encode(face_photo(width, height), "WEBP", quality=80)


def cmyk_jpeg() -> bytes:
    return encode(face_photo(mode="CMYK"), "JPEG", quality=85)


def png_16_bit() -> bytes:
    grey = face_photo().convert("L")
    wide = Image.frombytes("I;16", grey.size, bytes(b for px in grey.tobytes() for b in (px, px)))
    return encode(wide, "PNG")


def tiny_png() -> bytes:
    return encode(face_photo(64, 64), "PNG")


def truncated_jpeg() -> bytes:
    data = jpeg(1200, 1500)
    return data[: len(data) // 3]


def animated_gif() -> bytes:
    frames = [face_photo(300, 300).convert("P"), face_photo(300, 300).rotate(10).convert("P")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def animated_png() -> bytes:
    frames = [face_photo(300, 300), face_photo(300, 300).rotate(10)]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(width: int = 30_000, height: int = 30_000, *, depth: int = 1, colour: int = 0) -> bytes:
    """A small PNG whose header claims ``width``×``height`` (900 megapixels) at bit ``depth`` and
    PNG ``colour`` type (6 = RGBA); its pixel data is junk, so nothing can ever decode it into memory."""
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
    body = zlib.compress(b"\x00" * 4096)
    return b"\x89PNG\r\n\x1a\n" + header + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def png_over_memory() -> bytes:
    """10,000×10,000 RGBA: within the pixel limit, but 400 MB once decoded."""
    return png_bomb(10_000, 10_000, depth=8, colour=6)


def pdf_named_jpg() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" * 20


def wav(seconds: float, *, rate: int = 8000) -> bytes:
    """A real 8-bit mono WAV of silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(rate)
        writer.writeframes(b"\x80" * round(seconds * rate))
    return out.getvalue()


def mp3(seconds: float) -> bytes:
    """MPEG-1 Layer III frames of silence (128 kbit/s, 44.1 kHz, mono)."""
    frame = bytes([0xFF, 0xFB, 0x90, 0xC0]) + bytes(144 * 128000 // 44100 - 4)
    return frame * max(2, round(seconds * 44100 / 1152))


def text_as_mp3() -> bytes:
    return ("This is not a recording, just the script pasted into a file.\n" * 40).encode()


def big_file(megabytes: int = 40) -> bytes:
    """A JPEG header followed by ``megabytes`` MB of filler: refused for its size before anything else."""
    return b"\xff\xd8\xff\xe0" + bytes(megabytes * 1024 * 1024)
