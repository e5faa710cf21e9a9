"""A view counter without cookies that counts every new visitor exactly and never waits for the database.

A visitor is a salted hash of address + User-Agent; the salt changes every day (and is never stored), so the same
visitor counts once per article per day and no one can be followed across days.

Where a view waits until `flush_view_counts` (scheduled every minute) adds it to `Article.view_count`:

- with Redis (LAUREL_CACHE_URL): a key per visitor and day (SET NX, so only the first view of a visitor counts) and
  one hash of pending counts per article (HINCRBY). Redis never culls these keys.
- otherwise in a small SQLite file of its own (`LAUREL_VIEWS_PATH`, next to the database): one row per article,
  day and visitor, its primary key doing the deduplication (INSERT OR IGNORE), so the row is both "seen" and the
  count. Not in the database cache (it keeps 300 entries and culls: 1,000 new visitors recorded 17-41 views) and
  not in the main database: on SQLite, one writer at a time, so a page view would wait behind any write
  transaction (4 s behind a 4 s transaction), while a write to this file takes tens of microseconds and waits
  only for other views. A file per machine is enough: without Redis Laurel runs on one machine (docs/deploy.md).
  The rows are spread over SHARDS files by visitor (a visitor always lands in the same file, so deduplication holds):
  in one file, four web workers counting new visitors waited for each other's write lock, and SQLite's busy handler
  waits by sleeping (at least a millisecond), which took a tenth of a cached article page's throughput.

The flush moves counts exactly once, even when it dies half-way or two run at once: it first claims the pending
views as a batch with a random number (in the store), then adds the batch's counts and a `ViewFlush` row with that
number to the database in one transaction (the row's unique number refuses a second application), then forgets the
batch in the store. A batch claimed but never confirmed is applied (or found applied) by the next flush.
"""

import datetime
import hashlib
import hmac
import logging
import os
import re
import secrets
import sqlite3
import threading

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)

BOTS = re.compile(
    r"bot|crawl|spider|slurp|curl|wget|python-requests|httpx|headless|monitor|preview|scrapy|feedfetcher|facebookexternalhit",
    re.IGNORECASE,
)
DAY = 24 * 3600
KEEP_FLUSH_RECORDS = datetime.timedelta(days=2)  # a claimed batch is confirmed within seconds; days is ample

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
    """Count one view; False for bots and for a visitor already counted today on this article."""
    if is_bot(user_agent):
        return False
    day = timezone.localdate(now or timezone.now())
    visitor = visitor_hash(address, user_agent, day)
    key = f"{article_pk}:{day.isoformat()}:{visitor}"
    if key in _recently_seen:  # a visitor this process already counted today costs nothing
        return False
    _remember(key)
    return _store().record(article_pk, day, visitor)


def pending_views(article_pk: int) -> int:
    """Views recorded and not yet added to `Article.view_count`."""
    return _store().pending(article_pk)


def flush_view_counts() -> int:
    """Add the recorded views to `Article.view_count`. Returns the number of views written."""
    written = 0
    for store in _store().parts():
        for _attempt in range(2):  # first a batch a stopped flush left unconfirmed, if any, then the new views
            batch, counts = store.claim()
            if batch is None:
                break
            written += _apply(batch, counts)
            store.confirm(batch)
        store.prune(timezone.localdate() - datetime.timedelta(days=1))
    if written:
        from laurel.core import pagecache

        pagecache.invalidate()
    return written


def _apply(batch: int, counts: dict[int, int]) -> int:
    from laurel.news.models import Article, ViewFlush

    try:
        with transaction.atomic():
            ViewFlush.objects.create(batch=batch)
            for article_pk, count in counts.items():
                Article.objects.filter(pk=article_pk).update(view_count=F("view_count") + count)
    except IntegrityError:  # another flush applied this batch first
        return 0
    ViewFlush.objects.filter(flushed_at__lt=timezone.now() - KEEP_FLUSH_RECORDS).delete()
    return sum(counts.values())


def clear_store() -> None:
    """Forget every recorded view (tests: each starts with none)."""
    _store().clear()


def _store():
    if settings.LAUREL_VIEWS_REDIS_URL:
        return RedisViews(settings.LAUREL_VIEWS_REDIS_URL)
    return ShardedFileViews(str(settings.LAUREL_VIEWS_PATH))


# The stores. Connections are per thread and process: a threaded server never shares one, a forked worker never
# inherits its parent's.

_connections = threading.local()


def _connection(kind: str, location: str, connect):
    by_key = getattr(_connections, "by_key", None)
    if by_key is None:
        by_key = _connections.by_key = {}
    key = (kind, location, os.getpid())
    if key not in by_key:
        by_key[key] = connect()
    return by_key[key]


SCHEMA = """
CREATE TABLE IF NOT EXISTS views (
    article INTEGER NOT NULL,
    day TEXT NOT NULL,
    visitor TEXT NOT NULL,
    batch INTEGER,  -- NULL: waiting; > 0: claimed by that flush, not yet confirmed; 0: in Article.view_count
    PRIMARY KEY (article, day, visitor)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS views_batch ON views (batch);
"""


