"""Conflicts of interest between experts and nominations, computed one way for the assignment engine and for
manual assignment, the review form and the score submission (`reviews.conflict_reasons`): the rules of
`laurel.assignment.conflicts` over the expert's unit (profile, else declaration), the units they nominate for,
the nominee's own unit and the nominating unit, each with its parent chain, plus conflicts on record and
nominations the expert nominated."""

from laurel.assignment import conflicts as conflict_rules
from laurel.honors.models import Conflict
from laurel.people import accounts
from laurel.people.models import Organization, Person, Role
from laurel.people.roles import RoleKind

NOMINATED_BY = "nominated_by"


def find(nominations: list, expert_ids: list[int]) -> dict[tuple[int, int], tuple[str, ...]]:
    """(index in `nominations`, index in `expert_ids`) -> reason codes, for every pair that conflicts.
    `nominations` need their person loaded. A bounded number of queries, whatever the sizes."""
    if not nominations or not expert_ids:
        return {}
    people = dict(Person.objects.filter(user_id__in=expert_ids).values_list("user_id", "pk"))
    units = accounts.units_of(expert_ids)
    # A nominator's unit is a conflict whatever the expert declared: a declaration cannot hide it.
    nominating: dict[int, set[int]] = {}
    for user_id, unit_id in Role.objects.filter(
        user_id__in=expert_ids, kind=RoleKind.NOMINATOR, organization__isnull=False
    ).values_list("user_id", "organization_id"):
        nominating.setdefault(user_id, set()).add(unit_id)
    expert_records = [
        conflict_rules.ExpertRecord(
            person=people.get(expert_id, ("user", expert_id)),
            unit=units.get(expert_id),
            other_units=frozenset(nominating.get(expert_id, ())),
        )
        for expert_id in expert_ids
    ]
    item_records = [
        conflict_rules.ItemRecord(
            nominee=nomination.person_id,
            nominee_unit=nomination.person.organization_id or nomination.unit_id,
            nominator_unit=nomination.unit_id,
        )
        for nomination in nominations
    ]
    items = {nomination.pk: index for index, nomination in enumerate(nominations)}
    experts = {expert_id: index for index, expert_id in enumerate(expert_ids)}
    declared = [
        (items[nomination_id], experts[expert_id])
        for nomination_id, expert_id in Conflict.objects.filter(
            nomination_id__in=items, expert_id__in=experts
        ).values_list("nomination_id", "expert_id")
    ]
    parents = dict(Organization.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))
    found = conflict_rules.detect_conflicts(item_records, expert_records, unit_parents=parents, declared=declared)
    for item, nomination in enumerate(nominations):
        expert = experts.get(nomination.nominated_by_id)
        if expert is not None:
            found[item, expert] = tuple(sorted({*found.get((item, expert), ()), NOMINATED_BY}))
    return found


# How a computed reason is recorded as a `Conflict` (conflicts on record keep their own kind).
RECORDED_KIND = {
    conflict_rules.SELF: Conflict.Kind.SELF,
    conflict_rules.SAME_UNIT: Conflict.Kind.SAME_UNIT,
    conflict_rules.NOMINATOR_UNIT: Conflict.Kind.SAME_UNIT,
    conflict_rules.RELATION: Conflict.Kind.DECLARED,
    NOMINATED_BY: Conflict.Kind.SAME_UNIT,
}
