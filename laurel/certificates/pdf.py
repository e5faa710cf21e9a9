"""Render certificates to PDF with typst, which also embeds the signed credential as an attachment."""

import io
import json
import os
import shutil
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from laurel.certificates import tracking, wording
from laurel.certificates.models import LAYOUT_BOUNDS
from laurel.core import identity
from laurel.core.typst_workspace import TypstWorkspace

TEMPLATE = Path(__file__).resolve().parent / "typst" / "certificate.typ"
CREDENTIAL_ATTACHMENT = "credential.json"
# A typst compiler refuses to be used by two threads at once ("Already borrowed"), and the compilers are shared
# through the cache below: a threaded web server previewing a template while another thread renders would fail.
_COMPILING = threading.Lock()


class CertificateRenderError(Exception):
    """The PDF cannot be rendered (e.g. no CJK font installed). The message says what to do."""


def font_dir() -> Path:
    return Path(getattr(settings, "LAUREL_CJK_FONT_DIR", "/usr/share/fonts/opentype/noto"))


def check_fonts() -> Path:
    directory = font_dir()
    if not any(directory.glob("*CJK*")):
        raise CertificateRenderError(
            _("No Chinese (CJK) font found in %(dir)s. Install Debian's fonts-noto-cjk package.") % {"dir": directory}
        )
    return directory


# The seal is printed at this opacity, so the date beneath shows through as it does through red ink on paper.
SEAL_OPACITY = 0.82


def _translucent(source: str, target: Path) -> None:
    from PIL import Image

    with Image.open(source) as image:
        seal = image.convert("RGBA")
    alpha = seal.getchannel("A").point(lambda value: round(value * SEAL_OPACITY))
    seal.putalpha(alpha)
    seal.save(target, format="PNG")


@lru_cache(maxsize=8)
def _compiler(template_pk, updated_at, seal_path: str, signature_path: str, background_path: str, fonts: str):
    """One compiler (fonts loaded once, the template parsed once) per template version; its images sit in a
    private directory, removed when the version leaves this cache. The layout settings arrive with each compile,
    so a live preview reuses it too."""

    def prepare(root: Path) -> None:
        if seal_path:
            _translucent(seal_path, root / "seal.png")
        if signature_path:
            shutil.copy(signature_path, root / "signature.png")
        if background_path:
            shutil.copy(background_path, root / f"background{Path(background_path).suffix.lower()}")

    return TypstWorkspace(prefix=f"laurel-certificate-{template_pk}-", main=TEMPLATE, fonts=fonts, prepare=prepare)


QR_MASK = 4


def qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    # A fixed mask: choosing the best of the eight took three times as long as the rest of the QR code (a fifth of
    # a certificate's time in a batch), and any mask scans; the penalty scores only prefer the prettiest one.
    segno.make_qr(url, error="m", mask=QR_MASK).save(buffer, kind="svg", border=1, xmldecl=False)
    return buffer.getvalue().decode()


LAYOUT_FIELDS = ("margin_mm", "heading_size", "heading_tracking", "body_size", "border")


def layout_of(template) -> dict:
    return {field: getattr(template, field) for field in LAYOUT_FIELDS}


def _file(field) -> str:
    try:
        return field.path if field else ""
    except NotImplementedError:  # object storage: backgrounds are an option, not worth a 500
        return ""


def _inputs(*, template, data: dict) -> tuple[object, dict]:
    """The compiler for this template and the inputs for one certificate (JSON in sys.inputs.data)."""
    fonts = check_fonts()
    # A template without a seal or signature of its own prints the association's (set on the identity page)
    site = identity.current()
    seal_path = _file(template.seal) or site.seal_path
    signature_path = _file(template.signature) or site.signature_path
    background_path = _file(template.background)
    # Another process may have replaced the association's seal a moment ago (the old file goes on commit)
    seal_path, signature_path, background_path = (
        path if path and os.path.exists(path) else "" for path in (seal_path, signature_path, background_path)
    )
    compiler = _compiler(template.pk or 0, template.updated_at, seal_path, signature_path, background_path, str(fonts))
    text = wording.word(kind=template.kind, data=data, occasion=template.occasion, occasion_en=template.occasion_en)
    inputs = {
        "name": "", "name_en": "", "title": "", "title_en": "", "number": "", "date": "", "date_en": "",
        "url": "", **data,
        "salutation": text.salutation, "body": text.body, "body_en": text.body_en,
        "note": text.note, "note_en": text.note_en,
        "association_name": template.association_name,
        "association_name_en": template.association_name_en,
        "heading": template.heading,
        "heading_en": template.heading_en,
        "signatory": template.signatory,
        "has_seal": bool(seal_path),
        "has_signature": bool(signature_path),
        "background": f"background{Path(background_path).suffix.lower()}" if background_path else "",
        "layout": layout_of(template),
        "qr_svg": qr_svg(data.get("url") or "https://example.org/"),
        "number_label": "No.",
    }  # fmt: skip
    return compiler, inputs


def _compile(compiler, sys_inputs: dict, **options):
    import typst

    try:
        with _COMPILING:
            return compiler.compile(sys_inputs=sys_inputs, **options)
    except typst.TypstError as error:
        raise CertificateRenderError(
            _("The certificate could not be rendered: %(error)s") % {"error": error}
        ) from error


def render(*, template, data: dict, credential: bytes = b"") -> bytes:
    """`data`: name, name_en, title, title_en, citation, citation_en, number, date, date_en, url, and for an
    appointment letter term_end, term_end_en (the term's last day). `template` may be unsaved (a live preview).
    `credential`, the signed credential's JSON, is embedded by typst as the attachment `credential.json`."""
    compiler, inputs = _inputs(template=template, data=data)
    sys_inputs = {"data": json.dumps(inputs, ensure_ascii=False)}
    if credential:
        sys_inputs["credential"] = credential.decode()
    # The template shrinks a heading too long for one line, never below the smallest heading size
    smallest = LAYOUT_BOUNDS["heading_size"][0]
    return tracking.as_character_spacing(_compile(compiler, sys_inputs), min_size=smallest)


def render_png(*, template, data: dict, ppi: float = 60.0) -> bytes:
    """The certificate as a PNG, for the live preview of a template's layout."""
    compiler, inputs = _inputs(template=template, data=data)
    return _compile(compiler, {"data": json.dumps(inputs, ensure_ascii=False)}, format="png", ppi=ppi)


def extract_credential(pdf: bytes) -> bytes | None:
    """The embedded credential's bytes, or None. Raises ValueError if the file is not a readable PDF."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(pdf))
        attachments = reader.attachments
    except Exception as error:  # pypdf raises many kinds on broken files
        raise ValueError("not a readable PDF") from error
    for name in (CREDENTIAL_ATTACHMENT, *sorted(attachments)):
        if name in attachments and attachments[name]:
            return attachments[name][0]
    return None
