"""The committee decision: the exact rule-respecting proposal, advisory flags, overrides, replacements."""

from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import permissions, ranking, representation, selection
from laurel.honors.models import Campaign, CommitteeDecision, Nomination, RepresentationRule, Stage
from laurel.honors.nominations import move_nomination
from laurel.honors.representation import RuleOutcome, rule_outcomes

Status = Nomination.Status
RANKED = frozenset(ranking.RANKED_STATUSES)
Kind = CommitteeDecision.Kind

__all__ = ["Proposal", "RuleOutcome", "rule_outcomes"]


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


def _solve(campaign: Campaign, table: list[ranking.Row], fixed: set[int]) -> list[Nomination]:
    candidates = [row.nomination for row in table]
    scores = np.array([row.score for row in table])
    try:
        chosen = selection.select(
            scores,
            campaign.honorees_count,
            representation.constraints(campaign, candidates, campaign.honorees_count),
            fixed=[index for index, nomination in enumerate(candidates) if nomination.pk in fixed],
        )
    except selection.Infeasible:
        raise ValidationError(
            _("No choice of %(count)d honorees among the eligible nominations satisfies every hard rule.")
            % {"count": campaign.honorees_count},
            code="infeasible",
        )
    return [candidates[index] for index in chosen]


def propose(campaign: Campaign, *, pool: list[Nomination] | None = None) -> Proposal:
    """`pool` (representation.nominee_pool(campaign), when the caller has read it already) spares reading the
    campaign's nominations again."""
    if pool is None:
        pool = representation.nominee_pool(campaign)
    table = ranking.score_table(campaign, [nomination for nomination in pool if nomination.status in RANKED])
    chosen = _solve(campaign, table, fixed=set())
    ranked = [row.nomination for row in table]
    waiting = [
        nomination for nomination in pool if nomination.status in (Status.SUBMITTED, Status.RETURNED, Status.REMOVED)
    ]
    pool = ranked + waiting
    return Proposal(chosen=chosen, table=table, outcomes=rule_outcomes(campaign, chosen, pool, ranked=ranked))


def _require_committee(campaign: Campaign, actor) -> None:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if campaign.stage != Stage.COMMITTEE:
        raise ValidationError(_("The committee decides only at the committee stage."))


def _set_selection(campaign: Campaign, chosen_ids: set[int], *, actor, data: dict) -> None:
    """The committee's reason stays in the decision record and the audit log: the nomination's own reason is what
    its nominator reads, and a committee's reason may name other units' candidates."""
    current = campaign.nominations.filter(status__in=ranking.RANKED_STATUSES)
    for nomination in current.select_related("person", "campaign", "nominated_by"):
        if nomination.pk in chosen_ids and nomination.status == Status.ELIGIBLE:
            move_nomination(nomination, to=Status.SELECTED, actor=actor, data=data)
        elif nomination.pk not in chosen_ids and nomination.status == Status.SELECTED:
            move_nomination(nomination, to=Status.ELIGIBLE, actor=actor, data={**data, "deselected": True})


def _number(value: float):
    return None if not np.isfinite(value) else round(float(value), 6)


def record_decision(
    campaign: Campaign, *, kind: str, actor, reason: str = "", cause: str = "", removed=(), added=()
) -> CommitteeDecision:
    """Keep what the committee decided on as it stood: every candidate in the running with the scores and the
    normalized scores it was ranked by, the selection and its rule outcomes; candidates removed earlier keep the
    row they had when they were last decided on, with their status and the reason of their removal."""
    table = ranking.score_table(campaign)
    previous = campaign.decisions.order_by("-created_at", "-pk").first()
    removals = {code: data for decision in campaign.decisions.all() for code, data in _removals(decision).items()}
    for code in removed:
        removals[code] = {"reason": reason, "cause": cause}
    rows = []
    for row in table:
        nomination = row.nomination
        rows.append({
            "code": nomination.code, "name": nomination.person.name, "unit": nomination.unit.name, "rank": row.rank,
            "count": row.count, "mean": _number(row.mean), "median": _number(row.median),
            "trimmed": _number(row.trimmed), "zscore": _number(row.zscore), "spread": _number(row.spread),
            "votes": row.votes, "score": _number(row.score), "status": nomination.status,
            "selected": nomination.status == Status.SELECTED, "removal": None,
        })  # fmt: skip
    in_table = {row["code"] for row in rows}
    statuses = dict(campaign.nominations.filter(code__in=removals).values_list("code", "status"))
    for row in previous.rows if previous else []:
        if row["code"] in in_table or row["code"] not in removals:
            continue
        rows.append({**row, "status": statuses.get(row["code"], row["status"]), "selected": False,
                     "removal": removals[row["code"]]})  # fmt: skip
    chosen = [row.nomination for row in table if row.nomination.status == Status.SELECTED]
    outcomes = rule_outcomes(
        campaign, chosen, representation.nominee_pool(campaign), ranked=[row.nomination for row in table]
    )
    return CommitteeDecision.objects.create(
        campaign=campaign, kind=kind, cause=cause, reason=reason, actor=actor if actor and actor.pk else None,
        rows=rows, outcomes=[outcome.as_data() for outcome in outcomes],
        selected=[nomination.code for nomination in sorted(chosen, key=lambda n: (n.rank or 0, n.pk))],
        removed=list(removed), added=list(added),
    )  # fmt: skip


