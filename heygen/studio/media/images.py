"""Checking and preparing a photo a marketer uploads, before it is sent to HeyGen.

`prepare_image` accepts JPEG, PNG and WebP stills, refuses anything it cannot use with a plain
`MediaError`, and returns an upright RGB JPEG no larger than the chosen longest side. Pillow's
global settings (truncated-image loading, the decompression-bomb limit) are never changed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

from .errors import MediaError, check_upload_size, safe_stem
from .pixels import MAX_DECODED_BYTES, MAX_PIXELS, READER_LIMIT, check_size, reader_limit_refusal, webp_header
from .sniff import Sniffed, identify

__all__ = [
    "PreparedImage",
    "prepare_image",
    "max_side_for",
    "MAX_PIXELS",
    "MAX_DECODED_BYTES",
    "MIN_SHORT_SIDE",
    "DEFAULT_MAX_SIDE",
    "JPEG_QUALITY",
]

MIN_SHORT_SIDE = 256
DEFAULT_MAX_SIDE = 1920
JPEG_QUALITY = 90

_MAX_SIDES = {"720p": 1920, "1080p": 1920, "4k": 3840}
_OPENERS = {
    "JPEG": JpegImagePlugin.JpegImageFile,
    "PNG": PngImagePlugin.PngImageFile,
    "WEBP": WebPImagePlugin.WebPImageFile,
}
_FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ACCEPTED = "please upload a JPEG, PNG or WebP photo"


@dataclass(frozen=True)
class PreparedImage:
    """A photo ready to upload.

    ``width``/``height`` are those of ``data``; ``original_size`` is the uploaded photo's
    width × height as it is displayed (after its orientation tag is applied). ``notes`` say in
    plain words what was done to it.
    """

    data: bytes
    mime_type: str
    filename: str
    width: int
    height: int
    original_format: str
    original_size: tuple[int, int]
    notes: tuple[str, ...]


def max_side_for(resolution: str) -> int:
    """The longest image side worth sending for a video resolution ("720p", "1080p" or "4k")."""
    try:
        return _MAX_SIDES[str(resolution).strip().lower()]
    except KeyError:
        raise ValueError(f"unknown resolution {resolution!r}; expected one of {sorted(_MAX_SIDES)}") from None


def _damaged() -> MediaError:
    return MediaError(
        "truncated",
        "This image is damaged or incomplete (it may not have finished downloading); "
        "please save or export it again and upload the new file.",
    )


def _refuse_format(sniffed: Sniffed) -> MediaError:
    if sniffed.kind == "image":
        return MediaError("unsupported_format", f"This file is {sniffed.noun}; {_ACCEPTED}.")
    if sniffed.noun:
        return MediaError("not_an_image", f"This file is not an image (it looks like {sniffed.noun}); {_ACCEPTED}.")
    return MediaError("not_an_image", f"This file is not an image we can read; {_ACCEPTED}.")


def _open(data: bytes, fmt: str, size: tuple[int, int] | None) -> Image.Image:
    # The format's own reader is used directly: it reads the header only, and unlike Image.open it
    # does not warn or raise about the pixel count, which is checked here with our own message.
    # (The WebP reader still checks it; ``size`` is the one read from the header beforehand.)
    try:
        return _OPENERS[fmt](io.BytesIO(data))
    except MemoryError:
        raise
    except READER_LIMIT as exc:
        raise reader_limit_refusal(size, exc) from None
    except Exception:
        raise _damaged() from None


def _frame_count(im: Image.Image, size: tuple[int, int]) -> int:
    try:
        return int(getattr(im, "n_frames", 1))
    except MemoryError:
        raise
    except READER_LIMIT as exc:
        raise reader_limit_refusal(size, exc) from None
    except Exception:
        raise _damaged() from None


def _target_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    longest = max(width, height)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _draft(im: Image.Image, target: tuple[int, int]) -> tuple[float, float, float, float] | None:
    """For a JPEG that will be shrunk, have libjpeg decode at 1/2, 1/4 or 1/8 (``im.size`` becomes
    the size decoded); this reads nothing more than the header."""
    if im.format != "JPEG" or target == im.size:
        return None
    try:
        drafted = im.draft("RGB", target)
    except MemoryError:
        raise
    except Exception:
        raise _damaged() from None
    return drafted[1] if drafted is not None else None


def _load(im: Image.Image, size: tuple[int, int]) -> None:
    """Decode the pixels (``size`` is the image's own size, for a refusal)."""
    try:
        im.load()
    except MemoryError:
        raise
    except READER_LIMIT as exc:
        raise reader_limit_refusal(size, exc) from None
    except Exception:
        raise _damaged() from None


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:
        return 1
    return value if value in _TRANSPOSE else 1


def _has_exif(im: Image.Image) -> bool:
    try:
        return len(im.getexif()) > 0
    except Exception:
        return "exif" in im.info


def _flatten_on_white(im: Image.Image) -> tuple[Image.Image, bool]:
    rgba = im if im.mode == "RGBA" else im.convert("RGBA")  # only read below: no copy of a large photo
    alpha = rgba.getchannel("A")
    if alpha.getextrema()[0] == 255:
        return rgba.convert("RGB"), False
    white = Image.new("RGB", rgba.size, (255, 255, 255))
    white.paste(rgba, mask=alpha)
    return white, True


def _cmyk_to_rgb(im: Image.Image) -> Image.Image:
    icc = im.info.get("icc_profile")
    if icc:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except Exception:
            pass
    return im.convert("RGB")


def _to_rgb(im: Image.Image, notes: list[str]) -> tuple[Image.Image, bytes | None]:
    """The image in RGB, transparency flattened on white, and the colour profile still valid for it."""
    mode = im.mode
    icc = im.info.get("icc_profile") or None
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info:
        if mode.startswith("I"):
            im = _sixteen_to_eight(im)
            notes.append("Converted from 16-bit to 8-bit colour")
        if mode == "P":
            notes.append("Converted from a limited-colour (palette) image to full colour")
        rgb, flattened = _flatten_on_white(im)
        if flattened:
            notes.append("Transparent areas filled with white")
        return rgb, icc if mode in ("RGBA", "RGBa") else None
    if mode == "RGB":
        return im, icc
    if mode == "CMYK":
        notes.append("Converted from CMYK (print colours) to RGB")
        return _cmyk_to_rgb(im), None
    if mode.startswith("I"):
        notes.append("Converted from 16-bit to 8-bit colour")
        return _sixteen_to_eight(im).convert("RGB"), None
    if mode == "P":
        notes.append("Converted from a limited-colour (palette) image to full colour")
    elif mode in ("L", "1"):
        notes.append("Converted from black-and-white to RGB")
    else:
        notes.append(f"Converted from {mode} colours to RGB")
    return im.convert("RGB"), None


def _sixteen_to_eight(im: Image.Image) -> Image.Image:
    # Pillow's own conversion clips 16-bit values at 255; scale 0–65535 down to 0–255 instead.
    return im.convert("I").point(lambda value: value * (1 / 257)).convert("L")


def _encode_jpeg(im: Image.Image, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    # No optimize pass: it costs a fifth of the resize and encode, for files about 13% smaller.
    options = {"quality": JPEG_QUALITY}
    if icc:
        options["icc_profile"] = icc
    im.save(out, "JPEG", **options)
    return out.getvalue()


_METADATA_MARKERS = (0xE1, 0xED)  # APP1 (Exif, XMP) and APP13 (IPTC)


def _without_metadata(jpeg: bytes) -> bytes:
    """The same JPEG without its Exif, XMP and IPTC segments; the image data is copied untouched.

    Anything unexpected in the segment layout returns the input unchanged.
    """
    if jpeg[:2] != b"\xff\xd8":
        return jpeg
    out = bytearray(jpeg[:2])
    i = 2
    while i + 4 <= len(jpeg):
        if jpeg[i] != 0xFF:
            return jpeg
        marker = jpeg[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out += jpeg[i:]
            return bytes(out)
        length = int.from_bytes(jpeg[i + 2:i + 4], "big")
        if length < 2 or i + 2 + length > len(jpeg):
            return jpeg
        if marker not in _METADATA_MARKERS:
            out += jpeg[i:i + 2 + length]
        i += 2 + length
    return jpeg


def prepare_image(data: bytes, filename: str = "photo", *, max_side: int = DEFAULT_MAX_SIDE) -> PreparedImage:
    """Check an uploaded photo and return it ready for HeyGen, or raise `MediaError`.

    The result is an upright RGB JPEG whose longest side is at most ``max_side`` (see
    `max_side_for`). A JPEG that is already RGB, upright and small enough keeps its image data
    byte for byte; only its Exif, XMP and IPTC metadata (camera details, location) are left out.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes")
    if int(max_side) < MIN_SHORT_SIDE:
        raise ValueError(f"max_side must be at least {MIN_SHORT_SIDE}")
    data = bytes(data)
    check_upload_size(data)

    sniffed = identify(data)
    fmt = sniffed.format
    if fmt not in _OPENERS:
        raise _refuse_format(sniffed)
    header = webp_header(data) if fmt == "WEBP" else None
    if header is not None:  # the WebP reader takes memory for the whole picture as it opens the file
        check_size(*header)
    im = _open(data, fmt, header[0] if header else None)
    try:
        return _prepare_opened(im, data, fmt, filename, int(max_side))
    finally:
        im.close()


def _prepare_opened(im: Image.Image, data: bytes, fmt: str, filename: str, max_side: int) -> PreparedImage:
    """The opened photo checked, decoded and made ready: kept as it is when it already fits, else converted."""
    width, height = im.size
    if width <= 0 or height <= 0:
        raise _damaged()
    target = _target_size(width, height, max_side)
    box = _draft(im, target)
    check_size((width, height), im.mode, im.size)  # from the header: nothing is decoded yet
    _check_still_and_large_enough(im, width, height)
    _load(im, (width, height))
    orientation = _orientation(im)
    original_size = (height, width) if orientation in _QUARTER_TURNS else (width, height)
    stem = safe_stem(filename, "photo")
    if fmt == "JPEG" and im.mode == "RGB" and orientation == 1 and target == (width, height):
        return _kept_as_is(data, stem, original_size)
    return _converted(im, fmt, stem, original_size, target=target, box=box, orientation=orientation)


_QUARTER_TURNS = (5, 6, 7, 8)  # orientation tags that swap width and height


def _check_still_and_large_enough(im: Image.Image, width: int, height: int) -> None:
    """Refuse a photo too small to show a face, or an animated one."""
    if min(width, height) < MIN_SHORT_SIDE:
        raise MediaError(
            "too_small",
            f"This image is only {width}×{height} pixels, too small to show a face clearly; please use a "
            f"photo that is at least {MIN_SHORT_SIDE} pixels on its shorter side.",
        )
    frames = _frame_count(im, (width, height))
    if frames > 1:
        raise MediaError(
            "animated",
            f"This image is animated ({frames} frames); please upload a still JPEG, PNG or WebP photo.",
        )


def _kept_as_is(data: bytes, stem: str, size: tuple[int, int]) -> PreparedImage:
    """An RGB JPEG, upright and small enough, with its image data unchanged and without its metadata."""
    kept = _without_metadata(data)
    note = ("Kept your photo exactly as it was (already an RGB JPEG of a suitable size)" if kept == data else
            "Kept your photo as it was, without its camera details such as time and location")
    return PreparedImage(
        data=kept,
        mime_type="image/jpeg",
        filename=f"{stem}.jpg",
        width=size[0],
        height=size[1],
        original_format="JPEG",
        original_size=size,
        notes=(note,),
    )


def _converted(im: Image.Image, fmt: str, stem: str, original_size: tuple[int, int], *, target: tuple[int, int],
               box: tuple[float, float, float, float] | None, orientation: int) -> PreparedImage:
    """The decoded photo as an upright RGB JPEG of at most ``target``, with notes of what was done."""
    notes: list[str] = []
    had_exif = _has_exif(im)
    if orientation != 1:
        notes.append("Rotated upright from the camera's orientation tag")
    rgb, icc = _to_rgb(im, notes)
    if rgb.size != target:
        # After a draft decode the shrink left is under 2x: there the area-aware bilinear filter is
        # about as close to the photo as Lanczos (bench/bench_prepare_image.py prints both) in half the time.
        resample = Image.Resampling.BILINEAR if box is not None else Image.Resampling.LANCZOS
        rgb = rgb.resize(target, resample, box=box, reducing_gap=3.0)
        shown_from = original_size
        shown_to = (target[1], target[0]) if orientation in _QUARTER_TURNS else target
        notes.append(f"Scaled down from {shown_from[0]}×{shown_from[1]} to {shown_to[0]}×{shown_to[1]}")
    if orientation != 1:
        rgb = rgb.transpose(_TRANSPOSE[orientation])
    if fmt != "JPEG":
        notes.append(f"Converted from {_FORMAT_NAMES[fmt]} to JPEG")
    if had_exif:
        notes.append("Removed the camera details (such as date and location) stored in the file")

    encoded = _encode_jpeg(rgb, icc)
    return PreparedImage(
        data=encoded,
        mime_type="image/jpeg",
        filename=f"{stem}.jpg",
        width=rgb.width,
        height=rgb.height,
        original_format=fmt,
        original_size=original_size,
        notes=tuple(notes),
    )
