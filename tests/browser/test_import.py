import pytest

from laurel.people.models import Organization, Person
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_imports_units_then_people_from_spreadsheets(page, staff, tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("单位名称,类型,地区\n云州光电科技股份有限公司,企业,高新区\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("姓名,性别,单位,出生日期\n王芳,女,云州光电科技股份有限公司,1985-05-30\n", encoding="utf-8")
    login(page, staff)
    for kind, path in (("units", units), ("persons", people)):
        page.goto("/staff/import/")
        page.select_option("select[name=kind]", kind)
        page.set_input_files("input[name=file]", str(path))
        page.click("main form button[type=submit]")
        page.wait_for_url("**/staff/import/*/")
        page.click("text=确认并导入")
        page.wait_for_load_state()
        assert "导入完成" in page.locator(".messages").inner_text()
    assert Organization.objects.get().name == "云州光电科技股份有限公司"
    assert Person.objects.get().organization.name == "云州光电科技股份有限公司"


def test_staff_sees_row_errors_and_nothing_is_imported(page, staff, tmp_path):
    Organization.objects.create(name="云州大学", kind="university")
    people = tmp_path / "people.csv"
    people.write_text("姓名,性别,单位\n王芳,女,云州大学\n李明,不详,云州大学\n", encoding="utf-8")
    login(page, staff)
    page.goto("/staff/import/")
    page.select_option("select[name=kind]", "persons")
    page.set_input_files("input[name=file]", str(people))
    page.click("main form button[type=submit]")
    errors = page.locator("[data-testid=import-errors]").inner_text()
    assert "性别须为" in errors and "3" in errors
    assert page.locator("text=确认并导入").count() == 0
    assert Person.objects.count() == 0
