"""Demo data: the city's Scientist Spirit Lecture Group, its first batch, 200 past talks and open requests.

Idempotent and deterministic: rows are found by fixed codes, random choices use a seeded generator.
"""

import datetime
import random

from django.utils import timezone

from laurel.core.codes import ALPHABET
from laurel.outreach import groups
from laurel.outreach.models import (
    AudienceType,
    Availability,
    Batch,
    District,
    LectureGroup,
    Membership,
    PreferredDate,
    Slot,
    Talk,
    TalkTopic,
)
from laurel.people.demo import Login
from laurel.people.models import Person, User

GROUP = ("云州市科学家精神宣讲团", "Yunzhou Scientist Spirit Lecture Group")
DESCRIPTION = (
    "由院士、科研骨干、青年科技工作者和老科学家身边人组成，走进学校、企业、社区和乡村，讲述科学家的故事。",
    "Academicians, researchers, young scientists and people who knew famous scientists tell their stories in "
    "schools, enterprises, communities and villages.",
)
TOPIC_PATTERNS = ["走近{field}：一位科研人的三十年", "{field}与我们的生活", "{field}前沿里的科学家精神"]
HOSTS = {
    "school": ["第一中学", "实验小学", "第三中学", "外国语学校", "第二小学", "职业高级中学"],
    "university": ["云州大学", "云州理工大学", "云州师范学院"],
    "enterprise": ["云州光电科技股份有限公司", "云州港务集团", "云州电网公司", "云州生物医药有限公司"],
    "community": ["湖滨社区", "山前社区", "港湾社区", "新苑社区"],
    "institute": ["云州农业科学院", "云州市材料研究所"],
    "village": ["柳塘村", "石门村", "青峰村", "江口村"],
}
HOST_AUDIENCE = {
    "school": ["pupils", "students"], "university": ["undergraduates"], "enterprise": ["employees"],
    "community": ["residents"], "institute": ["researchers"], "village": ["farmers"],
}  # fmt: skip
COVERED = ["东湖区", "西山区", "南港区", "北塘区", "新城区", "高新区", "临江县"]  # 青石县 is still untouched.


def _code(prefix: str, index: int) -> str:
    return f"{prefix}{ALPHABET[index // 31 // 31 % 31]}{ALPHABET[index // 31 % 31]}{ALPHABET[index % 31]}DEMO"


def _group() -> tuple[LectureGroup, Batch]:
    group, _created = LectureGroup.objects.update_or_create(
        slug="scientist-spirit",
        defaults={
            "name": GROUP[0], "name_en": GROUP[1], "description": DESCRIPTION[0], "description_en": DESCRIPTION[1],
        },
    )  # fmt: skip
    batch, _created = Batch.objects.update_or_create(
        group=group,
        number=1,
        defaults={"announced_on": datetime.date(2025, 5, 30), "announced_at": "全国科技工作者日表彰大会"},
    )
    return group, batch


def _members(rng: random.Random, group: LectureGroup, batch: Batch) -> list[Membership]:
    districts = list(District.objects.all())
    persons = list(Person.objects.select_related("organization").order_by("code")[:30])
    member_user = User.objects.filter(email="member@laurel.demo").first()
    staff = User.objects.filter(email="staff@laurel.demo").first()
    memberships = []
    for index, person in enumerate(persons):
        role = Membership.Role.HEAD if index == 0 else Membership.Role.DEPUTY if index < 3 else Membership.Role.MEMBER
        membership = Membership.objects.filter(group=group, person=person).first()
        created = membership is None
        if created:
            membership = groups.add_member(
                batch, actor=staff, person=person, role=role, term_end=datetime.date(2028, 5, 29)
            )
        Membership.objects.filter(pk=membership.pk).update(
            reach=rng.choice(["both", "both", "onsite", "online"]), yearly_target=rng.choice([6, 8, 10, 12]),
            user=member_user if index == 5 else None,
        )  # fmt: skip
        membership.refresh_from_db()
        reach = rng.sample(districts, rng.randint(2, 6))
        pairs = rng.sample([(day, slot) for day in range(7) for slot in Slot.values], rng.randint(4, 9))
        audiences = [rng.sample(AudienceType.values, rng.randint(2, 4)) for _pattern in TOPIC_PATTERNS]
        if created:
            membership.districts.set(reach)
            Availability.objects.bulk_create(Availability(membership=membership, weekday=d, slot=s) for d, s in pairs)
            for pattern, audience in zip(TOPIC_PATTERNS, audiences, strict=True):
                TalkTopic.objects.create(
                    membership=membership,
                    title=pattern.format(field=person.field),
                    abstract=f"结合{person.name}在{person.organization.name}的科研经历，讲述{person.field}的进展与科学家精神。",
                    audience_types="," + ",".join(audience) + ",",
                )
        memberships.append(membership)
    if member_user is not None and memberships:
        Person.objects.filter(pk=memberships[5].person_id, user=None).exclude(
            pk__in=Person.objects.filter(user=member_user).values("pk")
        ).update(user=member_user)
    return memberships


