"""A small file holding a huge picture is refused from its header, before its pixels take memory:
the decoded-bytes budget (bytes per pixel of the image's mode), WebP sizes read before the WebP
reader sets memory aside, and Pillow's own pixel limit turned into the same plain refusal."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from PIL import Image

from heygen.studio.media import MediaError, prepare_image
from heygen.studio.media.pixels import MAX_DECODED_BYTES, bytes_per_pixel, decoded_bytes, webp_header
from tests.media.media_corpus import assert_plain_sentence, encode, huge_png, photo, webp_header_only

REPO = Path(__file__).resolve().parents[2]
RGBA, GREY, RGB, GREY_ALPHA = 6, 0, 2, 4  # PNG colour types


def refused(data: bytes) -> MediaError:
    with pytest.raises(MediaError) as caught:
        prepare_image(data, "photo.png")
    assert_plain_sentence(str(caught.value))
    return caught.value


@pytest.fixture(scope="module")
def rgba_10k(tmp_path_factory) -> Path:
    """A genuine, all-black 10,000×10,000 RGBA PNG of about 0.4 MB (400 MB once decoded)."""
    path = tmp_path_factory.mktemp("images") / "rgba-10k.png"
    path.write_bytes(huge_png(10_000, 10_000, real_pixels=True, depth=8, colour=RGBA))
    return path


def test_a_small_10000_by_10000_rgba_png_is_refused_for_its_memory(rgba_10k):
    data = rgba_10k.read_bytes()
    assert len(data) < 500_000
    error = refused(data)
    assert error.code == "too_large_decoded"
    assert str(error) == (
        "This image is 10000×10000 pixels in colour with transparency, which takes 381.5 MB of memory to open, "
        "more than the 300 MB we can handle; please resize it to at most 8868×8868 pixels and upload it again."
    )


@pytest.mark.parametrize(
    ("depth", "colour", "noun"),
    [(16, RGBA, "colour with transparency"), (16, RGB, "colour"), (8, GREY_ALPHA, "grey with transparency")],
    ids=["16-bit-rgba", "16-bit-rgb", "grey-alpha"],
)
def test_other_wide_pixels_are_refused_before_any_pixel_is_decoded(depth, colour, noun):
    # Garbage pixel data: decoding it would say "truncated", so this refusal comes from the header.
    error = refused(huge_png(10_000, 10_000, real_pixels=False, depth=depth, colour=colour))
    assert error.code == "too_large_decoded"
    assert f"10000×10000 pixels in {noun}" in str(error)
    assert "381.5 MB" in str(error) and "300 MB" in str(error) and "8868×8868" in str(error)


def test_the_suggested_size_fits_and_keeps_the_shape():
    error = refused(huge_png(16_000, 5_000, real_pixels=False, depth=8, colour=RGBA))
    assert "at most 15863×4957 pixels" in str(error)
    assert decoded_bytes((15863, 4957), "RGBA") <= MAX_DECODED_BYTES < decoded_bytes((15864, 4958), "RGBA")


def test_the_budget_is_inclusive():
    # 10240×7680 pixels at 4 bytes is exactly the budget: it passes the checks and fails only when
    # its garbage pixels are decoded; one more row is refused from the header.
    assert decoded_bytes((10240, 7680), "RGBA") == MAX_DECODED_BYTES
    assert refused(huge_png(10240, 7680, real_pixels=False, depth=8, colour=RGBA)).code == "truncated"
    assert refused(huge_png(10240, 7681, real_pixels=False, depth=8, colour=RGBA)).code == "too_large_decoded"


def test_a_one_byte_per_pixel_image_keeps_the_pixel_limit():
    # 10000×10000 grey is 100 MB decoded: within the budget; the 100-megapixel limit still applies.
    assert refused(huge_png(10_000, 10_000, real_pixels=False, depth=8, colour=GREY)).code == "truncated"
    assert refused(huge_png(10_000, 10_001, real_pixels=False, depth=8, colour=GREY)).code == "too_many_pixels"


def test_bytes_per_pixel_are_those_the_reader_keeps_in_memory():
    assert [bytes_per_pixel(m) for m in ("1", "L", "P", "I;16", "LA", "RGB", "RGBA", "CMYK", "I", "F")] == [
        1, 1, 1, 2, 4, 4, 4, 4, 4, 4]
    assert bytes_per_pixel("an unknown mode") == 8


def test_a_large_jpeg_is_counted_at_the_reduced_size_it_is_decoded_at():
    # 9000×9000 colour would be 309 MB at full size, but a JPEG shrunk for the video is decoded at
    # a quarter of its width and height.
    prepared = prepare_image(encode(Image.new("RGB", (9000, 9000), (90, 120, 200)), "JPEG"), "wall.jpg")
    assert (prepared.width, prepared.height) == (1920, 1920)


# --- WebP: the size is read before the WebP reader opens the file ------------------------------------------------


@pytest.mark.parametrize(
    ("im", "options", "expected"),
    [
        (photo(300, 200), {"quality": 80}, ((300, 200), "RGB")),
        (Image.new("RGBA", (300, 200), (200, 20, 20, 128)), {"lossless": True}, ((300, 200), "RGBA")),
        (photo(300, 200), {"lossless": True}, ((300, 200), "RGB")),
        (photo(300, 200), {"quality": 80, "icc_profile": b"\0" * 32}, ((300, 200), "RGB")),
    ],
    ids=["lossy", "lossless-alpha", "lossless", "extended"],
)
def test_webp_header_gives_the_size_and_mode_of_real_files(im, options, expected):
    data = encode(im, "WEBP", **options)
    assert webp_header(data) == expected
    assert Image.open(io.BytesIO(data)).size == expected[0]


def test_webp_header_of_anything_else_is_none():
    assert webp_header(b"RIFF\0\0\0\0WAVEfmt " + bytes(40)) is None
    assert webp_header(b"RIFF\0\0\0\0WEBPVP8Z" + bytes(40)) is None
    assert webp_header(b"RIFF") is None


def test_a_webp_beyond_the_readers_own_limit_is_too_large_not_damaged():
    # 16383×16383 is WebP's largest: the WebP reader refuses it itself, which read as "damaged".
    error = refused(webp_header_only(16383, 16383))
    assert error.code == "too_many_pixels"
    assert "16383×16383" in str(error)


def test_a_webp_over_the_memory_budget_is_refused_from_its_header():
    error = refused(webp_header_only(9000, 9000))
    assert error.code == "too_large_decoded"
    assert "9000×9000 pixels in colour with transparency" in str(error)


# --- Pillow's own limit ----------------------------------------------------------------------------------------


def test_pillows_own_pixel_limit_gives_the_same_plain_refusal(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50_000)  # the reader refuses above 100,000 pixels
    error = refused(encode(photo(400, 300), "WEBP", quality=80))
    assert error.code == "too_many_pixels"
    assert str(error) == ("This image is 400×300 pixels (0.1 megapixels), more than the 0.1 megapixels our image "
                          "reader accepts; please resize it and upload it again.")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_pillows_warning_made_an_error_never_escapes(monkeypatch, fmt):
    # Between Pillow's limit and twice it, Pillow may warn; with warnings made errors the photo is
    # still either prepared or refused with a MediaError, never a traceback.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    data = encode(photo(400, 300), fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            prepared = prepare_image(data, "photo")
        except MediaError as error:
            assert_plain_sentence(str(error))
        else:
            assert (prepared.width, prepared.height) == (400, 300)


# --- memory, measured in a child process ----------------------------------------------------------------------

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, tracemalloc
    from heygen.studio.media import MediaError, prepare_image
    data = open(sys.argv[1], "rb").read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        prepare_image(data, "photo.png")
        code = None
    except MediaError as error:
        code = error.code
    traced = tracemalloc.get_traced_memory()[1]
    added = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"code": code, "added_kb": added, "traced": traced}))
    """
)


def test_refusing_the_10000_by_10000_rgba_png_takes_little_memory(rgba_10k):
    # Decoding it would take 400 MB and preparing it more than 1 GB; the refusal reads the header only.
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(rgba_10k)], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=True)
    measured = json.loads(done.stdout)
    assert measured["code"] == "too_large_decoded"
    assert measured["added_kb"] < 150 * 1024, measured  # ru_maxrss is in KiB on Linux
    assert measured["traced"] < 20 * 1024 * 1024, measured
