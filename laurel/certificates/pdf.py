"""Render certificates to PDF with typst, which also embeds the signed credential as an attachment."""

import io
import json
import os
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from laurel.core import identity

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


@lru_cache(maxsize=8)
def _compiler(template_pk, updated_at, seal_path: str, signature_path: str, fonts: str):
    """One compiler (fonts loaded once) per template version; its images sit in a private directory."""
    import typst

    root = Path(tempfile.mkdtemp(prefix=f"laurel-certificate-{template_pk}-"))
    shutil.copy(TEMPLATE, root / "main.typ")
    for source, name in ((seal_path, "seal.png"), (signature_path, "signature.png")):
        if source:
            shutil.copy(source, root / name)
    return typst.Compiler(str(root / "main.typ"), font_paths=[fonts], ignore_system_fonts=True)


def qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="svg", border=1, xmldecl=False)
    return buffer.getvalue().decode()


def render(*, template, data: dict, credential: bytes = b"") -> bytes:
    """`data`: name, name_en, title, title_en, citation, citation_en, number, date, date_en, url.
    `credential`, the signed credential's JSON, is embedded by typst as the attachment `credential.json`."""
    import typst

    fonts = check_fonts()
    # A template without a seal or signature of its own prints the association's (set on the identity page)
    site = identity.current()
    seal_path = template.seal.path if template.seal else site.seal_path
    signature_path = template.signature.path if template.signature else site.signature_path
    # Another process may have replaced the association's seal a moment ago (the old file goes on commit)
    seal_path, signature_path = (path if path and os.path.exists(path) else "" for path in (seal_path, signature_path))
    compiler = _compiler(template.pk or 0, template.updated_at, seal_path, signature_path, str(fonts))
    inputs = {
        **data,
        "association_name": template.association_name,
        "association_name_en": template.association_name_en,
        "heading": template.heading,
        "heading_en": template.heading_en,
        "signatory": template.signatory,
        "has_seal": bool(seal_path),
        "has_signature": bool(signature_path),
        "qr_svg": qr_svg(data["url"]),
        "number_label": "No.",
    }
    sys_inputs = {"data": json.dumps(inputs, ensure_ascii=False)}
    if credential:
        sys_inputs["credential"] = credential.decode()
    try:
        with _COMPILING:
            return compiler.compile(sys_inputs=sys_inputs)
    except typst.TypstError as error:
        raise CertificateRenderError(
            _("The certificate could not be rendered: %(error)s") % {"error": error}
        ) from error


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
