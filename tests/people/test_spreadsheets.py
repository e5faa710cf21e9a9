import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook, load_workbook

from laurel.core.models import AuditEntry
from laurel.people import spreadsheets
from laurel.people.models import Organization, Person
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def csv_bytes(text: str, encoding="utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_units_import_from_chinese_csv_with_parents(staff):
    content = csv_bytes(
        "单位名称,英文名称,类型,地区,上级单位\n云州大学,Yunzhou University,高校,东湖区,\n云州大学附属医院,,医院,东湖区,云州大学\n"
    )
    preview = spreadsheets.preview_import("units", content)
    assert preview.errors == []
    assert (preview.creates, preview.updates) == (2, 0)
    assert spreadsheets.apply_import(preview, actor=staff) == {"created": 2, "updated": 0}
    hospital = Organization.objects.get(name="云州大学附属医院")
    assert hospital.parent.name == "云州大学"
    assert hospital.kind == "hospital"
    assert AuditEntry.objects.get().action == "people.units.imported"


def test_persons_import_from_xlsx_with_english_headers(staff):
    OrganizationFactory(name="云州大学")
    content = xlsx_bytes(
        [
            ["Name", "English name", "Gender", "Date of birth", "Unit", "Position", "Front-line", "Email"],
            ["王芳", "Fang Wang", "女", "1985-05-30", "云州大学", "教授", "是", "wf@example.org"],
            ["李明", "", "male", "1990/1/2", "云州大学", "", "no", ""],
        ]
    )
    preview = spreadsheets.preview_import("persons", content)
    assert preview.errors == []
    spreadsheets.apply_import(preview, actor=staff)
    wang = Person.objects.get(name="王芳")
    assert (wang.gender, str(wang.date_of_birth), wang.is_front_line) == ("female", "1985-05-30", True)
    assert Person.objects.get(name="李明").date_of_birth.isoformat() == "1990-01-02"


def test_gb18030_csv_from_chinese_excel_is_read(staff):
    OrganizationFactory(name="云州大学")
    content = csv_bytes("姓名,性别,单位\n王芳,女,云州大学\n", encoding="gb18030")
    preview = spreadsheets.preview_import("persons", content)
    assert preview.errors == [] and len(preview.rows) == 1


def test_any_wrong_row_means_nothing_is_written(staff):
    OrganizationFactory(name="云州大学")
    content = csv_bytes(
        "姓名,性别,单位,出生日期,电子邮箱\n"
        "王芳,女,云州大学,1985-05-30,\n"
        f"{'张' * 51},男,云州大学,,\n"
        "李明,不详,不存在的单位,2099-01-01,not-an-email\n"
    )
    preview = spreadsheets.preview_import("persons", content)
    problems = [(error.row, error.column) for error in preview.errors]
    assert problems == [(3, "姓名"), (4, "性别"), (4, "单位"), (4, "出生日期"), (4, "电子邮箱")]
    assert "51" in preview.errors[0].message
    with pytest.raises(ValidationError):
        spreadsheets.apply_import(preview, actor=staff)
    assert Person.objects.count() == 0


def test_duplicate_units_in_one_file_are_caught(staff):
    content = csv_bytes("单位名称,类型\n云州大学,高校\n云州大学,高校\n")
    preview = spreadsheets.preview_import("units", content)
    assert [error.row for error in preview.errors] == [3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04garbage", "XLSX"),
        (b"\x00\x01\x02binary", "neither"),
        (b"foo,bar\n1,2\n", "missing"),
    ],
)
def test_malformed_files_get_a_clear_message(content, message):
    with translation.override("en"), pytest.raises(spreadsheets.SpreadsheetError, match=message):
        spreadsheets.preview_import("persons", content)


def test_messages_are_in_the_users_language():
    with translation.override("zh-hans"), pytest.raises(spreadsheets.SpreadsheetError, match="文件是空的"):
        spreadsheets.preview_import("persons", b"")


def test_export_has_the_shape_import_reads(staff):
    person = PersonFactory(name="王芳", email="wf@example.org", is_front_line=True)
    for language in ("zh-hans", "en"):
        content = spreadsheets.export_xlsx("persons", language)
        preview = spreadsheets.preview_import("persons", content)
        assert preview.errors == []
        assert (preview.creates, preview.updates) == (0, 1)
        assert preview.rows[0]["code"] == person.code
    sheet = load_workbook(io.BytesIO(spreadsheets.export_xlsx("units", "zh-hans"))).active
    assert [cell.value for cell in sheet[1]] == ["单位名称", "英文名称", "类型", "地区", "上级单位"]
    csv_preview = spreadsheets.preview_import("persons", spreadsheets.export_csv("persons", "zh-hans"))
    assert csv_preview.errors == []