def _host(rng: random.Random) -> tuple[str, str, str]:
    host_type = rng.choice(list(HOSTS))
    return host_type, rng.choice(HOSTS[host_type]), rng.choice(HOST_AUDIENCE[host_type])


def _past_talks(rng: random.Random, memberships: list[Membership]) -> None:
    districts = {district.name: district for district in District.objects.all()}
    start = datetime.date(2025, 6, 2)
    taken = set()
    index = 0
    while index < 200:
        membership = rng.choice(memberships)
        date = start + datetime.timedelta(days=rng.randint(0, 360))
        slot = rng.choice(Slot.values)
        if (membership.pk, date, slot) in taken:
            continue
        taken.add((membership.pk, date, slot))
        host_type, host, audience = _host(rng)
        district = districts[rng.choice(COVERED)]
        size = rng.randint(40, 600)
        topic = membership.topics.order_by("pk")[rng.randint(0, 2)]
        Talk.objects.update_or_create(
            code=_code("T", index),
            defaults={
                "status": rng.choice([Talk.Status.CLOSED, Talk.Status.CLOSED, Talk.Status.REPORTED]),
                "host_name": f"{district.name}{host}" if host_type in ("school", "community", "village") else host,
                "host_type": host_type, "district": district, "address": f"{district.name}人民路{rng.randint(1, 300)}号",
                "audience_type": audience, "audience_size": size, "wanted_topic": topic.title,
                "delivery": rng.choice(["onsite", "onsite", "onsite", "online"]), "contact_name": "联系人",
                "contact_email": f"host{index}@example.org", "contact_phone": "0871-5550000",
                "speaker": membership, "topic": topic, "date": date, "slot": slot,
                "headcount": int(size * rng.uniform(0.8, 1.1)), "online_views": rng.choice([0, 0, rng.randint(100, 5000)]),
                "news_link": f"https://news.example.org/outreach/{index}", "rating": rng.choice([4, 5, 5, None]),
                "fee": rng.choice([None, 500, 800]), "paid_by": rng.choice(["association", "host", ""]),
            },
        )  # fmt: skip
        index += 1


def _open_requests(rng: random.Random, memberships: list[Membership]) -> None:
    districts = list(District.objects.all())
    today = timezone.localdate()
    states = [
        Talk.Status.REQUESTED, Talk.Status.REQUESTED, Talk.Status.REQUESTED, Talk.Status.REVIEWED,
        Talk.Status.REVIEWED, Talk.Status.REVIEWED, Talk.Status.DISPATCHED, Talk.Status.DISPATCHED,
        Talk.Status.CONFIRMED, Talk.Status.CONFIRMED, Talk.Status.CANCELLED, Talk.Status.DECLINED,
    ]  # fmt: skip
    for index, status in enumerate(states):
        host_type, host, audience = _host(rng)
        district = districts[index % len(districts)]
        first = today + datetime.timedelta(days=10 + 3 * index)
        preferred = [(first, Slot.MORNING), (first + datetime.timedelta(days=2), Slot.AFTERNOON)]
        speaker = None
        if status in (Talk.Status.DISPATCHED, Talk.Status.CONFIRMED):
            speaker = memberships[5] if index == 6 else memberships[10 + index]
        topic = speaker.topics.order_by("pk").first() if speaker else None
        talk, created = Talk.objects.update_or_create(
            code=_code("R", index),
            defaults={
                "status": status, "host_name": f"{district.name}{host}", "host_type": host_type, "district": district,
                "address": f"{district.name}新华路{index + 1}号", "audience_type": audience,
                "audience_size": 50 + 30 * index, "wanted_topic": rng.choice(memberships).topics.first().title,
                "delivery": "online" if index % 4 == 0 else "onsite", "contact_name": "联系人",
                "contact_email": f"request{index}@example.org", "contact_phone": "0871-5551111",
                "is_open": status == Talk.Status.REVIEWED and index != 3, "speaker": speaker, "topic": topic,
                "date": first if speaker else None, "slot": Slot.MORNING if speaker else "",
            },
        )  # fmt: skip
        if created:
            PreferredDate.objects.bulk_create(PreferredDate(talk=talk, date=d, slot=s) for d, s in preferred)


def seed(*, stdout) -> list[Login]:
    rng = random.Random(2025)
    group, batch = _group()
    memberships = _members(rng, group, batch)
    if len(memberships) < 30:
        stdout.write("outreach: needs the people demo data first")
        return []
    _past_talks(rng, memberships)
    _open_requests(rng, memberships)
    stdout.write(
        f"outreach: {len(memberships)} members, {TalkTopic.objects.filter(membership__group=group).count()} topics, "
        f"{Talk.objects.filter(status__in=Talk.HELD).count()} talks held"
    )
    return []  # member@laurel.demo (people's demo) is the speaker linked to one membership
