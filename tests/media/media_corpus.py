"""Builders for the media test corpus: good and bad photos and recordings, made in memory
(nothing binary is kept in the repository)."""

from __future__ import annotations

import io
import re
import struct
import wave
import zlib

from PIL import Image, ImageDraw


def photo(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A photo-like picture: colour gradients plus noise, so it does not compress to nothing."""
    noise = Image.effect_noise((width, height), 40)
    horizontal = Image.linear_gradient("L").resize((width, height))
    vertical = Image.linear_gradient("L").rotate(90).resize((width, height))
    im = Image.merge("RGB", (horizontal, vertical, noise))
    return im if mode == "RGB" else im.convert(mode)


def encode(im: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def huge_png(width: int, height: int, *, real_pixels: bool, depth: int = 1, colour: int = 0) -> bytes:
    """A PNG whose header claims ``width``×``height`` pixels of bit ``depth`` and PNG ``colour``
    type (0 grey, 2 RGB, 4 grey with alpha, 6 RGBA); the default is 1-bit black and white. With
    real pixels it is a genuine all-black image (a few hundred KB for gigapixels); otherwise its
    pixel data is garbage, so any attempt to decode it fails."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
    if real_pixels:
        packer = zlib.compressobj(9)
        row = bytes(1 + (width * channels * depth + 7) // 8)
        body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    else:
        body = b"not compressed pixel data at all" * 4
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


def webp_header_only(width: int, height: int, *, alpha: bool = True) -> bytes:
    """An extended (VP8X) WebP whose header claims ``width``×``height`` and whose image data is garbage."""
    flags = 0x10 if alpha else 0
    chunk = bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(chunk)) + chunk + b"VP8 " + struct.pack("<I", 64) + bytes(64)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def wav(seconds: float, *, rate: int = 8000, width: int = 1, channels: int = 1) -> bytes:
    """A real WAV file of silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        silence = b"\x80" if width == 1 else bytes(width)
        writer.writeframes(silence * channels * round(seconds * rate))
    return out.getvalue()


def mp3(seconds: float, *, fast: bool = False) -> tuple[bytes, float]:
    """Real MPEG-1 Layer III frames of silence (mono, no CRC): a frame header, zeroed side
    information and zeroed main data decode as silence. Returns the bytes and the true length.

    The default is 128 kbit/s at 44.1 kHz; ``fast`` gives 32 kbit/s at 48 kHz, which keeps long
    recordings small (96 bytes per 24 ms frame)."""
    bitrate_index, rate_index, rate, bitrate = (1, 1, 48000, 32000) if fast else (9, 0, 44100, 128000)
    frame = bytes([0xFF, 0xFB, (bitrate_index << 4) | (rate_index << 2), 0xC0]) + bytes(144 * bitrate // rate - 4)
    count = max(2, round(seconds * rate / 1152))
    return frame * count, count * 1152 / rate


def id3v2(title: str = "Voice over") -> bytes:
    frame_body = b"\x03" + title.encode()
    frame = b"TIT2" + struct.pack(">I", len(frame_body)) + b"\x00\x00" + frame_body
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x04\x00\x00" + syncsafe + frame


# --- MP4 / M4A ---

_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
AAC_SILENT_MONO_FRAME = bytes.fromhex("01182007")  # one AAC-LC frame (1024 samples) of mono silence


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full_box(kind: bytes, payload: bytes, *, version: int = 0, flags: int = 0) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def _descriptor(tag: int, payload: bytes) -> bytes:
    return bytes([tag, len(payload)]) + payload


def m4a(seconds: float, *, handlers: tuple[bytes, ...] = (b"soun",), fragmented: bool = False) -> tuple[bytes, float]:
    """A minimal, playable MP4 audio file (brand M4A) of AAC silence at 44.1 kHz mono.

    ``handlers`` lists the tracks (b"soun" sound, b"vide" video). ``fragmented`` stores the
    samples in one movie fragment with zero durations in the headers, as browser recorders do.
    Returns the bytes and the true length."""
    rate = 44100
    count = max(1, round(seconds * rate / 1024))
    samples = count * 1024
    header_samples = 0 if fragmented else samples
    millis = round(header_samples * 1000 / rate)
    ftyp = box(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A mp42isom")

    def trak(track_id: int, handler: bytes, mdat_offset: int) -> bytes:
        tkhd = full_box(
            b"tkhd",
            struct.pack(">IIIIIII", 0, 0, track_id, 0, millis, 0, 0)
            + struct.pack(">hhhH", 0, 0, 0x100 if handler == b"soun" else 0, 0)
            + _MATRIX
            + struct.pack(">II", 0, 0),
            flags=7,
        )
        mdhd = full_box(b"mdhd", struct.pack(">IIIIHH", 0, 0, rate, header_samples, 0x55C4, 0))
        hdlr = full_box(b"hdlr", struct.pack(">I4s12x", 0, handler) + b"Handler\x00")
        esds = full_box(
            b"esds",
            _descriptor(
                3,
                struct.pack(">HB", 1, 0)
                + _descriptor(4, bytes([0x40, 0x15, 0, 0, 0]) + struct.pack(">II", 0, 0) + _descriptor(5, b"\x12\x08"))
                + _descriptor(6, b"\x02"),
            ),
        )
        mp4a = box(b"mp4a", bytes(6) + struct.pack(">H", 1) + bytes(8) + struct.pack(">HHHHI", 1, 16, 0, 0, rate << 16) + esds)
        table_count = 0 if fragmented else count
        stbl = box(
            b"stbl",
            full_box(b"stsd", struct.pack(">I", 1) + mp4a)
            + full_box(b"stts", struct.pack(">III", 1, table_count, 1024) if table_count else struct.pack(">I", 0))
            + full_box(b"stsc", struct.pack(">IIII", 1, 1, table_count, 1) if table_count else struct.pack(">I", 0))
            + full_box(b"stsz", struct.pack(">II", len(AAC_SILENT_MONO_FRAME), table_count))
            + full_box(b"stco", struct.pack(">II", 1, mdat_offset) if table_count else struct.pack(">I", 0)),
        )
        dinf = box(b"dinf", full_box(b"dref", struct.pack(">I", 1) + full_box(b"url ", b"", flags=1)))
        minf = box(b"minf", full_box(b"smhd", struct.pack(">hH", 0, 0)) + dinf + stbl)
        return box(b"trak", tkhd + box(b"mdia", mdhd + hdlr + minf))

    def moov(mdat_offset: int) -> bytes:
        mvhd = full_box(
            b"mvhd",
            struct.pack(">IIII", 0, 0, 1000, millis) + struct.pack(">IH10x", 0x10000, 0x100) + _MATRIX + bytes(24)
            + struct.pack(">I", len(handlers) + 1),
        )
        mvex = b""
        if fragmented:
            mvex = box(b"mvex", b"".join(full_box(b"trex", struct.pack(">IIIII", i + 1, 1, 1024, 0, 0)) for i in range(len(handlers))))
        return box(b"moov", mvhd + b"".join(trak(i + 1, h, mdat_offset) for i, h in enumerate(handlers)) + mvex)

    media = AAC_SILENT_MONO_FRAME * count
    if not fragmented:
        offset = len(ftyp) + len(moov(0)) + 8
        return ftyp + moov(offset) + box(b"mdat", media), samples / rate
    tfhd = full_box(b"tfhd", struct.pack(">I", 1), flags=0x020000)  # default-base-is-moof; durations from trex

    def moof(data_offset: int) -> bytes:
        sizes = struct.pack(">I", len(AAC_SILENT_MONO_FRAME)) * count
        trun = full_box(b"trun", struct.pack(">Ii", count, data_offset) + sizes, flags=0x201)  # data offset, sizes
        return box(b"moof", full_box(b"mfhd", struct.pack(">I", 1)) + box(b"traf", tfhd + trun))

    moof = moof(len(moof(0)) + 8)  # the samples start right after the mdat header
    return ftyp + moov(0) + moof + box(b"mdat", media), samples / rate


_NOT_PLAIN = re.compile(
    r"Traceback|PIL|Pillow|mutagen|Error\b|Exception|struct|NoneType|errno|\bb'|\\x|0x|<class|"
    r"UnidentifiedImage|DecompressionBomb|[A-Z][a-z]+[A-Z][a-z]+\("
)


def assert_plain_sentence(message: str) -> None:
    """One plain sentence for a marketer: no program internals, ends with a full stop."""
    assert message and message[0].isupper(), message
    assert message.endswith("."), message
    assert "\n" not in message, message
    assert not re.search(r"[.!?]\s+[A-Z]", message), f"more than one sentence: {message}"
    assert not _NOT_PLAIN.search(message), f"program internals in: {message}"


def draw_corner_marker(im: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    im = im.copy()
    ImageDraw.Draw(im).rectangle((0, 0, im.width // 5, im.height // 5), fill=colour)
    return im
