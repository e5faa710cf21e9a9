import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laurel.people.models import Person, SpreadsheetImport
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("people:person_list", {}),
    ("people:person_create", {}),
    ("people:organization_list", {}),
    ("people:organization_create", {}),
    ("people:import", {}),
    ("people:export", {"kind": "persons", "file_format": "xlsx"}),
]


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_refuse_a_stranger(stranger_client, name, kwargs):
    assert stranger_client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), STAFF_PAGES)
def test_staff_pages_open_for_staff(staff_client, name, kwargs):
    assert staff_client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_nominator_cannot_see_another_persons_private_details(client, nominator):
    person = PersonFactory()
    client.force_login(nominator)
    assert client.get(person.get_absolute_url()).status_code == 403


def test_person_list_uses_a_constant_number_of_queries(staff_client):
    PersonFactory.create_batch(5)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(reverse("people:person_list"))
    PersonFactory.create_batch(40)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(reverse("people:person_list"))
    assert len(many) == len(few)


def test_person_form_refuses_a_pdf_posing_as_a_photo(staff_client, unit):
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 fake", content_type="image/jpeg")
    response = staff_client.post(
        reverse("people:person_create"),
        {"name": "王芳", "gender": "female", "organization": unit.pk, "photo": upload},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    assert Person.objects.count() == 0


def test_import_preview_then_confirm_once(staff_client):
    OrganizationFactory(name="云州大学")
    upload = SimpleUploadedFile("people.csv", "姓名,性别,单位\n王芳,女,云州大学\n".encode())
    response = staff_client.post(reverse("people:import"), {"kind": "persons", "file": upload})
    spreadsheet_import = SpreadsheetImport.objects.get()
    assert response.url == spreadsheet_import.get_absolute_url()
    assert Person.objects.count() == 0
    staff_client.post(reverse("people:import_confirm", kwargs={"pk": spreadsheet_import.pk}))
    second = staff_client.post(
        reverse("people:import_confirm", kwargs={"pk": spreadsheet_import.pk}), headers={"accept-language": "en"}
    )
    assert Person.objects.count() == 1
    assert second.status_code == 302
    messages = [str(message) for message in second.wsgi_request._messages]
    assert messages[-1] == "This file has already been imported."


def test_export_downloads_xlsx(staff_client):
    PersonFactory(name="王芳")
    response = staff_client.get(reverse("people:export", kwargs={"kind": "persons", "file_format": "xlsx"}))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == "王芳"
