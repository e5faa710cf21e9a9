import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laurel.certificates import handoffs
from laurel.certificates.models import Certificate, Kind
from laurel.consultations.models import Consultation, Openness
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.consultations import ConsultationFactory, concluded_consultation

pytestmark = pytest.mark.django_db


def test_service_certificates_go_to_every_serving_expert_once(staff, django_capture_on_commit_callbacks):
    consultation = concluded_consultation(staff)
    template = CertificateTemplateFactory(kind=Kind.SERVICE, heading="证书", heading_en="Certificate")
    with django_capture_on_commit_callbacks(execute=True):
        batch = handoffs.issue_consultation_certificates(consultation, template=template, actor=staff)
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.batch_key) == ("finished", 5, f"consultation:{consultation.pk}")
    certificate = Certificate.objects.filter(kind=Kind.SERVICE).order_by("pk").first()
    assert certificate.title == "决策咨询专家服务"
    assert (
        certificate.citation
        == f"参加{consultation.asking_body.name}委托的“城市内涝治理的优先措施”专家组，完成1轮德尔菲咨询。"
    )
    with pytest.raises(ValidationError) as error:
        handoffs.issue_consultation_certificates(consultation, template=template, actor=staff)
    assert error.value.code == "already_issued"


def test_internal_consultations_keep_their_title_off_the_certificate(staff):
    consultation = concluded_consultation(staff)
    Consultation.objects.filter(pk=consultation.pk).update(openness=Openness.INTERNAL)
    consultation.refresh_from_db()
    citations = {recipient.citation for recipient in handoffs.consultation_recipients(consultation)}
    assert citations == {f"参加{consultation.asking_body.name}委托的决策咨询课题专家组，完成1轮德尔菲咨询。"}


def test_service_certificates_wait_for_the_rounds_and_the_right_template(staff):
    running = ConsultationFactory(status=Consultation.Status.IN_ROUNDS)
    with pytest.raises(ValidationError) as error:
        handoffs.issue_consultation_certificates(
            running, template=CertificateTemplateFactory(kind=Kind.SERVICE), actor=staff
        )
    assert error.value.code == "not_done"
    with pytest.raises(ValidationError) as error:
        handoffs.issue_consultation_certificates(
            concluded_consultation(staff), template=CertificateTemplateFactory(kind=Kind.HONOR), actor=staff
        )
    assert error.value.code == "wrong_template"


def test_staff_sees_concluded_consultations_among_the_hand_offs(staff_client, staff, expert, client):
    consultation = concluded_consultation(staff)
    page = staff_client.get(reverse("certificates:handoff_list")).content.decode()
    assert consultation.title in page
    url = reverse("certificates:consultation_issue", kwargs={"pk": consultation.pk})
    assert staff_client.get(url).status_code == 200
    client.force_login(expert)
    assert client.get(url).status_code == 403
