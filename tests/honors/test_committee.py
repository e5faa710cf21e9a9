import pytest
from django.core.exceptions import ValidationError

from laurel.core.models import AuditEntry
from laurel.honors import committee, ranking
from laurel.honors.models import Nomination, RepresentationRule, Trait
from tests.factories.honors import scored_campaign

pytestmark = pytest.mark.django_db
Status = Nomination.Status


def front_line(nominations, *indices):
    for index in indices:
        nominations[index].person.is_front_line = True
        nominations[index].person.save()
    for nomination in nominations:
        if nomination.person.is_front_line is False:
            nomination.category = Nomination.Category.RESEARCH
            nomination.save()


def test_score_table_ranks_by_the_campaigns_method(expert, other_expert):
    campaign, made = scored_campaign(
        totals=[[90, 50], [70, 72], [60, 60]], experts=[expert, other_expert], ranking_method="mean"
    )
    table = ranking.score_table(campaign)
    assert [row.nomination for row in table] == [made[1], made[0], made[2]]
    assert [row.mean for row in table] == [71.0, 70.0, 60.0]
    assert [row.spread for row in table] == [1.0, 20.0, 0.0]
    campaign.ranking_method = "median"
    assert [row.median for row in ranking.score_table(campaign)] == [71.0, 70.0, 60.0]


def test_proposal_respects_a_hard_rule_and_flags_a_missed_advisory_one(expert):
    campaign, made = scored_campaign(totals=[[95], [90], [88], [70], [60]], experts=[expert], honorees_count=2)
    front_line(made, 3, 4)
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="share", value=50)
    RepresentationRule.objects.create(
        campaign=campaign, trait=Trait.FEMALE, bound="max", measure="count", value=0, hard=False
    )
    proposal = committee.propose(campaign)
    assert proposal.chosen == [made[0], made[3]]
    assert [str(outcome.rule.trait) for outcome in proposal.advisory_missed] == ["female"]
    assert proposal.hard_missed == []


def test_accepting_selects_exactly_the_proposal(expert, staff):
    campaign, made = scored_campaign(totals=[[95], [90], [88]], experts=[expert], honorees_count=2)
    committee.accept_proposal(campaign, actor=staff)
    assert list(Nomination.objects.filter(status=Status.SELECTED).order_by("pk")) == made[:2]
    assert Nomination.objects.get(pk=made[0].pk).rank == 1
    assert AuditEntry.objects.filter(action="honors.selection.accepted").count() == 1


def test_override_needs_a_reason_keeps_hard_rules_and_is_logged(expert, staff):
    campaign, made = scored_campaign(totals=[[95], [90], [88], [70]], experts=[expert], honorees_count=2)
    front_line(made, 3)
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="count", value=1)
    committee.accept_proposal(campaign, actor=staff)
    assert set(Nomination.objects.selected()) == {made[0], made[3]}
    with pytest.raises(ValidationError, match="written reason"):
        committee.override_selection(campaign, add=[made[1]], remove=[made[0]], reason="", actor=staff)
    with pytest.raises(ValidationError, match="breaks a hard rule"):
        committee.override_selection(campaign, add=[made[1]], remove=[made[3]], reason="委员会意见", actor=staff)
    committee.override_selection(campaign, add=[made[1]], remove=[made[0]], reason="委员会投票结果", actor=staff)
    assert set(Nomination.objects.selected()) == {made[1], made[3]}
    entry = AuditEntry.objects.get(action="honors.selection.overridden")
    assert (entry.actor, entry.data["reason"]) == (staff, "委员会投票结果")


def test_no_solution_gives_a_clear_message(expert):
    campaign, made = scored_campaign(totals=[[95], [90]], experts=[expert], honorees_count=2)
    front_line(made)
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="count", value=1)
    with pytest.raises(ValidationError, match="satisfies every hard rule"):
        committee.propose(campaign)
