"""The committee decision: the exact rule-respecting proposal, advisory flags, overrides, replacements."""

from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import permissions, ranking, rules, selection
from laurel.honors.models import Campaign, Nomination, RepresentationRule, Stage
from laurel.honors.nominations import move_nomination

Status = Nomination.Status


@dataclass
class RuleOutcome:
    rule: RepresentationRule
    count: int
    total: int
    holds: bool


@dataclass
class Proposal:
    chosen: list[Nomination]
    table: list[ranking.Row]
    outcomes: list[RuleOutcome] = field(default_factory=list)

    @property
    def advisory_missed(self) -> list[RuleOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.holds and not outcome.rule.hard]

    @property
    def hard_missed(self) -> list[RuleOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.holds and outcome.rule.hard]


def rule_outcomes(campaign: Campaign, chosen: list[Nomination], pool: list[Nomination]) -> list[RuleOutcome]:
    traits = {nomination.pk: rules.traits_of(nomination) for nomination in {*chosen, *pool}}
    outcomes = []
    for rule in campaign.representation_rules.all():
        group = chosen if rule.scope == RepresentationRule.Scope.HONOREES else pool
        count = sum(1 for nomination in group if rule.trait in traits[nomination.pk])
        outcomes.append(RuleOutcome(rule=rule, count=count, total=len(group), holds=rule.holds(count, len(group))))
    return outcomes


def _constraints(campaign: Campaign, candidates: list[Nomination], count: int) -> list[selection.Constraint]:
    traits = [rules.traits_of(nomination) for nomination in candidates]
    return [
        selection.Constraint(
            key=rule,
            members=np.array([rule.trait in held for held in traits], dtype=bool),
            bound=rule.bound,
            limit=rule.limit(count),
        )
        for rule in campaign.representation_rules.filter(hard=True, scope=RepresentationRule.Scope.HONOREES)
    ]


def _solve(campaign: Campaign, table: list[ranking.Row], fixed: set[int]) -> list[Nomination]:
    candidates = [row.nomination for row in table]
    scores = np.array([row.score for row in table])
    try:
        chosen = selection.select(
            scores,
            campaign.honorees_count,
            _constraints(campaign, candidates, campaign.honorees_count),
            fixed=[index for index, nomination in enumerate(candidates) if nomination.pk in fixed],
        )
    except selection.Infeasible:
        raise ValidationError(
            _("No choice of %(count)d honorees among the eligible nominations satisfies every hard rule.")
            % {"count": campaign.honorees_count},
            code="infeasible",
        )
    return [candidates[index] for index in chosen]


def propose(campaign: Campaign) -> Proposal:
    table = ranking.score_table(campaign)
    chosen = _solve(campaign, table, fixed=set())
    pool = [row.nomination for row in table] + list(
        campaign.nominations.filter(status__in=[Status.SUBMITTED, Status.RETURNED, Status.REMOVED]).select_related(
            "person", "campaign"
        )
    )
    return Proposal(chosen=chosen, table=table, outcomes=rule_outcomes(campaign, chosen, pool))


def _require_committee(campaign: Campaign, actor) -> None:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if campaign.stage != Stage.COMMITTEE:
        raise ValidationError(_("The committee decides only at the committee stage."))


def _set_selection(campaign: Campaign, chosen_ids: set[int], *, actor, reason: str, data: dict) -> None:
    current = campaign.nominations.filter(status__in=ranking.RANKED_STATUSES)
    for nomination in current.select_related("person", "campaign", "nominated_by"):
        if nomination.pk in chosen_ids and nomination.status == Status.ELIGIBLE:
            move_nomination(nomination, to=Status.SELECTED, actor=actor, reason=reason, data=data)
        elif nomination.pk not in chosen_ids and nomination.status == Status.SELECTED:
            move_nomination(nomination, to=Status.ELIGIBLE, actor=actor, reason=reason, data=data)


def accept_proposal(campaign: Campaign, *, actor) -> Proposal:
    """Select the proposed honorees (the ranking is recomputed first). One transaction: when no choice keeps every
    hard rule, the refusal leaves the ranking as it was too."""
    _require_committee(campaign, actor)
    with transaction.atomic():
        ranking.recompute_ranking(campaign, actor=actor)
        proposal = propose(campaign)
        _set_selection(campaign, {n.pk for n in proposal.chosen}, actor=actor, reason="", data={"by": "proposal"})
        log_action(
            "honors.selection.accepted",
            actor=actor,
            obj=campaign,
            data={
                "chosen": [n.code for n in proposal.chosen],
                "advisory_missed": [str(outcome.rule) for outcome in proposal.advisory_missed],
            },
        )
    return proposal


def override_selection(campaign: Campaign, *, add: list[Nomination], remove: list[Nomination], reason: str, actor):
    """Staff swap honorees by hand. A written reason is required; hard rules and the count N still hold."""
    _require_committee(campaign, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("An override needs a written reason.")})
    selected = set(campaign.nominations.selected().values_list("pk", flat=True))
    for nomination in add:
        if nomination.campaign_id != campaign.pk or nomination.status != Status.ELIGIBLE:
            raise ValidationError(_("Only eligible nominations of this campaign can be added."))
    chosen_ids = (selected | {n.pk for n in add}) - {n.pk for n in remove}
    if len(chosen_ids) != campaign.honorees_count:
        raise ValidationError(
            _("The committee must select %(count)d honorees; this override leaves %(selected)d.")
            % {"count": campaign.honorees_count, "selected": len(chosen_ids)}
        )
    chosen = list(campaign.nominations.filter(pk__in=chosen_ids).select_related("person", "campaign"))
    broken = [outcome for outcome in rule_outcomes(campaign, chosen, []) if outcome.rule.hard and not outcome.holds
              and outcome.rule.scope == RepresentationRule.Scope.HONOREES]  # fmt: skip
    if broken:
        raise ValidationError(
            _("This override breaks a hard rule: %(rules)s.") % {"rules": "; ".join(str(o.rule) for o in broken)}
        )
    data = {"added": [n.code for n in add], "removed": [n.code for n in remove], "override": True}
    with transaction.atomic():
        _set_selection(campaign, chosen_ids, actor=actor, reason=reason, data=data)
        log_action("honors.selection.overridden", actor=actor, obj=campaign, data={**data, "reason": reason})


def propose_replacement(campaign: Campaign, *, actor) -> list[Nomination]:
    """After an honoree is removed, select the best eligible nominations that keep every hard rule until N
    are selected again (usually one); returns those selected."""
    selected = set(campaign.nominations.selected().values_list("pk", flat=True))
    if len(selected) >= campaign.honorees_count:
        return []
    table = ranking.score_table(campaign)
    chosen = _solve(campaign, table, fixed=selected)
    added = [nomination for nomination in chosen if nomination.pk not in selected]
    for nomination in added:
        move_nomination(
            nomination, to=Status.SELECTED, actor=actor, reason=_("Proposed to replace a removed candidate."),
            data={"replacement": True},
        )  # fmt: skip
    return added
