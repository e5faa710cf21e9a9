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
    members = list(
        Membership.objects.active()
        .exclude(pk__in=talk.declined_by or [])
        .select_related("person")
        .prefetch_related("districts")
    )
    if talk.delivery == "online":
        members = [member for member in members if member.reach != Membership.Reach.ONSITE]
    else:
        members = [member for member in members if member.reach != Membership.Reach.ONLINE]
    ids = [member.pk for member in members]
    topics = defaultdict(list)
    for topic in TalkTopic.objects.filter(membership_id__in=ids):
        topics[topic.membership_id].append(topic)
    weekly = set(Availability.objects.filter(membership_id__in=ids).values_list("membership_id", "weekday", "slot"))
    blocked = set(
        BlockedDate.objects.filter(membership_id__in=ids, date__in=dates).values_list("membership_id", "date")
    )
    booked = set(
        Talk.objects.filter(speaker_id__in=ids, date__in=dates, status__in=Talk.ACTIVE).values_list(
            "speaker_id", "date", "slot"
        )
    )
    year_start = timezone.localdate().replace(month=1, day=1)
    counts = dict(
        Talk.objects.filter(speaker_id__in=ids, status__in=Talk.ACTIVE, date__gte=year_start)
        .values("speaker_id")
        .annotate(total=Count("pk"))
        .values_list("speaker_id", "total")
    )
    most = max(counts.values(), default=0)
    wanted = bigrams(talk.wanted_topic)
    suggestions = []
    for member in members:
        best_topic, best_fit = None, 0.0
        for topic in topics[member.pk]:
            fit = similarity(wanted, bigrams(f"{topic.title} {topic.abstract}"))
            if fit > best_fit or best_topic is None:
                best_topic, best_fit = topic, fit
        if talk.wanted_speaker_id == member.pk:
            best_fit = 1.0
        open_slots = [
            (date, slot)
            for date, slot in preferred
            if (member.pk, date.weekday(), slot) in weekly
            and (member.pk, date) not in blocked
            and (member.pk, date, slot) not in booked
        ]
        reach = talk.delivery == "online" or any(district.pk == talk.district_id for district in member.districts.all())
        talks = counts.get(member.pk, 0)
        suggestions.append(
            Suggestion(
                membership=member,
                topic=best_topic,
                topic_score=round(best_fit, 3),
                district_score=1.0 if reach else 0.0,
                availability_score=round(len(open_slots) / len(preferred), 3) if preferred else 0.0,
                load_score=round(1 - talks / most, 3) if most else 1.0,
                talks_this_year=talks,
                slots=open_slots,
            )
        )
    suggestions.sort(key=lambda item: (-item.score, item.talks_this_year, item.membership.pk))
    return suggestions[:limit]
