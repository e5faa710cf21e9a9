"""Public pages for anonymous visitors, rendered once and served from the cache.

Used by the front page (core) and the article page (news). A page holds CSRF tokens (comment form,
language switcher): it is rendered with a placeholder that is replaced by the visitor's own token on
every response, so cached pages never share a token. Keys carry a version that writes to what the page
shows bump (`invalidate()`); the front page also expires after a minute, since it gathers many apps.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token

PLACEHOLDER = "csrf-placeholder-7d1f0c"
VERSION_KEY = "news:pages:version"
TIMEOUT = 600


# Each process remembers the version for a moment, so a cached page costs one cache read, not two;
# another process's invalidation reaches this one within VERSION_MEMORY seconds.
VERSION_MEMORY = 2.0
_remembered = {"version": None, "at": 0.0}


def fresh_version() -> int:
    """A version no earlier one can equal: microseconds of the clock. After Redis lost its keys (a restart), a
    version counted up from 1 again met the one a process still remembered from before, and a page that process
    cached just then, from before an edit, was served for TIMEOUT seconds after the edit."""
    return time.time_ns() // 1000


def version() -> int:
    now = time.monotonic()
    if _remembered["version"] is None or now - _remembered["at"] > VERSION_MEMORY:
        _remembered["version"] = cache.get_or_set(VERSION_KEY, fresh_version, timeout=None)
        _remembered["at"] = now
    return _remembered["version"]


def invalidate() -> None:
    try:
        _remembered["version"] = cache.incr(VERSION_KEY)
    except ValueError:  # no version in the cache (Redis restarted, or away): start from a fresh one
        _remembered["version"] = fresh_version()
        cache.set(VERSION_KEY, _remembered["version"], timeout=None)
    _remembered["at"] = time.monotonic()


def invalidate_on_commit() -> None:
    """Bump the version once the writer's transaction has committed (at once outside a transaction). Bumped
    before the commit, a reader in between would render the old rows under the new version and pin them for
    TIMEOUT on every process; bumped after, any page stored under the new version was read after the commit.
    Readers take their key before reading the rows (`article_key` first), so a slow reader that read the old
    rows stores them under the version it started with, which the bump has already retired."""
    transaction.on_commit(invalidate)


def cacheable(request) -> bool:
    """Only anonymous GETs without pending messages see the shared page."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
        and "sessionid" not in request.COOKIES
    )


def article_key(code: str, language: str) -> str:
    """An article page by its public code: found without a database query. Any write to articles or
    comments, and each flush of view counts, bumps the version."""
    return f"news:page:{code}:{language}:{version()}"


def front_page_key(language: str) -> str:
    return f"core:front-page:{language}:{version()}"


def personalize(html: str, request) -> str:
    return html.replace(PLACEHOLDER, get_token(request))


# A first level in each process: a page read from the shared cache is kept here for a moment, so a busy
# page costs no round trip at all. Keys carry the version, so an invalidation reaches every process
# within about 2 x VERSION_MEMORY seconds.
LOCAL_SECONDS = 2.0
LOCAL_MAX_ENTRIES = 500
_local: dict[str, tuple[float, object]] = {}


def get(key: str):
    entry = _local.get(key)
    now = time.monotonic()
    if entry is not None and entry[0] > now:
        return entry[1]
    value = cache.get(key)
    if value is not None:
        if len(_local) >= LOCAL_MAX_ENTRIES:
            _local.clear()
        _local[key] = (now + LOCAL_SECONDS, value)
    return value


def forget_local() -> None:
    _local.clear()
    _remembered["version"] = None
