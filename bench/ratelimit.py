"""Benchmark the rate limiter: the cost of one counted event, and what a burst from 4 processes lets through a
limit of 60, for the database table (the default), Redis (LAUREL_CACHE_URL) and, for comparison, the counter Laurel
used before in Django's database cache.

Run: LAUREL_DEBUG=1 .venv/bin/python bench/ratelimit.py
Uses a throw-away SQLite database in a temporary directory (or LAUREL_DATABASE_URL) and Redis database 15 on
127.0.0.1 when it answers; prints the figures.
"""

import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAUREL_DEBUG", "1")
os.environ.setdefault("LAUREL_DATA_DIR", tempfile.mkdtemp(prefix="laurel-bench-"))  # the workers inherit it
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache.backends.db import DatabaseCache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from laurel.core import ratelimit  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"
PROCESSES = 4
ATTEMPTS_PER_PROCESS = 500
LIMIT = ratelimit.Limit("bench.burst", count=60, seconds=600)
CALLS = 2000


def old_counter(cache, key):
    cache.add(key, 0, timeout=600)
    try:
        return cache.incr(key) <= LIMIT.count
    except ValueError:
        cache.set(key, 1, timeout=600)
        return True


def attempt(store: str, key: str) -> bool:
    if store == "old database cache":
        return old_counter(DatabaseCache("bench_cache", {}), key)
    settings.LAUREL_RATE_LIMIT_REDIS_URL = REDIS_URL if store == "redis" else ""
    return ratelimit.allow(LIMIT, key)


def worker(store: str, key: str, start_at: float, results) -> None:
    while time.time() < start_at:
        time.sleep(0.001)
    results.put(sum(attempt(store, key) for _index in range(ATTEMPTS_PER_PROCESS)))


def burst(store: str) -> int:
    key = f"burst-{store.replace(' ', '-')}-{time.time()}"
    # Fresh processes (as gunicorn's workers, which connect after the fork): a forked copy of a connection pool
    # would share its sockets.
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 5  # time for the workers to start Django
    processes = [context.Process(target=worker, args=(store, key, start_at, results)) for _index in range(PROCESSES)]
    for process in processes:
        process.start()
    accepted = sum(results.get(timeout=300) for _process in processes)
    for process in processes:
        process.join()
    return accepted


def cost(store: str) -> tuple[float, float]:
    """Median and 99th percentile of one counted event, in milliseconds (each on its own key)."""
    durations = []
    for index in range(CALLS):
        start = time.perf_counter()
        attempt(store, f"cost-{store.replace(' ', '-')}-{index}")
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.99)]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", "bench_cache", verbosity=0)
    stores = ["database", "old database cache"]
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
        stores.insert(1, "redis")
    except redis.ConnectionError:
        print("(no Redis on 127.0.0.1:6379: skipped)")
    print(f"{connection.vendor}, limit {LIMIT.count}, {PROCESSES} processes x {ATTEMPTS_PER_PROCESS} attempts")
    for store in stores:
        median, p99 = cost(store)
        print(f"{store:>20}: one event {median:.3f} ms median, {p99:.3f} ms p99; burst let {burst(store)} through")
    if "redis" in stores:
        redis.Redis.from_url(REDIS_URL).flushdb()


if __name__ == "__main__":
    main()
