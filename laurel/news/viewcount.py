"""A view counter without cookies that never writes the database on a page view.

A visitor is a salted hash of address + User-Agent; the salt changes every day (and is never stored), so
the same visitor counts once per article per day and no one can be followed across days. Counts wait in
the cache and `flush_view_counts` (management command or django.tasks task) adds them to the database.
"""

import datetime
import hashlib
import hmac
import re

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

BOTS = re.compile(
    r"bot|crawl|spider|slurp|curl|wget|python-requests|httpx|headless|monitor|preview|scrapy|feedfetcher|facebookexternalhit",
    re.IGNORECASE,
)
PENDING_KEY = "news:views:pending:{pk}"
SEEN_KEY = "news:views:seen:{pk}:{visitor}"
DAY = 24 * 3600


# Visitors this process has counted (or found counted) today; bounded, emptied when full.
RECENTLY_SEEN_MAX = 50_000
_recently_seen: set[str] = set()


def _remember(key: str) -> None:
    if len(_recently_seen) >= RECENTLY_SEEN_MAX:
        _recently_seen.clear()
    _recently_seen.add(key)


def forget_recent_visitors() -> None:
    _recently_seen.clear()


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOTS.search(user_agent))


def visitor_hash(address: str, user_agent: str, day: datetime.date) -> str:
    salt = hmac.new(settings.SECRET_KEY.encode(), f"news-views:{day.isoformat()}".encode(), hashlib.sha256).digest()
    return hmac.new(salt, f"{address}\n{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]


def record_view(article_pk: int, *, address: str, user_agent: str, now: datetime.datetime | None = None) -> bool:
    """Count one view in the cache; False for bots and for a visitor already counted today."""
    if is_bot(user_agent):
        return False
    day = timezone.localdate(now or timezone.now())
    key = SEEN_KEY.format(pk=article_pk, visitor=visitor_hash(address, user_agent, day))
    # A visitor this process already counted today costs nothing (the key holds the day); otherwise read
    # first: a repeat visitor costs one cache read, never a write (a database cache locks on writes).
    if key in _recently_seen:
        return False
    if cache.get(key) is not None or not cache.add(key, 1, timeout=DAY):
        _remember(key)
        return False
    _remember(key)
    pending = PENDING_KEY.format(pk=article_pk)
    cache.add(pending, 0, timeout=None)
    try:
        cache.incr(pending)
    except ValueError:  # the key was evicted between add and incr
        cache.set(pending, 1, timeout=None)
    return True


def pending_views(article_pk: int) -> int:
    return cache.get(PENDING_KEY.format(pk=article_pk), 0)


def flush_view_counts() -> int:
    """Move the cached counts into Article.view_count. Returns the number of views written."""
    from laurel.news.models import Article

    written = 0
    pks = list(Article.objects.exclude(status=Article.Status.DRAFT).values_list("pk", flat=True))
    keys = {PENDING_KEY.format(pk=pk): pk for pk in pks}
    for key, count in cache.get_many(list(keys)).items():
        if not count:
            continue
        Article.objects.filter(pk=keys[key]).update(view_count=F("view_count") + count)
        cache.decr(key, count)
        written += count
    if written:
        from laurel.core import pagecache

        pagecache.invalidate()
    return written
