"""Every uploaded image is decoded, checked and re-encoded before it is kept.

Re-encoding drops whatever rode along in the file (EXIF with GPS positions,
scripts in a polyglot, a second image) and bounds its size on disk.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow is told these alone, so no other parser ever reads an upload's bytes
# (each one is more attack surface, and some decode a lot before failing).
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def reencode_image(upload: UploadedFile, *, box: int, square: bool) -> ContentFile:
    """Return the upload as a WebP no larger than ``box`` pixels on a side.

    ``square`` crops to the centre first (avatars); otherwise the whole image
    is kept and scaled down. Raises ValidationError with a message for people.
    """
    if upload.size > settings.AVATAR_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.AVATAR_MAX_BYTES),
            },
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload, formats=ALLOWED_FORMATS) as original:
            if original.width * original.height > settings.AVATAR_MAX_PIXELS:
                raise ValidationError(
                    _("The image is too large: at most %(limit)s million pixels.")
                    % {"limit": settings.AVATAR_MAX_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            original.seek(0)  # first frame of an animation
            image = ImageOps.exif_transpose(original)
            image = _flatten(image)
    except UnidentifiedImageError:
        # Neither a text file nor a TIFF gets past the allowed formats' checks.
        raise ValidationError(
            _("Please upload a JPEG, PNG, WebP or GIF image."), code="format"
        ) from None
    except (Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError(
            _("This file is not an image we can read."), code="invalid"
        ) from None
    if square:
        image = ImageOps.fit(image, (box, box), Image.Resampling.LANCZOS)
    else:
        image.thumbnail((box, box), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=85, method=4)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.webp")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on a white background: transparency and palettes do not survive."""
    if image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
