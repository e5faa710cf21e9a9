"""The files of a nomination and of an objection, judged by content (laurel/core/uploads.py) before they are kept."""

from laurel.core import uploads

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
