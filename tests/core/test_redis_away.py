"""Redis restarting or unreachable for a moment (bench/cluster_chaos.py restarts the cluster's Redis under load):
pages are rendered from the database, rate limits count in the database, and a page cached just before Redis lost
its keys is not served after the next edit. The controls show what Django's plain Redis backend and the old
version counter did."""

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings

from laurel.core import pagecache, ratelimit
from laurel.core.models import RateCounter
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db

AWAY = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once


def caches(backend: str) -> dict:
    return {"default": {"BACKEND": backend, "LOCATION": AWAY}}


@pytest.fixture(autouse=True)
def fresh_page_cache():
    pagecache.forget_local()
    yield
    pagecache.forget_local()


def test_the_front_page_and_an_article_are_served_while_redis_is_away(client):
    article = ArticleFactory()
    with override_settings(CACHES=caches("laurel.core.cache.ForgivingRedisCache")):
        assert client.get("/").status_code == 200
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert article.title in response.content.decode()
        assert cache.get("anything", "missed") == "missed"
        with pytest.raises(ValueError):  # as if the key had been evicted, which every caller handles
            cache.incr("anything")


def test_control_django_s_plain_redis_backend_fails_the_page_while_redis_is_away(client):
    with (
        override_settings(CACHES=caches("django.core.cache.backends.redis.RedisCache")),
        pytest.raises(redis.ConnectionError),
    ):
        client.get("/")


def test_rate_limits_count_in_the_database_while_redis_is_away(settings):
    limit = ratelimit.Limit("tests.away", count=2, seconds=60)
    settings.LAUREL_RATE_LIMIT_REDIS_URL = AWAY
    with pytest.raises(redis.ConnectionError):  # control: Redis really is away
        ratelimit._redis_count(limit, "bucket")
    assert [ratelimit.allow_address(limit, "203.0.113.9") for _ in range(3)] == [True, True, False]
    assert RateCounter.objects.get(scope="tests.away").count == 3
    ratelimit.reset(limit, "address:203.0.113.9")
    assert not RateCounter.objects.exists()


def test_a_page_cached_just_before_redis_lost_its_keys_is_not_served_after_the_next_edit():
    cache.clear()
    pagecache.invalidate()
    remembered = pagecache.version()  # a process remembers this version for a moment ...
    cache.clear()  # ... while Redis restarts and loses every key,
    stale = pagecache.page_key("/news/ART1/", "zh-hans")  # so that process caches a page from before the edit
    cache.set(stale, pagecache.Page("before the edit"))
    pagecache.forget_local()  # the edit, in another process
    pagecache.invalidate()
    assert pagecache.version() != remembered  # counted up from 1 again, the old counter met it (2 == 2)
    assert pagecache.get(pagecache.page_key("/news/ART1/", "zh-hans")) is None


def test_a_fresh_version_is_never_one_counted_up_before_a_loss():
    cache.clear()
    first = pagecache.version()
    for _ in range(5):
        pagecache.invalidate()
    counted_up = pagecache.version()
    cache.clear()
    pagecache.forget_local()
    assert pagecache.version() > counted_up > first
