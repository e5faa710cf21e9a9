import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from laurel.certificates import handoffs, services
from laurel.certificates.models import Certificate, IssuanceBatch, Kind
from laurel.honors.models import Nomination, Stage
from laurel.outreach.models import Membership
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.outreach import BatchFactory, LectureGroupFactory, MembershipFactory
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_campaign():
    campaign = CampaignFactory(
        name="2023年云州市最美科技工作者", name_en="Yunzhou 2023 Most Beautiful Sci-tech Workers", edition=2023,
        stage=Stage.PUBLISHED,
    )  # fmt: skip
    for unit_name, name, citation, citation_en in [
        ("乙研究所", "王䶮", "材料领域的开拓者", "A pioneer of materials science"),
        ("甲大学", "李明", "农业领域的守护者", ""),
    ]:
        unit = OrganizationFactory(name=unit_name)
        NominationFactory(
            campaign=campaign, unit=unit, person=PersonFactory(name=name, organization=unit),
            status=Nomination.Status.SELECTED, citation=citation, citation_en=citation_en, photos=0,
        )  # fmt: skip
    NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
    return campaign


@pytest.fixture
def lecture_batch():
    batch = BatchFactory(group=LectureGroupFactory(name="科学家精神宣讲团", name_en="Scientist Spirit Lecture Group"))
    MembershipFactory(
        batch=batch,
        person=PersonFactory(name="周雅", name_en=""),
        role=Membership.Role.HEAD,
        term_end=datetime.date(2030, 5, 29),
    )
    MembershipFactory(batch=batch, person=PersonFactory(name="陈立", name_en="Chen Li"))
    MembershipFactory(batch=batch, person=PersonFactory(name="退休者"), retired_on=batch.announced_on)
    return batch


def test_campaign_certificates_carry_each_honorees_citation_in_published_order(
    published_campaign, staff, django_capture_on_commit_callbacks
):
    template = CertificateTemplateFactory(kind=Kind.HONOR)
    with django_capture_on_commit_callbacks(execute=True):
        batch = handoffs.issue_campaign_certificates(published_campaign, template=template, actor=staff)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total, batch.skipped) == ("finished", 2, 2, [])
    certificates = Certificate.objects.filter(batch_key=f"campaign:{published_campaign.pk}").order_by("status_index")
    assert [(c.recipient_name, c.title, c.citation, c.kind) for c in certificates] == [
        ("王䶮", "2023年云州市最美科技工作者", "材料领域的开拓者", "honor"),
        ("李明", "2023年云州市最美科技工作者", "农业领域的守护者", "honor"),
    ]  # by unit name: 乙研究所 (U+4E59) before 甲大学 (U+7532)
    nomination = Nomination.objects.get(person__name="王䶮")
    assert certificates[0].source_id == str(nomination.pk)


def test_campaign_recipients_carry_the_english_name_and_each_english_citation(published_campaign):
    recipients = handoffs.campaign_recipients(published_campaign)
    assert [(r.person.name, r.title_en, r.citation_en) for r in recipients] == [
        ("王䶮", "Yunzhou 2023 Most Beautiful Sci-tech Workers", "A pioneer of materials science"),
        ("李明", "Yunzhou 2023 Most Beautiful Sci-tech Workers", ""),
    ]


def test_campaign_certificates_print_the_english_title_and_citation(
    published_campaign, staff, django_capture_on_commit_callbacks
):
    template = CertificateTemplateFactory(kind=Kind.HONOR)
    with django_capture_on_commit_callbacks(execute=True):
        handoffs.issue_campaign_certificates(published_campaign, template=template, actor=staff)
    certificates = Certificate.objects.order_by("status_index")
    assert [(c.title_en, c.citation_en) for c in certificates] == [
        ("Yunzhou 2023 Most Beautiful Sci-tech Workers", "A pioneer of materials science"),
        ("Yunzhou 2023 Most Beautiful Sci-tech Workers", ""),
    ]
    text = PdfReader(io.BytesIO(services.pdf_bytes(certificates[0]))).pages[0].extract_text()
    assert "Yunzhou 2023 Most Beautiful Sci-tech Workers" in text and "A pioneer of materials science" in text
    assert "A pioneer of materials science" in certificates[0].credential["description"]


