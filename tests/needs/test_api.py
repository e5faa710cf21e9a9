import pytest
from django.utils import timezone

from laurel.needs.models import Interest, Need
from tests.factories.needs import NeedFactory
from tests.factories.outreach import district

pytestmark = pytest.mark.django_db


def test_public_board_lists_moderated_needs_without_contact(client):
    need = NeedFactory(field="materials", region=district("东湖区"))
    NeedFactory(field="agriculture")
    NeedFactory(status=Need.Status.SUBMITTED)
    body = client.get("/api/v1/needs", {"field": "materials"}).json()
    assert body["count"] == 1 and body["items"][0]["code"] == need.code
    assert "contact_email" not in body["items"][0] and body["items"][0]["region_en"] == "Donghu District"
    assert client.get("/api/v1/needs", {"region": district("青石县").pk}).json()["count"] == 0
    assert client.get("/api/v1/needs", {"field": "nonsense"}).status_code == 422
    assert client.get(f"/api/v1/needs/{need.code}").json()["title"] == need.title
    assert client.get("/api/v1/needs/" + "Z" * 500).status_code == 404


def test_manage_list_is_for_staff_only(client, staff, expert):
    NeedFactory()
    assert client.get("/api/v1/needs/manage").status_code == 401
    client.force_login(expert)
    assert client.get("/api/v1/needs/manage").status_code == 403
    client.force_login(staff)
    assert client.get("/api/v1/needs/manage").json()["items"][0]["contact_email"].endswith("example.org")


def test_expert_offers_help_through_the_api_once(client, expert, stranger):
    need = NeedFactory()
    client.force_login(stranger)
    assert (
        client.post(f"/api/v1/needs/{need.code}/interest", {"note": "x"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(expert)
    first = client.post(f"/api/v1/needs/{need.code}/interest", {"note": "可以"}, content_type="application/json")
    assert first.status_code == 201
    again = client.post(f"/api/v1/needs/{need.code}/interest", {"note": "再来"}, content_type="application/json")
    assert again.status_code == 422
    too_long = client.post(
        f"/api/v1/needs/{need.code}/interest", {"note": "长" * 1001}, content_type="application/json"
    )
    assert too_long.status_code == 422
    assert Interest.objects.count() == 1
    closed = NeedFactory(status=Need.Status.CONCLUDED, expert=expert, outcome="resolved", concluded_at=timezone.now())
    assert client.post(f"/api/v1/needs/{closed.code}/interest", {}, content_type="application/json").status_code == 422
