"""Django's Redis cache, forgiving a Redis that is away for a moment (restarted, failed over, the network).

Laurel's cache holds nothing that cannot be lost: page copies, view counts waiting to be flushed, allauth's
counters. So while Redis cannot be reached, reads miss, writes are dropped and counters behave as if their key had
been evicted (`incr` raises ValueError, which every caller already handles); the page is rendered from the
database instead of answering 500. `bench/cluster_chaos.py` restarts the cluster's Redis under load: with Django's
plain backend every request in those seconds failed. Laurel's rate limits do not use this cache
(laurel/core/ratelimit.py counts in the database while Redis is away).
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("laurel.cache")

AWAY = (RedisConnectionError, RedisTimeoutError)


def _away(operation: str, error: Exception) -> None:
    logger.warning("cache %s skipped, Redis cannot be reached: %s", operation, error)


class ForgivingRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except AWAY as error:
            _away("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except AWAY as error:
            _away("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except AWAY as error:
            _away("has_key", error)
            return False

    def add(self, key, value, timeout=..., version=None):
        try:
            return super().add(key, value, timeout, version)
        except AWAY as error:
            _away("add", error)
            return False

    def set(self, key, value, timeout=..., version=None):
        try:
            super().set(key, value, timeout, version)
        except AWAY as error:
            _away("set", error)

    def set_many(self, data, timeout=..., version=None):
        try:
            return super().set_many(data, timeout, version)
        except AWAY as error:
            _away("set_many", error)
            return list(data)

    def touch(self, key, timeout=..., version=None):
        try:
            return super().touch(key, timeout, version)
        except AWAY as error:
            _away("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except AWAY as error:
            _away("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except AWAY as error:
            _away("delete_many", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except AWAY as error:
            _away("incr", error)
            raise ValueError(f"Key '{key}' not found (Redis cannot be reached)") from error

    def clear(self):
        try:
            return super().clear()
        except AWAY as error:
            _away("clear", error)
            return False
