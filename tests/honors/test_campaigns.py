import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laurel.honors import campaigns
from laurel.honors.models import Campaign, EligibilityRule, RepresentationRule, Stage, Trait, UnitQuota
from tests.factories.honors import CampaignFactory

pytestmark = pytest.mark.django_db


def test_copy_from_last_year_keeps_setup_and_shifts_the_age_cap(staff, unit):
    source = CampaignFactory(name="2023年最美科技工作者", edition=2023, stage=Stage.PUBLISHED, holidays=["2023-10-02"])
    EligibilityRule.objects.filter(campaign=source).update(
        born_on_or_after=datetime.date(1968, 1, 1), min_years_in_city=5
    )
    UnitQuota.objects.create(campaign=source, unit=unit, quota=3)
    RepresentationRule.objects.create(campaign=source, trait=Trait.FRONT_LINE, bound="min", measure="share", value=50)
    deadline = timezone.now() + datetime.timedelta(days=30)
    copy = campaigns.copy_campaign(source, actor=staff, edition=2024, nomination_deadline=deadline)
    assert (copy.name, copy.edition, copy.stage, copy.holidays) == ("2024年最美科技工作者", 2024, Stage.DRAFT, [])
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
