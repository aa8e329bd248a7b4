"""prepare_image: every refusal has its own code and a plain sentence; every accepted photo comes
out as an upright RGB JPEG of the expected size that Pillow really decodes."""

from __future__ import annotations

import io
import struct
import warnings

import pytest
from PIL import Image, ImageFile

from heygen.studio.media import MAX_UPLOAD_BYTES, MediaError, PreparedImage, max_side_for, prepare_image
from tests.media.media_corpus import assert_plain_sentence, draw_corner_marker, encode, huge_png, photo


def refused(data: bytes, filename: str = "photo.jpg", **kwargs) -> MediaError:
    with pytest.raises(MediaError) as caught:
        prepare_image(data, filename, **kwargs)
    assert_plain_sentence(str(caught.value))
    return caught.value


def decoded(prepared: PreparedImage) -> Image.Image:
    """The prepared bytes decoded by Pillow, checked to be the RGB JPEG the result claims."""
    im = Image.open(io.BytesIO(prepared.data))
    im.load()
    assert im.format == "JPEG"
    assert im.mode == "RGB"
    assert prepared.mime_type == "image/jpeg"
    assert prepared.filename.endswith(".jpg")
    assert im.size == (prepared.width, prepared.height)
    return im


def close(pixel, expected, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected))


# --- refusals ----------------------------------------------------------------------------------


def test_zero_bytes_is_empty():
    assert refused(b"").code == "empty"


@pytest.mark.parametrize(
    ("data", "code", "named"),
    [
        (b"Hello team,\nhere is the script for Monday's video.\n", "not_an_image", "text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "not_an_image", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), "not_an_image", "ZIP"),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07binary junk", "not_an_image", "not an image we can read"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "unsupported_format", "SVG"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64), "unsupported_format", "HEIC"),
        (b"II*\x00\x08\x00\x00\x00" + bytes(64), "unsupported_format", "TIFF"),
    ],
    ids=["text", "pdf", "zip", "binary-junk", "svg", "heic", "tiff"],
)
def test_files_that_are_not_photos_we_take_are_named(data, code, named):
    error = refused(data, "photo.jpg")
    assert error.code == code
    assert named in str(error)


def test_a_still_gif_is_refused_and_named():
    error = refused(encode(photo(400, 400), "GIF"), "photo.jpg")
    assert error.code == "unsupported_format"
    assert str(error) == "This file is a GIF image; please upload a JPEG, PNG or WebP photo."


