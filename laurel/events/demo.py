"""Demo data: the demo association's 2023 Workers' Day symposium and award ceremony, and next year's symposium.

All names are invented; the agendas follow the usual script (DOMAIN.md section 3).
"""

import datetime

from django.utils import timezone

from laurel.events import services
from laurel.events.models import AgendaItem, AgendaPerson, Attendee, Event, EventOrganizer
from laurel.honors.models import Campaign, Stage
from laurel.honors.publication import published_honorees
from laurel.people.models import Organization, Person, User

ASSOCIATION = "云州市科学技术协会"
TZ = timezone.get_fixed_timezone(8 * 60)


def _at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


EVENTS = [
    {
        "code": "EVSYMP2023",
        "kind": Event.Kind.SYMPOSIUM,
        "theme": "云州市2023年全国科技工作者日座谈会",
        "theme_en": "Yunzhou 2023 National Science and Technology Workers' Day Symposium",
        "start_at": _at(2023, 5, 30, 9),
        "end_at": _at(2023, 5, 30, 11),
        "venue": "云州市科技馆一楼报告厅",
        "is_public": True,
        "agenda": [
            ("presiding", "主持会议", 3, [("陈立群", "市政协副主席、市科协主席")]),
            ("film", "播放科技工作者风采宣传片", 8, []),
            ("sharing", "科技工作者代表交流发言", 30, "people"),
            ("speech", "市政府领导讲话", 12, [("孙海燕", "副市长")]),
            ("speech", "市委领导讲话", 15, [("赵明远", "市委副书记")]),
        ],
    },
    {
        "code": "EVCERE2023",
        "kind": Event.Kind.AWARD_CEREMONY,
        "theme": "2023年云州“最美科技工作者”表彰大会",
        "theme_en": "Yunzhou 2023 Most Beautiful Sci-tech Workers Award Ceremony",
        "start_at": _at(2023, 5, 30, 15),
        "end_at": _at(2023, 5, 30, 17),
        "venue": "云州市民中心礼堂",
        "is_public": True,
        "agenda": [
            ("presiding", "主持人宣布大会开始，全体起立奏唱国歌", 5, [("陈立群", "市政协副主席、市科协主席")]),
            ("decision", "宣读表彰决定", 5, [("刘文静", "市科协党组书记")]),
            ("award_rounds", "", 0, []),
            ("sharing", "获评者代表发言", 15, "people"),
            ("call_to_action", "宣读倡议书", 5, [("何思远", "青年科技工作者代表")]),
            ("closing", "总结讲话", 15, [("赵明远", "市委副书记")]),
        ],
    },
    {
        "code": "EVSYMP2027",
        "kind": Event.Kind.SYMPOSIUM,
        "theme": "云州市2027年全国科技工作者日座谈会",
        "theme_en": "Yunzhou 2027 National Science and Technology Workers' Day Symposium",
        "start_at": _at(2027, 5, 30, 9),
        "end_at": _at(2027, 5, 30, 11, 30),
        "venue": "云州市科技馆一楼报告厅",
        "is_public": True,
        "capacity": 120,
        "registration_open": True,
        "agenda": [
            ("presiding", "主持会议", 3, [("陈立群", "市政协副主席、市科协主席")]),
            ("sharing", "科技工作者代表交流发言", 40, "people"),
            ("speech", "市委领导讲话", 15, [("赵明远", "市委副书记")]),
        ],
    },
]
GUESTS = [
    ("leader", "赵明远", "市委副书记"),
    ("leader", "孙海燕", "副市长"),
    ("leader", "陈立群", "市政协副主席、市科协主席"),
    ("guest", "刘文静", "市科协党组书记"),
    ("guest", "冯嘉宁", "市科技局局长"),
    ("representative", "何思远", "青年科技工作者代表"),
]


def _title_line(person: Person) -> str:
    return f"{person.organization.name}{person.position}"


def _build_agenda(event: Event, spec: dict, people: list[Person], actor) -> None:
    order = 1
    for role, title, minutes, speakers in spec["agenda"]:
        if role == "award_rounds":
            presenters = [["赵明远", "孙海燕"], ["陈立群", "刘文静"], ["刘文静", "陈立群"], ["孙海燕", "赵明远"]]
            if spec.get("campaign") is not None:
                rounds = services.build_rounds_from_campaign(
                    event, campaign=spec["campaign"], per_round=5, presenters=presenters, actor=actor
                )
            else:
                rounds = services.build_award_rounds(
                    event, recipients=people[:10], per_round=5, presenters=presenters[:2], actor=actor
                )
            order += len(rounds)
            continue
        item = AgendaItem.objects.create(event=event, order=order, role=role, title=title, duration_minutes=minutes)
        order += 1
        if speakers == "people":
            for index, person in enumerate(spec.get("sharing") or people[10:13], start=1):
                AgendaPerson.objects.create(
                    item=item, part="speaker", person=person, title_line=_title_line(person), order=index
                )
        else:
            for index, (name, line) in enumerate(speakers, start=1):
                AgendaPerson.objects.create(item=item, part="speaker", name=name, title_line=line, order=index)


