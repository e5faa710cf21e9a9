"""Laurel's one settings file. Everything that differs between machines comes from LAUREL_* variables."""

import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from laurel.core.logs import logging_config
from laurel.env import env_bool, env_choice, env_int, env_list, env_storage_url, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("LAUREL_DATA_DIR", str(BASE_DIR / "var")))
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env_bool("LAUREL_DEBUG", False)
SECRET_KEY = env_str("LAUREL_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "laurel-insecure-development-key-never-use-in-production-000000"
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("LAUREL_SECRET_KEY must be set unless LAUREL_DEBUG=1")

SITE_URL = env_str("LAUREL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("LAUREL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LAUREL_CSRF_TRUSTED_ORIGINS", [])
ASSOCIATION_NAME = env_str("LAUREL_ASSOCIATION_NAME", "")

INSTALLED_APPS = [
    "laurel.core.apps.LaurelAdminConfig",  # django.contrib.admin, logging in through allauth only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "django_prose_editor",  # the news editor's static files (ProseMirror/Tiptap), laurel/news/forms.py
    "ninja",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "laurel.core",
    "laurel.people",
    "laurel.assignment",
    "laurel.honors",
    "laurel.outreach",
    "laurel.needs",
    "laurel.consultations",
    "laurel.events",
    "laurel.certificates",
    "laurel.news",
]

MIDDLEWARE = [
    # First: answers /healthz, /readyz and /metrics before host checks, times and logs every other request.
    "laurel.core.health.ObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "laurel.core.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above sessions, CSRF, locale and the URL map: anonymous visitors' cached pages (laurel/core/pagecache.py).
    "laurel.core.pagecache.PageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "laurel.core.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "laurel.urls"
WSGI_APPLICATION = "laurel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "laurel" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "laurel.core.context_processors.laurel",
            ],
        },
    },
]