def test_an_animated_gif_is_refused_as_a_gif():
    frames = [photo(300, 300), photo(300, 300).rotate(90)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    error = refused(data)
    assert error.code == "unsupported_format"
    assert "GIF" in str(error)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_png_and_webp_are_refused(fmt):
    frames = [photo(300, 300), photo(300, 300).rotate(90), photo(300, 300).rotate(180)]
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    error = refused(data, "moving.png")
    assert error.code == "animated"
    assert "3 frames" in str(error)


def test_a_bmp_is_refused_and_named():
    error = refused(encode(photo(300, 300), "BMP"))
    assert error.code == "unsupported_format"
    assert "BMP" in str(error)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_files_are_refused(fmt):
    whole = encode(photo(800, 600), fmt)
    for cut in (len(whole) // 2, len(whole) - 40):
        error = refused(whole[:cut])
        assert error.code == "truncated", cut
        assert "incomplete" in str(error)


def test_a_truncated_large_jpeg_is_refused_when_decoded_at_reduced_scale():
    whole = encode(photo(4000, 3000), "JPEG")
    assert refused(whole[: len(whole) * 3 // 4]).code == "truncated"


def test_a_jpeg_cut_inside_its_header_is_damaged():
    assert refused(encode(photo(800, 600), "JPEG")[:60]).code == "truncated"


def test_a_png_bomb_is_refused_before_any_pixel_is_decoded():
    # The pixel data is garbage: decoding it would fail as "truncated", so getting
    # "too_many_pixels" shows the size was checked first.
    error = refused(huge_png(30000, 30000, real_pixels=False))
    assert error.code == "too_many_pixels"
    assert "30000×30000" in str(error)


def test_a_real_gigapixel_png_is_refused():
    data = huge_png(30000, 30000, real_pixels=True)
    assert len(data) < 1_000_000  # 900 megapixels of black in well under a megabyte
    assert refused(data).code == "too_many_pixels"


def test_the_pixel_limit_is_ours_and_leaves_pillow_settings_alone():
    # 108 megapixels: above our 100 MP limit but below the point where Pillow itself would raise.
    limit, truncated_setting = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        error = refused(huge_png(12000, 9000, real_pixels=False))
    assert error.code == "too_many_pixels"
    assert not [w for w in seen if issubclass(w.category, Image.DecompressionBombWarning)]
    assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES) == (limit, truncated_setting)


def test_a_file_over_32_mb_is_refused_before_decoding():
    # A JPEG signature followed by 40 MB of junk: decoding would report "truncated".
    data = b"\xff\xd8\xff\xe0" + bytes(40 * 1024 * 1024)
    assert len(data) > MAX_UPLOAD_BYTES
    error = refused(data)
    assert error.code == "too_large_file"
    assert "40.0 MB" in str(error) and "32 MB" in str(error)


@pytest.mark.parametrize("size", [(200, 200), (1200, 200), (255, 900)])
def test_too_small_images_are_refused(size):
    error = refused(encode(photo(*size), "PNG"))
    assert error.code == "too_small"
    assert "256 pixels" in str(error)
    assert f"{size[0]}×{size[1]}" in str(error)


def test_256_pixels_on_the_short_side_is_enough():
    prepared = prepare_image(encode(photo(256, 400), "PNG"), "edge.png")
    assert decoded(prepared).size == (256, 400)


# --- accepted photos -----------------------------------------------------------------------------


def test_a_6000_by_4000_jpeg_is_scaled_to_1920():
    data = encode(photo(6000, 4000), "JPEG", quality=90)
    prepared = prepare_image(data, "IMG_0042.JPG")
    assert decoded(prepared).size == (1920, 1280)
    assert prepared.original_size == (6000, 4000)
    assert prepared.original_format == "JPEG"
    assert prepared.filename == "IMG_0042.jpg"
    assert "Scaled down from 6000×4000 to 1920×1280" in prepared.notes


def test_a_6000_by_4000_jpeg_is_scaled_to_3840_for_4k():
    prepared = prepare_image(encode(photo(6000, 4000), "JPEG"), "big.jpg", max_side=max_side_for("4k"))
    assert decoded(prepared).size == (3840, 2560)


def test_scaling_keeps_the_picture():
    # Left half red, right half blue, at 4000×3000: after scaling the halves are still there.
    im = Image.new("RGB", (4000, 3000), (220, 30, 30))
    im.paste((30, 30, 220), (2000, 0, 4000, 3000))
    out = decoded(prepare_image(encode(im, "JPEG", quality=95), "halves.jpg"))
    assert out.size == (1920, 1440)
    assert close(out.getpixel((400, 720)), (220, 30, 30))
    assert close(out.getpixel((1500, 720)), (30, 30, 220))


def test_exif_orientation_6_is_applied_and_removed():
    stored = draw_corner_marker(photo(1200, 800), (255, 0, 0))  # red at the stored top-left
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Phone maker"
    prepared = prepare_image(encode(stored, "JPEG", exif=exif.tobytes(), quality=95), "portrait.jpg")
    out = decoded(prepared)
    assert out.size == (800, 1200)
    assert prepared.original_size == (800, 1200)
    assert 0x0112 not in out.getexif()
    # Orientation 6: the picture is shown turned 90° clockwise, so the stored top-left is top-right.
    assert close(out.getpixel((800 - 40, 40)), (255, 0, 0), tolerance=40)
    assert not close(out.getpixel((40, 40)), (255, 0, 0), tolerance=40)
    assert "Rotated upright from the camera's orientation tag" in prepared.notes


def test_a_rotated_large_photo_is_scaled_on_its_upright_shape():
    exif = Image.Exif()
    exif[0x0112] = 8
    prepared = prepare_image(encode(photo(6000, 4000), "JPEG", exif=exif.tobytes()), "tall.jpg")
    assert decoded(prepared).size == (1280, 1920)
    assert "Scaled down from 4000×6000 to 1280×1920" in prepared.notes


def test_a_cmyk_jpeg_becomes_rgb():
    cmyk = Image.new("CMYK", (600, 400), (255, 0, 0, 0))  # pure cyan ink
    cmyk.paste((0, 0, 0, 0), (300, 0, 600, 400))  # no ink: paper white
    data = encode(cmyk, "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    prepared = prepare_image(data, "print.jpg")
    out = decoded(prepared)
    assert close(out.getpixel((100, 200)), (0, 255, 255), tolerance=20)
    assert close(out.getpixel((500, 200)), (255, 255, 255), tolerance=20)
    assert any("CMYK" in note for note in prepared.notes)


def test_a_16_bit_png_is_scaled_to_8_bit_not_clipped():
    im = Image.new("I;16", (400, 300), 32768)  # mid grey in 16 bits
    data = encode(im, "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    prepared = prepare_image(data, "scan.png")
    out = decoded(prepared)
    assert close(out.getpixel((200, 150)), (128, 128, 128), tolerance=3)
    assert any("16-bit" in note for note in prepared.notes)


def test_a_palette_png_with_transparency_is_flattened_on_white():
    im = Image.new("P", (400, 300), 0)
    im.putpalette([0, 0, 0, 200, 20, 20] + [0, 0, 0] * 254)
    im.paste(1, (0, 0, 200, 300))  # left half red, right half the transparent index 0
    data = encode(im, "PNG", transparency=0)
    prepared = prepare_image(data, "logo.png")
    out = decoded(prepared)
    assert close(out.getpixel((100, 150)), (200, 20, 20))
    assert close(out.getpixel((300, 150)), (255, 255, 255), tolerance=3)
    assert "Transparent areas filled with white" in prepared.notes
    assert "Converted from PNG to JPEG" in prepared.notes


def test_an_rgba_png_is_flattened_on_white():
    im = Image.new("RGBA", (400, 300), (0, 0, 0, 0))  # fully transparent black
    im.paste((255, 0, 0, 128), (0, 0, 200, 300))  # half-transparent red
    prepared = prepare_image(encode(im, "PNG"), "cutout.png")
    out = decoded(prepared)
    assert close(out.getpixel((300, 150)), (255, 255, 255), tolerance=3)
    assert close(out.getpixel((100, 150)), (255, 127, 127), tolerance=8)
    assert "Transparent areas filled with white" in prepared.notes


def test_a_grey_png_with_alpha_is_flattened_on_white():
    im = Image.new("LA", (300, 300), (0, 0))
    im.paste((50, 255), (0, 0, 150, 300))
    out = decoded(prepare_image(encode(im, "PNG"), "la.png"))
    assert close(out.getpixel((75, 150)), (50, 50, 50), tolerance=4)
    assert close(out.getpixel((225, 150)), (255, 255, 255), tolerance=3)


def test_an_opaque_rgba_png_is_not_said_to_have_transparency():
    prepared = prepare_image(encode(photo(500, 400, "RGBA"), "PNG"), "opaque.png")
    decoded(prepared)
    assert "Transparent areas filled with white" not in prepared.notes


def test_a_webp_photo_becomes_a_jpeg():
    prepared = prepare_image(encode(photo(2400, 1600), "WEBP", quality=80), "photo.webp")
    assert decoded(prepared).size == (1920, 1280)
    assert prepared.original_format == "WEBP"
    assert "Converted from WebP to JPEG" in prepared.notes


def test_a_grey_jpeg_becomes_rgb():
    prepared = prepare_image(encode(photo(500, 500, "L"), "JPEG"), "bw.jpg")
    decoded(prepared)


def test_a_small_clean_jpeg_passes_through_unchanged():
    data = encode(photo(1280, 960), "JPEG", quality=88)
    prepared = prepare_image(data, "headshot.jpeg")
    assert prepared.data == data
    assert (prepared.width, prepared.height) == (1280, 960)
    assert decoded(prepared).size == (1280, 960)
    assert prepared.filename == "headshot.jpg"


def test_camera_details_are_removed_when_the_photo_is_re_encoded():
    exif = Image.Exif()
    exif[0x0112] = 3
    exif[0x010F] = "Phone maker"
    prepared = prepare_image(encode(photo(800, 600), "JPEG", exif=exif.tobytes()), "p.jpg")
    assert len(decoded(prepared).getexif()) == 0


def test_camera_details_are_removed_from_a_photo_kept_as_it_is():
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[0x0132] = "2026:11:21 10:00:00"
    original = encode(photo(1280, 960), "JPEG", quality=88, exif=exif.tobytes())
    prepared = prepare_image(original, "headshot.jpg")
    assert len(decoded(prepared).getexif()) == 0
    assert b"Phone maker" not in prepared.data
    assert len(prepared.data) < len(original)
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(prepared.data)) as after:
        assert before.tobytes() == after.tobytes(), "the image data is untouched"
    assert any("camera details" in note for note in prepared.notes)


def test_the_name_is_trusted_for_nothing_but_the_stem():
    # A PNG named .jpg is read as a PNG; the folder part of a name never reaches the upload.
    prepared = prepare_image(encode(photo(400, 400), "PNG"), "C:\\Users\\Sam\\My photo.jpg")
    assert prepared.original_format == "PNG"
    assert prepared.filename == "My photo.jpg"
    assert prepare_image(encode(photo(400, 400), "PNG"), "").filename == "photo.jpg"


def test_max_side_for_resolutions():
    assert max_side_for("720p") == 1920
    assert max_side_for("1080p") == 1920
    assert max_side_for("4K") == 3840
    with pytest.raises(ValueError):
        max_side_for("8k")


def test_a_bad_max_side_is_a_programming_error_not_a_refusal():
    with pytest.raises(ValueError) as caught:
        prepare_image(encode(photo(400, 400), "PNG"), max_side=100)
    assert not isinstance(caught.value, MediaError)


def test_media_error_is_a_value_error_with_a_code():
    error = refused(struct.pack(">I", 7) + b"not anything")
    assert isinstance(error, ValueError)
    assert error.code == "not_an_image"