def test_campaign_certificates_carry_the_date_staff_chose(
    published_campaign, staff, django_capture_on_commit_callbacks
):
    template = CertificateTemplateFactory(kind=Kind.HONOR)
    with django_capture_on_commit_callbacks(execute=True):
        batch = handoffs.issue_campaign_certificates(
            published_campaign, template=template, actor=staff, issued_on=datetime.date(2023, 5, 30)
        )
    assert batch.issued_on == datetime.date(2023, 5, 30)
    assert list(Certificate.objects.values_list("issued_on", flat=True)) == [datetime.date(2023, 5, 30)] * 2
    assert {c.credential["validFrom"] for c in Certificate.objects.all()} == {"2023-05-29T16:00:00Z"}


def test_campaign_certificates_dated_before_the_campaigns_year_are_refused(published_campaign, staff):
    with pytest.raises(ValidationError) as error:
        handoffs.issue_campaign_certificates(
            published_campaign,
            template=CertificateTemplateFactory(),
            actor=staff,
            issued_on=datetime.date(2022, 12, 31),
        )
    assert error.value.message_dict == {"issued_on": ["2023年评选活动的荣誉证书落款日期不能早于2023年。"]}
    assert IssuanceBatch.objects.count() == 0


def test_appointment_letters_dated_before_the_announcement_are_refused(lecture_batch, staff):
    with pytest.raises(ValidationError) as error:
        handoffs.issue_appointment_letters(
            lecture_batch, template=CertificateTemplateFactory(kind=Kind.APPOINTMENT), actor=staff,
            issued_on=lecture_batch.announced_on - datetime.timedelta(days=1),
        )  # fmt: skip
    assert error.value.message_dict == {"issued_on": ["聘书落款日期不能早于该批次公布的日期（2025-05-30）。"]}
    assert IssuanceBatch.objects.count() == 0


def test_campaign_certificates_are_refused_before_publication(published_campaign, staff):
    published_campaign.stage = Stage.NOTICE
    published_campaign.save()
    with pytest.raises(ValidationError) as error:
        handoffs.issue_campaign_certificates(published_campaign, template=CertificateTemplateFactory(), actor=staff)
    assert error.value.messages == ["评选结果公布后才能颁发荣誉证书。"]
    assert IssuanceBatch.objects.count() == 0


def test_campaign_certificates_issued_twice_are_refused(published_campaign, staff, django_capture_on_commit_callbacks):
    template = CertificateTemplateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        handoffs.issue_campaign_certificates(published_campaign, template=template, actor=staff)
    with pytest.raises(ValidationError) as error:
        handoffs.issue_campaign_certificates(published_campaign, template=template, actor=staff)
    assert error.value.messages == ["该评选活动的荣誉证书已经颁发。"]
    assert (IssuanceBatch.objects.count(), Certificate.objects.count()) == (1, 2)


def test_campaign_certificates_only_missing_honorees_are_issued_again(
    published_campaign, staff, django_capture_on_commit_callbacks
):
    """One honoree already holds one: the unique constraint skips them with a reason, the other is issued."""
    template = CertificateTemplateFactory()
    with django_capture_on_commit_callbacks(execute=True):
        handoffs.issue_campaign_certificates(published_campaign, template=template, actor=staff)
    Certificate.objects.filter(recipient_name="李明").delete()
    with django_capture_on_commit_callbacks(execute=True):
        batch = handoffs.issue_campaign_certificates(published_campaign, template=template, actor=staff)
    batch.refresh_from_db()
    held = Certificate.objects.get(recipient_name="王䶮")
    assert batch.skip_messages() == [f"王䶮 在本批次之前已持有证书 {held.number}。"]
    assert (batch.issued, batch.issued_by_earlier_run) == (1, 0)
    assert Certificate.objects.count() == 2


def test_campaign_certificates_refuse_a_template_of_another_kind(published_campaign, staff):
    with pytest.raises(ValidationError) as error:
        handoffs.issue_campaign_certificates(
            published_campaign, template=CertificateTemplateFactory(kind=Kind.APPOINTMENT), actor=staff
        )
    assert error.value.messages == ["请选择“荣誉证书”的模板。"]


