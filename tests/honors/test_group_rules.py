"""Group rules ("at most N / at least N per unit, field, region, unit type"): in setup, in the exact selection, in
every replacement after a veto or an upheld objection, and in the rule outcomes."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laurel.honors import campaigns, committee, notices, selection, vetting
from laurel.honors.forms import RuleForm
from laurel.honors.models import Campaign, Nomination, RepresentationRule, Stage
from laurel.honors.stages import move_campaign
from tests.factories.honors import CampaignFactory, scored_campaign
from tests.factories.people import OrganizationFactory

pytestmark = pytest.mark.django_db
Status = Nomination.Status
Per = RepresentationRule.Per


def put_in(nominations, unit):
    for nomination in nominations:
        Nomination.objects.filter(pk=nomination.pk).update(unit=unit)
        nomination.unit = unit


def group_rule(campaign, per, bound, value, measure="count", hard=True):
    return RepresentationRule.objects.create(
        campaign=campaign, per=per, bound=bound, measure=measure, value=value, hard=hard
    )


def fresh(nomination):
    return Nomination.objects.select_related("campaign", "person", "unit").get(pk=nomination.pk)


def selected_codes(campaign):
    return set(campaign.nominations.selected().values_list("code", flat=True))


def test_at_most_one_per_unit_skips_the_second_best_of_a_unit(expert):
    campaign, made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=2)
    put_in(made[:2], OrganizationFactory(name="东湖大学"))
    group_rule(campaign, Per.UNIT, "max", 1)
    proposal = committee.propose(campaign)
    assert proposal.chosen == [made[0], made[2]]
    (outcome,) = proposal.outcomes
    assert (outcome.holds, outcome.count, outcome.summary()) == (True, 1, "most in one group: 1 (东湖大学)")


def test_a_cap_as_a_share_of_the_honorees(expert):
    campaign, made = scored_campaign(totals=[[95], [94], [93], [92], [61], [60]], experts=[expert], honorees_count=4)
    put_in(made[:4], OrganizationFactory())
    group_rule(campaign, Per.UNIT, "max", 50, measure="share")  # at most 2 of 4 from one unit
    assert committee.propose(campaign).chosen == [made[0], made[1], made[4], made[5]]


def test_at_least_one_per_region_takes_the_best_of_a_region_left_out(expert):
    campaign, made = scored_campaign(totals=[[95], [90], [88], [60]], experts=[expert], honorees_count=3)
    Nomination.objects.filter(pk=made[3].pk).update(unit=OrganizationFactory(region="西湖区"))
    group_rule(campaign, Per.REGION, "min", 1)
    assert committee.propose(campaign).chosen == [made[0], made[1], made[3]]


def test_a_floor_asks_no_more_than_the_group_has_candidates(expert):
    campaign, made = scored_campaign(totals=[[95], [90], [88], [60]], experts=[expert], honorees_count=3)
    Nomination.objects.filter(pk=made[3].pk).update(unit=OrganizationFactory(region="西湖区"))
    group_rule(campaign, Per.REGION, "min", 2)  # 西湖区 has one candidate: it is chosen, and the rule holds
    proposal = committee.propose(campaign)
    assert proposal.chosen == [made[0], made[1], made[3]]
    assert [outcome.holds for outcome in proposal.outcomes] == [True]


def test_field_groups_ignore_spacing_and_case(expert):
    campaign, made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=2)
    for nomination, field in zip(made, ["Materials Science", " materials  science", "医学"], strict=True):
        nomination.person.field = field
        nomination.person.save()
    group_rule(campaign, Per.FIELD, "max", 1)
    assert committee.propose(campaign).chosen == [made[0], made[2]]


def test_unit_type_caps(expert):
    campaign, made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=2)
    Nomination.objects.filter(pk=made[2].pk).update(unit=OrganizationFactory(kind="enterprise"))
    group_rule(campaign, Per.UNIT_TYPE, "max", 1)  # made[0] and made[1] are both universities
    assert committee.propose(campaign).chosen == [made[0], made[2]]


def test_no_solution_under_a_group_rule_says_so(expert):
    campaign, made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=2)
    put_in(made, OrganizationFactory())
    group_rule(campaign, Per.UNIT, "max", 1)
    with pytest.raises(ValidationError, match="satisfies every hard rule"):
        committee.propose(campaign)


def test_an_advisory_group_rule_is_flagged_not_enforced(expert):
    campaign, made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=2)
    put_in(made[:2], OrganizationFactory(name="东湖大学"))
    group_rule(campaign, Per.UNIT, "max", 1, hard=False)
    proposal = committee.propose(campaign)
    assert proposal.chosen == [made[0], made[1]]
    (missed,) = proposal.advisory_missed
    assert [(group.label, group.count) for group in missed.broken_groups] == [("东湖大学", 2)]


def test_an_override_that_breaks_a_group_cap_is_refused(expert, staff):
    campaign, made = scored_campaign(totals=[[95], [90], [80]], experts=[expert], honorees_count=2)
    put_in(made[:2], OrganizationFactory())
    group_rule(campaign, Per.UNIT, "max", 1)
    committee.accept_proposal(campaign, actor=staff)
    with pytest.raises(ValidationError, match="breaks a hard rule"):
        committee.override_selection(campaign, add=[made[1]], remove=[made[2]], reason="委员会投票", actor=staff)
    assert selected_codes(campaign) == {made[0].code, made[2].code}


def test_the_exact_selection_handles_more_groups_than_bits_in_an_integer():
    """100 units, at most one each: 100 constraints, more than a 64-bit signature could hold."""
    scores = np.linspace(100, 1, 200)
    units = np.repeat(np.arange(100), 2)  # unit k holds candidates 2k and 2k+1
    constraints = [selection.Constraint(key=k, members=units == k, bound="max", limit=1) for k in range(100)]
    chosen = selection.select(scores, 10, constraints)
    assert sorted(chosen.tolist()) == list(range(0, 20, 2))


def test_a_group_rule_is_set_up_through_the_form_and_logged(staff):
    campaign = CampaignFactory(stage=Stage.DRAFT)
    form = RuleForm({"trait": "", "per": "unit", "scope": "honorees", "bound": "max", "measure": "count", "value": 3,
                     "hard": "on"})  # fmt: skip
    assert form.is_valid(), form.errors
    rule = campaigns.add_representation_rule(campaign, actor=staff, data=form.cleaned_data)
    assert str(rule) == "At most 3 from each nominating unit (Honorees)"
    assert campaign.representation_rules.get().per == "unit"


@pytest.mark.parametrize(("trait", "per"), [("", ""), ("female", "unit")])
def test_a_rule_counts_a_trait_or_groups_not_both_nor_neither(staff, trait, per):
    campaign = CampaignFactory(stage=Stage.DRAFT)
    data = {"trait": trait, "per": per, "scope": "honorees", "bound": "max", "measure": "count", "value": 3}
    with pytest.raises(ValidationError) as error:
        campaigns.add_representation_rule(campaign, actor=staff, data=data)
    assert "per" in error.value.message_dict
    assert not campaign.representation_rules.exists()


def test_a_copied_campaign_keeps_its_group_rules(staff):
    campaign = CampaignFactory(stage=Stage.PUBLISHED)
    group_rule(campaign, Per.REGION, "min", 1)
    copy = campaigns.copy_campaign(
        campaign, actor=staff, edition=campaign.edition + 1, nomination_deadline=timezone.now() + datetime.timedelta(9)
    )
    assert [(rule.per, rule.bound, rule.value) for rule in copy.representation_rules.all()] == [("region", "min", 1)]


def at(monkeypatch, day: datetime.date) -> None:
    moment = datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def four_units(expert):
    """Seven candidates in four units: 东湖大学 95, 90, 88; 西湖研究所 85, 80; 青山医院 70; 湾里公司 60.
    Three honorees, at most one from each unit, at least one from each region."""
    campaign, made = scored_campaign(
        totals=[[95], [90], [88], [85], [80], [70], [60]], experts=[expert], honorees_count=3,
        nomination_deadline=timezone.now() - datetime.timedelta(days=30),
    )  # fmt: skip
    put_in(made[0:3], OrganizationFactory(name="东湖大学", region="东湖区"))
    put_in(made[3:5], OrganizationFactory(name="西湖研究所", region="西湖区"))
    put_in(made[5:6], OrganizationFactory(name="青山医院", region="青山湖区"))
    put_in(made[6:7], OrganizationFactory(name="湾里公司", region="青山湖区"))
    group_rule(campaign, Per.UNIT, "max", 1)
    group_rule(campaign, Per.REGION, "min", 1)
    return campaign, made


def test_after_a_veto_and_an_upheld_objection_the_published_list_keeps_every_group_rule(four_units, staff, monkeypatch):
    campaign, made = four_units
    body = vetting.add_body(campaign, name="公安机关", actor=staff)
    committee.accept_proposal(campaign, actor=staff)
    assert selected_codes(campaign) == {made[0].code, made[3].code, made[5].code}
    # The veto removes 西湖研究所's candidate: the next best (东湖大学, 90) would make two from one unit.
    recorded = vetting.record_result(fresh(made[3]), body=body, outcome="vetoed", reason="正在调查", actor=staff)
    assert recorded.replacements == (made[4],)
    for nomination in campaign.nominations.selected():
        vetting.record_result(nomination, body=body, outcome="cleared", actor=staff)
    monday = datetime.date(2024, 5, 6)
    at(monkeypatch, monday)
    move_campaign(campaign, to=Stage.NOTICE, actor=staff)
    # An upheld objection removes 青山医院's candidate: 东湖大学's 90 and 88 would break the unit cap, and 湾里公司
    # keeps 青山湖区 on the list.
    objection = notices.file_objection(
        Nomination.objects.get(pk=made[5].pk), full_name="王小明", contact="13800000000", email="",
        statement="该候选人的论文存在署名争议。", address="198.51.100.20",
    )  # fmt: skip
    replacement = notices.decide_objection(objection, upheld=True, reason="经核实属实", actor=staff)
    assert replacement == made[6]
    vetting.record_result(Nomination.objects.get(pk=made[6].pk), body=body, outcome="cleared", actor=staff)
    at(monkeypatch, monday + datetime.timedelta(days=14))
    move_campaign(Campaign.objects.get(pk=campaign.pk), to=Stage.PUBLISHED, actor=staff)
    assert selected_codes(campaign) == {made[0].code, made[4].code, made[6].code}
    current = committee.current_selection(campaign)
    assert [(str(outcome.rule), outcome.holds) for outcome in current.outcomes] == [
        ("At most 1 from each nominating unit (Honorees)", True),
        ("At least 1 from each region (Honorees)", True),
    ]
    units = [nomination.unit.name for nomination in current.chosen]
    assert sorted(units) == sorted(set(units)) == ["东湖大学", "湾里公司", "西湖研究所"]


def test_the_committee_page_shows_group_outcomes_in_both_languages(four_units, staff_client):
    campaign, _made = four_units
    url = reverse("honors:ranking", kwargs={"code": campaign.code})
    english = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At most 1 from each nominating unit (Honorees)" in english
    assert "most in one group: 1" in english
    chinese = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "每个推荐单位至多 1" in chinese
