"""`{{ article|article_body }}`: the article's stored HTML, cleaned once more on the way out (laurel/news/rendering.py)."""

from django import template
from django.utils.safestring import mark_safe

from laurel.news.rendering import clean_rendered

register = template.Library()


@register.filter
def article_body(article) -> str:
    # Safe: nh3 has just cleaned it.
    return mark_safe(clean_rendered(article.body_html, article.format))
