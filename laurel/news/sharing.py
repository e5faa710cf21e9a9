"""Share links of a public page: a QR code for WeChat (drawn here as SVG, no script, no outside service) and plain
links to Weibo and mail. Nothing of another site loads with the page: the links are ordinary anchors.

The QR code is an image of its own (`news:article_qr`), not drawn into the page: segno is then loaded by a process
only when someone looks at the code (a web worker stays light, tests/core/test_memory.py), and the page stays
small; browsers fetch it lazily."""

from urllib.parse import quote

from django.utils.translation import gettext as _


def qr_svg(url: str) -> str:
    """The page's address as a full QR code (phones' scanners, WeChat's included, do not read Micro QR): a whole SVG
    document with a viewBox (it scales to the box the page gives it), in SVG attributes only."""
    import io

    import segno

    code = segno.make(url, micro=False, error="m")
    buffer = io.BytesIO()
    # segno escapes the title; the rest is drawn from the code's modules, never from the address's text.
    code.save(
        buffer, kind="svg", scale=4, border=2, omitsize=True, xmldecl=False, title=_("QR code of this page"),
        dark="#1d2430", light="#fff",
    )  # fmt: skip
    return buffer.getvalue().decode()


def links(url: str, title: str, qr_url: str) -> dict:
    return {
        "url": url,
        "qr": qr_url,
        "weibo": f"https://service.weibo.com/share/share.php?url={quote(url, safe='')}&title={quote(title, safe='')}",
        "mail": f"mailto:?subject={quote(title, safe='')}&body={quote(url, safe='')}",
    }
