"""Public pages for anonymous visitors, rendered once and served from the cache.

Used by the front page (core) and the article page (news). A page holds CSRF tokens (comment form,
language switcher): it is rendered with a placeholder that is replaced by the visitor's own token on
every response, so cached pages never share a token. Keys carry a version that writes to what the page
shows bump (`invalidate()`); the front page also expires after a minute, since it gathers many apps.

Two ways in. `PageCacheMiddleware` sits above sessions, authentication, CSRF, locale and the URL map: a visitor
with no session and no pending message asking for a page it holds gets the stored page at once, with the headers
the rest of the stack gave it when it was rendered (CSP, framing, language, Vary) and the visitor's own CSRF token
and cookie. Most of a cached page's cost was that stack (measured: 0.53 ms in-process against 0.05 ms for a bare
view). The views keep their own lookup for the requests the middleware leaves to them (HTMX requests), and offer
what they render (`offer`), which the middleware stores with the final headers.
"""

import dataclasses
import hashlib
import re
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.urls import get_script_prefix
from django.utils import translation

# Where the visitor's token goes. Derived from the secret key, so no comment or title can hold it (every occurrence
# is replaced), and the same in every process that shares the cache.
PLACEHOLDER = "csrf-" + hashlib.sha256(f"laurel-page-cache:{settings.SECRET_KEY}".encode()).hexdigest()[:32]
VERSION_KEY = "news:pages:version"
TIMEOUT = 600


@dataclasses.dataclass(frozen=True)
class Page:
    html: str  # rendered with PLACEHOLDER where the visitor's CSRF token goes
    hook: tuple[str, object] | None = None  # what a hit must still do (`register_hook`), e.g. count a view
    headers: tuple[tuple[str, str], ...] | None = None  # set by the middleware from the response that rendered it
    view_name: str = ""  # the view that rendered it, for the request metrics of hits (core/metrics.py)


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
    Readers take their key before reading the rows (`page_key` first), so a slow reader that read the old
    rows stores them under the version it started with, which the bump has already retired."""
    transaction.on_commit(invalidate)


def anonymous(request) -> bool:
    """No session (so nobody is signed in) and no pending message: the visitor sees what every such visitor
    sees. Decided from the cookies alone, so the middleware can ask before sessions and authentication run."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def cacheable(request) -> bool:
    """Only anonymous GETs without pending messages see the shared page."""
    return request.method == "GET" and anonymous(request) and not request.user.is_authenticated


def page_key(path: str, language: str) -> str:
    """A page by its path and language. The query string never counts, so no visitor can fill the cache with
    variants: a page is stored only from a request without one (the page shows the request's path in the language
    switch's `next`), and the page may not read it otherwise. Cached pages build their absolute addresses from
    LAUREL_SITE_URL, never from the request's Host. Any write to what cached pages show bumps the version."""
    # The path hashed: any path a view is asked for makes a valid key for every cache backend (spaces, newlines).
    return f"page:{language}:{version()}:{hashlib.blake2b(path.encode(), digest_size=16).hexdigest()}"


def personalize(html: str, request) -> str:
    return html.replace(PLACEHOLDER, visitor_token(request))


# Django's get_token draws each of a token's characters with a system call of its own (64 for a new visitor):
# 90-180 microseconds, more than the rest of a cached page. These draw them from one call, in the same format,
# which Django's CsrfViewMiddleware checks as its own (tests/core/test_page_cache.py unmasks them with Django).
_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_UNBIASED_BELOW = 256 - 256 % len(_CHARS)  # bytes from here on would favour the first characters: dropped


def _random_chars(count: int) -> str:
    chars: list[str] = []
    while len(chars) < count:
        chars += [_CHARS[byte % len(_CHARS)] for byte in secrets.token_bytes(count + 8) if byte < _UNBIASED_BELOW]
    return "".join(chars[:count])


