import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from laurel.core.models import AuditEntry
from laurel.honors import nominations
from laurel.honors.models import EligibilityRule, Nomination, Stage, UnitQuota
from tests.factories.honors import CampaignFactory, NominationFactory, jpeg, pdf
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db
Status = Nomination.Status


def test_submit_stores_eligibility_reasons_and_logs(draft, nominator):
    EligibilityRule.objects.filter(campaign=draft.campaign).update(
        born_on_or_after=datetime.date(1990, 1, 1), min_years_in_city=15, excluded_titles="全国劳动模范"
    )
    draft.titles_held = "全国劳动模范（2019）"
    draft.save()
    with pytest.raises(ValidationError) as error:  # told now, not at the check
        nominations.submit_nomination(draft, actor=nominator)
    assert list(error.value.message_dict) == ["explanation"]
    assert "Born on 1985-05-30, before 1990-01-01." in error.value.message_dict["explanation"][0]
    nominations.submit_nomination(draft, actor=nominator, explanation="年龄超限系出生日期登记有误，已附户籍证明。")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.eligibility_explanation == "年龄超限系出生日期登记有误，已附户籍证明。"
    assert draft.eligibility_problems == [
        "Born on 1985-05-30, before 1990-01-01.",
        "Has worked in the city for fewer than 15 years.",
        "Already holds the title “全国劳动模范”.",
    ]
    assert AuditEntry.objects.filter(action="honors.nomination.submitted", actor=nominator).count() == 1


def test_past_honoree_of_the_series_is_flagged(nominator, unit):
    earlier = CampaignFactory(edition=2020, stage=Stage.PUBLISHED)
    person = PersonFactory(organization=unit)
    NominationFactory(campaign=earlier, person=person, unit=unit, status=Status.SELECTED)
    draft = NominationFactory(campaign=CampaignFactory(edition=2021), person=person, unit=unit, nominated_by=nominator)
    nominations.submit_nomination(draft, actor=nominator, explanation="此次为不同类别的推荐。")
    assert draft.eligibility_problems == ["Already honored in 2020."]


def test_submit_after_the_deadline_is_refused(draft, nominator):
    draft.campaign.nomination_deadline = timezone.now() - datetime.timedelta(minutes=1)
    draft.campaign.save()
    with pytest.raises(ValidationError, match="deadline has passed"):
        nominations.submit_nomination(draft, actor=nominator)
    assert Nomination.objects.get().status == Status.DRAFT


def test_submit_over_the_units_quota_is_refused(campaign, nominator, unit):
    UnitQuota.objects.create(campaign=campaign, unit=unit, quota=1)
    first, second = NominationFactory.create_batch(2, campaign=campaign, unit=unit, nominated_by=nominator)
    nominations.submit_nomination(first, actor=nominator)
    with pytest.raises(ValidationError, match="used its quota of 1"):
        nominations.submit_nomination(second, actor=nominator)
    nominations.withdraw_nomination(first, actor=nominator)
    nominations.submit_nomination(second, actor=nominator)
    assert list(Nomination.objects.values_list("status", flat=True).order_by("pk")) == [
        Status.WITHDRAWN,
        Status.SUBMITTED,
    ]


def test_incomplete_nomination_lists_what_is_missing(campaign, nominator, unit):
    draft = NominationFactory(
        campaign=campaign, unit=unit, nominated_by=nominator, photos=2, consent=False, evidence=""
    )
    with pytest.raises(ValidationError) as error:
        nominations.submit_nomination(draft, actor=nominator)
    assert set(error.value.message_dict) == {"consent", "photos", "evidence"}


def test_same_person_twice_is_caught(draft, nominator):
    with pytest.raises(ValidationError, match="already nominated"):
        nominations.create_nomination(
            campaign=draft.campaign, unit=draft.unit, person=draft.person, actor=nominator,
            data={"category": "young", "story": "x"},
        )  # fmt: skip


def test_over_long_story_is_refused(campaign, nominator, unit):
    campaign.story_limit = 10
    person = PersonFactory(organization=unit)
    with pytest.raises(ValidationError, match="11 characters; the limit is 10"):
        nominations.create_nomination(
            campaign=campaign, unit=unit, person=person, actor=nominator, data={"category": "young", "story": "一" * 11}
        )
    assert Nomination.objects.count() == 0


def test_over_long_english_citation_is_refused_and_nothing_saved(campaign, nominator, unit):
    person = PersonFactory(organization=unit)
    with pytest.raises(ValidationError) as error:
        nominations.create_nomination(
            campaign=campaign, unit=unit, person=person, actor=nominator,
            data={"category": "young", "citation": "育种人", "citation_en": "a" * 601},
        )  # fmt: skip
    assert error.value.message_dict == {"citation_en": ["Ensure this value has at most 600 characters (it has 601)."]}
    assert Nomination.objects.count() == 0


