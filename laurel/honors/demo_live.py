"""Demo campaigns running now, so that every stage a visitor asks about can be seen and tried on the day the demo
is loaded: one in expert review (the demo expert has nominations still to score) and one in its public notice (with
an objection waiting for staff). `demo.seed` calls `seed_live`; like the rest of the demo it is idempotent: a
campaign of the same series and edition is left as it is. Names are invented.
"""

import datetime
import random

from django.utils import timezone

from laurel.honors import committee, ranking
from laurel.honors.calendar import notice_end
from laurel.honors.models import (
    Assignment,
    Campaign,
    CommitteeDecision,
    Criterion,
    CriterionScore,
    Nomination,
    Objection,
    PanelMember,
    Review,
    Stage,
)
from laurel.people.models import Organization, Person, User

REVIEW_SERIES = "innovation-pioneers"
NOTICE_SERIES = "science-popularizers"
CRITERIA = [("创新成果", 40), ("先进事迹", 30), ("社会影响", 20), ("代表性", 10)]
EXPERTS_PER_NOMINATION = 3


def _fresh_people(units: list[Organization], *, skip: int) -> list[tuple[Organization, Person]]:
    """One sci-tech worker per unit, taken `skip` places into the unit's list so the live campaigns do not nominate
    the people of the other demo campaigns."""
    chosen = []
    for unit in units:
        person = Person.objects.filter(organization=unit).order_by("code")[skip : skip + 1].first()
        if person is not None:
            chosen.append((unit, person))
    return chosen


def _campaign(*, series, name, name_en, honorees, now, stage, **dates) -> Campaign:
    campaign = Campaign.objects.create(
        series=series, name=name, name_en=name_en, edition=timezone.localdate(now).year,
        level=Campaign.Level.CITY, organizers="云州市科学技术协会", honorees_count=honorees, default_quota=1,
        experts_per_nomination=EXPERTS_PER_NOMINATION, expert_load_cap=20,
        ranking_method=Campaign.RankingMethod.MEAN, nomination_opens_at=now - datetime.timedelta(days=50),
        nomination_deadline=now - datetime.timedelta(days=30), stage=stage, stage_changed_at=now, **dates,
    )  # fmt: skip
    for order, (criterion, weight) in enumerate(CRITERIA):
        Criterion.objects.create(campaign=campaign, name=criterion, weight=weight, order=order)
    return campaign


def _nominate(campaign: Campaign, people, nominators, rng: random.Random, now) -> list[Nomination]:
    return [
        Nomination.objects.create(
            campaign=campaign, unit=unit, person=person, nominated_by=nominators[unit.pk],
            category=Nomination.Category.FRONT_LINE if person.is_front_line else Nomination.Category.RESEARCH,
            consent=True, years_in_city=rng.randint(4, 25), status=Nomination.Status.ELIGIBLE,
            submitted_at=now - datetime.timedelta(days=32),
            story=f"{person.name}在{person.field}领域{rng.choice(['勇于创新', '甘于奉献', '扎根一线'])}，"
            f"{rng.choice(['成果转化惠及企业', '科普讲座走进百所学校', '带领团队攻克关键技术'])}。",
        )
        for unit, person in people
    ]  # fmt: skip


def _score(assignment: Assignment, criteria: list[Criterion], rng: random.Random, when) -> None:
    values = [rng.randint(62, 95) for _criterion in criteria]
    total = sum(c.weight * value for c, value in zip(criteria, values, strict=True)) / sum(c.weight for c in criteria)
    review = Review.objects.create(
        assignment=assignment, total=round(total, 4), comment="材料翔实。", submitted_at=when
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion=c, value=value) for c, value in zip(criteria, values, strict=True)
    )


def _assign(campaign: Campaign, made: list[Nomination], experts: list[User]) -> list[Assignment]:
    """Each nomination to three experts in turn, released (what the engine's run and the release would leave)."""
    for expert in experts:
        PanelMember.objects.get_or_create(campaign=campaign, expert=expert)
    return [
        Assignment.objects.create(nomination=nomination, expert=experts[(index + offset) % len(experts)], round=1)
        for index, nomination in enumerate(made)
        for offset in range(EXPERTS_PER_NOMINATION)
    ]


