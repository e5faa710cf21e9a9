"""Every desk shows what is open for its owner: a voter sees the public votes open now, an honoree their honors."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from laurel.honors.models import Nomination, Stage
from tests.factories.honors import NominationFactory, vote_campaign
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def desk(client):
    return client.get(reverse("core:dashboard")).content.decode()


def test_a_voter_finds_the_open_vote_on_their_desk(client, stranger):
    campaign, _made = vote_campaign(name="2024年云州市青年科技工作者")
    assert EmailAddress.objects.filter(user=stranger, verified=True).exists()
    client.force_login(stranger)
    html = desk(client)
    assert 'data-testid="desk-votes"' in html
    assert reverse("honors:vote", kwargs={"code": campaign.code}) in html
    assert "2024年云州市青年科技工作者" in html
    assert "请先确认" not in html


def test_an_unconfirmed_voter_is_told_what_is_missing(client, stranger):
    vote_campaign()
    EmailAddress.objects.filter(user=stranger).update(verified=False)
    client.force_login(stranger)
    assert "投票前请先确认您的邮箱地址" in desk(client)


@pytest.mark.parametrize(
    "window",
    [
        {"opens_in": datetime.timedelta(hours=2)},
        {"opens_in": datetime.timedelta(days=-3), "closes_in": datetime.timedelta(hours=-1)},
    ],
)
def test_a_vote_not_open_now_is_not_offered(client, stranger, window):
    vote_campaign(**window)
    client.force_login(stranger)
    assert 'data-testid="desk-votes"' not in desk(client)


def test_an_honoree_sees_their_published_honors_and_nobody_else_does(client, stranger, other_expert):
    person = PersonFactory(name="王䶮", user=stranger)
    nomination = NominationFactory(person=person, status=Nomination.Status.SELECTED)
    campaign = nomination.campaign
    campaign.stage = Stage.PUBLISHED
    campaign.save()
    client.force_login(stranger)
    html = desk(client)
    assert 'data-testid="desk-honors"' in html and campaign.name in html
    client.force_login(other_expert)
    assert 'data-testid="desk-honors"' not in desk(client)


def test_a_selection_not_yet_published_is_not_shown_to_the_nominee(client, stranger):
    person = PersonFactory(user=stranger)
    nomination = NominationFactory(person=person, status=Nomination.Status.SELECTED)
    nomination.campaign.stage = Stage.NOTICE
    nomination.campaign.save()
    client.force_login(stranger)
    assert 'data-testid="desk-honors"' not in desk(client)
