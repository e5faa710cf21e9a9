import datetime

import pytest
from django.utils import timezone, translation

from laurel.honors import nominations, notices, notifications, reviews
from laurel.honors.models import Nomination, Stage
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory, RoleKind, user_with_role

pytestmark = pytest.mark.django_db
Status = Nomination.Status
CHINESE = "2024年最美科技工作者 (2024)"
ENGLISH = "Most Beautiful Sci-tech Workers 2024 (2024)"


@pytest.fixture
def campaign():
    return CampaignFactory(
        name="2024年最美科技工作者", name_en="Most Beautiful Sci-tech Workers 2024", edition=2024, stage=Stage.OPEN
    )


def test_nominators_read_the_campaign_in_their_own_language(
    campaign, staff, mailoutbox, django_capture_on_commit_callbacks
):
    for language, email in (("en", "en@example.org"), ("zh-hans", "zh@example.org")):
        unit = OrganizationFactory()
        user = user_with_role(RoleKind.NOMINATOR, organization=unit, language=language, email=email)
        nomination = NominationFactory(
            campaign=campaign, unit=unit, nominated_by=user, status=Status.SUBMITTED, photos=0
        )
        with django_capture_on_commit_callbacks(execute=True):
            nominations.check_eligibility(nomination, outcome="reject", reason="不在岗", actor=staff)
    bodies = {message.to[0]: message.body for message in mailoutbox}
    assert f"for {ENGLISH} is now “Rejected”" in bodies["en@example.org"]
    assert "Most Beautiful" not in bodies["zh@example.org"]
    assert CHINESE in bodies["zh@example.org"]


def test_a_campaign_without_an_english_name_keeps_its_chinese_name_in_english_mail(
    campaign, staff, mailoutbox, django_capture_on_commit_callbacks
):
    campaign.name_en = ""
    campaign.save()
    unit = OrganizationFactory()
    user = user_with_role(RoleKind.NOMINATOR, organization=unit, language="en")
    nomination = NominationFactory(campaign=campaign, unit=unit, nominated_by=user, status=Status.SUBMITTED, photos=0)
    with django_capture_on_commit_callbacks(execute=True):
        nominations.check_eligibility(nomination, outcome="reject", reason="Not in post", actor=staff)
    assert f"for {CHINESE} is now “Rejected”" in mailoutbox[0].body


def test_experts_read_the_campaign_in_their_own_language(
    campaign, staff, mailoutbox, django_capture_on_commit_callbacks
):
    english = user_with_role(RoleKind.EXPERT, language="en", email="en-expert@example.org")
    chinese = user_with_role(RoleKind.EXPERT, language="zh-hans", email="zh-expert@example.org")
    campaign.stage = Stage.REVIEW
    campaign.save()
    nomination = NominationFactory(campaign=campaign, status=Status.ELIGIBLE, photos=0)
    with django_capture_on_commit_callbacks(execute=True):
        for expert in (english, chinese):
            reviews.add_panel_member(campaign, expert=expert, actor=staff)
            reviews.assign_expert(nomination, expert=expert, actor=staff)
            notifications.assignments_released(expert, campaign, 3)
    bodies = {}
    for message in mailoutbox:
        bodies.setdefault(message.to[0], []).append(message.body)
    assert [f"for {ENGLISH}." in body for body in bodies["en-expert@example.org"]] == [True, True]
    assert [CHINESE in body and "Most Beautiful" not in body for body in bodies["zh-expert@example.org"]] == [
        True,
        True,
    ]


def test_an_objector_reads_the_campaign_in_the_language_they_objected_in(
    campaign, staff, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    campaign.stage, campaign.notice_starts_on = Stage.NOTICE, today
    campaign.notice_ends_on = today + datetime.timedelta(days=6)
    campaign.save()
    nomination = NominationFactory(campaign=campaign, status=Status.SELECTED, photos=0)
    filed = {}
    for language, email in (("en", "en-objector@example.org"), ("zh-hans", "zh-objector@example.org")):
        with translation.override(language):
            filed[email] = notices.file_objection(
                nomination,
                full_name="王小明",
                contact="13800000000",
                email=email,
                statement="该候选人的论文署名存在争议。",
                address="198.51.100.20",
            )
    with django_capture_on_commit_callbacks(execute=True):
        for objection in filed.values():
            notices.decide_objection(objection, upheld=False, reason="署名无误", actor=staff)
    bodies = {message.to[0]: message.body for message in mailoutbox}
    assert (
        f"Your objection about {nomination.person.name} in {ENGLISH} was Dismissed."
        in bodies["en-objector@example.org"]
    )
    assert CHINESE in bodies["zh-objector@example.org"]
    assert "Most Beautiful" not in bodies["zh-objector@example.org"]
