"""A limit of N lets exactly N through: under a burst from four workers at once, with visitor traffic filling the
cache, on the database (SQLite file, PostgreSQL) and on Redis. The controls run the counter Laurel used before (add
then incr in Django's cache) against the database cache, the default without LAUREL_CACHE_URL, and see it let more
through."""

import os
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import pytest
import redis
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection

from laurel.core import ratelimit
from laurel.core.models import RateCounter

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 4
ATTEMPTS = 240  # 60 per worker
LIMIT = ratelimit.Limit("tests.burst", count=60, seconds=600)
REDIS_URL = "redis://127.0.0.1:6379/4"


def burst(attempt) -> int:
    """Run ATTEMPTS calls of `attempt` from WORKERS threads released at the same moment; how many were accepted."""
    barrier = threading.Barrier(WORKERS, timeout=30)
    accepted = []
    errors = []

    def work():
        try:
            barrier.wait()
            accepted.append(sum(bool(attempt()) for _index in range(ATTEMPTS // WORKERS)))
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _index in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return sum(accepted)


@pytest.fixture
def database_cache():
    """Django's database cache with its default size (300 entries), as deployed without LAUREL_CACHE_URL."""
    call_command("createcachetable", "tests_ratelimit_cache", verbosity=0)
    yield DatabaseCache("tests_ratelimit_cache", {})
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE tests_ratelimit_cache")


def old_cache_counter(cache, key: str):
    """The counter the votes, comments and talk requests used before: add, then incr (get + set on this cache)."""

    def attempt() -> bool:
        cache.add(key, 0, timeout=600)
        try:
            count = cache.incr(key)
        except ValueError:  # culled between add and incr
            cache.set(key, 1, timeout=600)
            count = 1
        return count <= LIMIT.count

    return attempt


@pytest.fixture
def on_redis(settings):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.LAUREL_RATE_LIMIT_REDIS_URL = REDIS_URL
    client.flushdb()
    yield client
    client.flushdb()


def test_a_burst_from_four_workers_lets_exactly_the_limit_through_on_the_database():
    assert burst(lambda: ratelimit.allow_address(LIMIT, "203.0.113.5")) == LIMIT.count
    assert RateCounter.objects.get().count == ATTEMPTS


def test_a_burst_from_four_workers_lets_exactly_the_limit_through_on_redis(on_redis):
    assert burst(lambda: ratelimit.allow_address(LIMIT, "203.0.113.5")) == LIMIT.count
    assert not RateCounter.objects.exists()
    (key,) = on_redis.keys("laurel:ratelimit:*")
    assert 0 < on_redis.ttl(key) <= LIMIT.seconds


def test_control_the_old_counter_in_the_database_cache_lets_a_burst_overrun(database_cache):
    # The race needs the threads to interleave, which a saturated machine sometimes serializes: up to five bursts,
    # each from its own address, and one overrun proves the old counter unsafe.
    accepted = [burst(old_cache_counter(database_cache, f"honors:vote:rate:203.0.113.{index}")) for index in range(5)]
    assert max(accepted) > LIMIT.count, accepted


def test_visitor_traffic_cannot_make_the_limiter_forget(database_cache):
    """Between two votes, visitors' page views fill the cache (as the view counter does); the limiter keeps
    its count anyway. The control: the old counter's entry is culled and the address votes on."""
    accepted = {"limiter": 0, "old counter": 0}
    old = old_cache_counter(database_cache, "honors:vote:rate:203.0.113.5")
    for attempt in range(3 * LIMIT.count):
        accepted["limiter"] += ratelimit.allow_address(LIMIT, "203.0.113.5")
        accepted["old counter"] += old()
        for visitor in range(5):
            database_cache.add(f"news:views:seen:7:{attempt}-{visitor}", 1, timeout=86400)
    assert accepted["limiter"] == LIMIT.count
    assert accepted["old counter"] > LIMIT.count


def test_a_window_restarts_once_it_has_ended_and_expired_counters_are_pruned(monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    limit = ratelimit.Limit("tests.window", count=2, seconds=60)
    assert [ratelimit.allow(limit, "key") for _index in range(3)] == [True, True, False]
    now[0] += 59
    assert not ratelimit.allow(limit, "key")
    now[0] += 1  # the window that began with the first event has ended
    assert ratelimit.allow(limit, "key")
    ratelimit.allow(limit, "other key")
    now[0] += 61
    assert ratelimit.prune() == 2
    assert not RateCounter.objects.exists()


@pytest.mark.parametrize("store", ["database", "redis"])
def test_a_released_event_gives_its_place_back_until_the_window_ends(store, request):
    if store == "redis":
        request.getfixturevalue("on_redis")
    limit = ratelimit.Limit("tests.release", count=2, seconds=60)
    assert ratelimit.allow(limit, "key") and ratelimit.allow(limit, "key")
    ratelimit.release(limit, "key")
    assert ratelimit.allow(limit, "key")
    assert not ratelimit.allow(limit, "key")
    ratelimit.reset(limit, "key")
    ratelimit.release(limit, "key")  # nothing to give back: no counter is created
    assert ratelimit.allow(limit, "key")


def test_counters_store_no_address():
    ratelimit.allow_address(LIMIT, "203.0.113.5")
    counter = RateCounter.objects.get()
    assert "203.0.113.5" not in counter.bucket and counter.scope == "tests.burst"


PROCESS_BURST = """
import os, sys, time
import django
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
settings.LAUREL_RATE_LIMIT_REDIS_URL = sys.argv[2]
django.setup()
from laurel.core import ratelimit
limit = ratelimit.Limit("tests.burst", count=int(sys.argv[3]), seconds=600)
start = float(sys.argv[4])
while time.time() < start:
    time.sleep(0.002)
print(sum(ratelimit.allow_address(limit, "203.0.113.5") for _index in range(int(sys.argv[5]))))
"""


@pytest.mark.parametrize("store", ["database", "redis"])
def test_a_burst_from_four_processes_lets_exactly_the_limit_through(store, request, settings):
    """As gunicorn's workers: four processes, each with its own connection, count against one limit at once."""
    redis_url = ""
    if store == "redis":
        request.getfixturevalue("on_redis")
        redis_url = REDIS_URL
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "LAUREL_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "laurel.settings", "PYTHONPATH": str(root)}
    start = str(time.time() + 8)  # time for the processes to start Django
    arguments = [str(connection.settings_dict["NAME"]), redis_url, str(LIMIT.count), start, str(ATTEMPTS // WORKERS)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS_BURST, *arguments],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _index in range(WORKERS)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0] * WORKERS, outputs
    assert sum(int(stdout.strip()) for stdout, _stderr in outputs) == LIMIT.count
    if store == "database":
        assert RateCounter.objects.get().count == ATTEMPTS
