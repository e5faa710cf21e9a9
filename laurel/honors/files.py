"""Uploaded files are checked by content, not by name: PDFs by their magic bytes, photos by Pillow."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from laurel.people.validators import validate_photo

MAX_PDF_BYTES = 20 * 1024 * 1024
MIN_PHOTOS = 3
MAX_PHOTOS = 5


def validate_pdf(upload) -> None:
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_PDF_BYTES)},
            code="too_big",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        head = upload.read(1024)
    finally:
        upload.seek(position)
    if b"%PDF-" not in head:
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")


def validate_image(upload) -> None:
    validate_photo(upload)


def validate_evidence(upload) -> None:
    """Objection evidence may be a PDF or a photo."""
    try:
        validate_pdf(upload)
    except ValidationError as pdf_error:
        if pdf_error.code == "too_big":
            raise
        try:
            validate_photo(upload)
        except ValidationError:
            raise ValidationError(_("Evidence must be a PDF document or a photo."), code="bad_evidence")
