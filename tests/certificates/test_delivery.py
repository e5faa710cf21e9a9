"""Delivery: the "add to LinkedIn profile" link and the batch archive staff download."""

import io
import json
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from laurel.certificates import services
from laurel.core.models import AuditEntry
from tests.factories.people import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_verification_page_offers_linkedin_with_the_certificates_facts(client, certificate):
    content = client.get(certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Add to LinkedIn profile" in content and "Open Badges 3.0 credential" in content
    response = client.get(certificate.get_absolute_url())
    url = response.context["linkedin_url"]
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("www.linkedin.com", "/profile/add")
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.title_en,
        "organizationName": certificate.template.association_name_en,
        "issueYear": str(certificate.issued_on.year),
        "issueMonth": str(certificate.issued_on.month),
        "certUrl": f"http://127.0.0.1:8000{certificate.get_absolute_url()}",
        "certId": certificate.number,
    }


def test_revoked_certificate_offers_no_linkedin_link(client, certificate, staff):
    services.revoke(certificate, reason="事迹不实", actor=staff)
    assert client.get(certificate.get_absolute_url()).context["linkedin_url"] == ""


@pytest.fixture
def batch(template, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_batch(
            template=template,
            recipients=[services.Recipient(person=PersonFactory(name=name), title="最美") for name in ("王䶮", "李明")],
            batch_key="2026-最美",
            title="最美",
            actor=staff,
        )
    return batch


def test_staff_download_the_batch_as_a_zip_of_pdfs_and_credentials(client, staff, batch):
    client.force_login(staff)
    response = client.get(reverse("certificates:batch_download", kwargs={"pk": batch.pk}))
    assert (response.status_code, response["Content-Type"]) == (200, "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    certificates = list(batch.entries.order_by("pk").values_list("certificate__number", flat=True))
    assert sorted(archive.namelist()) == sorted(
        [f"pdf/{number}.pdf" for number in certificates] + [f"credentials/{number}.json" for number in certificates]
    )
    for number in certificates:
        assert archive.read(f"pdf/{number}.pdf").startswith(b"%PDF")
        assert (
            json.loads(archive.read(f"credentials/{number}.json"))["credentialSubject"]["achievement"]["humanCode"]
            == number
        )
    assert AuditEntry.objects.filter(action="certificates.batch.downloaded").count() == 1


def test_batch_download_is_for_staff_only(client, nominator, batch):
    url = reverse("certificates:batch_download", kwargs={"pk": batch.pk})
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(nominator)
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="certificates.batch.downloaded").exists()


def _issue(template, staff, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.issue_one(
            template=template,
            recipient=person,
            title="云州市最美科技工作者",
            title_en="Most Beautiful Sci-tech Worker of Yunzhou",
            batch_key="2026",
            actor=staff,
        )


def test_honoree_with_an_account_gets_the_mail_in_their_language_with_the_pdf(
    template, staff, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="wang@example.org", language="en")
    person = PersonFactory(name="王䶮", name_en="Wang Yan", user=user)
    certificate = _issue(template, staff, person, django_capture_on_commit_callbacks)
    [message] = mailoutbox
    assert (message.to, message.subject) == (
        ["wang@example.org"],
        "Your certificate: Most Beautiful Sci-tech Worker of Yunzhou",
    )
    assert message.body.startswith("Dear Wang Yan,")
    assert f"http://127.0.0.1:8000{certificate.get_absolute_url()}" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype, content) == (
        f"{certificate.number}.pdf",
        "application/pdf",
        services.pdf_bytes(certificate),
    )


def test_honoree_without_an_account_gets_the_mail_in_chinese_at_their_own_address(
    template, staff, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(name="王䶮", email="wangyan@example.org")
    _issue(template, staff, person, django_capture_on_commit_callbacks)
    [message] = mailoutbox
    assert (message.to, message.subject) == (["wangyan@example.org"], "您的证书：云州市最美科技工作者")
    assert message.body.startswith("王䶮，您好：")


def test_no_mail_without_an_address_or_once_revoked(template, staff, mailoutbox, django_capture_on_commit_callbacks):
    _issue(template, staff, PersonFactory(name="王䶮", email=""), django_capture_on_commit_callbacks)
    assert mailoutbox == []
    certificate = _issue(template, staff, PersonFactory(name="李明", email="li@example.org"), lambda **kw: _Quiet())
    services.revoke(certificate, reason="误发", actor=staff)
    from laurel.certificates import mail

    assert mail.send_issued(certificate.pk) is False
    assert mailoutbox == []


class _Quiet:
    """A stand-in for django_capture_on_commit_callbacks that runs no callback (the mail is not sent at issue)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
