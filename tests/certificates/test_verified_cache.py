"""Issue 16: a verified certificate's result is cached until its status changes; revoking or correcting it shows at
once, from any process (the cache key names the status), and a result that did not verify is never cached."""

import pytest
from django.core.cache import cache

from laurel.certificates import services, verification
from laurel.certificates.credentials.verification import Result
from laurel.certificates.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def count_verifications(monkeypatch) -> list:
    calls = []
    real = verification.verify_document

    def counted(document):
        calls.append(document)
        return real(document)

    monkeypatch.setattr(verification, "verify_document", counted)
    return calls


def test_a_verified_page_verifies_once_and_then_reads_the_result(client, certificate, monkeypatch):
    calls = count_verifications(monkeypatch)
    for _ in range(3):
        content = client.get(certificate.get_absolute_url()).content.decode()
        assert "有效" in content
    assert len(calls) == 1


def test_revoking_shows_at_once_although_the_valid_result_was_cached(client, certificate, staff, monkeypatch):
    client.get(certificate.get_absolute_url())
    assert cache.get(verification.verified_key(certificate)) is not None
    services.revoke(certificate, reason="事迹不实", actor=staff, reason_public=True)
    content = client.get(certificate.get_absolute_url()).content.decode()
    assert "已撤销" in content and "事迹不实" in content
    assert "Valid: this certificate is authentic" not in content


def test_correcting_shows_the_old_one_superseded_and_the_new_one_valid(client, certificate, staff):
    client.get(certificate.get_absolute_url())
    new = services.correct_certificate(
        certificate, actor=staff, reason="姓名有误", title="云州市最美科技工作者（更正）"
    )
    old_page = client.get(Certificate.objects.get(pk=certificate.pk).get_absolute_url()).content.decode()
    assert new.get_absolute_url() in old_page  # points to its successor
    assert "Valid: this certificate is authentic" not in old_page
    assert "Valid: this certificate is authentic" in client.get(new.get_absolute_url()).content.decode()


def test_a_result_that_did_not_verify_is_not_cached(client, certificate, monkeypatch):
    calls = []

    def failing(document):
        calls.append(document)
        return Result(verdict="invalid", errors=["signature"])

    monkeypatch.setattr(verification, "verify_document", failing)
    client.get(certificate.get_absolute_url())
    client.get(certificate.get_absolute_url())
    assert len(calls) == 2
    assert cache.get(verification.verified_key(certificate)) is None


def test_a_certificate_past_its_last_valid_day_is_not_cached(certificate, monkeypatch):
    import datetime

    from django.utils import timezone

    certificate.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    calls = count_verifications(monkeypatch)
    verification.verify_certificate(certificate)
    verification.verify_certificate(certificate)
    assert len(calls) == 2
