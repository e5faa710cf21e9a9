"""The public vote in the JSON API: the candidates (public) and casting a vote (token, or session with CSRF)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from laurel.core import ratelimit
from laurel.honors import votes
from laurel.honors.models import Campaign, Stage, Vote
from laurel.people.services import create_api_token
from tests.factories.honors import vote_campaign
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def candidates_url(campaign):
    return f"/api/v1/campaigns/{campaign.code}/vote/candidates"


def cast_url(campaign, nomination):
    return f"{candidates_url(campaign)}/{nomination.code}"


def bearer(user):
    return {
        "authorization": f"Bearer {create_api_token(user=user, name='vote', scope='write')}",
        "accept-language": "en",
    }


def test_anyone_lists_the_candidates_without_their_counts_during_the_vote(client):
    campaign, (first, second, _third) = vote_campaign()
    votes.cast_vote(first, actor=UserFactory(), address="192.0.2.1")
    listed = client.get(candidates_url(campaign), headers={"accept-language": "en"}).json()
    assert [candidate["name"] for candidate in listed] == ["候选人1", "候选人2", "候选人3"]
    assert listed[0] == {
        "code": first.code, "name": "候选人1", "unit": first.unit.name, "category": "front_line",
        "citation": "Citation of candidate 1", "story_excerpt": first.story, "public_votes": None,
    }  # fmt: skip
    Campaign.objects.filter(pk=campaign.pk).update(vote_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert [candidate["public_votes"] for candidate in client.get(candidates_url(campaign)).json()] == [1, 0, 0]


def test_the_campaign_says_whether_and_when_it_votes(client):
    campaign, _made = vote_campaign(candidates=0, candidates_per_day=7)
    detail = client.get(f"/api/v1/campaigns/{campaign.code}").json()
    assert (detail["stage"], detail["public_vote"], detail["public_vote_weight"], detail["candidates_per_day"]) == (
        "public_vote",
        True,
        30,
        7,
    )
    closes = datetime.datetime.fromisoformat(detail["vote_closes_at"])
    assert abs(closes - campaign.vote_closes_at) < datetime.timedelta(milliseconds=1)


def test_no_candidates_outside_the_vote_stage(client):
    campaign, _made = vote_campaign(stage=Stage.REVIEW)
    assert client.get(candidates_url(campaign)).status_code == 404


def test_a_voter_votes_with_a_token_and_a_second_vote_is_refused_with_the_reason(client):
    campaign, (first, *_rest) = vote_campaign()
    headers = bearer(UserFactory())
    done = client.post(cast_url(campaign, first), headers=headers)
    assert done.status_code == 201
    assert (done.json()["candidate"], done.json()["day"], done.json()["votes_for_candidate"]) == (
        first.code,
        timezone.localdate().isoformat(),
        1,
    )
    refused = client.post(cast_url(campaign, first), headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"] == {
        "__all__": ["You have used today's votes for 候选人1. You can vote for them again tomorrow."]
    }
    chinese = client.post(cast_url(campaign, first), headers={**headers, "accept-language": "zh-hans"})
    assert chinese.json()["detail"]["__all__"] == ["今天对候选人1的投票次数已用完，明天可以再投。"]
    assert Vote.objects.count() == 1


def test_voting_needs_credentials_and_a_candidate(client):
    campaign, (first, *_rest) = vote_campaign()
    assert client.post(cast_url(campaign, first)).status_code == 401
    _other, (stranger_candidate, *_others) = vote_campaign()
    assert client.post(cast_url(campaign, stranger_candidate), headers=bearer(UserFactory())).status_code == 404
    assert not Vote.objects.exists()


def test_too_many_votes_from_one_address_is_a_429(client, monkeypatch):
    monkeypatch.setattr(votes, "VOTES_PER_ADDRESS", ratelimit.Limit("honors.vote", count=1, seconds=600))
    campaign, (first, second, _third) = vote_campaign()
    headers = bearer(UserFactory())
    assert client.post(cast_url(campaign, first), headers=headers).status_code == 201
    refused = client.post(cast_url(campaign, second), headers=headers)
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many votes from your network in a short time. Please try again later."}


def test_a_session_vote_needs_the_csrf_token():
    campaign, (first, *_rest) = vote_campaign()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())
    assert browser.post(cast_url(campaign, first)).status_code in (401, 403)
    assert not Vote.objects.exists()
    browser.get(f"/campaigns/{campaign.code}/vote/")  # the vote page sets the CSRF cookie (its forms need it)
    token = browser.cookies["csrftoken"].value
    assert browser.post(cast_url(campaign, first), headers={"x-csrftoken": token}).status_code == 201
    assert Vote.objects.count() == 1


def test_a_vote_after_the_window_is_a_422_with_the_reason(client):
    campaign, (first, *_rest) = vote_campaign(
        opens_in=-datetime.timedelta(days=3), closes_in=-datetime.timedelta(days=1)
    )
    refused = client.post(cast_url(campaign, first), headers=bearer(UserFactory()))
    assert (refused.status_code, refused.json()["detail"]) == (422, {"__all__": ["The public vote has closed."]})
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.COMMITTEE)
    refused = client.post(cast_url(campaign, first), headers=bearer(UserFactory()))
    assert (refused.status_code, refused.json()["detail"]) == (422, {"__all__": ["The public vote has closed."]})
