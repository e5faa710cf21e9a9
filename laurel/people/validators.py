from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError


def validate_photo(upload) -> None:
    """A photo must really be a JPEG, PNG or WebP image (by content, not by name) and at most 5 MB."""
    limit = settings.LAUREL_MAX_PHOTO_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The photo is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The file is not a photo Laurel can read (use JPEG, PNG or WebP)."), code="not_image")
    finally:
        upload.seek(position)
    if image_format not in {"JPEG", "PNG", "WEBP"}:
        raise ValidationError(_("The file is not a photo Laurel can read (use JPEG, PNG or WebP)."), code="not_image")
