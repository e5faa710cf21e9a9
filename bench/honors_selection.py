"""Benchmark: aggregation and the rule-respecting selection for 2,000 nominations x 15 experts each.

Target: under 1 s. Prints two figures: the numeric core (numpy aggregation + scipy MILP with three hard
rules) on synthetic arrays, and the full recompute through Django (reading 30,000 reviews from a throw-away
SQLite database, aggregating, solving, checking every rule).

Run: LAUREL_DEBUG=1 .venv/bin/python bench/honors_selection.py
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAUREL_DEBUG", "1")
os.environ["LAUREL_DATA_DIR"] = tempfile.mkdtemp(prefix="laurel-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

NOMINATIONS = int(os.environ.get("LAUREL_BENCH_NOMINATIONS", "2000"))
PER_NOMINATION = 15
EXPERTS = 150
HONOREES = 20


def numeric_core(rng):
    from laurel.honors.aggregation import aggregate
    from laurel.honors.selection import Constraint, holds, select

    nomination_index = np.repeat(np.arange(NOMINATIONS), PER_NOMINATION)
    expert_index = (nomination_index * 7 + np.tile(np.arange(PER_NOMINATION), NOMINATIONS) * 11) % EXPERTS
    scores = np.clip(rng.normal(75, 10, nomination_index.size), 0, 100)
    front_line = rng.random(NOMINATIONS) < 0.3
    young = rng.random(NOMINATIONS) < 0.2
    academician = rng.random(NOMINATIONS) < 0.05
    started = time.perf_counter()
    result = aggregate(nomination_index, expert_index, scores, nominations=NOMINATIONS, experts=EXPERTS)
    aggregated = time.perf_counter()
    constraints = [
        Constraint("front-line >= 50%", front_line, "min", 10),
        Constraint("young >= 20%", young, "min", 4),
        Constraint("academicians <= 10%", academician, "max", 2),
    ]
    chosen = select(result.zscore, HONOREES, constraints)
    solved = time.perf_counter()
    assert len(chosen) == HONOREES and all(holds(constraint, chosen) for constraint in constraints)
    return aggregated - started, solved - aggregated


def full_recompute(rng):
    from laurel.honors import committee, ranking
    from laurel.honors.models import (
        Assignment,
        Campaign,
        Criterion,
        Nomination,
        RepresentationRule,
        Review,
        Stage,
        Trait,
    )
    from laurel.people.models import Organization, Person, User

    call_command("migrate", verbosity=0)
    staff = User.objects.create_superuser("bench@example.org", "x")
    units = Organization.objects.bulk_create(Organization(name=f"单位{i}", kind="university") for i in range(100))
    born = datetime.date(1980, 1, 1)
    persons = Person.objects.bulk_create(
        Person(name=f"人{i}", gender="female" if i % 3 else "male", organization=units[i % 100],
               date_of_birth=born + datetime.timedelta(days=int(rng.integers(-7000, 7000))),
               is_front_line=bool(rng.random() < 0.3))
        for i in range(NOMINATIONS)
    )  # fmt: skip
    experts = User.objects.bulk_create(User(email=f"expert{i}@example.org") for i in range(EXPERTS))
    campaign = Campaign.objects.create(
        series="bench", name="bench", edition=2024, honorees_count=HONOREES, stage=Stage.COMMITTEE,
        nomination_deadline=timezone.now(),
    )  # fmt: skip
    Criterion.objects.create(campaign=campaign, name="事迹", weight=1)
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.FRONT_LINE, bound="min", measure="share", value=50)
    RepresentationRule.objects.create(campaign=campaign, trait=Trait.YOUNG, bound="min", measure="share", value=20)
    RepresentationRule.objects.create(
        campaign=campaign, trait=Trait.FEMALE, bound="max", measure="share", value=80, hard=False
    )
    nominations = Nomination.objects.bulk_create(
        Nomination(campaign=campaign, unit=person.organization, person=person, nominated_by=staff, category="research",
                   status="eligible", consent=True)
        for person in persons
    )  # fmt: skip
    assignments = Assignment.objects.bulk_create(
        Assignment(nomination=nomination, expert=experts[(index * 7 + slot * 11) % EXPERTS])
        for index, nomination in enumerate(nominations)
        for slot in range(PER_NOMINATION)
    )
    now = timezone.now()
    Review.objects.bulk_create(
        Review(assignment=assignment, total=float(np.clip(rng.normal(75, 10), 0, 100)), submitted_at=now)
        for assignment in assignments
    )
    started = time.perf_counter()
    table = ranking.score_table(campaign)
    scored = time.perf_counter()
    proposal = committee.propose(campaign)
    proposed = time.perf_counter()
    assert len(proposal.chosen) == HONOREES and not proposal.hard_missed
    return scored - started, proposed - scored, len(table), Review.objects.count()


def main():
    rng = np.random.default_rng(2024)
    aggregate_seconds, solve_seconds = numeric_core(rng)
    print(f"numeric core, {NOMINATIONS} nominations x {PER_NOMINATION} experts:")
    print(f"  aggregation (mean, median, trimmed, z-score, spread): {aggregate_seconds * 1000:.1f} ms")
    print(f"  exact selection (MILP, 3 hard rules, N={HONOREES}):   {solve_seconds * 1000:.1f} ms")
    table_seconds, propose_seconds, rows, reviews = full_recompute(rng)
    print(f"full recompute through Django (SQLite, {rows} nominations, {reviews} reviews):")
    print(f"  score table (read + aggregate):                  {table_seconds * 1000:.1f} ms")
    print(f"  proposal (score table again + MILP + rule checks): {propose_seconds * 1000:.1f} ms")
    total = aggregate_seconds + solve_seconds
    print(f"numeric total: {total * 1000:.1f} ms (target < 1000 ms) -> {'OK' if total < 1 else 'TOO SLOW'}")
    print(
        f"Django proposal: {propose_seconds * 1000:.1f} ms (target < 1000 ms) -> {'OK' if propose_seconds < 1 else 'TOO SLOW'}"
    )


if __name__ == "__main__":
    main()
