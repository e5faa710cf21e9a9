""" "See also": articles sharing tags and text (character bigrams, so Chinese works without word splitting)."""

import re

from django.core.cache import cache

from laurel.core import pagecache

CACHE_KEY = "news:related:{pk}:{version}"
TAG_WEIGHT = 0.5


def shingles(text: str, size: int = 2) -> set[str]:
    compact = re.sub(r"[\W_]+", "", text.lower())
    return {compact[index : index + size] for index in range(max(len(compact) - size + 1, 0))}


def similarity(first: set[str], second: set[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def score(article_tags: set[int], article_text: set[str], candidate_tags: set[int], candidate_text: set[str]) -> float:
    shared_tags = len(article_tags & candidate_tags)
    return TAG_WEIGHT * shared_tags + similarity(article_text, candidate_text)


TAG = re.compile(r"<[^>]*>")


def _text(article) -> str:
    body = article.body[:2000]
    # An editor-written body is HTML: its tags (<p>, <strong>) would make every such article look alike.
    if getattr(article, "format", "markdown") == "html":
        body = TAG.sub(" ", body)
    return f"{article.title} {article.summary} {body}"


def compute_related(article, *, limit: int = 4) -> list[int]:
    from laurel.news.models import Article

    candidates = (
        Article.objects.published().filter(language=article.language).exclude(pk=article.pk).prefetch_related("tags")
    )
    own_tags = {tag.pk for tag in article.tags.all()}
    own_text = shingles(_text(article))
    scored = []
    for candidate in candidates:
        value = score(own_tags, own_text, {tag.pk for tag in candidate.tags.all()}, shingles(_text(candidate)))
        if value > 0.05:
            scored.append((value, candidate.release_at, candidate.pk))
    scored.sort(reverse=True)
    return [pk for _value, _release, pk in scored[:limit]]


def version() -> int:
    return cache.get_or_set("news:related:version", pagecache.fresh_version, timeout=None)


def invalidate() -> None:
    try:
        cache.incr("news:related:version")
    except ValueError:  # no version in the cache (Redis restarted): a fresh one, never one used before
        cache.set("news:related:version", pagecache.fresh_version(), timeout=None)


def related_articles(article, *, limit: int = 4):
    from laurel.news.models import Article

    key = CACHE_KEY.format(pk=article.pk, version=version())
    pks = cache.get(key)
    if pks is None:
        pks = compute_related(article, limit=limit)
        cache.set(key, pks, timeout=3600)
    by_pk = Article.objects.published().in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]
