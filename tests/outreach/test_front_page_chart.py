"""The front page's small chart of the lecture group's reach: drawn on the server as SVG, no script."""

import datetime

import pytest
from django.core.cache import cache

from laurel.outreach import reports
from laurel.outreach.models import Talk
from tests.factories.outreach import MembershipFactory, TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    from laurel.core import identity, pagecache

    cache.clear()
    pagecache.forget_local()
    identity.assume_unset()


def _held(day, headcount):
    return TalkFactory(status=Talk.Status.REPORTED, speaker=MembershipFactory(), date=day, headcount=headcount)


def test_people_reached_by_month_as_columns():
    _held(datetime.date(2026, 1, 5), 100)
    _held(datetime.date(2026, 1, 20), 60)
    _held(datetime.date(2026, 3, 2), 40)
    TalkFactory(status=Talk.Status.CANCELLED, date=datetime.date(2026, 2, 2), headcount=999)
    chart = reports.front_page_chart()
    assert [(c["label"], c["people"], c["height"]) for c in chart["columns"]] == [
        ("2026-01", 160, 80),
        ("2026-03", 40, 20),
    ]
    assert chart["columns"][1]["y"] == 60 and chart["width"] == 44


def test_the_last_twelve_months_only():
    for month in range(1, 13):
        _held(datetime.date(2025, month, 10), month)
    _held(datetime.date(2026, 1, 10), 13)
    labels = [column["label"] for column in reports.front_page_chart()["columns"]]
    assert labels[0] == "2025-02" and labels[-1] == "2026-01" and len(labels) == 12


def test_the_front_page_draws_it_without_script(client):
    _held(datetime.date(2026, 1, 5), 77)
    html = client.get("/").content.decode()
    chart = html[html.index('data-testid="reach-chart"') : html.index("</svg>", html.index("reach-chart"))]
    assert "<rect" in chart and "2026-01: 77" in chart and "<script" not in chart and "style=" not in chart