def test_nominator_writes_the_english_citation(draft, nominator):
    nominations.update_nomination(
        draft, actor=nominator, data={"citation": "扎根田野的育种人", "citation_en": "A breeder rooted in the fields"}
    )
    draft.refresh_from_db()
    assert (draft.citation, draft.citation_en) == ("扎根田野的育种人", "A breeder rooted in the fields")


def test_display_citation_is_english_on_english_pages_with_a_chinese_fallback():
    nomination = NominationFactory(citation="扎根田野的育种人", citation_en="A breeder rooted in the fields", photos=0)
    assert nomination.display_citation("en") == "A breeder rooted in the fields"
    assert nomination.display_citation("zh-hans") == "扎根田野的育种人"
    with translation.override("zh-hans"):
        assert nomination.display_citation() == "扎根田野的育种人"
    with translation.override("en"):
        assert nomination.display_citation() == "A breeder rooted in the fields"
    nomination.citation_en = ""
    assert nomination.display_citation("en") == "扎根田野的育种人"


def test_files_are_checked_by_content(campaign, nominator, unit):
    person = PersonFactory(organization=unit)
    fake_pdf = SimpleUploadedFile("evidence.pdf", b"GIF89a not a pdf")
    fake_photo = SimpleUploadedFile("id.jpg", b"%PDF-1.4 a pdf")
    with pytest.raises(ValidationError) as error:
        nominations.create_nomination(
            campaign=campaign, unit=unit, person=person, actor=nominator, data={"category": "young"},
            uploads={"evidence": fake_pdf, "id_photo": fake_photo, "unit_opinion": pdf()},
        )  # fmt: skip
    assert set(error.value.message_dict) == {"evidence", "id_photo"}
    draft = nominations.create_nomination(
        campaign=campaign, unit=unit, person=person, actor=nominator, data={"category": "young"},
        uploads={"evidence": pdf(), "id_photo": jpeg()},
    )  # fmt: skip
    assert draft.evidence.name.endswith(".pdf")


def test_pdf_over_the_limit_is_refused(campaign, nominator, unit, monkeypatch):
    monkeypatch.setattr("laurel.core.uploads.MAX_PDF_BYTES", 10)
    with pytest.raises(ValidationError, match="the limit is 10"):
        nominations.create_nomination(
            campaign=campaign, unit=unit, person=PersonFactory(organization=unit), actor=nominator,
            data={"category": "young"}, uploads={"evidence": pdf()},
        )  # fmt: skip


def test_only_the_units_nominator_may_nominate(campaign, unit, stranger):
    with pytest.raises(PermissionDenied):
        nominations.create_nomination(
            campaign=campaign, unit=unit, person=PersonFactory(organization=unit), actor=stranger, data={}
        )


def test_sixth_photo_is_refused(draft, nominator):
    nominations.add_photo(draft, actor=nominator, image=jpeg())
    nominations.add_photo(draft, actor=nominator, image=jpeg())
    with pytest.raises(ValidationError, match="At most 5"):
        nominations.add_photo(draft, actor=nominator, image=jpeg())


def test_return_then_resubmit_during_the_check(draft, nominator, staff):
    nominations.submit_nomination(draft, actor=nominator)
    draft.campaign.stage = Stage.ELIGIBILITY
    draft.campaign.nomination_deadline = timezone.now() - datetime.timedelta(days=1)
    draft.campaign.save()
    with pytest.raises(ValidationError, match="Give the reason"):
        nominations.check_eligibility(draft, outcome="return", reason=" ", actor=staff)
    nominations.check_eligibility(draft, outcome="return", reason="缺少单位意见盖章", actor=staff)
    nominations.update_nomination(draft, actor=nominator, data={"story": "补充后的事迹"})
    nominations.submit_nomination(draft, actor=nominator)
    nominations.check_eligibility(draft, outcome="pass", reason="", actor=staff)
    assert Nomination.objects.get().status == Status.ELIGIBLE
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-4:] == [
        "honors.nomination.returned", "honors.nomination.updated", "honors.nomination.submitted",
        "honors.nomination.passed",
    ]  # fmt: skip


def test_two_staff_deciding_the_same_nomination_one_wins(draft, nominator, staff):
    nominations.submit_nomination(draft, actor=nominator)
    stale = Nomination.objects.get(pk=draft.pk)
    nominations.check_eligibility(draft, outcome="pass", reason="", actor=staff)
    with pytest.raises(ValidationError, match="Someone else"):
        nominations.check_eligibility(stale, outcome="reject", reason="不符合", actor=staff)
    assert Nomination.objects.get().status == Status.ELIGIBLE


def test_nominator_is_mailed_in_their_language_after_commit(
    draft, nominator, staff, mailoutbox, django_capture_on_commit_callbacks
):
    nominator.language = "en"
    nominator.save()
    nominations.submit_nomination(draft, actor=nominator)
    with django_capture_on_commit_callbacks(execute=True):
        nominations.check_eligibility(draft, outcome="reject", reason="Not in post", actor=staff)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [nominator.email]
    assert mailoutbox[0].subject.endswith(": Rejected")
    assert "Not in post" in mailoutbox[0].body
