import pytest

from laurel.people import imports
from laurel.people.models import Organization, Person, SpreadsheetImport
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, kind, path):
    page.goto("/staff/import/")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/import/*/")


def test_staff_imports_units_then_people_from_spreadsheets(page, staff, tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("单位名称,类型,地区\n云州光电科技股份有限公司,企业,高新区\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("姓名,性别,单位,出生日期\n王芳,女,云州光电科技股份有限公司,1985-05-30\n", encoding="utf-8")
    login(page, staff)
    for kind, path in (("units", units), ("persons", people)):
        upload(page, kind, path)
        page.click("text=确认并导入")
        page.wait_for_load_state()
        assert page.get_by_test_id("import-result").inner_text() == "导入完成：新增 1 条，更新 0 条。"
    assert Organization.objects.get().name == "云州光电科技股份有限公司"
    assert Person.objects.get().organization.name == "云州光电科技股份有限公司"


def test_staff_sees_row_errors_and_nothing_is_imported(page, staff, tmp_path):
    Organization.objects.create(name="云州大学", kind="university")
    people = tmp_path / "people.csv"
    people.write_text("姓名,性别,单位\n王芳,女,云州大学\n李明,不详,云州大学\n", encoding="utf-8")
    login(page, staff)
    upload(page, "persons", people)
    errors = page.locator("[data-testid=import-errors]").inner_text()
    assert "性别须为" in errors and "3" in errors
    assert page.locator("text=确认并导入").count() == 0
    assert Person.objects.count() == 0


def test_big_import_runs_in_the_background_with_a_progress_bar(page, staff, tmp_path, settings):
    """With a worker's queue (nothing runs until the worker takes it), the page shows the progress bar and
    swaps in the preview, then the result, by itself as the tasks finish."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    Organization.objects.create(name="云州大学", kind="university")
    people = tmp_path / "people.csv"
    rows = "".join(f"测试{index},{'女' if index % 2 else '男'},云州大学\n" for index in range(1500))
    people.write_text("姓名,性别,单位\n" + rows, encoding="utf-8")
    login(page, staff)
    upload(page, "persons", people)
    assert page.get_by_test_id("import-stage").inner_text() == "等待读取"
    assert page.get_by_test_id("import-progress").is_visible()
    spreadsheet_import = SpreadsheetImport.objects.get()

    imports.read_import(spreadsheet_import.pk)  # the worker's turn
    page.get_by_text("1500 行无误：新增 1500 条，更新 0 条。").wait_for()
    assert page.get_by_test_id("import-progress").count() == 0

    page.click("text=确认并导入")
    assert page.get_by_test_id("import-stage").inner_text() == "正在导入"
    assert Person.objects.count() == 0
    imports.write_import(spreadsheet_import.pk)
    page.get_by_test_id("import-result").wait_for()
    assert page.get_by_test_id("import-result").inner_text() == "导入完成：新增 1500 条，更新 0 条。"
    assert Person.objects.count() == 1500
