"""Once nominations close, quotas, criteria, rules and eligibility change only by an amendment with a reason,
logged with what they were before and after; operational dates stay free; make-up working days are set beside
holidays."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors import amendments, campaigns
from laurel.honors.calendar import notice_end
from laurel.honors.models import Assignment, Campaign, Review, Stage, UnitQuota
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(db):
    return CampaignFactory(stage=Stage.ELIGIBILITY, nomination_deadline=timezone.now() - datetime.timedelta(days=1))


def amended():
    return AuditEntry.objects.filter(action="honors.setup.amended")


def test_setup_is_open_in_draft_and_while_nominations_are_open():
    assert not amendments.setup_locked(CampaignFactory(stage=Stage.DRAFT))
    assert not amendments.setup_locked(CampaignFactory(stage=Stage.OPEN))
    past = CampaignFactory(stage=Stage.OPEN, nomination_deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert amendments.setup_locked(past)
    assert amendments.setup_locked(CampaignFactory(stage=Stage.REVIEW))


def test_open_setup_changes_need_no_reason(staff, unit):
    campaign = CampaignFactory(stage=Stage.OPEN)
    campaigns.set_quota(campaign, unit=unit, quota=3, actor=staff)
    campaigns.update_campaign(campaign, actor=staff, data={"honorees_count": 5})
    assert not amended().exists()


def test_a_locked_quota_change_without_a_reason_is_refused(staff, unit, closed):
    with pytest.raises(ValidationError, match="this change is an amendment"):
        campaigns.set_quota(closed, unit=unit, quota=3, actor=staff)
    assert not UnitQuota.objects.exists()
    with pytest.raises(ValidationError, match="under 500 characters"):
        campaigns.set_quota(closed, unit=unit, quota=3, actor=staff, amendment_reason="x" * 501)
    with pytest.raises(ValidationError, match="amendment"):
        campaigns.set_quota(closed, unit=unit, quota=3, actor=staff, amendment_reason="   ")


def test_a_quota_amendment_is_logged_with_before_and_after(staff, unit, closed):
    campaigns.set_quota(closed, unit=unit, quota=3, actor=staff, amendment_reason="补报名额")
    campaigns.set_quota(closed, unit=unit, quota=4, actor=staff, amendment_reason="再次调整")
    first, second = amended().order_by("pk")
    assert first.data == {
        "what": "quota",
        "before": {"unit": unit.name, "quota": None},
        "after": {"unit": unit.name, "quota": 3},
        "reason": "补报名额",
    }
    assert second.data["before"]["quota"] == 3 and second.data["after"]["quota"] == 4
    assert first.actor == staff


def test_setting_the_same_quota_again_is_no_amendment(staff, unit, closed):
    campaigns.set_quota(closed, unit=unit, quota=3, actor=staff, amendment_reason="补报名额")
    campaigns.set_quota(closed, unit=unit, quota=3, actor=staff)
    assert amended().count() == 1


def test_campaign_numbers_are_amended_with_a_reason(staff, closed):
    with pytest.raises(ValidationError, match="amendment"):
        campaigns.update_campaign(closed, actor=staff, data={"honorees_count": 3})
    closed.refresh_from_db()
    assert closed.honorees_count == 2
    campaigns.update_campaign(closed, actor=staff, data={"honorees_count": 3}, amendment_reason="市委要求增加一名")
    closed.refresh_from_db()
    assert closed.honorees_count == 3
    entry = amended().get()
    assert entry.data["before"] == {"honorees_count": "2"} and entry.data["after"] == {"honorees_count": "3"}


def test_operational_dates_move_freely_after_close(staff, closed):
    deadline = timezone.now() + datetime.timedelta(days=7)
    campaigns.update_campaign(closed, actor=staff, data={"review_deadline": deadline, "holidays": ["2026-10-01"]})
    closed.refresh_from_db()
    assert closed.review_deadline == deadline and closed.holidays == ["2026-10-01"]
    assert not amended().exists()


def test_criteria_rules_and_eligibility_are_amended_with_a_reason(staff, closed):
    with pytest.raises(ValidationError, match="amendment"):
        campaigns.add_criterion(closed, name="创新", weight=10, actor=staff)
    with pytest.raises(ValidationError, match="amendment"):
        campaigns.add_representation_rule(
            closed, actor=staff, data={"per": "unit", "bound": "max", "measure": "count", "value": 1}
        )
    with pytest.raises(ValidationError, match="amendment"):
        campaigns.set_eligibility(closed, actor=staff, data={"min_years_in_city": 5})
    assert closed.criteria.count() == 2 and not closed.representation_rules.exists()
    campaigns.add_criterion(closed, name="创新", weight=10, actor=staff, amendment_reason="补充标准")
    campaigns.add_representation_rule(
        closed,
        actor=staff,
        data={"per": "unit", "bound": "max", "measure": "count", "value": 1},
        amendment_reason="每单位至多一名",
    )
    campaigns.set_eligibility(closed, actor=staff, data={"min_years_in_city": 5}, amendment_reason="按通知更正")
    whats = {entry.data["what"]: entry.data for entry in amended()}
    assert whats["criteria"]["before"] == ["事迹 (60)", "影响 (40)"]
    assert whats["criteria"]["after"][-1] == "创新 (10)"
    assert whats["representation_rules"]["before"] == []
    assert whats["eligibility"]["before"] == {"min_years_in_city": "None"}
    assert whats["eligibility"]["after"] == {"min_years_in_city": "5"}


def test_criteria_never_change_once_experts_scored(staff, expert, closed):
    nomination = NominationFactory(campaign=closed, photos=0)
    assignment = Assignment.objects.create(nomination=nomination, expert=expert)
    Review.objects.create(assignment=assignment, total=80, submitted_at=timezone.now())
    with pytest.raises(ValidationError, match="already scored"):
        campaigns.add_criterion(closed, name="创新", weight=10, actor=staff, amendment_reason="补充")


@pytest.mark.parametrize("stage", [Stage.NOTICE, Stage.PUBLISHED])
def test_nothing_is_amended_once_the_list_is_public(staff, unit, stage):
    campaign = CampaignFactory(stage=stage)
    with pytest.raises(ValidationError, match="list is public"):
        campaigns.set_quota(campaign, unit=unit, quota=3, actor=staff, amendment_reason="r")
    with pytest.raises(ValidationError, match="list is public"):
        campaigns.update_campaign(campaign, actor=staff, data={"honorees_count": 9}, amendment_reason="r")


def test_the_setup_pages_ask_for_the_reason_after_close(staff_client, closed, unit):
    page = staff_client.get(closed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="setup-locked"' in page and page.count('name="amendment_reason"') == 4
    form = staff_client.get(reverse("honors:campaign_update", args=[closed.code])).content.decode()
    assert 'name="amendment_reason"' in form
    open_campaign = CampaignFactory(stage=Stage.OPEN)
    assert 'name="amendment_reason"' not in staff_client.get(open_campaign.get_absolute_url()).content.decode()
    url = reverse("honors:quota_set", args=[closed.code])
    page = staff_client.post(url, {"unit": unit.pk, "quota": 3}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "推荐已截止：此项修改属于修订" in page.content.decode()
    assert not UnitQuota.objects.exists()
    staff_client.post(url, {"unit": unit.pk, "quota": 3, "amendment_reason": "补报"})
    assert UnitQuota.objects.get().quota == 3


def test_make_up_working_days_are_edited_beside_holidays(staff_client, staff):
    campaign = CampaignFactory(stage=Stage.DRAFT)
    url = reverse("honors:campaign_update", args=[campaign.code])
    page = staff_client.get(url).content.decode()
    assert 'name="makeup_text"' in page and 'name="holidays_text"' in page
    campaigns.update_campaign(
        campaign, actor=staff, data={"holidays": ["2026-10-01", "2026-10-02"], "makeup_workdays": ["2026-10-10"]}
    )
    campaign.refresh_from_db()
    assert campaign.makeup_workdays == ["2026-10-10"]
    assert "2026-10-10" in staff_client.get(url).content.decode()
    # Saturday 10 October counts: a notice from Friday 9 October for two working days ends on the 10th.
    assert notice_end(
        datetime.date(2026, 10, 9), 2, holidays=campaign.holiday_dates(), makeup=campaign.makeup_dates()
    ) == datetime.date(2026, 10, 10)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"makeup_workdays": ["2026-13-01"]}, "YYYY-MM-DD"),
        ({"makeup_workdays": ["x"] * 400}, "at most 366"),
        ({"holidays": ["2026-10-01"], "makeup_workdays": ["2026-10-01"]}, "both a holiday and a make-up"),
    ],
)
def test_bad_make_up_days_are_refused(staff, data, message):
    campaign = CampaignFactory(stage=Stage.DRAFT)
    with pytest.raises(ValidationError, match=message) as caught:
        campaigns.update_campaign(campaign, actor=staff, data=data)
    assert "makeup_workdays" in caught.value.message_dict
    assert Campaign.objects.get(pk=campaign.pk).makeup_workdays == []
