"""Published articles and the site search in the JSON API (read-only)."""

import datetime
from typing import Literal

from django.urls import reverse
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
    section: str | None
    translation_of: str | None
    event: str | None
    campaign: str | None
    lecture_group: str | None
    url: str


# A page of articles is one query of the listed columns (never the bodies) and one of their tags: 50 model
# instances with four related rows each, and a URL reversed for each, cost most of this endpoint's time.
ARTICLE_COLUMNS = ("pk", "code", "language", "title", "summary", "source", "reporter", "release_at", "cover_credit")
LINKED = {  # output name: the related column it shows
    "section": "section__slug",
    "translation_of": "translation_of__code",
    "event": "event__code",
    "campaign": "campaign__code",
    "lecture_group": "lecture_group__slug",
}


@router.get("/articles", response=list[ArticleOut])
def list_published_articles(
    request,
    language: Literal["zh-hans", "en"] | None = None,
    section: str | None = Query(None, max_length=40, description="a section's address name, e.g. notices"),
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
):
    """Published articles, the latest first."""
    articles = Article.objects.published()
    if language:
        articles = articles.filter(language=language)
    if section:
        articles = articles.filter(section__slug=section)
    rows = list(articles.values(*ARTICLE_COLUMNS, *LINKED.values())[offset : offset + limit])
    tags: dict[int, list[str]] = {row["pk"]: [] for row in rows}
    through = Article.tags.through.objects.filter(article_id__in=tags).order_by("tag__name", "tag_id")
    for article_id, name in through.values_list("article_id", "tag__name"):
        tags[article_id].append(name)
    url = reverse("news:article_detail", kwargs={"code": "CODE"})
    for row in rows:
        row["tags"] = tags[row.pop("pk")]
        for name, column in LINKED.items():
            row[name] = row.pop(column)
        row["url"] = url.replace("CODE", row["code"])
    return rows


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
