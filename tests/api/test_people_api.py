import pytest

from laurel.people.models import Organization, Person
from laurel.people.services import create_api_token
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_token(staff):
    return create_api_token(user=staff, name="tests", scope="write")


def test_anyone_reads_public_fields_of_public_persons_only(client):
    person = PersonFactory(name="王芳", email="private@example.org", is_public=True)
    hidden = PersonFactory(name="李明")
    response = client.get("/api/v1/persons")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["code"] for item in items] == [person.code]
    assert items[0]["name"] == "王芳"
    assert "email" not in items[0] and "date_of_birth" not in items[0]
    assert client.get(f"/api/v1/persons/{hidden.code}").status_code == 404


def test_staff_token_reads_every_person(client, staff_token):
    PersonFactory(is_public=True)
    hidden = PersonFactory()
    response = client.get("/api/v1/persons", headers={"authorization": f"Bearer {staff_token}"})
    assert len(response.json()["items"]) == 2
    assert (
        client.get(f"/api/v1/persons/{hidden.code}", headers={"authorization": f"Bearer {staff_token}"}).status_code
        == 200
    )


def test_anonymous_write_is_refused_with_401(client):
    response = client.post(
        "/api/v1/organizations", {"name": "X", "kind": "university"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert Organization.objects.count() == 0


def test_stranger_with_a_token_cannot_write(client, stranger):
    token = create_api_token(user=stranger, name="mine", scope="write")
    response = client.post(
        "/api/v1/organizations",
        {"name": "X", "kind": "university"},
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert Organization.objects.count() == 0


def test_staff_token_creates_a_unit_and_a_person(client, staff_token):
    headers = {"authorization": f"Bearer {staff_token}"}
    response = client.post(
        "/api/v1/organizations",
        {"name": "云州大学", "kind": "university"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    code = response.json()["code"]
    response = client.post(
        "/api/v1/persons",
        {"name": "王芳", "gender": "female", "organization_code": code},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    assert Person.objects.get().organization.code == code


def test_duplicate_unit_name_is_a_422_with_the_reason(client, staff_token):
    OrganizationFactory(name="云州大学")
    response = client.post(
        "/api/v1/organizations",
        {"name": "云州大学", "kind": "university"},
        content_type="application/json",
        headers={"authorization": f"Bearer {staff_token}", "accept-language": "en"},
    )
    assert response.status_code == 422
    assert "name" in response.json()["detail"]


def test_session_write_needs_csrf(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(
        "/api/v1/organizations", {"name": "X", "kind": "university"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert Organization.objects.count() == 0


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/persons" in schema["paths"]


def test_api_docs_use_local_assets_that_the_content_security_policy_allows(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html


def test_a_huge_page_size_is_capped_not_a_server_error(client):
    PersonFactory(is_public=True)
    response = client.get("/api/v1/organizations", {"limit": 10**30})
    assert response.status_code in (200, 422)
    response = client.get("/api/v1/organizations", {"limit": 10**12})
    assert response.status_code in (200, 422)
    response = client.get("/api/v1/persons", {"offset": 10**20, "limit": 300})
    assert response.status_code in (200, 422)
