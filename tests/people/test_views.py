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


def test_import_preview_then_confirm_once(staff_client, django_capture_on_commit_callbacks):
    OrganizationFactory(name="云州大学")
    upload = SimpleUploadedFile("people.csv", "姓名,性别,单位\n王芳,女,云州大学\n".encode())
    with django_capture_on_commit_callbacks(execute=True):  # the file is read by a task after the upload
        response = staff_client.post(reverse("people:import"), {"kind": "persons", "file": upload})
    spreadsheet_import = SpreadsheetImport.objects.get()
    assert response.url == spreadsheet_import.get_absolute_url()
    assert spreadsheet_import.status == SpreadsheetImport.Status.PREVIEWED
    assert Person.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("people:import_confirm", kwargs={"pk": spreadsheet_import.pk}))
    second = staff_client.post(
        reverse("people:import_confirm", kwargs={"pk": spreadsheet_import.pk}), headers={"accept-language": "en"}
    )
    assert Person.objects.count() == 1
    assert second.status_code == 302
    messages = [str(message) for message in second.wsgi_request._messages]
    assert messages[-1] == "This file has already been imported."
    page = staff_client.get(spreadsheet_import.get_absolute_url(), headers={"accept-language": "en"})
    assert "Imported: 1 new, 0 updated." in page.content.decode()


def test_export_downloads_xlsx(staff_client):
    PersonFactory(name="王芳")
    response = staff_client.get(reverse("people:export", kwargs={"kind": "persons", "file_format": "xlsx"}))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == "王芳"


def test_staff_gives_a_nominator_role_with_a_unit(staff_client, stranger, unit):
    from laurel.people.models import Role

    response = staff_client.post(
        reverse("people:role_list"), {"email": stranger.email, "kind": "nominator", "organization": unit.pk}
    )
    assert response.status_code == 302
    assert Role.objects.get(user=stranger).organization == unit


def test_nominator_role_without_unit_and_unknown_email_are_refused(staff_client, stranger):
    from laurel.people.models import Role

    response = staff_client.post(
        reverse("people:role_list"), {"email": stranger.email, "kind": "nominator"}, headers={"accept-language": "en"}
    )
    assert response.context["form"].errors["organization"] == ["A nominator needs a unit."]
    response = staff_client.post(
        reverse("people:role_list"),
        {"email": "nobody@example.org", "kind": "expert"},
        headers={"accept-language": "en"},
    )
    assert "No account uses this email address" in response.context["form"].errors["email"][0]
    assert Role.objects.filter(user=stranger).count() == 0


def test_stranger_cannot_give_roles_or_make_tokens(stranger_client, stranger):
    from laurel.people.models import ApiToken, Role

    assert (
        stranger_client.post(reverse("people:role_list"), {"email": stranger.email, "kind": "staff"}).status_code == 403
    )
    assert stranger_client.post(reverse("people:api_tokens"), {"name": "x"}).status_code == 403
    assert Role.objects.count() == 0 and ApiToken.objects.count() == 0


def test_staff_creates_a_token_that_is_shown_once_and_works(staff_client, client):
    response = staff_client.post(reverse("people:api_tokens"), {"name": "部门系统", "scope": "write", "lifetime": "90"})
    token = response.context["new_token"]
    assert token.startswith("lrl_")
    other = client.__class__()
    ok = other.post(
        "/api/v1/organizations",
        {"name": "新单位", "kind": "enterprise"},
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )
    assert ok.status_code == 201
    assert token not in staff_client.get(reverse("people:api_tokens")).content.decode()
