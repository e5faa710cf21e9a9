"""Representation rules applied to a list of people: each rule's outcome, and the rules as solver constraints.

A trait rule counts people with a trait ("women: at least 30% of the honorees"). A group rule bounds each group of
one kind ("at most 3 from each nominating unit", "at least 1 from each region"). A group's floor asks for no more
people than the group has candidates still in the running (eligible or selected): a region whose only candidate
was vetoed cannot be asked for one, and the rule still holds for every other region.
"""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from laurel.honors import rules, selection
from laurel.honors.models import Campaign, Nomination, RepresentationRule

RANKED_STATUSES = (Nomination.Status.ELIGIBLE, Nomination.Status.SELECTED)


@dataclass
class GroupCount:
    label: str
    count: int
    required: int
    holds: bool


@dataclass
class RuleOutcome:
    rule: RepresentationRule
    count: int
    total: int
    holds: bool
    # For a group rule: every group's count, the groups that break the rule first. `count` is then the largest
    # group's count for a cap, the smallest group's for a floor.
    groups: list[GroupCount] = field(default_factory=list)

    @property
    def broken_groups(self) -> list[GroupCount]:
        return [group for group in self.groups if not group.holds]

    @property
    def worst_group(self) -> GroupCount | None:
        if not self.groups:
            return None
        if self.rule.bound == RepresentationRule.Bound.MAX:
            return max(self.groups, key=lambda group: (group.count - group.required, group.count))
        return min(self.groups, key=lambda group: (group.count - group.required, group.count))

    def as_data(self) -> dict:
        """The outcome as it is kept in a decision's record and written to the export."""
        data = {"rule": str(self.rule), "hard": self.rule.hard, "count": self.count, "total": self.total}
        data["holds"] = self.holds
        if self.groups:
            data["groups"] = [
                {"group": group.label, "count": group.count, "required": group.required, "holds": group.holds}
                for group in self.groups
            ]
        return data

    def summary(self) -> str:
        """One line: the count and, for a group rule, which group is closest to breaking it."""
        worst = self.worst_group
        if worst is None:
            return f"{self.count}/{self.total}"
        if self.rule.bound == RepresentationRule.Bound.MAX:
            return _("most in one group: %(count)d (%(group)s)") % {"count": worst.count, "group": worst.label}
        return _("fewest in one group: %(count)d of %(required)d needed (%(group)s)") % {
            "count": worst.count,
            "required": worst.required,
            "group": worst.label,
        }


def _group_counts(rule, chosen, available, total) -> list[GroupCount]:
    labels, in_chosen, in_available = {}, Counter(), Counter()
    for nomination in available:
        key = rules.group_of(nomination, rule.per)
        if key:
            in_available[key] += 1
            labels.setdefault(key, rules.group_label(nomination, rule.per))
    for nomination in chosen:
        key = rules.group_of(nomination, rule.per)
        if key:
            in_chosen[key] += 1
            labels.setdefault(key, rules.group_label(nomination, rule.per))
    limit = rule.limit(total)
    groups = []
    for key in sorted(labels, key=lambda key: labels[key]):
        if rule.bound == RepresentationRule.Bound.MAX:
            required = limit
            holds = in_chosen[key] <= limit
        else:
            required = min(limit, max(in_available[key], in_chosen[key]))
            holds = in_chosen[key] >= required
        groups.append(GroupCount(label=labels[key], count=in_chosen[key], required=required, holds=holds))
    return groups


# Read through `campaign.nominations`, each nomination's `campaign` is the given campaign itself (Django sets it), so
# no join reads the same campaign row once per nomination.
def ranked_nominations(campaign: Campaign) -> list[Nomination]:
    return list(campaign.nominations.filter(status__in=RANKED_STATUSES).select_related("person", "unit"))


# What ranking, the proposal, the rules (traits and groups) and the ranking page read of a nomination, its nominee
# and its unit: a page of hundreds of candidates builds them without their stories, contacts and the rest.
RANKING_FIELDS = (
    *("code", "status", "rank", "score", "public_votes", "category", "titles_held", "campaign", "unit", "person"),
    *("unit__name", "unit__region", "unit__kind"),
    *("person__name", "person__is_front_line", "person__date_of_birth", "person__gender", "person__title"),
    "person__field",
)


def nominee_pool(campaign: Campaign, *, only: tuple[str, ...] = ()) -> list[Nomination]:
    """The nominations nominee rules count: every one submitted and not rejected or withdrawn. `only`
    (RANKING_FIELDS) reads no more than ranking needs; a caller reading other fields leaves it out."""
    Status = Nomination.Status
    pool = campaign.nominations.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN, Status.REJECTED]).select_related(
        "person", "unit"
    )
    return list(pool.only(*only) if only else pool)


def rule_outcomes(
    campaign: Campaign, chosen: list[Nomination], pool: list[Nomination], *, ranked: list[Nomination] | None = None
) -> list[RuleOutcome]:
    """Each rule's outcome: honoree rules on `chosen`, nominee rules on `pool`. `ranked` (the candidates still in
    the running, read when not given) sets how many each group's floor can ask for."""
    outcomes = []
    traits: dict[int, set[str]] = {}
    for rule in campaign.representation_rules.all():
        group = chosen if rule.scope == RepresentationRule.Scope.HONOREES else pool
        if rule.per:
            if ranked is None:
                ranked = ranked_nominations(campaign)
            available = ranked if rule.scope == RepresentationRule.Scope.HONOREES else pool
            counts = _group_counts(rule, group, available, len(group))
            holds = all(count.holds for count in counts)
            outcome = RuleOutcome(rule=rule, count=0, total=len(group), holds=holds, groups=counts)
            worst = outcome.worst_group
            outcome.count = worst.count if worst else 0
        else:
            for nomination in group:
                if nomination.pk not in traits:
                    traits[nomination.pk] = rules.traits_of(nomination)
            count = sum(1 for nomination in group if rule.trait in traits[nomination.pk])
            outcome = RuleOutcome(rule=rule, count=count, total=len(group), holds=rule.holds(count, len(group)))
        outcomes.append(outcome)
    return outcomes


def constraints(campaign: Campaign, candidates: list[Nomination], count: int) -> list[selection.Constraint]:
    """The hard honoree rules as constraints on choosing `count` of `candidates`: one per trait rule, one per group
    of each group rule (a floor capped at the group's number of candidates)."""
    result = []
    traits = None
    for rule in campaign.representation_rules.filter(hard=True, scope=RepresentationRule.Scope.HONOREES):
        if not rule.per:
            if traits is None:
                traits = [rules.traits_of(nomination) for nomination in candidates]
            members = np.array([rule.trait in held for held in traits], dtype=bool)
            result.append(selection.Constraint(key=rule, members=members, bound=rule.bound, limit=rule.limit(count)))
            continue
        keys = np.array([rules.group_of(nomination, rule.per) for nomination in candidates], dtype=object)
        for key in sorted({key for key in keys if key}):
            members = keys == key
            limit = rule.limit(count)
            if rule.bound == RepresentationRule.Bound.MIN:
                limit = min(limit, int(members.sum()))
            result.append(selection.Constraint(key=(rule, key), members=members, bound=rule.bound, limit=limit))
    return result
