import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laurel.news import tasks, viewcount
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_same_visitor_counts_once_a_day():
    article = ArticleFactory()
    assert viewcount.record_view(article.pk, address="203.0.113.5", user_agent=BROWSER) is True
    assert viewcount.record_view(article.pk, address="203.0.113.5", user_agent=BROWSER) is False
    assert viewcount.record_view(article.pk, address="203.0.113.6", user_agent=BROWSER) is True
    assert viewcount.pending_views(article.pk) == 2


def test_same_visitor_counts_again_the_next_day():
    article = ArticleFactory()
    today = timezone.now()
    viewcount.record_view(article.pk, address="203.0.113.5", user_agent=BROWSER, now=today)
    assert viewcount.record_view(
        article.pk, address="203.0.113.5", user_agent=BROWSER, now=today + datetime.timedelta(days=1)
    )


def test_visitor_hash_rotates_daily():
    day = datetime.date(2023, 5, 30)
    assert viewcount.visitor_hash("1.2.3.4", BROWSER, day) != viewcount.visitor_hash(
        "1.2.3.4", BROWSER, day + datetime.timedelta(days=1)
    )


@pytest.mark.parametrize("agent", ["Googlebot/2.1", "curl/8.0", "Mozilla/5.0 (compatible; bingbot/2.0)", ""])
def test_bots_are_not_counted(agent):
    article = ArticleFactory()
    assert viewcount.record_view(article.pk, address="203.0.113.5", user_agent=agent) is False
    assert viewcount.pending_views(article.pk) == 0


def test_page_view_does_not_write_the_database(client):
    article = ArticleFactory()
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert viewcount.pending_views(article.pk) == 1


def test_flush_moves_counts_once():
    article = ArticleFactory(view_count=10)
    for index in range(3):
        viewcount.record_view(article.pk, address=f"203.0.113.{index}", user_agent=BROWSER)
    assert tasks.flush_view_counts.enqueue().return_value == 3
    assert viewcount.flush_view_counts() == 0
    article.refresh_from_db()
    assert article.view_count == 13