def test_appointment_letters_name_the_role_for_current_members(
    lecture_batch, staff, django_capture_on_commit_callbacks
):
    template = CertificateTemplateFactory(kind=Kind.APPOINTMENT, heading="聘书", heading_en="Letter of Appointment")
    with django_capture_on_commit_callbacks(execute=True):
        batch = handoffs.issue_appointment_letters(lecture_batch, template=template, actor=staff)
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.batch_key) == ("finished", 2, f"lecture-batch:{lecture_batch.pk}")
    letters = {c.recipient_name: c for c in Certificate.objects.filter(kind=Kind.APPOINTMENT)}
    assert sorted(letters) == ["周雅", "陈立"]
    number = lecture_batch.number
    assert letters["周雅"].title == f"科学家精神宣讲团第{number}批成员"
    assert letters["周雅"].title_en == f"Scientist Spirit Lecture Group member, batch {number}"
    # The appointee and the term, as 聘书 word them; the term's end is the letter's validUntil.
    assert letters["周雅"].citation == "兹聘请周雅同志为科学家精神宣讲团团长，聘期自2025年5月30日至2030年5月29日。"
    assert letters["周雅"].citation_en == (
        "周雅 is appointed head of Scientist Spirit Lecture Group for the term from 30 May 2025 to 29 May 2030."
    )
    assert (letters["周雅"].valid_until, letters["周雅"].credential["validUntil"]) == (
        datetime.date(2030, 5, 29), "2030-05-28T16:00:00Z"
    )  # fmt: skip
    assert letters["陈立"].citation == "兹聘请陈立同志为科学家精神宣讲团成员，聘期自2025年5月30日起。"
    assert (
        letters["陈立"].citation_en == "Chen Li is appointed member of Scientist Spirit Lecture Group from 30 May 2025."
    )
    assert letters["陈立"].valid_until is None and "validUntil" not in letters["陈立"].credential
    # The printed letter says it once, as worded, with the English beneath
    from pypdf import PdfReader

    from laurel.certificates import services

    printed = "".join(PdfReader(io.BytesIO(services.pdf_bytes(letters["周雅"]))).pages[0].extract_text().split())
    assert printed.count(letters["周雅"].citation) == 1
    assert printed.index(letters["周雅"].citation) < printed.index("周雅isappointedhead")


def test_appointment_letter_whose_term_ended_before_its_date_is_refused_naming_the_person(lecture_batch, staff):
    lecture_batch.memberships.filter(person__name="陈立").update(term_end=datetime.date(2025, 12, 31))
    template = CertificateTemplateFactory(kind=Kind.APPOINTMENT)
    with pytest.raises(ValidationError) as error:
        handoffs.issue_appointment_letters(lecture_batch, template=template, actor=staff)
    assert error.value.message_dict == {"valid_until": ["陈立的证书将在颁发日期当天或之前失效。"]}
    assert not IssuanceBatch.objects.exists()


def test_appointment_letters_issued_twice_are_refused(lecture_batch, staff):
    template = CertificateTemplateFactory(kind=Kind.APPOINTMENT)
    handoffs.issue_appointment_letters(lecture_batch, template=template, actor=staff)
    with pytest.raises(ValidationError) as error:
        handoffs.issue_appointment_letters(lecture_batch, template=template, actor=staff)
    assert error.value.messages == ["该批次的聘书已经颁发。"]


def test_appointment_letters_refused_for_a_batch_without_members(staff):
    with pytest.raises(ValidationError) as error:
        handoffs.issue_appointment_letters(
            BatchFactory(), template=CertificateTemplateFactory(kind=Kind.APPOINTMENT), actor=staff
        )
    assert error.value.messages == ["该批次没有在任成员。"]


# Views
def test_staff_issues_campaign_certificates_from_the_page(
    published_campaign, staff_client, django_capture_on_commit_callbacks
):
    template = CertificateTemplateFactory()
    listing = staff_client.get(reverse("certificates:handoff_list"))
    assert published_campaign.name in listing.content.decode()
    url = reverse("certificates:campaign_issue", kwargs={"pk": published_campaign.pk})
    page = staff_client.get(url)
    assert "材料领域的开拓者" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"template": template.pk})
    batch = IssuanceBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert Certificate.objects.count() == 2
    again = staff_client.post(url, {"template": template.pk})
    assert "该评选活动的荣誉证书已经颁发" in again.content.decode()


