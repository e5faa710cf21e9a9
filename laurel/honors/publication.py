"""Publication: the published honorees in the order the results page lists them, and their hand-off to people."""

from django.db.models import QuerySet

from laurel.honors.models import Campaign, Nomination, Stage
from laurel.people.services import make_person_public


def published_honorees(campaign: Campaign) -> QuerySet[Nomination]:
    """A published campaign's honorees in the published order (by unit, then name); empty before publication."""
    if campaign.stage != Stage.PUBLISHED:
        return Nomination.objects.none()
    return (
        campaign.nominations.selected()
        .select_related("person", "person__organization", "unit")
        .order_by("unit__name", "person__name", "pk")
    )


def make_honorees_public(campaign: Campaign, *, actor) -> int:
    """Show every honoree of a published campaign on the public site; returns how many became public."""
    made = 0
    for nomination in published_honorees(campaign):
        if not nomination.person.is_public:
            make_person_public(nomination.person, actor=actor, reason=f"honors.campaign:{campaign.code}")
            made += 1
    return made
