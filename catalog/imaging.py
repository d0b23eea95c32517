"""What an uploaded photo may be, and the files made from it (Pillow only, no storage).

An upload is judged by decoding its content, never by its name or declared type: only
JPEG, PNG and WebP get in, within IMAGE_MAX_BYTES and IMAGE_MAX_PIXELS (checked from
the header, before the pixels are decoded, so a decompression bomb is never expanded).
What is kept is re-encoded from the decoded pixels with EXIF orientation applied, so no
metadata of the upload (GPS position, camera, dates, comments) survives in any file.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

# Decoded formats accepted, and how each is stored again.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# Many phones write JPEGs that carry a second picture (a depth map, a preview): Pillow
# reads them as MPO. They are JPEGs to everyone else, and stored as one (first frame).
SAME_AS = {"MPO": "JPEG"}
CONTENT_TYPES = {extension: content_type for extension, content_type in FORMATS.values()}

# name: the longest side in pixels (never upscaled). Cards show `small`, the product
# page `medium`, the zoom link `large`.
RENDITIONS = {"small": 400, "medium": 800, "large": 1600}
RENDITION_QUALITY = 80
# What survives of an upload's own information: how to show its pixels, nothing else.
KEPT_INFO = {"transparency"}


@dataclass(frozen=True)
class PreparedImage:
    """An accepted upload, ready to store: clean bytes and what pages need to know."""

    content: bytes
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class Rendition:
    content: bytes
    width: int
    height: int


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _read_limited(file) -> bytes:
    limit = settings.IMAGE_MAX_BYTES
    if getattr(file, "size", None) is not None and file.size > limit:
        _refuse(f"The file is larger than {limit // (1024 * 1024) or limit} MB.", "too_big")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        _refuse(f"The file is larger than {limit // (1024 * 1024) or limit} MB.", "too_big")
    if not data:
        _refuse("The file is empty.", "empty")
    return data


def image_prepare(file) -> PreparedImage:
    """Check an upload (a file object) and re-encode it without metadata. Raises
    ValidationError with a message for the field when it is not acceptable."""
    data = _read_limited(file)
    try:
        with Image.open(io.BytesIO(data)) as image:
            # Image.open reads only the header: format and size are known, no pixels yet.
            source_format = SAME_AS.get(image.format, image.format)
            if source_format not in FORMATS:
                _refuse("Only JPEG, PNG or WebP images are accepted.", "unsupported_format")
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                _refuse(
                    f"The image has too many pixels ({width}×{height}); at most "
                    f"{settings.IMAGE_MAX_PIXELS:,} are accepted.",
                    "too_many_pixels",
                )
            image.load()  # a truncated or corrupt file fails here
            upright = ImageOps.exif_transpose(image)
            # Pillow writes some of what it read back out by default (a JPEG's comment
            # and XMP): the copy keeps only what the pixels need.
            upright.info = {k: v for k, v in image.info.items() if k in KEPT_INFO}
            return _encode_original(upright, source_format, image.info.get("icc_profile"))
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse("The image has too many pixels.", "too_many_pixels")
    except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError):
        # UnidentifiedImageError: not an image Pillow knows (an SVG, a text file...);
        # OSError/SyntaxError/EOFError: a truncated or damaged one.
        _refuse(
            "The file is not a valid JPEG, PNG or WebP image (or it is damaged).",
            "invalid_image",
        )


def _encode_original(image: Image.Image, source_format: str, icc_profile) -> PreparedImage:
    """The pixels again, in the upload's format, with nothing but the colour profile."""
    extension = FORMATS[source_format][0]
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    if source_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            # A CMYK (print) profile does not describe the converted RGB pixels.
            extra.pop("icc_profile", None)
            image = image.convert("RGB")
        extra.update(quality=90, optimize=True)
    elif source_format == "WEBP":
        image = _web_mode(image)
        extra.update(quality=90)
    else:  # PNG: lossless, keeps a palette or transparency as it was
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format=source_format, **extra)
    return PreparedImage(
        content=buffer.getvalue(), extension=extension, width=image.width, height=image.height
    )


def _web_mode(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "RGBA"):
        return image
    has_alpha = image.mode in ("LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def renditions_make(content: bytes) -> dict[str, Rendition]:
    """The WebP renditions of a stored original (already checked and upright)."""
    made = {}
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        source = _web_mode(image)
        for name, longest in RENDITIONS.items():
            copy = source.copy()
            copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)  # never upscales
            buffer = io.BytesIO()
            copy.save(buffer, format="WEBP", quality=RENDITION_QUALITY, method=4)
            made[name] = Rendition(content=buffer.getvalue(), width=copy.width, height=copy.height)
    return made