def test_staff_dates_the_certificates_on_the_hand_off_page(
    published_campaign, staff_client, django_capture_on_commit_callbacks
):
    template = CertificateTemplateFactory()
    url = reverse("certificates:campaign_issue", kwargs={"pk": published_campaign.pk})
    page = staff_client.get(url)
    assert page.context["form"]["issued_on"].value() == timezone.localdate()
    assert "Yunzhou 2023 Most Beautiful Sci-tech Workers" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"template": template.pk, "issued_on": "2023-05-30"})
    assert response.status_code == 302
    assert set(Certificate.objects.values_list("issued_on", flat=True)) == {datetime.date(2023, 5, 30)}
    batch_page = staff_client.get(response["Location"]).content.decode()
    assert "落款日期：2023-05-30。" in batch_page


def test_hand_off_page_refuses_a_date_after_today_on_the_field(published_campaign, staff_client):
    url = reverse("certificates:campaign_issue", kwargs={"pk": published_campaign.pk})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = staff_client.post(url, {"template": CertificateTemplateFactory().pk, "issued_on": tomorrow})
    assert response.status_code == 200
    assert response.context["form"].errors == {"issued_on": ["证书落款日期不能晚于今天。"]}
    assert IssuanceBatch.objects.count() == 0


def test_campaign_page_before_publication_says_why(published_campaign, staff_client):
    published_campaign.stage = Stage.COMMITTEE
    published_campaign.save()
    url = reverse("certificates:campaign_issue", kwargs={"pk": published_campaign.pk})
    response = staff_client.post(url, {"template": CertificateTemplateFactory().pk})
    assert response.status_code == 200
    assert "评选结果公布后" in response.content.decode()
    assert IssuanceBatch.objects.count() == 0


def test_staff_issues_appointment_letters_from_the_page(
    lecture_batch, staff_client, django_capture_on_commit_callbacks
):
    template = CertificateTemplateFactory(kind=Kind.APPOINTMENT)
    url = reverse("certificates:lecture_batch_issue", kwargs={"pk": lecture_batch.pk})
    assert "兹聘请周雅同志为科学家精神宣讲团团长" in staff_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"template": template.pk})
    assert response.status_code == 302
    assert Certificate.objects.filter(kind=Kind.APPOINTMENT).count() == 2


@pytest.mark.parametrize("persona", ["member", "nominator", "expert"])
def test_handoff_pages_refuse_non_staff(published_campaign, lecture_batch, client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    template = CertificateTemplateFactory()
    for url in [
        reverse("certificates:handoff_list"),
        reverse("certificates:campaign_issue", kwargs={"pk": published_campaign.pk}),
        reverse("certificates:lecture_batch_issue", kwargs={"pk": lecture_batch.pk}),
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, {"template": template.pk}).status_code == 403
    assert IssuanceBatch.objects.count() == 0


def test_handoff_pages_send_anonymous_visitors_to_log_in(published_campaign, client):
    url = reverse("certificates:campaign_issue", kwargs={"pk": published_campaign.pk})
    response = client.post(url, {"template": CertificateTemplateFactory().pk})
    assert response.status_code == 302 and "login" in response["Location"]
    assert IssuanceBatch.objects.count() == 0


def test_the_honors_texts_page_says_issued_certificates_keep_their_text(
    published_campaign, staff, staff_client, django_capture_on_commit_callbacks
):
    url = reverse("honors:texts", kwargs={"code": published_campaign.code})
    assert 'data-testid="issued-certificates"' not in staff_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        handoffs.issue_campaign_certificates(published_campaign, template=CertificateTemplateFactory(), actor=staff)
    first = Certificate.objects.filter(batch_key=f"campaign:{published_campaign.pk}").order_by("status_index").first()
    services.revoke(first, reason="证书信息有误", actor=staff)
    assert handoffs.issued_for_campaign(published_campaign) == 1  # the revoked one no longer counts
    page = staff_client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "1 honor certificate of this campaign is already issued. It keeps the text it was issued with" in page
    assert f'href="{reverse("certificates:certificate_list")}"' in page
