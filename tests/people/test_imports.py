"""An import's life after the upload: read by a task with progress, previewed, confirmed, written by a task;
each task safe to run twice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laurel.people import imports, services
from laurel.people.models import Organization, Person, SpreadsheetImport
from tests.factories.people import OrganizationFactory
from tests.security import bombs

pytestmark = pytest.mark.django_db

PEOPLE = "姓名,性别,单位\n王芳,女,云州大学\n".encode()


def upload(staff, content=PEOPLE, language="zh-hans") -> SpreadsheetImport:
    """Upload without running the reading task (as when a worker has not taken it yet)."""
    return services.start_import(
        actor=staff, kind="persons", upload=SimpleUploadedFile("people.csv", content), language=language
    )


def test_import_page_polls_and_shows_the_rows_read_while_a_task_reads(staff_client, staff):
    spreadsheet_import = upload(staff)
    SpreadsheetImport.objects.filter(pk=spreadsheet_import.pk).update(
        status=SpreadsheetImport.Status.READING, rows_done=500, rows_total=1501
    )
    response = staff_client.get(spreadsheet_import.get_absolute_url(), headers={"hx-request": "true"})
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert '<progress class="progress" data-testid="import-progress" max="1501" value="500"></progress>' in html
    assert "已读取 500 行，共约 1501 行。" in html
    assert "<h1>" not in html  # the fragment alone


def test_reading_twice_previews_once(staff):
    OrganizationFactory(name="云州大学")
    spreadsheet_import = upload(staff)
    imports.read_import(spreadsheet_import.pk)
    imports.read_import(spreadsheet_import.pk)  # a requeued task finds the work done
    spreadsheet_import.refresh_from_db()
    assert spreadsheet_import.status == SpreadsheetImport.Status.PREVIEWED
    assert spreadsheet_import.preview == {
        "rows": 1,
        "creates": 1,
        "updates": 0,
        "error_count": 0,
        "errors": [],
        "sample": [{"row_number": 2, "name": "王芳", "name_en": ""}],
    }


def test_writing_twice_writes_once(staff):
    OrganizationFactory(name="云州大学")
    spreadsheet_import = upload(staff)
    imports.read_import(spreadsheet_import.pk)
    spreadsheet_import.refresh_from_db()
    services.confirm_import(spreadsheet_import, actor=staff)
    imports.write_import(spreadsheet_import.pk)
    imports.write_import(spreadsheet_import.pk)
    spreadsheet_import.refresh_from_db()
    assert (spreadsheet_import.status, spreadsheet_import.result) == ("applied", {"created": 1, "updated": 0})
    assert Person.objects.count() == 1


def test_rows_wrong_since_the_preview_write_nothing_and_show_why(staff):
    unit = OrganizationFactory(name="云州大学")
    spreadsheet_import = upload(staff)
    imports.read_import(spreadsheet_import.pk)
    spreadsheet_import.refresh_from_db()
    services.confirm_import(spreadsheet_import, actor=staff)
    Organization.objects.filter(pk=unit.pk).delete()
    imports.write_import(spreadsheet_import.pk)
    spreadsheet_import.refresh_from_db()
    assert spreadsheet_import.status == SpreadsheetImport.Status.PREVIEWED
    assert [error["message"] for error in spreadsheet_import.preview["errors"]] == [
        "未知单位“云州大学”：请先导入该单位。"
    ]
    assert not spreadsheet_import.can_be_confirmed
    assert Person.objects.count() == 0


def test_file_beyond_a_limit_fails_with_the_reason_in_the_uploaders_language(staff_client, staff):
    spreadsheet_import = upload(staff, content=bombs.csv_of_wide_rows(), language="en")
    imports.read_import(spreadsheet_import.pk)
    spreadsheet_import.refresh_from_db()
    assert (spreadsheet_import.status, spreadsheet_import.failure) == ("failed", "The file has more than 100 columns.")
    page = staff_client.get(spreadsheet_import.get_absolute_url())
    assert "The file has more than 100 columns." in page.content.decode()
    with pytest.raises(Exception, match="原因见其页面"):
        services.confirm_import(spreadsheet_import, actor=staff)


def test_confirming_before_the_file_is_read_is_refused(staff_client, staff):
    spreadsheet_import = upload(staff)
    response = staff_client.post(reverse("people:import_confirm", kwargs={"pk": spreadsheet_import.pk}))
    assert [str(message) for message in response.wsgi_request._messages] == ["该文件不能导入，原因见其页面。"]
    spreadsheet_import.refresh_from_db()
    assert spreadsheet_import.status == SpreadsheetImport.Status.QUEUED