# Database: embedded SQLite by default (WAL, busy timeout, IMMEDIATE transactions), PostgreSQL by URL.
DATABASE_URL = env_str("LAUREL_DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})
        if env_bool("LAUREL_DATABASE_POOL", not TESTING):
            DATABASES["default"]["OPTIONS"]["pool"] = {
                "min_size": 1,
                "max_size": env_int("LAUREL_DATABASE_POOL_SIZE", 10, minimum=1),
            }
        DATABASES["default"]["TEST"] = {"NAME": env_str("LAUREL_TEST_DATABASE_NAME", "") or None}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "laurel.sqlite3",
            # Keep each worker's connection: opening one (and its PRAGMAs) per request cost more than
            # serving a cached page (bench/public_site.py).
            "CONN_MAX_AGE": env_int("LAUREL_DATABASE_CONN_MAX_AGE", 600, minimum=0),
            "CONN_HEALTH_CHECKS": True,
            # Tests use a file, not memory: the browser tests' live server answers requests in threads,
            # and an in-memory database would make those threads share one connection.
            "TEST": {"NAME": str(DATA_DIR / "test_laurel.sqlite3")},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared between processes (rate limits depend on it). Redis by URL, else the database.
CACHE_URL = env_str("LAUREL_CACHE_URL", "")
if CACHE_URL:
    # Reads miss and writes are dropped while Redis is away for a moment, instead of 500s (laurel/core/cache.py).
    CACHES = {"default": {"BACKEND": "laurel.core.cache.ForgivingRedisCache", "LOCATION": CACHE_URL}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Django keeps 300 entries by default and then culls a third of them, which would drop allauth's own limits
    # (sign-up, password reset, mail cooldown) under visitor traffic; production with Redis never culls.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "laurel_cache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
# Rate limits count exactly (laurel/core/ratelimit.py): in Redis when the cache is Redis, else in a database table,
# never in the database cache (it culls and loses counts).
LAUREL_RATE_LIMIT_REDIS_URL = CACHE_URL
# Article views wait for the flush in Redis when it is the cache, else in a SQLite file of their own, never in the
# main database, where a page view would wait behind any write (laurel/news/viewcount.py).
LAUREL_VIEWS_REDIS_URL = CACHE_URL
LAUREL_VIEWS_PATH = DATA_DIR / (
    f"test_views{os.environ.get('PYTEST_XDIST_WORKER', '')}.sqlite3" if TESTING else "views.sqlite3"
)

# Clients behind proxies: the number of reverse proxies in front of Laurel that append the client's address to
# X-Forwarded-For (nginx, a load balancer: 1). With 0 the connecting address is the client and X-Forwarded-For
# and X-Forwarded-Proto are ignored, since anyone can send them (laurel/core/net.py).
LAUREL_TRUSTED_PROXIES = env_int("LAUREL_TRUSTED_PROXIES", 0, minimum=0)
# Seconds without a heartbeat after which a worker is dead and its running tasks go back to the queue.
LAUREL_WORKER_DEAD_AFTER = env_int("LAUREL_WORKER_DEAD_AFTER", 60, minimum=6)

# Background work: django.tasks with the database queue; immediate in tests.
TASKS_BACKEND = env_choice("LAUREL_TASKS_BACKEND", "immediate" if TESTING else "database", ("database", "immediate"))
# The scheduler's table is laurel/schedule.py; `name=seconds,...` runs a job at another cadence on this installation.
LAUREL_SCHEDULE_EVERY = {}
for _item in env_list("LAUREL_SCHEDULE_EVERY", []):
    _name, _sep, _seconds = _item.partition("=")
    if not _sep or not _seconds.strip().isdigit() or int(_seconds) < 1:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LAUREL_SCHEDULE_EVERY must be name=seconds,...; got {_item!r}")
    LAUREL_SCHEDULE_EVERY[_name.strip()] = int(_seconds)
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_BACKEND == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"

# django-allauth: email is the login; verification is mandatory; TOTP for staff and experts.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the adapter puts the association's name first (core.identity.mail_subject)
# Wrong passwords are limited by Laurel's adapter, per address and per account and address together, so that a
# stranger cannot lock anyone out (laurel/people/adapter.py). allauth's own limits (signup, password reset, the
# second factor's codes after a right password: "login_failed" keyed by the account) see the same client address.
ACCOUNT_ADAPTER = "laurel.people.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Laurel"
LAUREL_REQUIRE_2FA = env_bool("LAUREL_REQUIRE_2FA", True)

# Mail: console in development, SMTP when a host is set (Django's MAILERS).
EMAIL_HOST = env_str("LAUREL_EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("LAUREL_EMAIL_PORT", 587, minimum=1),
                "username": env_str("LAUREL_EMAIL_USER", ""),
                "password": env_str("LAUREL_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("LAUREL_EMAIL_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("LAUREL_FROM_EMAIL", "Laurel <no-reply@laurel.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Languages: Chinese first, English complete.
LANGUAGE_CODE = env_str("LAUREL_LANGUAGE", "zh-hans")
# Each language is named in its own words in the switcher.
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "laurel" / "locale"]
TIME_ZONE = env_str("LAUREL_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# No form takes more than a handful of files (a talk report at most 10 photos, an objection 5): a request with more
# is refused before any file is judged.
DATA_UPLOAD_MAX_NUMBER_FILES = 12
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("LAUREL_STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "laurel" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("LAUREL_MEDIA_ROOT", str(DATA_DIR / "media")))
# Uploads: MEDIA_ROOT/private (the default: served by Laurel after a permission check) and MEDIA_ROOT/public
# (article covers, served by the web server at /media/public/). See laurel/core/storage.py.
# LAUREL_STORAGE_URL (s3://KEY:SECRET@BUCKET/PREFIX?endpoint_url=...) puts both areas in S3-compatible object storage
# instead: PREFIX/private/ (served through presigned links that live LAUREL_STORAGE_LINK_SECONDS, after the
# permission check) and PREFIX/public/ (the bucket's policy lets anyone read it).
STORAGE_OPTIONS = env_storage_url("LAUREL_STORAGE_URL")
LAUREL_STORAGE_LINK_SECONDS = env_int("LAUREL_STORAGE_LINK_SECONDS", 60, minimum=1)
STORAGES = {
    "default": (
        {"BACKEND": "laurel.core.objectstorage.S3PrivateStorage", "OPTIONS": STORAGE_OPTIONS}
        if STORAGE_OPTIONS
        else {"BACKEND": "laurel.core.storage.PrivateStorage"}
    ),
    "public": (
        {"BACKEND": "laurel.core.objectstorage.S3PublicStorage", "OPTIONS": STORAGE_OPTIONS}
        if STORAGE_OPTIONS
        else {"BACKEND": "laurel.core.storage.PublicStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
LAUREL_MAX_PHOTO_BYTES = 5 * 1024 * 1024
LAUREL_SIGNING_KEY_FILE = env_str("LAUREL_SIGNING_KEY_FILE", "")
LAUREL_CJK_FONT_DIR = env_str("LAUREL_CJK_FONT_DIR", "/usr/share/fonts/opentype/noto")
# Verifying another issuer's credential reads its did:web document (and status list) over HTTPS within this time;
# 0 verifies only Laurel's own credentials and did:key issuers.
LAUREL_DID_WEB_TIMEOUT_MS = env_int("LAUREL_DID_WEB_TIMEOUT_MS", 3000, minimum=0)

# Security: a strict Content Security Policy (no inline scripts or styles) and HTTPS when deployed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE = env_bool("LAUREL_SECURE", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("LAUREL_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Only a trusted proxy's word that the request came over HTTPS counts (see LAUREL_TRUSTED_PROXIES).
# Probes are answered before the redirect (ObservabilityMiddleware); these keep a balancer's plain-HTTP checks working
# should the middleware order change.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE and LAUREL_TRUSTED_PROXIES else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "laurel.core.pagination.BoundedLimitOffsetPagination"

# Observed (laurel/core/health.py): /metrics only for these addresses or networks (as `core.net.client_address`
# sees them); logs one JSON object a line with the proxy's request id; one access line per request.
LAUREL_METRICS_ALLOW = env_list("LAUREL_METRICS_ALLOW", ["127.0.0.1", "::1"])
for _network in LAUREL_METRICS_ALLOW:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LAUREL_METRICS_ALLOW must list addresses or networks; got {_network!r}") from None
LAUREL_METRICS_MODULE = "laurel.metrics"
LAUREL_ACCESS_LOG = env_bool("LAUREL_ACCESS_LOG", not TESTING)
LAUREL_LOG_FORMAT = env_choice("LAUREL_LOG_FORMAT", "text" if DEBUG or TESTING else "json", ("json", "text"))
LOGGING = logging_config(json=LAUREL_LOG_FORMAT == "json", level=env_str("LAUREL_LOG_LEVEL", "WARNING"))
