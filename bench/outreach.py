"""Benchmark: speaker suggestions among 500 members and 20,000 past talks (target < 100 ms); the reach
dashboard over 100,000 talks (target < 500 ms, constant number of queries).

Run: LAUREL_DEBUG=1 .venv/bin/python bench/outreach.py
Uses a throw-away SQLite database in a temporary directory (or LAUREL_DATABASE_URL); prints the figures.
"""

import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAUREL_DEBUG", "1")
os.environ["LAUREL_REQUIRE_2FA"] = "0"  # the bench staff user has no TOTP device
os.environ["LAUREL_DATA_DIR"] = tempfile.mkdtemp(prefix="laurel-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

MEMBERS = 500
PAST_TALKS = 20_000
DASHBOARD_TALKS = 100_000
WORDS = [
    "人工智能",
    "新材料",
    "水利工程",
    "作物育种",
    "公共卫生",
    "新能源汽车",
    "气象科学",
    "光电子",
    "港口工程",
    "中医药",
]


def timed(function, runs: int = 7) -> tuple[float, object]:
    durations, result = [], None
    for _run in range(runs):
        start = time.perf_counter()
        result = function()
        durations.append((time.perf_counter() - start) * 1000)
    return statistics.median(durations), result


def make_talks(count: int, start_index: int, memberships, districts, rng) -> None:
    from laurel.outreach.models import Talk

    base = datetime.date(2020, 1, 1)
    batch = []
    for index in range(start_index, start_index + count):
        membership = memberships[index % len(memberships)]
        day = index // len(memberships)
        batch.append(
            Talk(
                code=f"B{index:09d}", follow_token=f"f{index:020d}", verify_token=f"v{index:020d}",
                status=rng.choice(["closed", "reported", "delivered"]), host_name=f"Host {index}",
                host_type=rng.choice(Talk.HostType.values), district=rng.choice(districts), audience_type="students",
                audience_size=200, delivery="onsite", contact_name="x", contact_email="x@example.org",
                contact_phone="1", speaker=membership, date=base + datetime.timedelta(days=day // 3),
                slot=["morning", "afternoon", "evening"][day % 3], headcount=rng.randint(20, 500),
                online_views=rng.choice([0, 300]),
            )
        )  # fmt: skip
        if len(batch) == 5000:
            Talk.objects.bulk_create(batch)
            batch = []
    Talk.objects.bulk_create(batch)


def main():
    call_command("migrate", verbosity=0)
    from laurel.outreach.matching import suggest
    from laurel.outreach.models import Availability, Batch, District, LectureGroup, Membership, Talk, TalkTopic
    from laurel.people.models import Organization, Person, Role, User

    rng = random.Random(7)
    districts = list(District.objects.all())
    unit = Organization.objects.create(name="单位", kind="enterprise")
    persons = Person.objects.bulk_create(
        Person(code=f"P{index:07d}", name=f"成员{index}", gender="female", organization=unit)
        for index in range(MEMBERS)
    )
    group = LectureGroup.objects.create(name="宣讲团", slug="bench")
    batch = Batch.objects.create(group=group, number=1, announced_on=datetime.date(2025, 1, 1))
    memberships = Membership.objects.bulk_create(
        Membership(group=group, person=person, batch=batch, term_start=datetime.date(2025, 1, 1)) for person in persons
    )
    memberships = list(Membership.objects.order_by("pk"))
    Membership.districts.through.objects.bulk_create(
        Membership.districts.through(membership=membership, district=district)
        for membership in memberships
        for district in rng.sample(districts, 3)
    )
    TalkTopic.objects.bulk_create(
        TalkTopic(membership=membership, title=f"{rng.choice(WORDS)}与{rng.choice(WORDS)}", abstract=rng.choice(WORDS) * 5,
                  audience_types=",students,")
        for membership in memberships for _topic in range(3)
    )  # fmt: skip
    Availability.objects.bulk_create(
        Availability(membership=membership, weekday=day, slot=slot)
        for membership in memberships
        for day, slot in rng.sample([(d, s) for d in range(7) for s in ("morning", "afternoon", "evening")], 6)
    )
    make_talks(PAST_TALKS, 0, memberships, districts, rng)
    today = timezone.localdate()
    request = Talk.objects.create(
        status="reviewed", host_name="Request", host_type="school", district=districts[0], audience_type="students",
        audience_size=300, wanted_topic="人工智能与新材料", delivery="onsite", contact_name="x",
        contact_email="x@example.org", contact_phone="1",
    )  # fmt: skip
    for offset, slot in ((9, "morning"), (11, "afternoon"), (13, "evening")):
        request.preferred_dates.create(date=today + datetime.timedelta(days=offset), slot=slot)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        suggest(request)
    milliseconds, ranked = timed(lambda: suggest(request))
    if os.environ.get("LAUREL_BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("suggest(request)", globals(), {"suggest": suggest, "request": request}, sort="cumtime")
    print(f"suggestions: {MEMBERS} members, {PAST_TALKS:,} past talks: {milliseconds:.1f} ms median "
          f"({len(queries)} queries, best score {ranked[0].score}) target < 100 ms")  # fmt: skip

    staff = User.objects.create_user("bench-staff@example.org", "x")
    Role.objects.create(user=staff, kind="staff")
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)  # keep the connection (and its query log) as tests do
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(staff)
    reset_queries()  # the query log is a bounded deque: full after the bulk inserts, it would count nothing
    with CaptureQueriesContext(connection) as small:
        assert client.get("/lecture-groups/talks/reach/").status_code == 200
    make_talks(DASHBOARD_TALKS - PAST_TALKS, PAST_TALKS, memberships, districts, rng)
    reset_queries()
    with CaptureQueriesContext(connection) as large:
        client.get("/lecture-groups/talks/reach/")
    milliseconds, _response = timed(lambda: client.get("/lecture-groups/talks/reach/"), runs=5)
    if os.environ.get("LAUREL_BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("client.get('/lecture-groups/talks/reach/')", globals(), {"client": client}, sort="tottime")
        for query in large.captured_queries:
            print(query["time"], query["sql"][:150])
    print(f"dashboard: {Talk.objects.count():,} talks: {milliseconds:.1f} ms median; queries {len(small)} at "
          f"{PAST_TALKS:,} talks, {len(large)} at {DASHBOARD_TALKS:,} talks; target < 500 ms")  # fmt: skip


if __name__ == "__main__":
    main()
