"""Responsive copies of an article's cover, made once when the cover is uploaded.

A phone should not fetch a 4,000-pixel photo for a 320-pixel card: each cover gets WebP copies 320, 640 and 1280
pixels wide (never wider than the cover itself), which the pages offer through `srcset` (templatetags/news_images.py).
The cover's own pixel size is kept too, so each <img> carries width and height and the page does not jump while
pictures arrive. Covers stored before this existed get theirs from `manage.py make_cover_thumbnails` (seed_demo runs
it for the demo).
"""

import io
import logging

from django.core.files.base import ContentFile
from django.db import transaction

from laurel.core.storage import public_storage

WIDTHS = (320, 640, 1280)
FOLDER = "news/covers/thumbs"
QUALITY = 78
logger = logging.getLogger(__name__)


def render(content: bytes) -> tuple[int, int, dict[int, bytes]]:
    """The cover's size and its WebP copies by width. `content` is a judged image (core/uploads.py): already
    decoded once, bounded in pixels, without metadata."""
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        image.load()
        width, height = image.size
        rgb = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    copies = {}
    # The cover's own width joins the list when it is narrower than the largest copy: a 900-pixel cover gets 320,
    # 640 and 900, and no copy is ever an enlargement.
    targets = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    for target in targets:
        copy = rgb if target == width else rgb.resize((target, max(1, round(height * target / width))), Image.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, "WEBP", quality=QUALITY, method=4)
        copies[target] = buffer.getvalue()
    return width, height, copies


def store(copies: dict[int, bytes]) -> dict[str, str]:
    storage = public_storage()
    return {
        str(width): storage.save(f"{FOLDER}/cover.webp", ContentFile(data, name="cover.webp"))
        for width, data in copies.items()
    }


def delete(names: dict) -> None:
    storage = public_storage()
    for name in names.values():
        try:
            storage.delete(name)
        except OSError:  # already gone: nothing to clean
            logger.warning("could not delete thumbnail %s", name)


def attach(article, content: bytes) -> None:
    """Set the article's cover size and copies from the judged cover bytes (the caller saves the article)."""
    attach_rendered(article, render(content))


def attach_rendered(article, rendered: tuple[int, int, dict[int, bytes]]) -> None:
    """Store copies made beforehand by `render` (outside the writer's transaction: resizing a large photo takes
    a moment, and the database's write lock should not wait for it). The old copies are deleted once the new ones
    are committed."""
    width, height, copies = rendered
    old = dict(article.cover_thumbnails or {})
    article.cover_width, article.cover_height = width, height
    article.cover_thumbnails = store(copies)
    if old:
        transaction.on_commit(lambda: delete(old))


def ensure(article) -> bool:
    """Make the copies of a cover stored without them; True when it made some."""
    if not article.cover or article.cover_thumbnails:
        return False
    try:
        with article.cover.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return False
    attach(article, content)
    type(article).objects.filter(pk=article.pk).update(
        cover_width=article.cover_width, cover_height=article.cover_height, cover_thumbnails=article.cover_thumbnails
    )
    return True


def srcset(article) -> str:
    storage = public_storage()
    return ", ".join(
        f"{storage.url(name)} {width}w"
        for width, name in sorted(((int(w), n) for w, n in (article.cover_thumbnails or {}).items()))
    )


def smallest_at_least(article, width: int) -> str:
    """The URL of the first copy at least `width` wide (else the largest): the `src` for browsers without srcset."""
    thumbs = sorted((int(w), n) for w, n in (article.cover_thumbnails or {}).items())
    if not thumbs:
        return article.cover.url if article.cover else ""
    for thumb_width, name in thumbs:
        if thumb_width >= width:
            return public_storage().url(name)
    return public_storage().url(thumbs[-1][1])
