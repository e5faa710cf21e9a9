import datetime
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from laurel.needs import reports
from laurel.needs.models import Need, ServiceRecord
from tests.factories.needs import NeedFactory, ServiceRecordFactory, expert_user
from tests.factories.outreach import district

pytestmark = pytest.mark.django_db
S = Need.Status


def test_reach_counts_posted_matched_resolved_by_field_region_and_month(django_assert_num_queries):
    expert = expert_user("r@example.org")
    NeedFactory(field="materials", region=district("东湖区"))
    NeedFactory(status=S.INTRODUCED, expert=expert, field="materials", region=district("东湖区"))
    NeedFactory(status=S.CONCLUDED, outcome="resolved", expert=expert, field="agriculture", region=district("青石县"))
    NeedFactory(status=S.CONCLUDED, outcome="partly", expert=expert, field="agriculture", region=district("青石县"))
    NeedFactory(status=S.UNVERIFIED)  # not posted until confirmed
    old = NeedFactory(status=S.REJECTED, field="medicine")
    Need.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    ServiceRecordFactory(user=expert, status=ServiceRecord.Status.VALIDATED, hours=3, people_reached=40)
    ServiceRecordFactory(user=expert, status=ServiceRecord.Status.SUBMITTED, hours=5, people_reached=10)
    with django_assert_num_queries(4):
        figures = reports.reach(language="en")
    assert figures["totals"] == {"posted": 5, "matched": 3, "resolved": 1}
    by_field = {row["label"]: (row["posted"], row["matched"], row["resolved"]) for row in figures["by_field"]}
    assert by_field["Materials"] == (2, 1, 0) and by_field["Agriculture and food"] == (2, 2, 1)
    by_region = {row["label"]: row["posted"] for row in figures["by_region"]}
    assert by_region["Qingshi County"] == 2 and by_region["Donghu District"] == 3
    assert [row["posted"] for row in figures["by_month"]] == [1, 4]
    assert figures["service"]["hours"] == 3 and figures["service"]["people"] == 40
    old_year = timezone.localtime(Need.objects.get(pk=old.pk).created_at).year
    assert reports.reach(year=old_year)["totals"]["posted"] == (1 if old_year != timezone.localdate().year else 5)


def test_reach_xlsx_holds_every_sheet():
    NeedFactory(field="materials")
    with translation.override("en"):
        book = load_workbook(io.BytesIO(reports.reach_xlsx(reports.reach(language="en"))))
    assert book.sheetnames == ["Summary", "By month", "By field", "By region"]
    assert [cell.value for cell in book["Summary"]["A"]][:3] == ["Needs posted", "Matched", "Resolved"]
    assert book["Summary"]["B1"].value == 1


def test_bars_scale_to_the_largest_posted():
    rows = reports.bars([{"label": "a", "posted": 4, "matched": 2, "resolved": 1}, {"label": "b", "posted": 0,
                         "matched": 0, "resolved": 0}], width=100)  # fmt: skip
    assert [(row["posted_width"], row["matched_width"], row["resolved_width"], row["y"]) for row in rows] == [
        (100, 50, 25, 0), (0, 0, 0, 30),
    ]  # fmt: skip
