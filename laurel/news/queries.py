"""Reads about news that repeat."""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laurel.core.registry import Todo
from laurel.news import permissions
from laurel.news.models import Article, Comment, Section

CARD_FIELDS = (
    "code", "title", "summary", "release_at", "cover", "cover_width", "cover_height", "cover_thumbnails", "section",
)  # fmt: skip


def latest(language: str, limit: int = 6):
    return list(
        Article.objects.published().in_language(language).only("code", "title", "summary", "release_at")[:limit]
    )


def sections() -> list[Section]:
    return list(Section.objects.all())


def front_page(request):
    """The lead story (the latest news with a cover), news cards and, apart, the notices (通知公告): three queries."""
    language = get_language()
    published = Article.objects.published().in_language(language).select_related("section").only(*CARD_FIELDS)
    news = list(published.exclude(section__is_notice=True)[:7])
    notices = list(published.filter(section__is_notice=True).only("code", "title", "release_at", "section")[:6])
    if not news and not notices:
        return None
    lead = next((article for article in news if article.cover), news[0] if news else None)
    cards = [article for article in news if article is not lead][:6]
    notice_section = (
        next((article.section for article in notices), None) or Section.objects.filter(is_notice=True).first()
    )
    return {"lead": lead, "cards": cards, "notices": notices, "notice_section": notice_section}


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The previous (older) and next (newer) public articles in the article's section and language."""
    if article.release_at is None:
        return None, None
    same = (
        Article.objects.published()
        .filter(language=article.language, section_id=article.section_id)
        .exclude(pk=article.pk)
        .only("code", "title", "release_at")
    )
    older = (
        same.filter(release_at__lte=article.release_at)
        .exclude(release_at=article.release_at, pk__gt=article.pk)
        .order_by("-release_at", "-pk")
        .first()
    )
    newer = (
        same.filter(release_at__gte=article.release_at)
        .exclude(release_at=article.release_at, pk__lt=article.pk)
        .order_by("release_at", "pk")
        .first()
    )
    return older, newer


def todos(user) -> list[Todo]:
    """Comments waiting for a moderator: one count."""
    if not permissions.can_moderate_comments(user):
        return []
    count = Comment.objects.filter(status=Comment.Status.PENDING).count()
    return [Todo(_("Comments to moderate"), count, reverse("news:moderation_queue"))]
