import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors import notices
from laurel.honors.models import Nomination, Objection, RepresentationRule, Stage, Trait
from tests.factories.honors import pdf, scored_campaign

pytestmark = pytest.mark.django_db
Status = Nomination.Status


@pytest.fixture
def on_notice(expert):
    today = timezone.localdate()
    campaign, made = scored_campaign(
        totals=[[95], [90], [88], [70]], experts=[expert], honorees_count=2, stage=Stage.NOTICE,
        notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6),
    )  # fmt: skip
    for nomination in made[:2]:
        Nomination.objects.filter(pk=nomination.pk).update(status=Status.SELECTED)
        nomination.status = Status.SELECTED
    return campaign, made


def object_to(nomination, **overrides):
    data = {"full_name": "王小明", "contact": "13800000000", "email": "", "statement": "该候选人的论文存在署名争议。"}
    return notices.file_objection(nomination, **{**data, **overrides})


def test_anonymous_objection_is_refused(on_notice):
    _campaign, made = on_notice
    with pytest.raises(ValidationError) as error:
        object_to(made[0], full_name="", contact="")
    assert set(error.value.message_dict) == {"full_name", "contact"}
    assert Objection.objects.count() == 0


def test_late_objection_is_refused(on_notice):
    campaign, made = on_notice
    campaign.notice_ends_on = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()
    with pytest.raises(ValidationError, match="public notice is closed"):
        object_to(made[0])


def test_evidence_must_be_a_pdf_or_photo(on_notice):
    _campaign, made = on_notice
    with pytest.raises(ValidationError, match="PDF document or a photo"):
        object_to(made[0], evidence=[SimpleUploadedFile("x.pdf", b"MZ not a pdf")])
    objection = object_to(made[0], evidence=[pdf()])
    assert objection.evidence.count() == 1


def test_dismissal_needs_a_reason_and_keeps_the_candidate(on_notice, staff):
    _campaign, made = on_notice
    objection = object_to(made[0])
    with pytest.raises(ValidationError, match="Give the reason"):
        notices.decide_objection(objection, upheld=False, reason="", actor=staff)
    assert notices.decide_objection(objection, upheld=False, reason="署名经核实无误", actor=staff) is None
    assert Nomination.objects.get(pk=made[0].pk).status == Status.SELECTED


def test_upheld_objection_removes_and_proposes_the_next_one_with_rules_holding(
    on_notice, staff, mailoutbox, django_capture_on_commit_callbacks
):
    campaign, made = on_notice
    for nomination in made:
        nomination.category = Nomination.Category.RESEARCH
        nomination.save()
    made[3].person.is_front_line = True
    made[3].person.save()
    made[0].person.is_front_line = True
    made[0].person.save()
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="count", value=1)
    objection = object_to(made[0], email="objector@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        replacement = notices.decide_objection(objection, upheld=True, reason="经核实属实", actor=staff)
    assert replacement == made[3]  # made[2] scores higher but is not front-line
    assert Nomination.objects.get(pk=made[0].pk).status == Status.REMOVED
    assert set(Nomination.objects.selected()) == {made[1], made[3]}
    assert AuditEntry.objects.filter(action="honors.objection.upheld").count() == 1
    assert "objector@example.org" in [message.to[0] for message in mailoutbox]
    with pytest.raises(ValidationError, match="Someone else decided"):
        notices.decide_objection(objection, upheld=False, reason="again", actor=staff)


def test_public_notice_page_needs_no_login_and_takes_an_objection(client, on_notice):
    campaign, made = on_notice
    page = client.get(reverse("honors:notice", kwargs={"code": campaign.code}))
    assert page.status_code == 200
    assert made[0].person.name in page.content.decode()
    url = reverse("honors:objection_create", kwargs={"code": campaign.code, "nomination": made[0].code})
    refused = client.post(url, {"full_name": "", "contact": "", "statement": "匿名"}, headers={"accept-language": "en"})
    assert "Anonymous objections are not accepted" in refused.content.decode()
    accepted = client.post(
        url, {"full_name": "王小明", "contact": "13800000000", "statement": "该候选人的论文存在争议。"}
    )
    assert accepted.status_code == 302
    assert Objection.objects.count() == 1
