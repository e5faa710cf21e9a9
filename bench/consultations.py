"""Benchmark: a Delphi round's statistics for 300 experts x 200 statements (target < 100 ms) and the report PDF for
that panel (target < 3 s).

Run: LAUREL_DEBUG=1 .venv/bin/python bench/consultations.py
Uses a throw-away SQLite database in a temporary directory (or LAUREL_DATABASE_URL); prints the figures. The
references measured in the same run: numpy's own median and percentiles over the same matrix (the bare arithmetic),
the bare Django fetch (`values_list`) of the round's 60,000 ratings, and typst compiling a one-line page with the same fonts.
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
os.environ["LAUREL_DATA_DIR"] = tempfile.mkdtemp(prefix="laurel-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

EXPERTS = 300
STATEMENTS = 200
REPEATS = 7


def timed(function, repeats=REPEATS):
    runs = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000, result


def build():
    from laurel.consultations.models import Consultation, Rating, Round, Seat, Statement
    from laurel.people.models import Organization, Person, User

    rng = random.Random(7)
    body = Organization.objects.create(name="基准测试局", kind=Organization.Kind.GOVERNMENT)
    units = [
        Organization.objects.create(name=f"基准单位{index}", kind=kind)
        for index, kind in enumerate(["university", "institute", "hospital", "enterprise"])
    ]
    consultation = Consultation.objects.create(
        asking_body=body, title="基准课题", question="基准问题" * 20, deadline=timezone.localdate() + datetime.timedelta(30),
        openness="internal", contact_name="基准", contact_email="bench@example.org", status="in_rounds",
        stop_reason="limit",
    )  # fmt: skip
    users = User.objects.bulk_create(User(email=f"bench{index}@example.org") for index in range(EXPERTS))
    people = Person.objects.bulk_create(
        Person(name=f"专家{index}", gender="female", organization=units[index % 4], field=f"领域{index % 9}", user=user)
        for index, user in enumerate(users)
    )
    now = timezone.now()
    seats = Seat.objects.bulk_create(
        Seat(
            consultation=consultation,
            person=person,
            user_id=person.user_id,
            status="accepted",
            pledged_at=now,
            may_be_named=index % 3 == 0,
        )  # fmt: skip
        for index, person in enumerate(people)
    )
    statements = Statement.objects.bulk_create(
        Statement(consultation=consultation, text=f"第{index}条建议：" + "加强协同与投入" * 3)
        for index in range(STATEMENTS)
    )
    delphi_round = Round.objects.create(consultation=consultation, number=1, deadline=now + datetime.timedelta(days=1))
    targets = [rng.uniform(3, 9) for _ in statements]
    Rating.objects.bulk_create(
        (
            Rating(
                round=delphi_round,
                statement=statement,
                seat=seat,
                importance=max(1, min(9, round(target + rng.gauss(0, 1.5)))),
                feasibility=rng.randint(1, 9),
                comment="意见" * 10 if rng.random() < 0.05 else "",
            )  # fmt: skip
            for seat in seats
            for statement, target in zip(statements, targets, strict=True)
        ),
        batch_size=5000,
    )
    return consultation, delphi_round


def main():
    import numpy as np
    import typst

    from laurel.consultations import delphi, report, stats
    from laurel.consultations.models import Rating, Round

    call_command("migrate", verbosity=0)
    consultation, delphi_round = build()
    ratings = list(
        Rating.objects.filter(round=delphi_round).values_list("seat", "statement", "importance", "feasibility")
    )
    seats = sorted({row[0] for row in ratings})
    statements = sorted({row[1] for row in ratings})
    print(f"{EXPERTS} experts x {STATEMENTS} statements = {len(ratings)} ratings; load {os.getloadavg()[0]:.2f}")

    rows, _none = delphi.read_ratings(delphi_round.pk, None)
    pure, results = timed(lambda: stats.round_statistics(statements=statements, seats=seats, ratings=rows))
    matrix = np.array([row[2] for row in sorted(ratings)], dtype=float).reshape(EXPERTS, STATEMENTS)
    bare, _unused = timed(lambda: (np.median(matrix, axis=0), np.percentile(matrix, [25, 75], axis=0)))
    fetch, _unused = timed(
        lambda: list(
            Rating.objects.filter(round=delphi_round).values_list("seat", "statement", "importance", "feasibility")
        )
    )
    read, _unused = timed(lambda: delphi.read_ratings(delphi_round.pk, None))
    whole, _unused = timed(lambda: delphi.compute(delphi_round))
    print(f"round statistics (ratings in memory): {pure:.1f} ms  (target < 100 ms)")
    print(f"  reference, numpy median + quartiles alone: {bare:.1f} ms  (ratio {pure / bare:.1f}x)")
    print(f"round statistics with the database read (delphi.compute): {whole:.1f} ms")
    print(f"  of which the read into numpy (one query, one packed integer a rating, covering index): {read:.1f} ms")
    print(
        f"  reference, the bare Django fetch of the ratings (values_list): {fetch:.1f} ms  (ratio {whole / fetch:.2f}x)"
    )
    print(f"  Kendall's W = {results['kendall_w']:.3f}, p = {results['p_value']:.3g}")

    Round.objects.filter(pk=delphi_round.pk).update(status="closed", results=results)
    consultation.status = "concluded"
    report.render_pdf(consultation)  # the first compile loads the CJK fonts
    pdf_ms, pdf = timed(lambda: report.render_pdf(consultation), repeats=3)
    minimal, _unused = timed(
        lambda: typst.compile(
            b'#set text(font: "Noto Serif CJK SC")\n\xe4\xb8\x93\xe6\x8a\xa5', font_paths=report.FONT_PATHS,
            ignore_system_fonts=True,
        ),
        repeats=3,
    )  # fmt: skip
    print(f"report PDF ({STATEMENTS} statements, {len(pdf) // 1024} KiB): {pdf_ms:.0f} ms  (target < 3000 ms)")
    print(
        f"  reference, typst compiling one line with the same fonts: {minimal:.0f} ms  (ratio {pdf_ms / minimal:.1f}x)"
    )


if __name__ == "__main__":
    main()
