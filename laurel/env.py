"""Strict readers for LAUREL_* environment variables.

Every setting Laurel reads from the environment goes through these helpers, so a bad value fails at
start-up with the variable's name instead of misbehaving later. The README's configuration table lists
every variable read here.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def env_storage_url(name: str) -> dict | None:
    """Object storage from `s3://[KEY:SECRET@]BUCKET[/PREFIX][?endpoint_url=...&region_name=...&addressing_style=...]`:
    the options of django-storages' S3Storage, or None when the variable is empty (local disk). Without KEY and
    SECRET, boto3 finds credentials itself (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance role)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    raw = os.environ.get(name, "")
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must look like s3://KEY:SECRET@BUCKET/PREFIX?endpoint_url=...; got a {parts.scheme or 'bare'} address"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint_url", "region_name", "addressing_style", "signature_version"}
    if unknown:
        raise ImproperlyConfigured(f"{name} has unknown options: {', '.join(sorted(unknown))}")
    prefix = parts.path.strip("/")
    options = {"bucket_name": parts.hostname, "prefix": f"{prefix}/" if prefix else "", **query}
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return options
