import datetime
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laurel.news import tasks, viewcount
from laurel.news.models import Article
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"


@pytest.fixture(autouse=True)
def _clear_cache():
    from laurel.core import identity

    cache.clear()
    identity.assume_unset()  # the identity's version lived in the cache just cleared


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


# Exactness on the embedded default (no Redis): the views wait in a SQLite file of their own.

REDIS_URL = "redis://127.0.0.1:6379/4"
ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
OWN_VISITORS = 250  # each process's visitors; every process also sees the same SHARED visitors
SHARED_VISITORS = 250
BURST = """
import os, sys, time
import django
django.setup()
from django.conf import settings
settings.LAUREL_VIEWS_PATH, settings.LAUREL_VIEWS_REDIS_URL = sys.argv[1], sys.argv[2]
from laurel.news import viewcount
article, process, start = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
own, shared = int(sys.argv[6]), int(sys.argv[7])
addresses = [f"10.{process}.{i // 200}.{i % 200}" for i in range(own)]
addresses += [f"10.200.{i // 200}.{i % 200}" for i in range(shared)]
while time.time() < start:
    time.sleep(0.002)
agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"
print(sum(viewcount.record_view(article, address=address, user_agent=agent) for address in addresses))
"""


@pytest.fixture
def views_on_redis(settings):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.LAUREL_VIEWS_REDIS_URL = REDIS_URL
    viewcount.clear_store()
    yield client
    viewcount.clear_store()


def test_a_thousand_new_visitors_through_the_page_record_a_thousand_views(client):
    article = ArticleFactory(view_count=5)
    url = article.get_absolute_url()
    for index in range(1000):
        response = client.get(url, REMOTE_ADDR=f"198.51.{index // 250}.{index % 250}", HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 200
    for index in range(0, 1000, 7):  # some come back the same day: not counted again
        client.get(url, REMOTE_ADDR=f"198.51.{index // 250}.{index % 250}", HTTP_USER_AGENT=BROWSER)
    viewcount.forget_recent_visitors()  # another worker process, which has not seen them
    client.get(url, REMOTE_ADDR="198.51.0.0", HTTP_USER_AGENT=BROWSER)
    assert viewcount.pending_views(article.pk) == 1000
    assert viewcount.flush_view_counts() == 1000
    article.refresh_from_db()
    assert article.view_count == 1005
    assert viewcount.pending_views(article.pk) == 0


@pytest.mark.parametrize("store", ["file", "redis"])
def test_a_burst_from_four_processes_counts_each_visitor_once_while_flushes_run(store, request, settings, tmp_path):
    if store == "redis":
        request.getfixturevalue("views_on_redis")
    article = ArticleFactory()
    env = {**os.environ, "LAUREL_DEBUG": "1", "LAUREL_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env["DJANGO_SETTINGS_MODULE"] = "laurel.settings"
    env.pop("LAUREL_DATABASE_URL", None)  # the processes write only the views' store
    start = str(time.time() + 8)  # time for the processes to start Django
    arguments = [str(settings.LAUREL_VIEWS_PATH), settings.LAUREL_VIEWS_REDIS_URL, str(article.pk)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", BURST, *arguments, str(index), start, str(OWN_VISITORS), str(SHARED_VISITORS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(PROCESSES)
    ]
    flushed = 0
    while any(process.poll() is None for process in processes):  # flushes run during the burst
        flushed += viewcount.flush_view_counts()
        time.sleep(0.05)
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0] * PROCESSES, outputs
    recorded = sum(int(stdout.strip()) for stdout, _stderr in outputs)
    flushed += viewcount.flush_view_counts()
    expected = PROCESSES * OWN_VISITORS + SHARED_VISITORS
    assert recorded == expected
    assert flushed == expected
    article.refresh_from_db()
    assert article.view_count == expected


@pytest.mark.parametrize("store", ["file", "redis"])
def test_a_flush_that_stopped_half_way_is_finished_once_by_the_next(store, request):
    if store == "redis":
        request.getfixturevalue("views_on_redis")
    article = ArticleFactory()
    for index in range(3):
        viewcount.record_view(article.pk, address=f"203.0.113.{index}", user_agent=BROWSER)
    parts = viewcount._store().parts()  # the views file's shards (one store on Redis)
    claimed = [part.claim() for part in parts]  # a flush claimed the views and stopped before adding them
    assert sum(counts.get(article.pk, 0) for _batch, counts in claimed) == 3
    viewcount.record_view(article.pk, address="203.0.113.9", user_agent=BROWSER)
    assert viewcount.flush_view_counts() == 4
    article.refresh_from_db()
    assert article.view_count == 4

    viewcount.record_view(article.pk, address="203.0.113.10", user_agent=BROWSER)
    applied = 0
    for part in parts:
        batch, counts = part.claim()
        if batch is not None:
            applied += viewcount._apply(batch, counts)  # added, then stopped before confirming the batch
    assert applied == 1
    assert viewcount.flush_view_counts() == 0  # the next flush finds the batch applied and only confirms it
    article.refresh_from_db()
    assert article.view_count == 5
    assert viewcount.pending_views(article.pk) == 0


@pytest.mark.django_db(transaction=True)
def test_a_new_visitor_is_counted_while_another_connection_holds_a_write_transaction(client, settings):
    """Production's database cache, a warm page; another process holds SQLite's write lock for seconds. The control:
    a write to the database in that time is refused after a short wait, so the lock is really held."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's writers lock rows, not the database")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t_views"}}
    call_command("createcachetable", "t_views", verbosity=0)  # left in the test database: harmless
    article = ArticleFactory()
    url = article.get_absolute_url()
    assert client.get(url, REMOTE_ADDR="198.51.100.1", HTTP_USER_AGENT=BROWSER).status_code == 200
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=1, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE news_article SET summary = summary WHERE id = ?", (article.pk,))
        control = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.2, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            control.execute("BEGIN IMMEDIATE")
        control.close()
        started = time.monotonic()
        response = client.get(url, REMOTE_ADDR="198.51.100.2", HTTP_USER_AGENT=BROWSER)
        elapsed = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200
    assert elapsed < 1.0
    assert viewcount.pending_views(article.pk) == 2


def test_the_views_file_is_spread_over_shards_and_a_visitor_stays_in_one(settings, tmp_path):
    settings.LAUREL_VIEWS_PATH = tmp_path / "views.sqlite3"
    articles = [ArticleFactory(), ArticleFactory()]
    for index in range(200):
        for article in articles:
            viewcount.record_view(article.pk, address=f"198.51.100.{index}", user_agent=BROWSER)
    viewcount.forget_recent_visitors()  # another worker process: the same visitors land in the same files
    for index in range(200):
        assert not viewcount.record_view(articles[0].pk, address=f"198.51.100.{index}", user_agent=BROWSER)
    files = {path.name for path in tmp_path.glob("views*.sqlite3")}
    assert files == {"views.sqlite3"} | {f"views.{index}.sqlite3" for index in range(1, viewcount.SHARDS)}
    rows = [part.db.execute("SELECT count(*) FROM views").fetchone()[0] for part in viewcount._store().parts()]
    assert sum(rows) == 400 and min(rows) > 0  # every file holds some
    assert viewcount.pending_views(articles[0].pk) == 200
    assert viewcount.flush_view_counts() == 400
    assert [article.view_count for article in Article.objects.filter(pk__in=[a.pk for a in articles])] == [200, 200]
