import datetime

import pytest
from django.urls import reverse

from laurel.outreach import reports
from laurel.outreach.models import Talk
from tests.factories.outreach import MembershipFactory, TalkFactory, district

pytestmark = pytest.mark.django_db


def held(membership, day: int, **kwargs):
    return TalkFactory(
        status=Talk.Status.REPORTED, speaker=membership, date=datetime.date(2026, 3, day), slot="morning", **kwargs
    )


def test_reach_counts_talks_people_online_and_districts():
    membership = MembershipFactory()
    held(membership, 2, headcount=100, online_views=1000, district=district("东湖区"))
    held(membership, 3, headcount=50, online_views=0, district=district("西山区"), host_type="village")
    TalkFactory(status=Talk.Status.REQUESTED, headcount=None)
    figures = reports.reach()
    assert figures["totals"]["talks"] == 2
    assert figures["totals"]["people"] == 150
    assert figures["totals"]["online"] == 1000
    assert figures["totals"]["districts"] == 2
    assert figures["district_share"] == 25
    assert [item.name for item in figures["untouched"]] == ["南港区", "北塘区", "新城区", "高新区", "临江县", "青石县"]
    assert [(row["label"], row["talks"]) for row in figures["by_month"]] == [("2026-03", 2)]


def test_dashboard_uses_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    membership = MembershipFactory()
    for day in range(1, 11):
        held(membership, day, headcount=10)
    with django_assert_max_num_queries(20) as captured:
        response = staff_client.get(reverse("outreach:reach"))
    few = len(captured)
    for day in range(11, 28):
        held(MembershipFactory(), day, headcount=10, district=district("临江县"))
    with django_assert_max_num_queries(few):
        response = staff_client.get(reverse("outreach:reach"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="talks-held">27<' in html
    assert "<svg" in html and "style=" not in html


def test_dashboard_exports_xlsx(staff_client):
    from io import BytesIO

    from openpyxl import load_workbook

    held(MembershipFactory(), 5, headcount=80)
    response = staff_client.get(reverse("outreach:reach_export"))
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.worksheets[0]["B1"].value == 1
    assert workbook.worksheets[0]["B2"].value == 80


def test_dashboard_is_for_staff_only(stranger_client, client):
    assert stranger_client.get(reverse("outreach:reach")).status_code == 403
    assert stranger_client.get(reverse("outreach:reach_export")).status_code == 403
    client.logout()
    assert client.get(reverse("outreach:reach")).status_code == 302
