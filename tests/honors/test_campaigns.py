import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from laurel.core.models import AuditEntry
from laurel.honors import campaigns
from laurel.honors.models import Campaign, EligibilityRule, RepresentationRule, Stage, Trait, UnitQuota
from tests.factories.honors import CampaignFactory

pytestmark = pytest.mark.django_db


def test_copy_from_last_year_keeps_setup_and_shifts_the_age_cap(staff, unit):
    source = CampaignFactory(
        name="2023年最美科技工作者", name_en="Most Beautiful Sci-tech Workers 2023", edition=2023,
        stage=Stage.PUBLISHED, holidays=["2023-10-02"],
    )  # fmt: skip
    EligibilityRule.objects.filter(campaign=source).update(
        born_on_or_after=datetime.date(1968, 1, 1), min_years_in_city=5
    )
    UnitQuota.objects.create(campaign=source, unit=unit, quota=3)
    RepresentationRule.objects.create(campaign=source, trait=Trait.FRONT_LINE, bound="min", measure="share", value=50)
    deadline = timezone.now() + datetime.timedelta(days=30)
    copy = campaigns.copy_campaign(source, actor=staff, edition=2024, nomination_deadline=deadline)
    assert (copy.name, copy.edition, copy.stage, copy.holidays) == ("2024年最美科技工作者", 2024, Stage.DRAFT, [])
    assert copy.name_en == "Most Beautiful Sci-tech Workers 2024"
    assert copy.eligibility.born_on_or_after == datetime.date(1969, 1, 1)
    assert copy.eligibility.min_years_in_city == 5
    assert list(copy.quotas.values_list("unit", "quota")) == [(unit.pk, 3)]
    assert [str(rule.trait) for rule in copy.representation_rules.all()] == ["front_line"]
    assert list(copy.criteria.values_list("name", "weight")) == [("事迹", 60), ("影响", 40)]


def test_the_same_edition_twice_is_refused(staff):
    source = CampaignFactory(edition=2023)
    with pytest.raises(ValidationError):
        campaigns.copy_campaign(source, actor=staff, edition=2023, nomination_deadline=timezone.now())
    assert Campaign.objects.count() == 1


def test_bad_holiday_dates_are_refused(staff):
    data = {"series": "s", "name": "n", "edition": 2025, "honorees_count": 10, "holidays": ["2025-13-01"],
            "nomination_deadline": timezone.now()}  # fmt: skip
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        campaigns.create_campaign(actor=staff, data=data)


def test_only_staff_create_campaigns(nominator):
    with pytest.raises(PermissionDenied):
        campaigns.create_campaign(actor=nominator, data={})


def test_share_over_100_is_refused(staff, campaign):
    with pytest.raises(ValidationError):
        campaigns.add_representation_rule(
            campaign, actor=staff, data={"trait": "young", "bound": "min", "measure": "share", "value": 120}
        )


def test_copy_of_a_campaign_without_english_name_has_none(staff):
    source = CampaignFactory(name="2023年最美科技工作者", edition=2023)
    copy = campaigns.copy_campaign(source, actor=staff, edition=2024, nomination_deadline=timezone.now())
    assert (copy.name, copy.name_en) == ("2024年最美科技工作者", "")


def test_display_name_is_english_on_english_pages_and_chinese_otherwise():
    campaign = CampaignFactory(name="2023年最美科技工作者", name_en="Most Beautiful Sci-tech Workers 2023")
    assert campaign.display_name("en") == "Most Beautiful Sci-tech Workers 2023"
    assert campaign.display_name("zh-hans") == "2023年最美科技工作者"
    with translation.override("en"):
        assert campaign.display_name() == "Most Beautiful Sci-tech Workers 2023"
    with translation.override("zh-hans"):
        assert campaign.display_name() == "2023年最美科技工作者"


def test_display_name_falls_back_to_chinese_without_an_english_name():
    campaign = CampaignFactory(name="2023年最美科技工作者", name_en="")
    assert campaign.display_name("en") == "2023年最美科技工作者"


def test_update_sets_the_english_name_and_logs_it(staff):
    campaign = CampaignFactory(stage=Stage.DRAFT, name_en="")
    campaigns.update_campaign(campaign, actor=staff, data={"name_en": "Most Beautiful Sci-tech Workers 2025"})
    campaign.refresh_from_db()
    assert campaign.name_en == "Most Beautiful Sci-tech Workers 2025"
    entry = AuditEntry.objects.get(action="honors.campaign.updated")
    assert entry.data == {"changes": {"name_en": ["", "Most Beautiful Sci-tech Workers 2025"]}}


def test_too_long_english_name_is_refused(staff):
    campaign = CampaignFactory(stage=Stage.DRAFT, name_en="")
    with pytest.raises(ValidationError) as error:
        campaigns.update_campaign(campaign, actor=staff, data={"name_en": "x" * 301})
    assert error.value.message_dict == {"name_en": ["Ensure this value has at most 300 characters (it has 301)."]}
    campaign.refresh_from_db()
    assert campaign.name_en == ""
