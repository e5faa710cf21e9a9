"""Published articles and the site search in the JSON API (read-only)."""

import datetime
from typing import Literal

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from laurel.news import search
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


class ErrorOut(Schema):
    detail: dict[str, list[str]] | str


class SearchHitOut(Schema):
    kind: str
    title: str
    summary: str
    url: str
    date: datetime.datetime | None


class SearchOut(Schema):
    query: str
    kind: str | None
    page: int
    pages: int
    total: int
    counts: dict[str, int]
    results: list[SearchHitOut] = Field(..., alias="hits")


@router.get("/search", response={200: SearchOut, 422: ErrorOut})
def site_search(
    request,
    # The length is judged by search.parse_query, so a refusal comes in the caller's language.
    q: str = Query(..., description="words to find, all of them; at most 100 characters"),
    kind: Literal["article", "honoree", "event", "topic"] | None = None,
    page: int = Query(1, ge=1, le=search.MAX_PAGE),
):
    """The public site search: articles, published honorees, public events and talk topics, by kind. An empty
    or too long query is a 422 with the reason in the caller's language."""
    return search.search(q, kind=kind, page=page, language=get_language())
