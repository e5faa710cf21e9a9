"""The files of a nomination and of an objection, judged by content (laurel/core/uploads.py) before they are kept."""

import unicodedata
from pathlib import PurePath

from laurel.core import uploads

FILE_NAME_LENGTH = 150

MIN_PHOTOS = 3
MAX_PHOTOS = 5
PDF_FIELDS = ("evidence", "unit_opinion", "integrity_certificate")
# Asked for (and required) only in a blind campaign: what the experts read instead of the full documents.
BLIND_PDF_FIELDS = ("anonymized_evidence",)
IMAGE_FIELDS = ("id_photo",)


def judge_nomination_file(name: str, upload) -> uploads.JudgedFile:
    """The PDF documents are PDFs, the ID photo is a photo; what is kept is what was judged."""
    if name in PDF_FIELDS or name in BLIND_PDF_FIELDS:
        return uploads.judge_pdf(upload)
    return uploads.judge_image(upload)


def judge_photo(upload) -> uploads.JudgedFile:
    return uploads.judge_image(upload)


def judge_evidence(upload) -> uploads.JudgedFile:
    """Objection evidence may be a PDF or a photo."""
    return uploads.judge_pdf_or_image(upload)


def display_name(upload) -> str:
    """The uploader's file name to show staff: its last part only, without control characters, bounded. Only shown,
    never used to store or serve the file."""
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    return name[-FILE_NAME_LENGTH:]