def campaign_in_review(experts: list[User], nominators, now) -> Campaign:
    """In expert review until ten days from now; the panel has scored about half of its assignments, and the demo
    expert (the first of `experts`) has scored one and has the others still to score."""
    rng = random.Random(2025)
    campaign = _campaign(
        series=REVIEW_SERIES, name=f"{timezone.localdate(now).year}年云州市“科技创新先锋”",
        name_en=f"Yunzhou {timezone.localdate(now).year} Sci-tech Innovation Pioneers", honorees=4, now=now,
        stage=Stage.REVIEW, review_deadline=now + datetime.timedelta(days=10),
    )  # fmt: skip
    units = list(Organization.objects.order_by("code")[8:18])
    made = _nominate(campaign, _fresh_people(units, skip=3), nominators, rng, now)
    criteria = list(campaign.criteria.all())
    demo_expert = experts[0]
    scored_by_demo_expert = 0
    for assignment in _assign(campaign, made, experts):
        if assignment.expert_id == demo_expert.pk:
            if scored_by_demo_expert:
                continue  # left open: the demo expert's score form is one click from their desk
            scored_by_demo_expert += 1
        elif rng.random() < 0.45:
            continue
        _score(assignment, criteria, rng, now - datetime.timedelta(days=rng.randint(1, 6)))
    return campaign


def campaign_in_notice(experts: list[User], nominators, staff, now) -> Campaign:
    """Reviewed, decided by the committee and on public notice since today for five working days, with one objection
    filed against an honoree that staff have not decided yet."""
    rng = random.Random(2026)
    today = timezone.localdate(now)
    campaign = _campaign(
        series=NOTICE_SERIES, name=f"{today.year}年云州市优秀科普工作者",
        name_en=f"Yunzhou {today.year} Outstanding Science Popularizers", honorees=3, now=now,
        stage=Stage.COMMITTEE, review_deadline=now - datetime.timedelta(days=12),
    )  # fmt: skip
    units = list(Organization.objects.order_by("code")[18:26])
    made = _nominate(campaign, _fresh_people(units, skip=4), nominators, rng, now)
    criteria = list(campaign.criteria.all())
    for assignment in _assign(campaign, made, experts):
        _score(assignment, criteria, rng, now - datetime.timedelta(days=rng.randint(13, 20)))
    ranking.recompute_ranking(campaign, actor=staff)
    chosen = committee.propose(campaign).chosen
    Nomination.objects.filter(pk__in=[nomination.pk for nomination in chosen]).update(status=Nomination.Status.SELECTED)
    committee.record_decision(campaign, kind=CommitteeDecision.Kind.ACCEPTED, actor=staff)
    Campaign.objects.filter(pk=campaign.pk).update(
        stage=Stage.NOTICE,
        notice_starts_on=today,
        notice_ends_on=notice_end(
            today, campaign.notice_working_days, holidays=campaign.holiday_dates(), makeup=campaign.makeup_dates()
        ),
    )
    objected = min(chosen, key=lambda nomination: nomination.pk)
    Objection.objects.create(
        nomination=objected, full_name="林晓雯", contact="13912345678", language="zh-hans",
        statement=f"据我所知，{objected.person.name}推荐材料中所列的科普讲座场次与实际举办的场次不符，请核实。",
    )  # fmt: skip
    campaign.refresh_from_db()
    return campaign


def seed_live(*, staff, experts: list[User], nominators) -> None:
    now = timezone.now()
    year = timezone.localdate(now).year
    if not Campaign.objects.filter(series=REVIEW_SERIES, edition=year).exists():
        campaign_in_review(experts[:6], nominators, now)
    if not Campaign.objects.filter(series=NOTICE_SERIES, edition=year).exists():
        campaign_in_notice(experts[6:], nominators, staff, now)
