"""Every uploaded file is judged by its whole content before Laurel keeps it.

A PDF must start with its header and parse, pages and all, with pypdf; a photo must decode completely with Pillow
and is re-encoded, so that what Laurel stores and serves is only pixels (no metadata, no bytes of another kind of
file riding along). The name and type the uploader gave are never trusted: the result carries the detected type,
and the storage (`laurel.core.storage`) names the stored file at random with the detected extension.
"""

import io
import warnings
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

if TYPE_CHECKING:  # the library loads when first used, not with the URL map
    from PIL import Image

# Nomination documents and objection evidence: a scanned 20-page document fits.
MAX_PDF_BYTES = 20 * 1024 * 1024
# Decoding an image costs memory per pixel, whatever its file size: a 5 MB PNG of one colour can claim to be
# 100,000 x 100,000 pixels (a decompression bomb), so the size is checked before decoding. Decoding and encoding
# anew costs about 0.1 s and 20 MB per megapixel here; 24 megapixels holds a full-size photo of most phones and keeps
# one judgement near two seconds.
MAX_IMAGE_PIXELS = 24_000_000

# An official notice in Word (.docx): a zip container whose parts are XML. It is kept as uploaded (re-writing a Word
# file is not ours to do), so it is judged by every part: bounded in size once unpacked (a zip bomb of 10 KB can
# unpack to gigabytes), no macros, no ActiveX or OLE objects, no part fetched from elsewhere when opened (a remote
# template is a known way to slip code into Word), no DTD in its XML (entity bombs).
MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_DOCX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_DOCX_PARTS = 1000
# A part that unpacks to more than a megabyte may be at most this many times its packed size: text and XML reach
# 10-30, a zip bomb thousands.
MAX_DOCX_RATIO = 200

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


class JudgedFile(ContentFile):
    """The bytes Laurel keeps, with the type found in them (the uploader's name and type are gone)."""

    def __init__(self, content: bytes, *, content_type: str, extension: str):
        super().__init__(content, name=f"upload.{extension}")
        self.content_type = content_type
        self.extension = extension


def _read(upload, *, max_bytes: int, too_big) -> bytes:
    """The whole upload, refused unread when it is over the limit (the size an upload reports is the real one)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_big(size)
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise too_big(len(content))
    if hasattr(upload, "seek"):
        upload.seek(0)
    return content


def _too_big(message: str, limit: int):
    def error(size: int) -> ValidationError:
        return ValidationError(
            message % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_big",
        )

    return error


def judge_pdf(upload, *, max_bytes: int | None = None) -> JudgedFile:
    """A PDF document that pypdf reads from its header to its last page, else a ValidationError."""
    from pypdf import PasswordType, PdfReader

    max_bytes = MAX_PDF_BYTES if max_bytes is None else max_bytes
    content = _read(
        upload, max_bytes=max_bytes, too_big=_too_big(_("The file is %(size)s; the limit is %(limit)s."), max_bytes)
    )
    # The header must open the file: a file that only contains "%PDF-" somewhere (an HTML page with it in a
    # comment, a script behind "//%PDF-") is not a PDF, whatever a lenient reader makes of it.
    if not content.startswith(b"%PDF-"):
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about harmless quirks of real-world files
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise ValidationError(
                    _("The PDF document is protected by a password; upload it without the password."),
                    code="pdf_password",
                )
            pages = reader.pages
            if len(pages) == 0:
                raise ValueError("no pages")
            for page in pages:
                page.mediabox  # noqa: B018 (reading the page's box and contents resolves its objects)
                contents = page.get("/Contents")
                if contents is not None:
                    contents.get_object()
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds (PdfReadError, ValueError, KeyError, RecursionError...) on damage
        raise ValidationError(
            _("The PDF document is damaged or incomplete; save it again and upload it."), code="pdf_damaged"
        ) from None
    return JudgedFile(content, content_type=PDF, extension="pdf")


def judge_image(upload, *, max_bytes: int | None = None) -> JudgedFile:
    """A JPEG, PNG or WebP photo decoded completely and encoded anew in the same format, without metadata.

    The EXIF orientation is applied first (so the photo stays upright), then every piece of metadata is left
    behind: EXIF (camera, GPS position), XMP, comments, PNG text. Transparency is kept (seals, signatures).
    """
    from PIL import Image, ImageOps

    max_bytes = settings.LAUREL_MAX_PHOTO_BYTES if max_bytes is None else max_bytes
    content = _read(
        upload, max_bytes=max_bytes, too_big=_too_big(_("The photo is %(size)s; the limit is %(limit)s."), max_bytes)
    )
    not_image = ValidationError(_("The file is not a photo Laurel can read (use JPEG, PNG or WebP)."), code="not_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=list(IMAGE_TYPES))
            image_format = image.format
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The photo is %(width)d × %(height)d pixels; the limit is %(limit)s pixels.")
                    % {"width": width, "height": height, "limit": f"{MAX_IMAGE_PIXELS:,}"},
                    code="too_many_pixels",
                )
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The photo has too many pixels; the limit is %(limit)s pixels.") % {"limit": f"{MAX_IMAGE_PIXELS:,}"},
            code="too_many_pixels",
        ) from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, EOFError... on damaged or foreign files
        raise not_image from None
    content_type, extension = IMAGE_TYPES[image_format]
    return JudgedFile(
        _encode(upright, image_format, icc=image.info.get("icc_profile")),
        content_type=content_type,
        extension=extension,
    )


def judge_pdf_or_image(upload) -> JudgedFile:
    """Objection evidence: a PDF document or a photo."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    head = upload.read(5)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if head == b"%PDF-":
        return judge_pdf(upload)
    try:
        return judge_image(upload)
    except ValidationError as error:
        if error.code in {"too_big", "too_many_pixels"}:
            raise
        raise ValidationError(_("Evidence must be a PDF document or a photo."), code="bad_evidence") from None


