import pytest

from laurel.honors.models import Nomination, Stage
from laurel.people.services import create_api_token
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


def test_campaigns_are_public_but_drafts_hidden(client):
    public = CampaignFactory(stage=Stage.OPEN, name="2025年最美科技工作者", name_en="Most Beautiful 2025")
    CampaignFactory(stage=Stage.DRAFT)
    response = client.get("/api/v1/campaigns")
    assert [campaign["code"] for campaign in response.json()] == [public.code]
    detail = client.get(f"/api/v1/campaigns/{public.code}").json()
    assert (detail["stage"], detail["name"], detail["name_en"]) == (
        "open",
        "2025年最美科技工作者",
        "Most Beautiful 2025",
    )


def test_nominations_are_for_staff_only(client, staff, nominator):
    nomination = NominationFactory()
    url = f"/api/v1/campaigns/{nomination.campaign.code}/nominations"
    assert client.get(url).status_code == 401
    token = create_api_token(user=nominator, name="t", scope="write")
    assert client.get(url, headers={"authorization": f"Bearer {token}"}).status_code == 403
    token = create_api_token(user=staff, name="t", scope="write")
    assert client.get(url, headers={"authorization": f"Bearer {token}"}).json()[0]["code"] == nomination.code


def test_staff_checks_eligibility_through_the_api(client, staff):
    nomination = NominationFactory(status=Nomination.Status.SUBMITTED)
    headers = {
        "authorization": f"Bearer {create_api_token(user=staff, name='t', scope='write')}",
        "accept-language": "en",
    }
    url = f"/api/v1/nominations/{nomination.code}/eligibility"
    refused = client.post(url, {"outcome": "reject", "reason": ""}, content_type="application/json", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"]["reason"] == ["Give the reason; the nominator will read it."]
    done = client.post(url, {"outcome": "pass"}, content_type="application/json", headers=headers)
    assert (done.status_code, done.json()["status"]) == (200, "eligible")
