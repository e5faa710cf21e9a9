"""A spreadsheet import cannot exhaust the server: a workbook is judged by its zip directory before any parser
sees it, each XML part is streamed through bounded checks, and reading stops at the row and column limits. A
1.6 MB workbook once took 105 s and 420 MB before it was refused."""

import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laurel.people import spreadsheets
from laurel.people.models import SpreadsheetImport
from tests.security import bombs

MEMORY_BOUND_MB = 100


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile")
    (directory / "zip-bomb.xlsx").write_bytes(bombs.zip_bomb(unpacked_mb=400))
    (directory / "million-cell-row.xlsx").write_bytes(bombs.million_cell_row())
    (directory / "tiny-rows.csv").write_bytes(bombs.csv_of_tiny_rows())
    return directory


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("zip-bomb.xlsx", "A part of the workbook unpacks to more than 100 MB."),
        ("million-cell-row.xlsx", "The workbook's part xl/worksheets/sheet1.xml is too large or too deeply nested."),
        ("tiny-rows.csv", "The file has more than 50000 rows."),
    ],
)
def test_hostile_file_is_refused_within_bounded_memory(hostile_files, tmp_path, name, refusal):
    path = hostile_files / name
    assert path.stat().st_size < 20 * 1024 * 1024
    try:
        figures = bombs.measure(path, data_dir=tmp_path / "data", timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name} was still being read after 60 s")
    assert figures["outcome"] == refusal
    assert figures["traced_mb"] < MEMORY_BOUND_MB
    assert figures["rss_growth_mb"] < MEMORY_BOUND_MB


@pytest.mark.parametrize(
    ("content", "refusal"),
    [
        (
            bombs.high_ratio_part,
            "A part of the workbook unpacks to more than 100 times its packed size: refused as a zip bomb.",
        ),
        (bombs.many_parts, "The workbook holds more than 1000 parts; a spreadsheet holds a few dozen."),
        (bombs.entity_expansion, "The workbook's part xl/worksheets/sheet1.xml declares a DTD; refused."),
        (bombs.csv_of_wide_rows, "The file has more than 100 columns."),
        (bombs.csv_of_a_million_commas, "The file has more than 100 columns."),
    ],
)
def test_file_beyond_a_limit_is_refused_naming_it(db, content, refusal, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(spreadsheets.SpreadsheetError) as error:
        spreadsheets.preview_import("persons", content())
    assert str(error.value) == refusal


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "A part of the workbook unpacks to more than 100 MB."), ("zh-hans", "工作簿中有部件解压后超过 100 MB。")],
)
def test_zip_bomb_is_refused_at_upload_and_nothing_is_kept(staff_client, hostile_files, language, message):
    upload = SimpleUploadedFile("people.xlsx", (hostile_files / "zip-bomb.xlsx").read_bytes())
    response = staff_client.post(
        reverse("people:import"), {"kind": "persons", "file": upload}, headers={"accept-language": language}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert SpreadsheetImport.objects.count() == 0


def test_ordinary_workbook_passes_the_checks(db):
    content = bombs.workbook_with(
        sheet_chunks=[bombs.SHEET_HEAD, bombs.HEADER_ROW, bombs.PERSON_ROW * 3, bombs.SHEET_TAIL]
    )
    table = spreadsheets.read_rows(content)
    assert table == [["姓名", "性别", "单位"]] + [["王芳", "女", "云州大学"]] * 3