def judge_docx(upload, *, max_bytes: int | None = None) -> JudgedFile:
    """A Word document (.docx) whose every part unpacks within bounds and holds nothing that runs or calls out,
    else a ValidationError naming what to do."""
    max_bytes = MAX_DOCX_BYTES if max_bytes is None else max_bytes
    content = _read(
        upload, max_bytes=max_bytes, too_big=_too_big(_("The file is %(size)s; the limit is %(limit)s."), max_bytes)
    )
    not_docx = ValidationError(_("The file is not a Word document (.docx)."), code="not_docx")
    if not content.startswith(b"PK\x03\x04"):
        raise not_docx
    try:
        _check_docx(content, not_docx)
    except ValidationError:
        raise
    except Exception:  # zipfile and lxml raise BadZipFile, zlib.error, EOFError, XMLSyntaxError... on damage
        raise ValidationError(
            _("The Word document is damaged or incomplete; save it again and upload it."), code="docx_damaged"
        ) from None
    return JudgedFile(content, content_type=DOCX, extension="docx")


def _check_docx(content: bytes, not_docx: ValidationError) -> None:
    import zipfile

    from lxml import etree

    refused = ValidationError(
        _("The Word document holds macros, embedded programs or links that load content when opened; save it as a "
          "plain .docx document without them and upload it."),
        code="docx_active",
    )  # fmt: skip
    bomb = ValidationError(
        _("The Word document unpacks to more than %(limit)s; it cannot be accepted.")
        % {"limit": filesizeformat(MAX_DOCX_UNPACKED_BYTES)},
        code="docx_too_big_unpacked",
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_DOCX_PARTS:
            raise bomb
        names = set()
        declared = 0
        for part in parts:
            name = part.filename
            if name in names or name.startswith("/") or "\\" in name or ".." in name.split("/"):
                raise not_docx
            if part.flag_bits & 0x1:
                raise ValidationError(
                    _("The Word document is protected by a password; upload it without the password."),
                    code="docx_password",
                )
            if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise not_docx
            declared += part.file_size
            if declared > MAX_DOCX_UNPACKED_BYTES:
                raise bomb
            if part.file_size > 1024 * 1024 and part.file_size > MAX_DOCX_RATIO * max(part.compress_size, 1):
                raise bomb
            lowered = name.lower()
            # Macros, ActiveX controls and OLE objects (embedded programs); a printer's settings (.bin) are harmless.
            if lowered.endswith("vbaproject.bin") or lowered.startswith("word/activex/"):
                raise refused
            if lowered.startswith("word/embeddings/") and lowered.endswith(".bin"):
                raise refused
            names.add(name)
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise not_docx
        # The sizes above are what the archive claims; the parts are unpacked here within the same budget, so a
        # part lying about its size is caught while it unpacks, not after.
        budget = MAX_DOCX_UNPACKED_BYTES
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        for part in parts:
            data = bytearray()
            with archive.open(part) as stream:
                while chunk := stream.read(65536):
                    data += chunk
                    budget -= len(chunk)
                    if budget < 0 or len(data) > part.file_size:
                        raise bomb
            lowered = part.filename.lower()
            if not lowered.endswith((".xml", ".rels")):
                continue
            if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
                raise not_docx
            root = etree.fromstring(bytes(data), parser)
            if lowered == "[content_types].xml" and b"macroenabled" in bytes(data).lower():
                raise refused
            if lowered.endswith(".rels"):
                for relation in root:
                    kind = relation.get("Type", "")
                    if relation.get("TargetMode") == "External" and not kind.endswith("/hyperlink"):
                        raise refused


def _encode(image: "Image.Image", image_format: str, *, icc) -> bytes:
    """The pixels alone, in a fresh image: nothing of the uploaded file's info travels into the new one."""
    from PIL import Image

    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)
    if image_format == "JPEG":
        mode = image.mode if image.mode in {"L", "RGB"} else "RGB"
    elif image_format == "PNG":
        mode = image.mode if image.mode in {"1", "L", "LA", "RGB", "RGBA"} else ("RGBA" if has_alpha else "RGB")
    else:
        mode = "RGBA" if has_alpha else "RGB"
    pixels = image.convert(mode) if image.mode != mode else image
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    options = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}[image_format]
    # The colour profile is kept (wide-gamut phone photos lose their colours without it); it says nothing about
    # the person or the place.
    if isinstance(icc, bytes) and len(icc) <= 1024 * 1024:
        options["icc_profile"] = icc
    buffer = io.BytesIO()
    clean.save(buffer, image_format, **options)
    return buffer.getvalue()
