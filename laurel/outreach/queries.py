"""Reads that repeat in lecture-group pages."""

from django.db.models import Q
from django.utils import timezone

from laurel.outreach.models import LectureGroup, Membership, Talk
from laurel.people.models import Person

MAX_CANDIDATES_SHOWN = 30


def candidates(group: LectureGroup):
    """People who may join the group: everyone not already in it."""
    return (
        Person.objects.select_related("organization")
        .exclude(pk__in=Membership.objects.filter(group=group).values("person_id"))
        .order_by("name", "code")
    )


def chosen_candidates(group: LectureGroup, values) -> list[Person]:
    """The people ticked in a submitted form who may join, to show them ticked again (at most 200)."""
    keys = [int(value) for value in values if isinstance(value, str) and value.isdigit() and len(value) < 10]
    return list(candidates(group).filter(pk__in=keys[:200])) if keys else []


def search_candidates(group: LectureGroup, query: str) -> list[Person]:
    """At most MAX_CANDIDATES_SHOWN people who may join, by name, English name, code or unit."""
    query = query.strip()[:100]
    if not query:
        return []
    matches = (
        Q(name__icontains=query)
        | Q(name_en__icontains=query)
        | Q(code__iexact=query)
        | Q(organization__name__icontains=query)
    )
    return list(candidates(group).filter(matches)[:MAX_CANDIDATES_SHOWN])


def open_requests():
    """Reviewed requests open for members to claim that still have a preferred date ahead."""
    return Talk.objects.filter(
        status=Talk.Status.REVIEWED, is_open=True, preferred_dates__date__gt=timezone.localdate()
    ).distinct()
