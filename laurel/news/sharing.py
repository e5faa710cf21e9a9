"""Share links of a public page: a QR code for WeChat (drawn here as inline SVG, no script, no outside service) and
plain links to Weibo and mail. Nothing of another site loads with the page: the links are ordinary anchors."""

from urllib.parse import quote

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def qr_svg(url: str) -> str:
    """The page's address as a full QR code (phones' scanners, WeChat's included, do not read Micro QR), in SVG
    attributes only: the Content Security Policy refuses inline styles."""
    import segno

    code = segno.make(url, micro=False, error="m")
    # segno escapes the title; the rest is drawn from the code's modules, never from the address's text.
    svg = code.svg_inline(scale=4, border=2, title=_("QR code of this page"), dark="#1d2430", light="#fff")
    return mark_safe(svg)


def links(url: str, title: str) -> dict:
    return {
        "url": url,
        "qr": qr_svg(url),
        "weibo": f"https://service.weibo.com/share/share.php?url={quote(url, safe='')}&title={quote(title, safe='')}",
        "mail": f"mailto:?subject={quote(title, safe='')}&body={quote(url, safe='')}",
    }
