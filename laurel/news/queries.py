"""Reads about news that repeat."""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laurel.core.registry import Todo
from laurel.news import permissions
from laurel.news.models import Article, Comment


def latest(language: str, limit: int = 6):
    return list(
        Article.objects.published().in_language(language).only("code", "title", "summary", "release_at")[:limit]
    )


def front_page(request):
    articles = latest(get_language())
    return {"articles": articles} if articles else None


def todos(user) -> list[Todo]:
    """Comments waiting for a moderator: one count."""
    if not permissions.can_moderate_comments(user):
        return []
    count = Comment.objects.filter(status=Comment.Status.PENDING).count()
    return [Todo(_("Comments to moderate"), count, reverse("news:moderation_queue"))]
