"""Prometheus metrics (prometheus-client): requests and their latency, the task queue, votes and verifications.

Request metrics are counted in each process. Under gunicorn the workers of one app process share them through
prometheus-client's multiprocess mode: set PROMETHEUS_MULTIPROC_DIR to an empty directory per app process
(`laurel/gunicorn.conf.py` empties it at start and tells the library when a worker exits). Queue depth and age,
live workers and votes per minute are read from the database at each scrape, so every app process gives the
cluster's figure. Which views are votes and verifications, and which per-minute figures exist, is said in
`laurel/metrics.py` (project level: it names every app).
"""

import datetime
import os
from importlib import import_module

from django.conf import settings
from django.db.models import Min
from django.tasks import TaskResultStatus
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "laurel_http_requests_total",
    "HTTP requests answered, by method, view and status class.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "laurel_http_request_duration_seconds",
    "Time from the request reaching Laurel to the response leaving it.",
    ["method", "view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
EVENTS = Counter("laurel_events_total", "Votes and verifications answered, by outcome.", ["event", "outcome"])


def _project():
    return import_module(settings.LAUREL_METRICS_MODULE)


def observe(request, response, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    # A page the page cache answered never reached the URL map: it names the view that rendered it.
    view = getattr(request, "metrics_view", None) or (match.view_name if match else "unmatched")
    status = f"{response.status_code // 100}xx"
    REQUESTS.labels(request.method, view, status).inc()
    LATENCY.labels(request.method, view).observe(seconds)
    event = _project().EVENTS.get(view)
    if event and request.method in event.methods:
        EVENTS.labels(event.name, "ok" if response.status_code < 400 else "refused").inc()


class ClusterCollector:
    """Figures read from the database at scrape time: the same from whichever process is asked."""

    def collect(self):
        from django_tasks_db.models import DBTaskResult

        from laurel.core.workers import live_workers

        now = timezone.now()
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=now)
        depth = GaugeMetricFamily("laurel_task_queue_depth", "Tasks waiting for a worker.", labels=["queue"])
        age = GaugeMetricFamily(
            "laurel_task_queue_oldest_age_seconds", "How long the oldest waiting task has waited.", labels=["queue"]
        )
        for row in ready.values("queue_name").annotate(oldest=Min("enqueued_at")).order_by():
            count = ready.filter(queue_name=row["queue_name"]).count()
            depth.add_metric([row["queue_name"]], count)
            age.add_metric([row["queue_name"]], (now - row["oldest"]).total_seconds())
        yield depth
        yield age
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
        yield GaugeMetricFamily("laurel_tasks_running", "Tasks a worker is running.", value=running)
        yield GaugeMetricFamily(
            "laurel_workers_alive", "Workers seen within the last minute.", value=live_workers(now=now).count()
        )
        since = now - datetime.timedelta(minutes=1)
        for name, description, count in _project().PER_MINUTE:
            yield GaugeMetricFamily(f"laurel_{name}_last_minute", description, value=count(since))


def exposition() -> bytes:
    """The text format: this process's (or this app process's workers') counters, then the cluster's figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process = CollectorRegistry()
        multiprocess.MultiProcessCollector(process)
    else:
        process = REGISTRY
    cluster = CollectorRegistry(auto_describe=False)
    cluster.register(ClusterCollector())
    return generate_latest(process) + generate_latest(cluster)
