"""Visit photos: downscaled, upright, JPEG, no metadata; non-images and bombs refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from geo.core import settings
from geo.ingest.photo import PhotoError, prepare_photo

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def _jpeg(size=(4000, 3000), *, orientation: int | None = None, gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    # A marker in the top-left corner to check the orientation afterwards.
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "S", 2: (7.0, 58.0, 0.0), 3: "E", 4: (112.0, 37.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def test_large_photo_is_downscaled_to_1280_px_jpeg_quality_80():
    photo = prepare_photo(_jpeg((4000, 3000)))
    assert photo.mime == "image/jpeg"
    assert (photo.lebar, photo.tinggi) == (1280, 960)
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG" and image.size == (1280, 960)
    assert settings.PHOTO_JPEG_QUALITY == 80
    assert len(photo.data) < 400_000


def test_small_photo_is_not_enlarged():
    photo = prepare_photo(_jpeg((640, 480)))
    assert (photo.lebar, photo.tinggi) == (640, 480)


def test_exif_and_gps_are_stripped():
    raw = _jpeg((2000, 1500), gps=True)
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS_IFD)  # the fixture has GPS
    photo = prepare_photo(raw)
    image = Image.open(io.BytesIO(photo.data))
    assert not image.getexif()
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"KameraHP" not in photo.data and b"Exif" not in photo.data


def test_exif_orientation_is_applied():
    # Orientation 6: the stored pixels must be turned 90 degrees clockwise to display.
    photo = prepare_photo(_jpeg((1600, 1200), orientation=6))
    assert (photo.lebar, photo.tinggi) == (960, 1280)  # portrait now
    image = Image.open(io.BytesIO(photo.data)).convert("RGB")
    # The blue corner (stored top-left) is now at the top-right.
    r, _g, b = image.getpixel((image.width - 20, 20))
    assert b > 150 and r < 100
    r, _g, b = image.getpixel((20, 20))
    assert r > 150 and b < 100


def test_png_with_transparency_becomes_jpeg_on_white():
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    photo = prepare_photo(out.getvalue())
    assert Image.open(io.BytesIO(photo.data)).convert("RGB").getpixel((150, 100)) == pytest.approx(
        (255, 255, 255), abs=3
    )


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "kosong"),
        (b"%PDF-1.7 not an image", "bukan gambar"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bukan gambar"),
        (_jpeg((300, 200))[:200], "rusak"),
    ],
)
def test_non_images_and_broken_files_are_refused_clearly(raw, words):
    with pytest.raises(PhotoError, match=words):
        prepare_photo(raw)


def test_decompression_bomb_is_refused_before_decoding():
    # A 20000 x 20000 PNG of one colour compresses to a few hundred kilobytes.
    image = Image.new("1", (20_000, 20_000), 0)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    raw = out.getvalue()
    assert len(raw) < settings.PHOTO_MAX_BYTES
    with pytest.raises(PhotoError, match="terlalu besar"):
        prepare_photo(raw)


def test_oversized_upload_is_refused_by_its_byte_size():
    with pytest.raises(PhotoError, match="MB"):
        prepare_photo(b"\xff\xd8" + b"0" * 100, max_bytes=50)


def test_tiff_is_not_accepted():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="TIFF")
    with pytest.raises(PhotoError, match="TIFF"):
        prepare_photo(out.getvalue())
