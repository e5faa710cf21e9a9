"""A published honoree's ID photo is public (the front page shows it); before publication, or for anyone not
selected, it is not."""

import pytest
from django.urls import reverse
from django.utils import timezone

from laurel.honors.models import Nomination, Stage
from laurel.honors.views.public import latest_honorees
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


def _url(nomination):
    return reverse("honors:honoree_photo", args=[nomination.campaign.code, nomination.code])


def _get(client, url):
    response = client.get(url)
    if response.status_code == 200:
        body = b"".join(response.streaming_content)
        response.close()
        return response, body
    return response, b""


def test_a_published_honorees_photo_is_public(client):
    campaign = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now())
    honoree = NominationFactory(campaign=campaign, status=Nomination.Status.SELECTED, photos=0)
    section = latest_honorees()
    assert list(section["honorees"]) == [honoree]
    page = client.get("/").content.decode()
    assert _url(honoree) in page and 'loading="lazy"' in page
    # Last: closing a file response ends the request, which closes the test's database connection.
    response, body = _get(client, _url(honoree))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("stage", [Stage.NOTICE, Stage.COMMITTEE, Stage.OPEN])
def test_before_publication_the_photo_stays_private(client, stage):
    nomination = NominationFactory(campaign=CampaignFactory(stage=stage), status=Nomination.Status.SELECTED, photos=0)
    assert client.get(_url(nomination)).status_code == 404


@pytest.mark.parametrize("status", [Nomination.Status.ELIGIBLE, Nomination.Status.REJECTED, Nomination.Status.DRAFT])
def test_a_candidate_not_selected_keeps_the_photo_private(client, status):
    campaign = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now())
    nomination = NominationFactory(campaign=campaign, status=status, photos=0)
    assert client.get(_url(nomination)).status_code == 404


def test_a_nomination_of_another_campaign_is_not_found(client):
    published = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now())
    other = NominationFactory(
        campaign=CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now()),
        status=Nomination.Status.SELECTED,
        photos=0,
    )
    url = reverse("honors:honoree_photo", args=[published.code, other.code])
    assert client.get(url).status_code == 404


def test_the_front_page_links_the_calls_open_for_nominations(client):
    open_campaign = CampaignFactory(name="2025年最美科技工作者")
    CampaignFactory(stage=Stage.DRAFT, name="草稿活动")
    page = client.get("/").content.decode()
    calls = page[page.index('data-testid="open-calls"') :]
    assert reverse("honors:call", args=[open_campaign.code]) in calls and "2025年最美科技工作者" in page
    assert "草稿活动" not in page
