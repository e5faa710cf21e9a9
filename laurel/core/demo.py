"""The demo association's identity: its names, contact, fictional filing numbers, and images drawn here.

The seal is generated (a red ring, a star and the name along the arc, as a Chinese association's seal is laid
out), never a picture of a real one; the logo and the WeChat QR are drawn too, so the demo ships no image files.
"""

import io
import math
from pathlib import Path

import segno
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from laurel.core import identity
from laurel.core.models import SiteIdentity

NAME = "云州市科学技术协会"
NAME_EN = "Yunzhou Association for Science and Technology"
SEAL_RED = (200, 16, 30, 255)


def _font(size: int, *, bold: bool = True):
    directory = Path(settings.LAUREL_CJK_FONT_DIR)
    for name in ("NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"):
        if (directory / name).exists():
            return ImageFont.truetype(str(directory / name), size, index=2)  # index 2: the SC face of the collection
    return ImageFont.load_default(size)


def _star(draw, center, radius, fill):
    points = []
    for index in range(10):
        angle = -math.pi / 2 + index * math.pi / 5
        r = radius if index % 2 == 0 else radius * 0.382
        points.append((center[0] + r * math.cos(angle), center[1] + r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def seal_png(name: str = NAME, size: int = 600) -> bytes:
    """A round seal: ring, five-pointed star, the name clockwise along the upper arc, transparent background."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    center = size / 2
    ring = size * 0.035
    draw.ellipse((ring, ring, size - ring, size - ring), outline=SEAL_RED, width=int(ring))
    _star(draw, (center, center), size * 0.16, SEAL_RED)
    font = _font(int(size * 0.11))
    radius = size * 0.36
    span = math.radians(240)  # the text runs over 240 degrees of the arc, centred on the top
    for index, char in enumerate(name):
        angle = -math.pi / 2 - span / 2 + span * (index + 0.5) / len(name)
        glyph = Image.new("RGBA", (int(size * 0.16), int(size * 0.16)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC, expand=True)
        x = center + radius * math.cos(angle) - glyph.width / 2
        y = center + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def logo_png(size: int = 160) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(163, 22, 26, 255))
    draw.text((size / 2, size / 2), "云", font=_font(int(size * 0.55)), fill=(255, 255, 255, 255), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def seed(*, stdout) -> list:
    if SiteIdentity.objects.filter(pk=1, name=NAME).exists():
        return []
    identity.save_identity(
        actor=None,
        data={
            "name": NAME,
            "name_en": NAME_EN,
            "about": "云州市科学技术协会是云州市科学技术工作者的群众组织，是党和政府联系科技工作者的桥梁和纽带。",
            "about_en": (
                "The Yunzhou Association for Science and Technology is the city's organization of science and "
                "technology workers, a bridge between them and the city government. (A fictional association.)"
            ),
            "address": "云州市科技路1号科技馆三楼",
            "address_en": "3F Science Hall, 1 Keji Road, Yunzhou",
            "phone": "0000-12345678",
            "email": "office@laurel.demo",
            "icp_number": "云ICP备00000000号-1（演示）",
            "public_security_number": "云公网安备00000000000000号（演示）",
        },
        files={
            "logo": SimpleUploadedFile("logo.png", logo_png(), content_type="image/png"),
            "wechat_qr": SimpleUploadedFile("qr.png", qr_png(settings.SITE_URL + "/"), content_type="image/png"),
            "seal": SimpleUploadedFile("seal.png", seal_png(), content_type="image/png"),
        },
    )
    stdout.write("Identity: the association's name, logo, seal and filing numbers (staff: /staff/site/)")
    return []
