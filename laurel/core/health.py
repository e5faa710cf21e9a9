"""Observed: `/healthz`, `/readyz`, `/metrics`, a request id on every request and one access log line each.

`ObservabilityMiddleware` comes first in MIDDLEWARE. It answers the three probes itself, before host checks and
the HTTPS redirect (a load balancer asks an app server by its own address, over plain HTTP), and wraps every other
request to time it, count it and log it with its request id.

- `/healthz`: the process answers (no database, no cache): 200 `ok`.
- `/readyz`: the database, the cache and the storage answer, and a worker was seen within the last minute; 200
  with each check, or 503 naming the one that failed. Take an app process out of the balancer when it fails.
- `/metrics`: Prometheus text, only to addresses in LAUREL_METRICS_ALLOW (`core.net.client_address`, so behind
  the proxy the real client is judged); anyone else gets 404. The proxy should not pass /metrics at all.
"""

import ipaddress
import json
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound

from laurel.core import logs, metrics
from laurel.core.net import client_address

access_log = logging.getLogger("laurel.access")
logger = logging.getLogger("laurel.health")

PROBE_KEY = "laurel:readyz"


def _allowed_networks():
    networks = []
    for item in settings.LAUREL_METRICS_ALLOW:
        networks.append(ipaddress.ip_network(item, strict=False))
    return networks


def metrics_allowed(request) -> bool:
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    token = str(time.monotonic_ns())
    cache.set(PROBE_KEY, token, timeout=30)
    if cache.get(PROBE_KEY) != token:
        raise RuntimeError("the cache did not keep a value")


def check_storage() -> None:
    for alias in ("default", "public"):
        storage = storages[alias]
        if hasattr(storage, "ping"):
            storage.ping()  # object storage: the bucket answers
        else:
            storage.exists("readyz-probe")  # local disk: a look-up


def check_worker() -> None:
    from laurel.core.workers import live_workers

    if not live_workers().exists():
        raise RuntimeError("no worker seen within the last minute")


CHECKS = {"database": check_database, "cache": check_cache, "storage": check_storage, "worker": check_worker}


def readiness() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # every failure is an answer here, never a 500
            logger.warning("readyz: %s failed: %s", name, error)
            results[name] = "failed"
    return all(value == "ok" for value in results.values()), results


def _plain(body: bytes | str, *, status=200, content_type="text/plain; charset=utf-8") -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(request):
    return _plain("ok\n")


def readyz(request):
    ready, results = readiness()
    return _plain(json.dumps(results), status=200 if ready else 503, content_type="application/json")


def metrics_view(request):
    if not metrics_allowed(request):
        return HttpResponseNotFound()
    return _plain(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class ObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = logs.request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = logs.REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            probe = PROBES.get(request.path_info)
            if probe is not None and request.method in {"GET", "HEAD"}:
                response = probe(request)
            else:
                response = self.get_response(request)
            seconds = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            if probe is None:
                metrics.observe(request, response, seconds)
                if settings.LAUREL_ACCESS_LOG:
                    access_log.info(
                        "%s %s %s",
                        request.method,
                        ascii(request.path)[1:-1],  # a decoded newline cannot start a forged line
                        response.status_code,
                        extra={
                            "method": request.method,
                            "path": request.path,
                            "status": response.status_code,
                            "duration_ms": round(seconds * 1000, 1),
                            "client": client_address(request),
                        },
                    )
            return response
        finally:
            logs.REQUEST_ID.reset(token)
