"""Ranked speaker suggestions for a talk request, with the score broken down.

A constant number of queries whatever the number of members: everything is fetched in bulk, then scored in
Python. Topic fit is the overlap of character bigrams (works for Chinese and English text alike).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from laurel.outreach.models import Availability, BlockedDate, Membership, Talk, TalkTopic

WEIGHTS = {"topic": 0.4, "district": 0.2, "availability": 0.3, "load": 0.1}


def bigrams(text: str) -> set[str]:
    text = "".join(text.lower().split())
    if len(text) < 2:
        return {text} if text else set()
    return {text[index : index + 2] for index in range(len(text) - 1)}


def similarity(wanted: set[str], offered: set[str]) -> float:
    """Share of the wanted topic's bigrams found in the offered text."""
    if not wanted or not offered:
        return 0.0
    return len(wanted & offered) / len(wanted)


@dataclass
class Suggestion:
    membership: Membership
    topic: TalkTopic | None
    topic_score: float
    district_score: float
    availability_score: float
    load_score: float
    talks_this_year: int
    slots: list[tuple[datetime.date, str]] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(
            WEIGHTS["topic"] * self.topic_score
            + WEIGHTS["district"] * self.district_score
            + WEIGHTS["availability"] * self.availability_score
            + WEIGHTS["load"] * self.load_score,
            3,
        )


def suggest(talk: Talk, *, limit: int = 10) -> list[Suggestion]:
    preferred = [(item.date, item.slot) for item in talk.preferred_dates.all()]
    dates = [date for date, _slot in preferred]
    excluded = Membership.Reach.ONSITE if talk.delivery == "online" else Membership.Reach.ONLINE
    active = Membership.objects.active().exclude(reach=excluded).exclude(pk__in=talk.declined_by or [])
    ids = list(active.values_list("pk", flat=True))
    in_active = {"membership__retired_on": None}
    topics = defaultdict(list)
    for membership_id, topic_id, title, abstract in TalkTopic.objects.filter(**in_active).values_list(
        "membership_id", "pk", "title", "abstract"
    ):
        topics[membership_id].append((topic_id, f"{title} {abstract}"))
    weekly = set(
        Availability.objects.filter(**in_active, weekday__in={date.weekday() for date in dates}).values_list(
            "membership_id", "weekday", "slot"
        )
    )
    blocked = set(BlockedDate.objects.filter(**in_active, date__in=dates).values_list("membership_id", "date"))
    booked = set(
        Talk.objects.filter(date__in=dates, status__in=Talk.ACTIVE, speaker__isnull=False).values_list(
            "speaker_id", "date", "slot"
        )
    )
    reaching = set(
        Membership.districts.through.objects.filter(district_id=talk.district_id).values_list(
            "membership_id", flat=True
        )
    )
    year_start = timezone.localdate().replace(month=1, day=1)
    counts = dict(
        Talk.objects.filter(status__in=Talk.ACTIVE, date__gte=year_start, speaker__isnull=False)
        .values("speaker_id")
        .annotate(total=Count("pk"))
        .values_list("speaker_id", "total")
    )
    most = max(counts.values(), default=0)
    wanted = bigrams(talk.wanted_topic)
    suggestions = []
    for member_id in ids:
        best_topic, best_fit = None, 0.0
        for topic_id, text in topics[member_id]:
            fit = similarity(wanted, bigrams(text))
            if fit > best_fit or best_topic is None:
                best_topic, best_fit = topic_id, fit
        if talk.wanted_speaker_id == member_id:
            best_fit = 1.0
        open_slots = [
            (date, slot)
            for date, slot in preferred
            if (member_id, date.weekday(), slot) in weekly
            and (member_id, date) not in blocked
            and (member_id, date, slot) not in booked
        ]
        talks = counts.get(member_id, 0)
        suggestions.append(
            Suggestion(
                membership=member_id,
                topic=best_topic,
                topic_score=round(best_fit, 3),
                district_score=1.0 if talk.delivery == "online" or member_id in reaching else 0.0,
                availability_score=round(len(open_slots) / len(preferred), 3) if preferred else 0.0,
                load_score=round(1 - talks / most, 3) if most else 1.0,
                talks_this_year=talks,
                slots=open_slots,
            )
        )
    suggestions.sort(key=lambda item: (-item.score, item.talks_this_year, item.membership))
    suggestions = suggestions[:limit]
    # Only the shown suggestions need their member and topic as objects: two more queries.
    members = Membership.objects.select_related("person").in_bulk([item.membership for item in suggestions])
    chosen = TalkTopic.objects.in_bulk([item.topic for item in suggestions if item.topic])
    for item in suggestions:
        item.membership = members[item.membership]
        item.topic = chosen.get(item.topic)
    return suggestions
