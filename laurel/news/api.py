"""Published articles in the JSON API (read-only)."""

import datetime
from typing import Literal

from ninja import Query, Router, Schema

from laurel.news.models import Article

router = Router(tags=["news"])


class ArticleOut(Schema):
    code: str
    language: str
    title: str
    summary: str
    source: str
    reporter: str
    release_at: datetime.datetime
    cover_credit: str
    tags: list[str]
    translation_of: str | None
    event: str | None
    campaign: str | None
    lecture_group: str | None
    url: str

    @staticmethod
    def resolve_tags(article):
        return [tag.name for tag in article.tags.all()]

    @staticmethod
    def resolve_translation_of(article):
        return article.translation_of.code if article.translation_of_id else None

    @staticmethod
    def resolve_event(article):
        return article.event.code if article.event_id else None

    @staticmethod
    def resolve_campaign(article):
        return article.campaign.code if article.campaign_id else None

    @staticmethod
    def resolve_lecture_group(article):
        return article.lecture_group.slug if article.lecture_group_id else None

    @staticmethod
    def resolve_url(article):
        return article.get_absolute_url()


@router.get("/articles", response=list[ArticleOut])
def list_published_articles(
    request,
    language: Literal["zh-hans", "en"] | None = None,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
):
    """Published articles, the latest first."""
    articles = (
        Article.objects.published()
        .select_related("translation_of", "event", "campaign", "lecture_group")
        .prefetch_related("tags")
    )
    if language:
        articles = articles.filter(language=language)
    return list(articles[offset : offset + limit])
