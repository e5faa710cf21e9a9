"""`{% cover_image article sizes="..." %}`: a cover as a responsive, lazily loaded picture that does not shift the
page (its width and height are the cover's own, scaled by CSS)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from laurel.news import thumbnails

register = template.Library()


@register.simple_tag
def cover_image(article, sizes="100vw", css_class="cover", eager=False, fallback_width=640):
    if not article.cover:
        return ""
    srcset = thumbnails.srcset(article)
    src = thumbnails.smallest_at_least(article, fallback_width)
    width, height = article.cover_width, article.cover_height
    return format_html(
        '<img class="{}" src="{}"{} alt=""{} {}decoding="async">',
        css_class,
        src,
        format_html(' srcset="{}" sizes="{}"', srcset, sizes) if srcset else "",
        format_html(' width="{}" height="{}"', width, height) if width and height else "",
        "" if eager else mark_safe('loading="lazy" '),
    )