def _removals(decision: CommitteeDecision) -> dict[str, dict]:
    return {code: {"reason": decision.reason, "cause": decision.cause} for code in decision.removed}


def accept_proposal(campaign: Campaign, *, actor) -> Proposal:
    """Select the proposed honorees (the ranking is recomputed first). One transaction: when no choice keeps every
    hard rule, the refusal leaves the ranking as it was too."""
    _require_committee(campaign, actor)
    with transaction.atomic():
        ranking.recompute_ranking(campaign, actor=actor)
        proposal = propose(campaign)
        _set_selection(campaign, {n.pk for n in proposal.chosen}, actor=actor, data={"by": "proposal"})
        record_decision(campaign, kind=Kind.ACCEPTED, actor=actor)
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
    """Staff swap honorees by hand. A written reason is required; hard rules (group rules too) and the count N
    still hold."""
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
    chosen = list(campaign.nominations.filter(pk__in=chosen_ids).select_related("person", "campaign", "unit"))
    broken = [outcome for outcome in rule_outcomes(campaign, chosen, []) if outcome.rule.hard and not outcome.holds
              and outcome.rule.scope == RepresentationRule.Scope.HONOREES]  # fmt: skip
    if broken:
        raise ValidationError(
            _("This override breaks a hard rule: %(rules)s.") % {"rules": "; ".join(str(o.rule) for o in broken)}
        )
    data = {"added": [n.code for n in add], "removed": [n.code for n in remove], "override": True}
    with transaction.atomic():
        _set_selection(campaign, chosen_ids, actor=actor, data=data)
        record_decision(campaign, kind=Kind.OVERRIDDEN, actor=actor, reason=reason, added=data["added"], removed=())
        log_action("honors.selection.overridden", actor=actor, obj=campaign, data={**data, "reason": reason})


def propose_replacement(campaign: Campaign, *, actor) -> list[Nomination]:
    """After an honoree is removed, select the best eligible nominations that keep every hard rule (group rules
    too) until N are selected again (usually one); returns those selected."""
    selected = set(campaign.nominations.selected().values_list("pk", flat=True))
    if len(selected) >= campaign.honorees_count:
        return []
    table = ranking.score_table(campaign)
    chosen = _solve(campaign, table, fixed=selected)
    added = [nomination for nomination in chosen if nomination.pk not in selected]
    for nomination in added:
        move_nomination(nomination, to=Status.SELECTED, actor=actor, data={"replacement": True})
    return added


@dataclass
class Removed:
    nomination: Nomination
    decision: CommitteeDecision | None


@dataclass
class CurrentSelection:
    """What the committee page shows once the committee has decided: the selection as it stands, with its rule
    outcomes now, the candidates removed with their reasons, and every decision in order."""

    chosen: list[Nomination]
    outcomes: list[RuleOutcome]
    removed: list[Removed]
    decisions: list[CommitteeDecision]
    missing: int


def current_selection(campaign: Campaign, *, pool: list[Nomination] | None = None) -> CurrentSelection | None:
    """None while the committee has not decided yet (the page then shows the proposal). `pool`
    (representation.nominee_pool(campaign), when the caller has read it already) spares reading the campaign's
    nominations again: the ranked ones are among them, in the same order."""
    decisions = list(campaign.decisions.select_related("actor"))
    if not decisions:
        return None
    if pool is None:
        pool = representation.nominee_pool(campaign)
    ranked = [nomination for nomination in pool if nomination.status in RANKED]
    chosen = sorted(
        (nomination for nomination in ranked if nomination.status == Status.SELECTED),
        key=lambda nomination: (nomination.rank or 0, nomination.pk),
    )
    by_code = {code: decision for decision in decisions for code in decision.removed}
    removed = [
        Removed(nomination=nomination, decision=by_code.get(nomination.code))
        for nomination in pool
        if nomination.status == Status.REMOVED
    ]
    outcomes = rule_outcomes(campaign, chosen, pool, ranked=ranked)
    return CurrentSelection(
        chosen=chosen,
        outcomes=outcomes,
        removed=removed,
        decisions=decisions,
        missing=max(campaign.honorees_count - len(chosen), 0),
    )