class FileViews:
    def __init__(self, path: str):
        self.db = _connection("file", path, lambda: self._connect(path))

    @staticmethod
    def _connect(path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        return db

    def record(self, article_pk: int, day: datetime.date, visitor: str) -> bool:
        try:
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO views (article, day, visitor) VALUES (?, ?, ?)",
                (article_pk, day.isoformat(), visitor),
            )
        except sqlite3.OperationalError:  # only other views and the flush's claim write here: a stuck disk
            logger.warning("view not counted: the views file is locked or unwritable", exc_info=True)
            return False
        return cursor.rowcount == 1

    def pending(self, article_pk: int) -> int:
        (count,) = self.db.execute(
            "SELECT count(*) FROM views WHERE article = ? AND (batch IS NULL OR batch > 0)", (article_pk,)
        ).fetchone()
        return count

    def claim(self) -> tuple[int | None, dict[int, int]]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute("SELECT batch FROM views WHERE batch > 0 LIMIT 1").fetchone()
            if row is None:
                batch = secrets.randbits(62) + 1
                if not self.db.execute("UPDATE views SET batch = ? WHERE batch IS NULL", (batch,)).rowcount:
                    batch = None
            else:
                batch = row[0]
            counts = {}
            if batch is not None:
                counts = dict(
                    self.db.execute("SELECT article, count(*) FROM views WHERE batch = ? GROUP BY article", (batch,))
                )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return batch, counts

    def confirm(self, batch: int) -> None:
        self.db.execute("UPDATE views SET batch = 0 WHERE batch = ?", (batch,))

    def prune(self, before: datetime.date) -> None:
        """Rows of past days count nothing more (the day is in the visitor's hash) once added."""
        self.db.execute("DELETE FROM views WHERE batch = 0 AND day < ?", (before.isoformat(),))

    def clear(self) -> None:
        self.db.execute("DELETE FROM views")


SHARDS = 8


class ShardedFileViews:
    """The views file and SHARDS - 1 siblings (`views.sqlite3`, `views.1.sqlite3`, ...); a visitor's rows always in
    the same one. Each file is claimed, applied and confirmed on its own (`flush_view_counts`), with its own batch."""

    def __init__(self, path: str):
        stem, suffix = os.path.splitext(path)
        self.paths = [path] + [f"{stem}.{index}{suffix}" for index in range(1, SHARDS)]

    def _shard(self, visitor: str) -> "FileViews":
        return FileViews(self.paths[int(visitor[:4], 16) % SHARDS])

    def parts(self) -> list["FileViews"]:
        return [FileViews(path) for path in self.paths]

    def record(self, article_pk: int, day: datetime.date, visitor: str) -> bool:
        return self._shard(visitor).record(article_pk, day, visitor)

    def pending(self, article_pk: int) -> int:
        return sum(part.pending(article_pk) for part in self.parts())

    def clear(self) -> None:
        for part in self.parts():
            part.clear()


# Redis: the pending counts move to the flushing hash in one step (RENAME), unless a batch is still there.
CLAIM_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 0 then
    if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
    redis.call('RENAME', KEYS[1], KEYS[2])
    redis.call('HSET', KEYS[2], 'batch', ARGV[1])
end
return redis.call('HGETALL', KEYS[2])
"""
CONFIRM_SCRIPT = """
if redis.call('HGET', KEYS[1], 'batch') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisViews:
    PREFIX = "laurel:views:"
    PENDING = PREFIX + "pending"
    FLUSHING = PREFIX + "flushing"

    def __init__(self, url: str):
        self.client = _connection(
            "redis", url, lambda: redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        )

    def parts(self) -> list["RedisViews"]:
        return [self]

    def record(self, article_pk: int, day: datetime.date, visitor: str) -> bool:
        seen = f"{self.PREFIX}seen:{article_pk}:{day.isoformat()}:{visitor}"
        if not self.client.set(seen, 1, nx=True, ex=2 * DAY):
            return False
        self.client.hincrby(self.PENDING, str(article_pk), 1)
        return True

    def pending(self, article_pk: int) -> int:
        waiting = self.client.hget(self.PENDING, str(article_pk)) or 0
        return int(waiting) + int(self.client.hget(self.FLUSHING, str(article_pk)) or 0)

    def claim(self) -> tuple[int | None, dict[int, int]]:
        reply = self.client.eval(CLAIM_SCRIPT, 2, self.PENDING, self.FLUSHING, str(secrets.randbits(62) + 1))
        fields = dict(zip(reply[::2], reply[1::2], strict=True))
        batch = fields.pop(b"batch", None)
        if batch is None:
            return None, {}
        return int(batch), {int(article): int(count) for article, count in fields.items()}

    def confirm(self, batch: int) -> None:
        self.client.eval(CONFIRM_SCRIPT, 1, self.FLUSHING, str(batch))

    def prune(self, before: datetime.date) -> None:
        """The visitors' keys expire by themselves."""

    def clear(self) -> None:
        for key in self.client.scan_iter(f"{self.PREFIX}*"):
            self.client.delete(key)
