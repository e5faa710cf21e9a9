"""Probes, metrics and logs: what a load balancer, Prometheus and an operator reading logs get."""

import datetime
import json
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laurel.core import health, workers
from laurel.honors import votes
from tests.factories.honors import vote_campaign
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_answers_before_host_checks_and_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_wants_a_worker_seen_within_the_last_minute(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "storage": "ok", "worker": "failed"}
    workers.beat("w1", started_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "storage": "ok", "worker": "ok"}


def test_readyz_names_the_database_when_it_is_away(client, monkeypatch):
    workers.beat("w1", started_at=timezone.now())

    def away():
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", away)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "failed"


def test_readyz_names_the_cache_when_it_loses_values(client, monkeypatch):
    workers.beat("w1", started_at=timezone.now())
    monkeypatch.setattr(health.cache, "get", lambda key, default=None: None)
    response = client.get("/readyz")
    assert (response.status_code, response.json()["cache"]) == (503, "failed")


def metrics_text(client, **extra) -> str:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def sample(text: str, name: str, **labels) -> float | None:
    """The value of one sample in the exposition text (labels in any order)."""
    wanted = {key: str(value) for key, value in labels.items()}
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        metric, _, label_text = series.partition("{")
        found = dict(pair.split("=", 1) for pair in label_text.rstrip("}").split(",") if pair)
        if metric == name and {key: text.strip('"') for key, text in found.items()} == wanted:
            return float(value)
    return None


def test_metrics_count_requests_by_view_and_status_class(client):
    before = sample(metrics_text(client), "laurel_http_requests_total", method="GET", view="core:home", status="2xx")
    client.get("/")
    client.get("/no-such-page/")
    text = metrics_text(client)
    assert sample(text, "laurel_http_requests_total", method="GET", view="core:home", status="2xx") == (before or 0) + 1
    assert sample(text, "laurel_http_requests_total", method="GET", view="unmatched", status="4xx") >= 1
    assert sample(text, "laurel_http_request_duration_seconds_count", method="GET", view="core:home") >= 1


def test_metrics_give_the_task_queue_depth_and_the_oldest_tasks_age(client):
    DBTaskResult.objects.create(
        status="READY",
        enqueued_at=timezone.now(),
        args_kwargs={"args": [], "kwargs": {}},
        task_path="laurel.example.task",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - datetime.timedelta(minutes=1),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(seconds=90))
    text = metrics_text(client)
    assert sample(text, "laurel_task_queue_depth", queue="default") == 1
    assert 89 <= sample(text, "laurel_task_queue_oldest_age_seconds", queue="default") < 120
    assert sample(text, "laurel_workers_alive") == 0


def test_metrics_count_votes_per_minute_and_verifications(client):
    campaign, (first, second, _third) = vote_campaign()
    votes.cast_vote(first, actor=UserFactory(), address="192.0.2.1")
    votes.cast_vote(second, actor=UserFactory(), address="192.0.2.2")
    before = sample(metrics_text(client), "laurel_events_total", event="verification", outcome="ok") or 0
    client.get(reverse("certificates:verify_upload"))  # the form itself is not a verification
    client.post(reverse("certificates:api_verify"), data="{}", content_type="application/json")
    text = metrics_text(client)
    assert sample(text, "laurel_votes_last_minute") == 2
    assert sample(text, "laurel_events_total", event="verification", outcome="refused") >= 1
    assert (sample(text, "laurel_events_total", event="verification", outcome="ok") or 0) == before


def test_a_request_id_from_the_proxy_is_passed_through_to_the_answer_and_the_log(client, caplog, settings):
    settings.LAUREL_ACCESS_LOG = True
    with caplog.at_level(logging.INFO, logger="laurel.access"):
        response = client.get("/", HTTP_X_REQUEST_ID="4f1c2a9e-33b0-4c39-9d7e-1b2f0e6a7c55")
    assert response["X-Request-ID"] == "4f1c2a9e-33b0-4c39-9d7e-1b2f0e6a7c55"
    (record,) = [r for r in caplog.records if r.name == "laurel.access"]
    assert record.status == 200 and record.path == "/" and record.client == "127.0.0.1"
    assert health.logs.RequestIdFilter().filter(record) and record.request_id == response["X-Request-ID"]


def test_a_request_without_a_usable_id_gets_a_new_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" level="CRITICAL\nforged')["X-Request-ID"]
    assert len(first) == 32 and len(forged) == 32 and first != forged


def test_logs_are_one_json_object_a_line_with_the_request_id():
    from logging.config import dictConfig

    from laurel.core.logs import REQUEST_ID, logging_config

    config = logging_config(json=True, level="INFO")
    dictConfig(config)
    try:
        handler = logging.getLogger().handlers[0]
        token = REQUEST_ID.set("req-42")
        record = logging.getLogger("laurel.access").makeRecord(
            "laurel.access", logging.INFO, __file__, 1, "GET %s", ("/a\nb",), None, extra={"status": 200}
        )
        for log_filter in handler.filters:
            log_filter.filter(record)
        line = handler.format(record)
        REQUEST_ID.reset(token)
    finally:
        from django.conf import settings

        dictConfig(settings.LOGGING)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["request_id"] == "req-42" and parsed["status"] == 200 and parsed["level"] == "INFO"
    assert parsed["message"] == "GET /a\nb" and "time" in parsed
