"""Reads about news that repeat."""

from django.utils.translation import get_language

from laurel.news.models import Article


def latest(language: str, limit: int = 6):
    return list(
        Article.objects.published().in_language(language).only("code", "title", "summary", "release_at")[:limit]
    )


def front_page(request):
    articles = latest(get_language())
    return {"articles": articles} if articles else None
