"""Article bodies to safe HTML. Markdown articles (the older ones) are rendered with `markdown`; articles written in
the rich-text editor are HTML. Both pass `nh3` with an allow-list: scripts, styles, event handlers, frames, forms,
SVG and foreign images never reach a reader. HTML bodies are cleaned when saved and again when shown (defence in
depth: a row written by another path, or before a rule was tightened, is still cleaned on the way out)."""

import re
from html import unescape as html_unescape
from urllib.parse import urlsplit

import markdown
import nh3

from laurel.core.storage import public_storage

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a", "img",
    "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "hr", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"scope"}}

# What the editor may produce (laurel/news/forms.py configures the editor with the same elements).
HTML_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "u", "s", "a", "ul", "ol", "li", "blockquote",
    "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td", "code", "pre",
}  # fmt: skip
HTML_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
LINK_SCHEMES = {"http", "https", "mailto"}
SOURCELESS_IMAGE = re.compile(r'<img(?: alt="[^"]*")?>')
IMAGE_SOURCE = re.compile(r'<img src="([^"]*)"')


def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def public_media_prefixes() -> tuple[str, ...]:
    """Where Laurel's public uploads are served from: /media/public/ on disk, the bucket's public URL in object
    storage. An article's pictures may only come from there (no tracking pixels, no hot-linked pictures)."""
    probe = "probe.jpg"
    url = public_storage().url(probe)
    return (url[: -len(probe)],)


def _is_own_image(src: str, prefixes: tuple[str, ...]) -> bool:
    if not src or any(char in src for char in "\\\x00\t\n\r ") or src.startswith("//"):
        return False
    parts = urlsplit(src)
    if parts.query or parts.fragment:
        return False
    # A path that climbs out of the public area (/media/public/../private/..., or %2e%2e which browsers read as
    # ..) is not a public picture; stored names are random letters, never escaped.
    if ".." in parts.path.split("/") or "%" in parts.path:
        return False
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return False
    return any(src.startswith(prefix) for prefix in prefixes)


def sanitize_html(html: str) -> str:
    """The editor's HTML reduced to the allow-list: links only to http(s) and mail addresses, always with
    rel="noopener noreferrer"; images only from Laurel's public media; everything else dropped."""
    prefixes = public_media_prefixes()

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return value if _is_own_image(value, prefixes) else None
        return value

    cleaned = nh3.clean(
        html,
        tags=HTML_TAGS,
        clean_content_tags={"script", "style"},
        attributes=HTML_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # nh3 keeps an <img> whose source was refused; without a source it is a broken picture, so it goes too. The
    # pattern reads nh3's own output, where attributes are quoted and `"` inside them escaped.
    return SOURCELESS_IMAGE.sub("", cleaned)


def foreign_images(html: str) -> list[str]:
    """The sources of the pictures `sanitize_html` would drop (another site's, data: URLs): the editor shows them,
    so the writer is told rather than surprised by a picture gone after saving."""
    prefixes = public_media_prefixes()
    images = nh3.clean(html, tags={"img"}, attributes={"img": {"src"}}, url_schemes={"http", "https", "data"})
    sources = IMAGE_SOURCE.findall(images)
    sourceless = images.count("<img") - len(sources)
    refused = [html_unescape(src) for src in sources if not _is_own_image(html_unescape(src), prefixes)]
    return refused + [""] * sourceless


def render_body(body: str, body_format: str) -> str:
    """The public HTML of an article body in its format ("markdown" or "html")."""
    return sanitize_html(body) if body_format == "html" else render_markdown(body)


def clean_rendered(body_html: str, body_format: str) -> str:
    """The stored HTML cleaned again when shown, with its format's allow-list: what was clean when saved comes out
    unchanged (a Markdown article renders exactly as before), whatever slipped in another way does not."""
    if body_format == "html":
        return sanitize_html(body_html)
    return nh3.clean(
        body_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