def visitor_token(request) -> str:
    """What django.middleware.csrf.get_token returns: the visitor's secret (a new one, sent as their cookie, if
    they have none) masked with a fresh random mask. CsrfViewMiddleware.process_request must have run."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: (re)send the cookie, renewing its expiry
    mask = _random_chars(CSRF_SECRET_LENGTH)
    cipher = (_CHARS[(_INDEX[s] + _INDEX[m]) % len(_CHARS)] for s, m in zip(secret, mask, strict=True))
    return mask + "".join(cipher)


def offer(response: HttpResponse, key: str, page: Page, *, timeout: int = TIMEOUT) -> HttpResponse:
    """Hand a page a view rendered for anonymous visitors to the middleware, which stores it with the response's
    final headers under `key` (taken before the view read its rows)."""
    response.page_offer = (key, page, timeout)
    return response


# Paths the middleware looks up (each app registers its own in its AppConfig.ready); any other path costs it
# nothing, not even a cache read.
_paths: list[re.Pattern] = []
# What a hit must still do, by name: a lower app cannot import the higher one that counts article views.
_hooks: dict[str, object] = {}


def register_path(pattern: str) -> None:
    compiled = re.compile(pattern)
    if compiled.pattern not in {p.pattern for p in _paths}:
        _paths.append(compiled)


def register_hook(name: str, function) -> None:
    """`function(request, argument)` runs on every hit of a page stored with hook (name, argument)."""
    _hooks[name] = function


def run_hook(page: Page, request) -> None:
    if page.hook is not None:
        name, argument = page.hook
        _hooks[name](request, argument)


# A first level in each process: a page read from the shared cache is kept here for a moment, so a busy
# page costs no round trip at all. Keys carry the version, so an invalidation reaches every process
# within about 2 x VERSION_MEMORY seconds.
LOCAL_SECONDS = 2.0
LOCAL_MAX_ENTRIES = 500
_local: dict[str, tuple[float, object]] = {}


def get(key: str) -> Page | None:
    entry = _local.get(key)
    now = time.monotonic()
    if entry is not None and entry[0] > now:
        return entry[1]
    value = cache.get(key)
    if not isinstance(value, Page):
        return None
    if len(_local) >= LOCAL_MAX_ENTRIES:
        _local.clear()
    _local[key] = (now + LOCAL_SECONDS, value)
    return value


def forget_local() -> None:
    _local.clear()
    _remembered["version"] = None


MAX_PATH = 200
# Headers that belong to one response, never to the page: recomputed or set afresh on every hit.
_OWN_HEADERS = {"content-length", "set-cookie", "x-request-id"}


class PageCacheMiddleware:
    """Serves the pages views offered (`offer`) to anonymous GETs, before the rest of the stack runs.

    Placed below SecurityMiddleware (HTTPS redirect, its headers) and WhiteNoise, above everything that reads the
    session, the user or the URL map. What the skipped middleware would have done for such a visitor:
    - sessions, authentication, messages, allauth, two-factor: nothing (no session cookie, no message cookie);
    - CSRF: the visitor's own token and cookie, by Django's own CsrfViewMiddleware (`_csrf` below);
    - CSP, X-Frame-Options, locale (Content-Language, Vary): the headers stored with the page;
    - CommonMiddleware: the Host header is checked here the same way (a disallowed host is a 400), and the
      Content-Length set;
    - the URL map: the request metrics name the view that rendered the page (`request.metrics_view`).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        key = self._key(request)
        if key is not None:
            page = get(key)
            if page is not None and page.headers is not None:
                return self._serve(request, page)
        response = self.get_response(request)
        if key is not None:
            self._store(key, request, response)
        return response

    @staticmethod
    def _key(request) -> str | None:
        if request.method != "GET" or "HTTP_HX_REQUEST" in request.META or not anonymous(request):
            return None
        path = request.path_info
        if len(path) > MAX_PATH or not any(pattern.fullmatch(path) for pattern in _paths):
            return None
        return page_key(path, translation.get_language_from_request(request))

    def _serve(self, request, page: Page) -> HttpResponse:
        request.get_host()  # a Host header outside ALLOWED_HOSTS raises here, as CommonMiddleware would
        self._csrf.process_request(request)  # the visitor's CSRF secret from their cookie, if they have one
        response = HttpResponse(personalize(page.html, request))
        for name, value in page.headers:
            response.headers[name] = value
        response.headers["Content-Length"] = str(len(response.content))  # as CommonMiddleware sets it
        request.metrics_view = page.view_name
        run_hook(page, request)
        return self._csrf.process_response(request, response)

    @staticmethod
    def _store(key: str, request, response) -> None:
        offered = getattr(response, "page_offer", None)
        if offered is None or offered[0] != key or response.status_code != 200 or response.streaming:
            return
        if request.META.get("QUERY_STRING") or get_script_prefix() != "/":
            return  # the page shows the full path in the language switch's `next`, and its links the script prefix
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return  # something below wrote a session or a message: not every visitor's page
        if "nonce-" in response.headers.get("Content-Security-Policy", ""):
            return  # a nonce belongs to one response
        _key, page, timeout = offered
        headers = tuple((name, value) for name, value in response.headers.items() if name.lower() not in _OWN_HEADERS)
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else ""
        cache.set(key, dataclasses.replace(page, headers=headers, view_name=view_name), timeout=timeout)