def _demo_campaign() -> Campaign | None:
    """The demo association's published 2023 campaign (honors' demo data), if it was seeded."""
    return Campaign.objects.filter(series="most-beautiful", edition=2023, stage=Stage.PUBLISHED).first()


def seed(*, stdout):
    actor = User.objects.filter(email="staff@laurel.demo").first()
    campaign = _demo_campaign()
    honorees = [nomination.person for nomination in published_honorees(campaign)] if campaign else []
    people = list(Person.objects.with_unit().order_by("code")[:20])
    association = Organization.objects.filter(name=ASSOCIATION).first()
    for spec in EVENTS:
        fields = {key: spec.get(key) for key in services.EVENT_FIELDS if key in spec}
        event, created = Event.objects.update_or_create(code=spec["code"], defaults=fields)
        if not created:
            continue
        if event.kind == Event.Kind.AWARD_CEREMONY and campaign is not None:
            spec = {**spec, "campaign": campaign, "sharing": honorees[:3]}
        EventOrganizer.objects.create(
            event=event, role="host", organization=association, name="" if association else ASSOCIATION
        )
        EventOrganizer.objects.create(event=event, role="organizer", name="云州市科学技术局")
        EventOrganizer.objects.create(event=event, role="co_organizer", name="云州大学")
        _build_agenda(event, spec, people, actor)
        finished = event.end_at < timezone.now()
        for index, (category, name, line) in enumerate(GUESTS):
            Attendee.objects.create(
                event=event, category=category, name=name, title_line=line,
                email=f"guest{index}.{event.code.lower()}@laurel.demo",
                status=Attendee.Status.CONFIRMED if index != 4 else Attendee.Status.DECLINED,
                checked_in_at=event.start_at - datetime.timedelta(minutes=20 - index) if finished and index != 4 else None,
            )  # fmt: skip
        guests = (honorees or people[:10]) if event.kind == Event.Kind.AWARD_CEREMONY else people[10:14]
        for index, person in enumerate(guests):
            late = finished and index == 2
            Attendee.objects.create(
                event=event,
                category="honoree" if event.kind == Event.Kind.AWARD_CEREMONY else "representative",
                person=person, name=person.name, title_line=_title_line(person),
                email=f"person{index}.{event.code.lower()}@laurel.demo",
                status=Attendee.Status.CONFIRMED if finished or index % 2 == 0 else Attendee.Status.PENDING,
                checked_in_at=(event.start_at + datetime.timedelta(minutes=12)) if late
                else (event.start_at - datetime.timedelta(minutes=10) if finished and index != 5 else None),
            )  # fmt: skip
    _event_today(people, association)
    stdout.write(f"events: {Event.objects.count()} events, {Attendee.objects.count()} attendees")
    return []


def _event_today(people: list[Person], association) -> None:
    """A science popularization lecture that is on today whenever the demo is loaded, so that check-in (by typing a
    pass code or with a phone's camera) can be tried: its date moves to today on every run, its attendees stay."""
    now = timezone.localtime()
    start = now.replace(hour=14, minute=30, second=0, microsecond=0)
    event, created = Event.objects.update_or_create(
        code="EVTODAY001",
        defaults={
            "kind": Event.Kind.SYMPOSIUM,
            "theme": "“科技之春”科普报告会（今日签到演示）",
            "theme_en": "Spring of Science popular lecture (check-in demo, today)",
            "start_at": start,
            "end_at": start + datetime.timedelta(hours=2),
            "venue": "云州市科技馆二楼学术报告厅",
            "is_public": True,
        },
    )
    if not created:
        return
    EventOrganizer.objects.create(
        event=event, role="host", organization=association, name="" if association else ASSOCIATION
    )
    for index, person in enumerate(people[:12]):
        Attendee.objects.create(
            event=event, category="representative", person=person, name=person.name, title_line=_title_line(person),
            email=f"today{index}@laurel.demo", status=Attendee.Status.CONFIRMED,
        )  # fmt: skip
