"""Good and bad Video Agent attachments, built in memory (the MP4 clip is the sandbox's own)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw

from tests.studio.studio_corpus import encode, mp3, wav  # noqa: F401 - shared builders, re-exported

REPO = Path(__file__).resolve().parents[2]


def picture(width: int = 900, height: int = 600) -> Image.Image:
    """A product-shot-like picture: a shape on a gradient."""
    im = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    ImageDraw.Draw(im).ellipse((width * 0.25, height * 0.3, width * 0.75, height * 0.7), fill=(220, 90, 40))
    return im




def png(width: int = 900, height: int = 600) -> bytes:
    return encode(picture(width, height), "PNG")


def jpeg(width: int = 900, height: int = 600) -> bytes:
    return encode(picture(width, height), "JPEG", quality=85)


def webp(width: int = 900, height: int = 600) -> bytes:
    return encode(picture(width, height), "WEBP", quality=80)


def tiny_png() -> bytes:
    return encode(picture(120, 80), "PNG")


def animated_gif() -> bytes:
    frames = [picture(300, 300).convert("P"), picture(300, 300).rotate(20).convert("P")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def pdf(pages: int = 3) -> bytes:
    body = b"".join(b"%d 0 obj << /Type /Page >> endobj\n" % (n + 2) for n in range(pages))
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_without_version() -> bytes:
    return b"%PDF\n" + pdf()[9:]


def mp4() -> bytes:
    return (REPO / "heygen" / "sandbox" / "media" / "landscape.mp4").read_bytes()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def m4a() -> bytes:
    return _box(b"ftyp", b"M4A \x00\x00\x02\x00M4A isommp42") + _box(b"mdat", bytes(4000))


def mov() -> bytes:
    return _box(b"ftyp", b"qt  \x00\x00\x02\x00qt  ") + _box(b"mdat", bytes(4000))


def truncated_mp4() -> bytes:
    return struct.pack(">I", 4000) + b"ftypisom" + bytes(20)


def _ebml(doctype: bytes) -> bytes:
    header = (b"\x42\x86\x81\x01" b"\x42\xf7\x81\x01" b"\x42\xf2\x81\x04" b"\x42\xf3\x81\x08"
              + b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype + b"\x42\x87\x81\x02" b"\x42\x85\x81\x02")
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + b"\x18\x53\x80\x67" + bytes(4000)


def webm() -> bytes:
    return _ebml(b"webm")


def mkv() -> bytes:
    return _ebml(b"matroska")






def flac() -> bytes:
    return b"fLaC" + bytes(2000)


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def text() -> bytes:
    return ("Our new running shoe is light, fast and made from recycled materials.\n" * 30).encode()


def unknown_binary() -> bytes:
    return bytes(range(1, 256)) * 20


def big_pdf(megabytes: int = 33) -> bytes:
    return b"%PDF-1.7\n" + bytes(megabytes * 1024 * 1024)
