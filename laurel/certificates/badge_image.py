"""The achievement's image of Open Badges 3.0: a round badge with the award's name, drawn by Pillow in Noto CJK.

One PNG per award (template and certificate title), drawn the first time a certificate of that award is issued
and kept in public storage (`BadgeImage`); the credential names it by a stable address on this site
(`certificates:badge_image`), which serves the stored bytes with a long cache."""

import io
from functools import lru_cache

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from laurel.certificates import pdf
from laurel.certificates.models import BadgeImage, CertificateTemplate

SIZE = 512
RED = (178, 34, 34)
GOLD = (212, 175, 55)
WHITE = (255, 255, 255)
# Lines of the name drawn inside the ring: more would be too small to read on a phone.
MAX_LINES = 4
# A drawn badge is about 60 KB; the view reads no more than this.
MAX_BYTES = 2 * 1024 * 1024


@lru_cache(maxsize=8)
def _font(size: int):
    """Noto Sans CJK Bold (fonts-noto-cjk): the collection's first face is Japanese; index 2 is Simplified Chinese."""
    from PIL import ImageFont

    path = pdf.check_fonts() / "NotoSansCJK-Bold.ttc"
    if not path.exists():
        path = next(iter(sorted(pdf.font_dir().glob("*CJK*"))))
    try:
        return ImageFont.truetype(str(path), size, index=2)
    except OSError:
        return ImageFont.truetype(str(path), size)


def _words(text: str) -> list[str]:
    """Units that must not be split: a Latin word with its following space, else a single character (Chinese
    breaks between any two characters)."""
    units, word = [], ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            units.append(word)
            word = ""
        if units and char.isspace():
            units[-1] += char
        elif not char.isspace():
            units.append(char)
    if word:
        units.append(word)
    return units


def _lines(text: str, font, width: int) -> list[str] | None:
    """`text` broken to fit `width`; None when a single unit is wider than the line."""
    lines, current = [], ""
    for unit in _words(text):
        if font.getlength((current + unit).rstrip()) <= width:
            current += unit
            continue
        if not current or font.getlength(unit.rstrip()) > width:
            return None
        lines.append(current.rstrip())
        current = unit
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _fit(text: str, width: int, scale: int) -> tuple[object, list[str]]:
    """The largest font (and the lines) that fits `text` in MAX_LINES lines of `width`; else the smallest, cut."""
    for size in (64, 56, 48, 42, 36, 30, 26, 22):
        font = _font(size * scale)
        lines = _lines(text, font, width)
        if lines is not None and len(lines) <= MAX_LINES:
            return font, lines
    font = _font(22 * scale)
    lines, current = [], ""
    for char in text:  # too long for words: break anywhere, keep MAX_LINES, end with an ellipsis
        if font.getlength(current + char) > width and current:
            lines.append(current)
            current = ""
        current += char
    lines.append(current)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][:-1] + "…"
    return font, lines


def _star(centre: tuple[float, float], radius: float) -> list[tuple[float, float]]:
    import math

    points = []
    for index in range(10):
        length = radius if index % 2 == 0 else radius * 0.4
        angle = math.pi / 2 + index * math.pi / 5
        points.append((centre[0] + length * math.cos(angle), centre[1] - length * math.sin(angle)))
    return points


def draw(title: str, heading: str = "") -> bytes:
    """The badge as PNG bytes: a red disc, a gold ring, the heading (e.g. 荣誉证书) above the award's name."""
    from PIL import Image, ImageDraw

    scale = 2  # drawn at twice the size and reduced: smooth edges without Pillow's antialiasing of shapes
    size = SIZE * scale
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    canvas.ellipse((0, 0, size - 1, size - 1), fill=RED)
    ring = 26 * scale
    canvas.ellipse((ring, ring, size - 1 - ring, size - 1 - ring), outline=GOLD, width=10 * scale)
    centre = size // 2
    if heading:
        small = _font(34 * scale)
        canvas.text((centre, centre - 150 * scale), heading[:12], font=small, fill=GOLD, anchor="mm")
    font, lines = _fit(" ".join(title.split()) or "—", int(size * 0.66), scale)
    line_height = int(font.size * 1.25)
    top = centre + 10 * scale - line_height * (len(lines) - 1) / 2
    for number, line in enumerate(lines):
        canvas.text((centre, top + number * line_height), line, font=font, fill=WHITE, anchor="mm")
    canvas.polygon(_star((centre, size - 95 * scale), 22 * scale), fill=GOLD)
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def badge_for(template: CertificateTemplate, title: str) -> BadgeImage:
    """The award's badge, drawn and stored the first time it is asked for. Two workers drawing it at once: the
    unique constraint keeps one, the other's file is deleted."""
    title = title[:200]
    existing = BadgeImage.objects.filter(template=template, title=title).first()
    if existing is not None:
        return existing
    badge = BadgeImage(template=template, title=title)
    badge.image.save("badge.png", ContentFile(draw(title, template.heading)), save=False)
    try:
        with transaction.atomic():
            badge.save()
    except IntegrityError:
        badge.image.delete(save=False)
        return BadgeImage.objects.get(template=template, title=title)
    return badge


def image_url(badge: BadgeImage) -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse("certificates:badge_image", kwargs={"pk": badge.pk})
