"""Laurel's one rate limiter: exact counters for every limit on anonymous or abusable writes.

A limit allows `count` events per key (a client's address, an email, an account and an address together) in a
fixed window of `seconds` that starts with the first event counted. Every call to `allow` counts one event and
says whether it is within the limit, in one atomic step, so a burst from many processes at once lets exactly
`count` through:

- with LAUREL_CACHE_URL (Redis): SET NX EX + INCR in one MULTI transaction (in the database below while Redis
  cannot be reached, e.g. restarting);
- otherwise in the database, table `core_ratecounter`: one INSERT ... ON CONFLICT DO UPDATE ... RETURNING
  (SQLite >= 3.35 and PostgreSQL). Never in Django's database cache: it keeps 300 entries and culls, and its
  get-then-set increment loses counts under concurrency (one address got 122 votes through a limit of 60).

Keys are stored as an HMAC under the secret key, never as the raw address or email. Rows of the database table
whose window ended are useless (the next event restarts them) and are deleted now and then (`prune`).
"""

import hashlib
import hmac
import logging
import random
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection
from django.db.models import F

from laurel.core.models import RateCounter
from laurel.core.net import address_block

logger = logging.getLogger("laurel.ratelimit")
REDIS_AWAY = (redis.ConnectionError, redis.TimeoutError)
PRUNE_CHANCE = 0.01  # when a new window starts, the chance to delete the table's expired rows (an indexed delete)

# Redis: lower the count unless the window already ended (a DECR on a missing key would create one forever).
RELEASE_SCRIPT = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class Limit:
    scope: str  # names the counter, e.g. "honors.vote"
    count: int  # events allowed per window
    seconds: int  # the window's length

    def __str__(self):
        return f"{self.scope}: {self.count}/{self.seconds}s"


def _bucket(limit: Limit, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{limit.scope}\n{key}".encode(), hashlib.sha256).hexdigest()[:40]


def allow(limit: Limit, key: str) -> bool:
    """Count one event for `key`; True while the window holds at most `limit.count` events (this one included).

    Call it outside `transaction.atomic()`: a rollback of the caller's transaction would uncount the event."""
    bucket = _bucket(limit, key)
    if settings.LAUREL_RATE_LIMIT_REDIS_URL:
        try:
            return _redis_count(limit, bucket) <= limit.count
        except REDIS_AWAY as error:
            # Redis restarting or unreachable: count in the database meanwhile, exactly as without Redis, rather
            # than answer 500 (or let everything through). A window open across the outage counts in both places.
            logger.warning("rate limit %s counted in the database, Redis cannot be reached: %s", limit.scope, error)
    return _database_count(limit, bucket) <= limit.count


def allow_address(limit: Limit, address: str) -> bool:
    """`allow` for a client address (from `laurel.core.net.client_address`); IPv6 counts per /64."""
    return allow(limit, f"address:{address_block(address)}")


def release(limit: Limit, key: str) -> None:
    """Uncount one event (e.g. a login attempt that turned out to be right); a no-op once the window ended."""
    bucket = _bucket(limit, key)
    if settings.LAUREL_RATE_LIMIT_REDIS_URL:
        try:
            _redis().eval(RELEASE_SCRIPT, 1, _redis_key(limit, bucket))
            return
        except REDIS_AWAY:
            pass  # the event may have been counted in the database meanwhile
    RateCounter.objects.filter(scope=limit.scope, bucket=bucket, count__gt=0, expires_at__gt=time.time()).update(
        count=F("count") - 1
    )


def reset(limit: Limit, key: str) -> None:
    bucket = _bucket(limit, key)
    if settings.LAUREL_RATE_LIMIT_REDIS_URL:
        try:
            _redis().delete(_redis_key(limit, bucket))
        except REDIS_AWAY:
            pass
    RateCounter.objects.filter(scope=limit.scope, bucket=bucket).delete()  # and what an outage counted there


def prune(now: float | None = None) -> int:
    """Delete the database counters whose window ended; returns how many."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=now or time.time()).delete()
    return deleted


# The database: one statement counts, and restarts a window that ended.
UPSERT = """
INSERT INTO {table} (scope, bucket, count, expires_at) VALUES (%s, %s, 1, %s)
ON CONFLICT (scope, bucket) DO UPDATE SET
    count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END,
    expires_at = CASE WHEN {table}.expires_at <= %s THEN excluded.expires_at ELSE {table}.expires_at END
RETURNING count
"""


def _database_count(limit: Limit, bucket: str) -> int:
    now = time.time()
    statement = UPSERT.format(table=connection.ops.quote_name(RateCounter._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(statement, [limit.scope, bucket, now + limit.seconds, now, now])
        (count,) = cursor.fetchone()
    if count == 1 and random.random() < PRUNE_CHANCE:
        prune(now)
    return count


# Redis


_clients = threading.local()


def _redis() -> redis.Redis:
    """A client per thread and URL: a threaded server (or test) never shares a connection's read buffer."""
    url = settings.LAUREL_RATE_LIMIT_REDIS_URL
    clients = getattr(_clients, "by_url", None)
    if clients is None:
        clients = _clients.by_url = {}
    if url not in clients:
        clients[url] = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return clients[url]


def _redis_key(limit: Limit, bucket: str) -> str:
    return f"laurel:ratelimit:{limit.scope}:{bucket}"


def _redis_count(limit: Limit, bucket: str) -> int:
    key = _redis_key(limit, bucket)
    pipeline = _redis().pipeline(transaction=True)
    pipeline.set(key, 0, ex=limit.seconds, nx=True)  # opens the window with the first event
    pipeline.incr(key)
    _, count = pipeline.execute()
    return count
