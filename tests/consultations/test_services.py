import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from laurel.consultations import services
from laurel.consultations.models import Consultation, Material, Openness, Response
from laurel.core.models import AuditEntry
from tests.factories.consultations import ConsultationFactory, GovernmentFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "asking_body": GovernmentFactory(name="云州市水务局"),
        "title": "城市内涝治理",
        "question": "应优先采取哪些措施？",
        "background": "",
        "expertise_wanted": "水文",
        "deadline": timezone.localdate() + datetime.timedelta(days=30),
        "openness": Openness.INTERNAL,
        "contact_name": "李处长",
        "contact_email": "li@gov.example.org",
        "contact_phone": "",
    }
    return {**data, **overrides}


def _pdf() -> SimpleUploadedFile:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("背景材料.pdf", buffer.getvalue(), content_type="application/pdf")


def test_staff_entry_is_accepted_at_once_with_its_materials(staff):
    consultation = services.create_consultation(actor=staff, data=_data(), uploads=[_pdf()])
    assert consultation.status == Consultation.Status.ACCEPTED
    assert list(Material.objects.values_list("name", flat=True)) == ["背景材料.pdf"]
    assert AuditEntry.objects.for_object(consultation).get().action == "consultations.consultation.created"


def test_classified_question_is_refused_and_nothing_is_stored(staff):
    with pytest.raises(ValidationError) as caught:
        services.create_consultation(actor=staff, data=_data(), classified=True, uploads=[_pdf()])
    assert caught.value.code == "classified"
    assert "涉密" in caught.value.messages[0]
    assert (Consultation.objects.count(), Material.objects.count()) == (0, 0)


def test_fake_pdf_material_is_refused_and_nothing_is_stored(staff):
    fake = SimpleUploadedFile("a.pdf", b"<html>%PDF-1.4</html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.create_consultation(actor=staff, data=_data(), uploads=[fake])
    assert Consultation.objects.count() == 0


def test_past_deadline_is_refused(staff):
    with pytest.raises(ValidationError) as caught:
        services.create_consultation(actor=staff, data=_data(deadline=timezone.localdate()))
    assert "deadline" in caught.value.message_dict


def test_submission_waits_for_the_mailed_link_then_for_staff(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = services.submit_consultation(data=_data())
    assert consultation.status == Consultation.Status.UNVERIFIED
    assert consultation.verify_token in mail.outbox[0].body
    services.verify_submission(consultation)
    assert consultation.status == Consultation.Status.SUBMITTED
    with pytest.raises(ValidationError):
        services.verify_submission(consultation)  # a second click
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(consultation, actor=staff)
    assert Consultation.objects.get().status == Consultation.Status.ACCEPTED
    assert mail.outbox[-1].to == ["li@gov.example.org"]


def test_reject_needs_a_reason(staff):
    consultation = ConsultationFactory(status=Consultation.Status.SUBMITTED)
    with pytest.raises(ValidationError):
        services.reject(consultation, actor=staff, reason=" ")
    services.reject(consultation, actor=staff, reason="不属于科协职责范围")
    assert Consultation.objects.get().status == Consultation.Status.REJECTED


def test_two_staff_accepting_at_once_only_one_wins(staff):
    consultation = ConsultationFactory(status=Consultation.Status.SUBMITTED)
    stale = Consultation.objects.get(pk=consultation.pk)
    services.accept(consultation, actor=staff)
    with pytest.raises(services.InvalidTransition):
        services.accept(stale, actor=staff)
    assert AuditEntry.objects.filter(action="consultations.consultation.accepted").count() == 1


def test_delivery_needs_a_report_and_response_needs_a_delivery(staff):
    from django.core.files.base import ContentFile

    consultation = ConsultationFactory(status=Consultation.Status.CONCLUDED)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.record_delivery(consultation, delivered_on=today, recipient="李处长", channel="专人送达", actor=staff)
    with pytest.raises(ValidationError):
        services.record_response(consultation, kind="adopted", responded_on=today, text="")
    consultation.report.save("r.pdf", ContentFile(b"%PDF-1.4"), save=True)
    with pytest.raises(ValidationError):  # not in the future
        services.record_delivery(
            consultation, delivered_on=today + datetime.timedelta(days=1), recipient="x", channel="y", actor=staff
        )
    services.record_delivery(consultation, delivered_on=today, recipient="李处长", channel="专人送达", actor=staff)
    assert consultation.status == Consultation.Status.DELIVERED
    with pytest.raises(ValidationError):  # before the delivery
        services.record_response(consultation, kind="adopted", responded_on=today - datetime.timedelta(days=1), text="")
    with pytest.raises(ValidationError):
        services.record_response(consultation, kind="signed", responded_on=today, text="")
    services.record_response(consultation, kind=Response.Kind.INSTRUCTION, responded_on=today, text="请水务局研究落实")
    assert Consultation.objects.get().status == Consultation.Status.RESPONDED
    assert Response.objects.get().text == "请水务局研究落实"
