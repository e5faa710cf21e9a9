"""/metrics tells how busy the site is, which views fail and how long the queue is: it is for the operator's
scraper only (LAUREL_METRICS_ALLOW), judged by the real client's address, so that the proxy's own address (which
every request through the proxy arrives from) does not open it to the internet."""

import pytest

pytestmark = pytest.mark.django_db


def test_metrics_reach_the_allowed_scraper_and_not_a_client_through_the_proxy(client, settings):
    settings.LAUREL_TRUSTED_PROXIES = 1
    settings.LAUREL_METRICS_ALLOW = ["127.0.0.1", "10.0.5.0/24"]
    scraper = client.get("/metrics", REMOTE_ADDR="10.0.5.9")  # Prometheus asks the app server directly
    assert scraper.status_code == 200 and b"laurel_http_requests_total" in scraper.content
    local = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert local.status_code == 200
    through_proxy = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert through_proxy.status_code == 404 and b"laurel_" not in through_proxy.content
    forged = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.5.9, 203.0.113.9")
    assert forged.status_code == 404


def test_metrics_are_refused_to_anyone_when_no_address_is_allowed(client, settings):
    settings.LAUREL_METRICS_ALLOW = []
    assert client.get("/metrics").status_code == 404
