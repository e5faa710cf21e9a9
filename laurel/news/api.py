"""Published articles in the JSON API (read-only)."""

import datetime
from typing import Literal

from django.urls import reverse
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


# A page of articles is one query of the listed columns (never the bodies) and one of their tags: 50 model
# instances with four related rows each, and a URL reversed for each, cost most of this endpoint's time.
ARTICLE_COLUMNS = ("pk", "code", "language", "title", "summary", "source", "reporter", "release_at", "cover_credit")
LINKED = {  # output name: the related column it shows
    "translation_of": "translation_of__code",
    "event": "event__code",
    "campaign": "campaign__code",
    "lecture_group": "lecture_group__slug",
}


@router.get("/articles", response=list[ArticleOut])
def list_published_articles(
    request,
    language: Literal["zh-hans", "en"] | None = None,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
):
    """Published articles, the latest first."""
    articles = Article.objects.published()
    if language:
        articles = articles.filter(language=language)
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
