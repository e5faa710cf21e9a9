import datetime

import pytest
from django.utils import timezone

from laurel.consultations.models import Openness, Rating
from laurel.people.services import create_api_token
from tests.factories.consultations import ConsultationFactory, concluded_consultation, open_round, seat_for, statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded(staff):
    return concluded_consultation(staff)


def test_public_list_and_detail_show_public_consultations_only(client):
    public = ConsultationFactory(title="公开课题")
    internal = ConsultationFactory(title="内部课题", openness=Openness.INTERNAL)
    items = client.get("/api/v1/consultations").json()["items"]
    assert [item["code"] for item in items] == [public.code]
    assert "contact_email" not in items[0]
    assert client.get(f"/api/v1/consultations/{internal.code}").status_code == 404


def test_rounds_are_for_staff(client, staff, expert, concluded):
    assert client.get(f"/api/v1/consultations/{concluded.code}/rounds").status_code == 401
    client.force_login(expert)
    assert client.get(f"/api/v1/consultations/{concluded.code}/rounds").status_code == 403
    token = create_api_token(user=staff, name="t", scope="read")
    rounds = client.get(
        f"/api/v1/consultations/{concluded.code}/rounds", headers={"authorization": f"Bearer {token}"}
    ).json()
    assert [(item["number"], len(item["statements"])) for item in rounds] == [(1, 3)]
    assert rounds[0]["statements"][0]["consensus"] is True


def test_expert_rates_through_the_api_and_bad_ratings_are_refused(client):
    consultation = ConsultationFactory()
    seat = seat_for(consultation, email="api@example.org")
    delphi_round = open_round(consultation)
    statement = statements(consultation, 1)[0]
    token = create_api_token(user=seat.user, name="t", scope="write")
    headers = {"authorization": f"Bearer {token}"}
    url = f"/api/v1/consultations/{consultation.code}/ratings"
    body = {"statement": statement.pk, "importance": 10, "feasibility": 5}
    assert client.post(url, body, content_type="application/json", headers=headers).status_code == 422
    body["importance"] = 8
    response = client.post(url, body, content_type="application/json", headers=headers)
    assert (response.status_code, response.json()["importance"]) == (200, 8)
    delphi_round.deadline = timezone.now() - datetime.timedelta(seconds=1)
    delphi_round.save(update_fields=["deadline"])
    response = client.post(url, {**body, "importance": 2}, content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert list(Rating.objects.values_list("importance", flat=True)) == [8]


def test_stranger_cannot_rate(client, stranger):
    consultation = ConsultationFactory()
    open_round(consultation)
    statement = statements(consultation, 1)[0]
    token = create_api_token(user=stranger, name="t", scope="write")
    response = client.post(
        f"/api/v1/consultations/{consultation.code}/ratings",
        {"statement": statement.pk, "importance": 8, "feasibility": 5},
        content_type="application/json",
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
