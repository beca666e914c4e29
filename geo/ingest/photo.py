"""Visit photos: one uploaded picture made small, upright and free of metadata.

A phone photo is several megabytes and carries EXIF metadata (camera, time, often the GPS
position of the officer's home when it was taken there). :func:`prepare_photo` reads the
upload with Pillow, refuses what is not an image or is too large to decode safely, applies the
EXIF orientation (so the picture stands upright without it), downscales it so that the longer
side is at most :data:`geo.core.settings.PHOTO_MAX_SIDE_PX` and writes a baseline JPEG of
quality :data:`geo.core.settings.PHOTO_JPEG_QUALITY` with no EXIF, GPS, XMP or ICC data at
all: only pixels are kept.

Decompression bombs: the image's declared size is read from its header (no pixel decoded) and
refused above :data:`geo.core.settings.PHOTO_MAX_PIXELS`; Pillow's own
``DecompressionBombWarning`` is turned into a refusal, and the upload's byte size is checked
first (:data:`geo.core.settings.PHOTO_MAX_BYTES`).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from geo.core import settings

__all__ = ["ALLOWED_FORMATS", "Photo", "PhotoError", "prepare_photo"]

#: Image formats accepted from a phone (Pillow format names).
ALLOWED_FORMATS: frozenset[str] = frozenset({"JPEG", "PNG", "WEBP", "MPO", "GIF", "BMP"})


class PhotoError(ValueError):
    """An upload that cannot be stored as a visit photo; the message says why (Indonesian)."""


@dataclass(frozen=True, kw_only=True)
class Photo:
    """A prepared visit photo.

    Attributes
    ----------
    data
        The JPEG bytes.
    mime
        ``"image/jpeg"``.
    lebar, tinggi
        Width and height in pixels, after orientation and downscaling.
    """

    data: bytes
    mime: str
    lebar: int
    tinggi: int


def prepare_photo(
    raw: bytes,
    *,
    max_side: int = settings.PHOTO_MAX_SIDE_PX,
    quality: int = settings.PHOTO_JPEG_QUALITY,
    max_pixels: int = settings.PHOTO_MAX_PIXELS,
    max_bytes: int = settings.PHOTO_MAX_BYTES,
) -> Photo:
    """Turn an uploaded picture into a small upright JPEG without metadata.

    Parameters
    ----------
    raw
        The uploaded file's bytes.
    max_side
        Longest side of the result, pixels (a smaller picture is not enlarged).
    quality
        JPEG quality, 1-95.
    max_pixels
        Largest declared image (width x height) that is decoded.
    max_bytes
        Largest upload accepted, bytes.

    Returns
    -------
    Photo
        The JPEG and its size.

    Raises
    ------
    PhotoError
        Empty or too large upload, not an image (or a format not in
        :data:`ALLOWED_FORMATS`), too many pixels, or a damaged image.
    """
    if not raw:
        raise PhotoError("berkas foto kosong")
    if len(raw) > max_bytes:
        raise PhotoError(
            f"berkas foto {len(raw) / 1_048_576:.1f} MB; paling besar "
            f"{max_bytes / 1_048_576:.0f} MB"
        )
    image = _open(raw, max_pixels=max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            rgb = _to_rgb(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as exc:
        raise PhotoError(f"foto rusak atau tidak dapat dibaca ({type(exc).__name__})") from exc
    out = io.BytesIO()
    # A new image from pixels only: no EXIF, GPS, XMP, ICC profile or comment is carried over.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    clean.save(out, format="JPEG", quality=quality, optimize=True)
    return Photo(data=out.getvalue(), mime="image/jpeg", lebar=clean.width, tinggi=clean.height)


def _open(raw: bytes, *, max_pixels: int) -> Image.Image:
    """Open ``raw`` lazily and check its format and declared pixel count before decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
    except UnidentifiedImageError as exc:
        raise PhotoError("berkas bukan gambar (pilih foto JPEG, PNG atau WebP)") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError(
            f"foto terlalu besar; paling banyak {max_pixels / 1e6:.0f} juta piksel"
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoError(f"foto rusak atau tidak dapat dibaca ({type(exc).__name__})") from exc
    if image.format not in ALLOWED_FORMATS:
        raise PhotoError(f"format {image.format or '?'} tidak diterima (pilih JPEG, PNG atau WebP)")
    width, height = image.size
    if width <= 0 or height <= 0:
        raise PhotoError("foto tanpa ukuran")
    if width * height > max_pixels:
        raise PhotoError(
            f"foto {width:,} x {height:,} piksel terlalu besar; paling banyak "
            f"{max_pixels / 1e6:.0f} juta piksel".replace(",", ".")
        )
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Return ``image`` as RGB; transparency is laid on white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")
