"""Volunteer service certificates: the hand-off from technical needs (key `needs-volunteer:<year>`)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laurel.certificates import handoffs
from laurel.certificates.models import Certificate, IssuanceBatch, Kind
from laurel.needs.models import ServiceRecord
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.needs import ServiceRecordFactory, expert_user

pytestmark = pytest.mark.django_db
VALIDATED = ServiceRecord.Status.VALIDATED


@pytest.fixture
def volunteer():
    user = expert_user("volunteer@example.org", name="志愿者")
    ServiceRecordFactory(user=user, status=VALIDATED, date=datetime.date(2025, 3, 2), hours=4, people_reached=30)
    ServiceRecordFactory(user=user, status=VALIDATED, date=datetime.date(2025, 9, 9), hours=2.5, people_reached=20)
    ServiceRecordFactory(user=user, status=ServiceRecord.Status.SUBMITTED, date=datetime.date(2025, 9, 10), hours=8)
    ServiceRecordFactory(user=user, status=VALIDATED, date=datetime.date(2024, 5, 1), hours=1, people_reached=5)
    return user


def test_service_recipients_sum_the_years_validated_service(volunteer):
    [recipient] = handoffs.volunteer_recipients(2025)
    assert recipient.person == volunteer.person
    assert recipient.title == "2025年度科技志愿服务证书"
    assert recipient.citation == "2025年度开展科技志愿服务2次，累计6.5小时，服务50人次。"
    assert recipient.citation_en == "In 2025, 2 volunteer services, 6.5 hours in all, reaching 50 people."


def test_service_certificates_are_issued_once_per_year(volunteer, staff, django_capture_on_commit_callbacks):
    template = CertificateTemplateFactory(kind=Kind.SERVICE)
    with django_capture_on_commit_callbacks(execute=True):
        batch = handoffs.issue_service_certificates(2025, template=template, actor=staff)
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.batch_key) == ("finished", 1, "needs-volunteer:2025")
    assert Certificate.objects.get(kind=Kind.SERVICE).recipient_name == "志愿者"
    with pytest.raises(ValidationError) as error:
        handoffs.issue_service_certificates(2025, template=template, actor=staff)
    assert error.value.messages == ["本年度的志愿服务证书已经颁发。"]


def test_service_certificates_refuse_an_empty_year_a_wrong_template_and_an_early_date(volunteer, staff):
    with pytest.raises(ValidationError) as error:
        handoffs.issue_service_certificates(2023, template=CertificateTemplateFactory(kind=Kind.SERVICE), actor=staff)
    assert error.value.messages == ["本年度没有已认定的科技志愿服务。"]
    with pytest.raises(ValidationError):
        handoffs.issue_service_certificates(2025, template=CertificateTemplateFactory(kind=Kind.HONOR), actor=staff)
    with pytest.raises(ValidationError):
        handoffs.issue_service_certificates(
            2025,
            template=CertificateTemplateFactory(kind=Kind.SERVICE),
            actor=staff,
            issued_on=datetime.date(2024, 12, 31),
        )
    assert not IssuanceBatch.objects.exists()


def test_staff_issue_from_the_hand_off_page_and_others_cannot(volunteer, client, staff, expert):
    client.force_login(expert)
    assert client.get(reverse("certificates:service_issue", kwargs={"year": 2025})).status_code == 403
    client.force_login(staff)
    listing = client.get(reverse("certificates:handoff_list")).content.decode()
    assert listing.count('data-testid="service-year"') == 2
    page = client.get(reverse("certificates:service_issue", kwargs={"year": 2025})).content.decode()
    assert "2025年度开展科技志愿服务2次" in page
    assert client.get(reverse("certificates:service_issue", kwargs={"year": 1900})).status_code == 404
