"""The public vote's pages: who may see and do what, what the public sees during and after the vote, HTMX."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors import votes
from laurel.honors.models import Campaign, Nomination, NominationPhoto, Stage, Vote
from tests.factories.honors import CampaignFactory, jpeg, vote_campaign
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def voter(db):
    return UserFactory(email="voter@example.org")


def page_url(campaign):
    return reverse("honors:vote", kwargs={"code": campaign.code})


def cast_url(campaign, nomination):
    return reverse("honors:vote_cast", kwargs={"code": campaign.code, "nomination": nomination.code})


def test_the_public_sees_the_candidates_but_not_the_counts(client, voter):
    campaign, (first, second, third) = vote_campaign()
    for _vote in range(2):
        votes.cast_vote(first, actor=UserFactory(), address="192.0.2.1")
    html = client.get(page_url(campaign), **EN).content.decode()
    for nomination in (first, second, third):
        assert nomination.person.name in html and nomination.unit.name in html
        assert reverse("honors:nomination_file", args=[nomination.code, "id_photo"]) in html
        assert reverse("honors:nomination_file", args=[nomination.code, "evidence"]) not in html
    assert "Citation of candidate 1" in html and first.story in html
    assert "Vote counts stay hidden until the vote closes" in html
    assert "Log in to vote" in html and 'data-testid="vote-results"' not in html
    assert "public votes" not in html.lower()


def test_the_id_photo_of_a_candidate_is_public_during_the_vote_but_never_the_documents(client):
    campaign, (first, *_rest) = vote_campaign()
    photo = NominationPhoto.objects.create(nomination=first, image=jpeg("work.jpg"))
    response = client.get(reverse("honors:nomination_file", args=[first.code, "id_photo"]))
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"  # a JPEG; consuming it closes the file
    for kind in ("evidence", "unit_opinion", "integrity_certificate"):
        assert client.get(reverse("honors:nomination_file", args=[first.code, kind])).status_code == 403
    assert client.get(reverse("honors:nomination_photo", args=[first.code, photo.pk])).status_code == 403
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.COMMITTEE)
    assert client.get(reverse("honors:nomination_file", args=[first.code, "id_photo"])).status_code == 403


@pytest.mark.parametrize("stage", [Stage.REVIEW, Stage.COMMITTEE])
def test_the_vote_page_exists_only_in_the_vote_stage(client, stage):
    campaign, _made = vote_campaign(stage=stage)
    assert client.get(page_url(campaign)).status_code == 404
    without = CampaignFactory(stage=Stage.PUBLIC_VOTE)
    assert client.get(page_url(without)).status_code == 404


def test_an_anonymous_vote_is_sent_to_login(client):
    campaign, (first, *_rest) = vote_campaign()
    response = client.post(cast_url(campaign, first))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login")) and "next=" in response.url
    response = client.post(cast_url(campaign, first), **HTMX)
    assert response.headers["HX-Redirect"].startswith(reverse("account_login"))
    assert not Vote.objects.exists()


def test_a_voter_votes_without_javascript_and_reads_the_outcome(client, voter):
    campaign, (first, *_rest) = vote_campaign()
    client.force_login(voter)
    response = client.post(cast_url(campaign, first), follow=True, **EN)
    assert response.redirect_chain[-1][0] == f"{page_url(campaign)}#candidate-{first.code}"
    html = response.content.decode()
    assert "Your vote for 候选人1 is recorded." in html
    assert "You have voted for 候选人1 today." in html
    assert "Today you have voted for 1 of at most 10 candidates." in html
    response = client.post(cast_url(campaign, first), follow=True, **EN)
    assert (
        "You have used today&#x27;s votes for 候选人1. You can vote for them again tomorrow."
        in response.content.decode()
    )
    assert Vote.objects.count() == 1


def test_the_htmx_button_swaps_the_card_and_the_summary(client, voter):
    campaign, (first, second, _third) = vote_campaign()
    client.force_login(voter)
    html = client.post(cast_url(campaign, first), **HTMX, **EN).content.decode()
    assert html.count('data-testid="candidate"') == 1 and f'id="candidate-{first.code}"' in html
    assert (
        '<p class="message message-success" role="status" data-testid="vote-message">Your vote for 候选人1 is recorded.'
        in html
    )
    assert 'id="vote-summary" data-testid="vote-summary" hx-swap-oob="true">Today you have voted for 1 of' in html
    again = client.post(cast_url(campaign, first), **HTMX, **EN).content.decode()
    assert "message-error" in again and "You have used today&#x27;s votes for 候选人1" in again
    assert (Vote.objects.count(), Nomination.objects.get(pk=first.pk).public_votes) == (1, 1)


def test_an_unverified_account_reads_why_it_cannot_vote(client, voter):
    campaign, (first, *_rest) = vote_campaign()
    EmailAddress.objects.filter(user=voter).update(verified=False)
    client.force_login(voter)
    assert 'data-testid="unverified"' in client.get(page_url(campaign), **EN).content.decode()
    response = client.post(cast_url(campaign, first), follow=True, **EN)
    assert "Confirm your email address before voting" in response.content.decode()
    assert not Vote.objects.exists()


def test_refusals_come_in_the_users_language(client, voter):
    campaign, (first, *_rest) = vote_campaign()
    client.force_login(voter)
    client.post(cast_url(campaign, first), **HTMX)
    html = client.post(cast_url(campaign, first), **HTMX).content.decode()
    assert "今天对候选人1的投票次数已用完" in html


def test_staff_pages_of_the_vote_refuse_others(client, nominator, voter, staff):
    campaign, (first, *_rest) = vote_campaign()
    votes.cast_vote(first, actor=voter, address="192.0.2.1")
    staff_page = reverse("honors:vote_staff", kwargs={"code": campaign.code})
    void_url = reverse("honors:vote_void", kwargs={"code": campaign.code})
    assert client.get(staff_page).url.startswith(reverse("account_login"))
    window_url = reverse("honors:vote_window", kwargs={"code": campaign.code})
    window = {"vote_opens_at": "2030-01-01T09:00", "vote_closes_at": "2030-01-03T09:00"}
    for user in (nominator, voter):
        client.force_login(user)
        assert client.get(staff_page).status_code == 403
        assert client.post(void_url, {"email": voter.email, "reason": "stuffing"}).status_code == 403
        assert client.post(window_url, window).status_code == 403
    assert Vote.objects.counted().count() == 1


def test_staff_see_the_counts_and_votes_per_day_and_void_an_account(staff_client, voter):
    campaign, (first, second, _third) = vote_campaign()
    votes.cast_vote(first, actor=voter, address="192.0.2.1")
    votes.cast_vote(second, actor=voter, address="192.0.2.1")
    votes.cast_vote(first, actor=UserFactory(), address="192.0.2.2")
    staff_page = reverse("honors:vote_staff", kwargs={"code": campaign.code})
    html = staff_client.get(staff_page, **EN).content.decode()
    assert '<td class="numeric">2</td>' in html and "voter@example.org" in html
    assert f'<td>{timezone.localdate():%Y-%m-%d}</td><td class="numeric">3</td>' in html
    void_url = reverse("honors:vote_void", kwargs={"code": campaign.code})
    response = staff_client.post(void_url, {"email": voter.email, "reason": ""}, follow=True, **EN)
    assert "Give the reason for voiding these votes" in response.content.decode()
    response = staff_client.post(void_url, {"email": voter.email, "reason": "批量注册"}, follow=True, **EN)
    assert "2 votes of voter@example.org voided." in response.content.decode()
    assert (Vote.objects.counted().count(), AuditEntry.objects.filter(action="honors.votes.voided").count()) == (1, 1)


def test_staff_set_the_window_on_the_campaign_page(staff_client):
    campaign, _made = vote_campaign(stage=Stage.REVIEW)
    detail = staff_client.get(campaign.get_absolute_url()).content.decode()
    assert reverse("honors:vote_window", kwargs={"code": campaign.code}) in detail
    response = staff_client.post(
        reverse("honors:vote_window", kwargs={"code": campaign.code}),
        {"vote_opens_at": "2030-05-01T09:00", "vote_closes_at": "2030-05-03T09:00"},
    )
    assert response.url == campaign.get_absolute_url()
    campaign.refresh_from_db()
    assert timezone.localtime(campaign.vote_closes_at).strftime("%Y-%m-%d %H:%M") == "2030-05-03 09:00"


def test_counts_appear_on_the_campaign_page_once_the_vote_closes(client, voter):
    campaign, (first, second, _third) = vote_campaign()
    votes.cast_vote(second, actor=voter, address="192.0.2.1")
    assert 'data-testid="vote-results"' not in client.get(campaign.get_absolute_url()).content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(vote_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    html = client.get(campaign.get_absolute_url(), **EN).content.decode()
    assert 'data-testid="vote-results"' in html
    assert html.index("候选人2") < html.index("候选人1")  # most votes first
    assert "<td>候选人2</td>" in html


def test_staff_ranking_shows_votes_next_to_the_jury_scores(staff_client, voter):
    campaign, (first, *_rest) = vote_campaign()
    votes.cast_vote(first, actor=voter, address="192.0.2.1")
    html = staff_client.get(reverse("honors:ranking", kwargs={"code": campaign.code}), **EN).content.decode()
    assert "<th>public votes</th>" in html and '<td class="numeric" data-testid="votes">1</td>' in html


def test_staff_create_a_campaign_with_a_vote_and_read_what_is_wrong(staff_client):
    data = {
        "series": "young", "name": "2027年优秀青年科技工作者", "edition": 2027, "level": "city", "honorees_count": 5,
        "honorable_mentions_count": 0, "channel": "units", "default_quota": 2, "story_limit": 2000,
        "review_rounds": 1, "experts_per_nomination": 5, "expert_load_cap": 40, "ranking_method": "zscore",
        "public_vote": "on", "public_vote_weight": 0, "vote_opens_at": "2027-05-10T09:00",
        "vote_closes_at": "2027-05-08T09:00", "votes_per_candidate_per_day": 1, "candidates_per_day": 10,
        "nomination_deadline": "2027-04-30T18:00", "notice_working_days": 5,
    }  # fmt: skip
    html = staff_client.post(reverse("honors:campaign_create"), data).content.decode()
    assert "请为网络投票设置大于0%的权重，或关闭网络投票。" in html
    assert "投票截止时间必须晚于开始时间。" in html
    assert not Campaign.objects.exists()
    data.update(public_vote_weight=30, vote_closes_at="2027-05-12T09:00")
    staff_client.post(reverse("honors:campaign_create"), data)
    campaign = Campaign.objects.get()
    assert (campaign.public_vote, campaign.public_vote_weight) == (True, 30)


@pytest.mark.parametrize("url_name", ["honors:vote", "honors:vote_staff"])
def test_vote_pages_use_a_constant_number_of_queries(client, staff, voter, url_name):
    def count(candidates: int) -> int:
        campaign, made = vote_campaign(candidates=candidates)
        for nomination in made[:3]:
            votes.cast_vote(nomination, actor=voter, address="192.0.2.1")
        client.force_login(staff if url_name == "honors:vote_staff" else voter)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name, kwargs={"code": campaign.code})).status_code == 200
        return len(queries)

    assert count(3) == count(9)


def test_a_vote_from_a_page_left_open_after_the_vote_ended_reads_why(client, voter):
    campaign, (first, *_rest) = vote_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.COMMITTEE)
    client.force_login(voter)
    html = client.post(cast_url(campaign, first), **HTMX, **EN).content.decode()
    assert "The public vote has closed." in html and 'name="csrfmiddlewaretoken"' not in html
    response = client.post(cast_url(campaign, first), **EN)
    assert response.url == f"{campaign.get_absolute_url()}#candidate-{first.code}"
    assert not Vote.objects.exists()


def test_an_htmx_vote_costs_a_fixed_few_queries_and_shows_the_counts_it_read(
    client, voter, django_assert_max_num_queries
):
    """The vote's hot path (bench/votes.py): the candidate, the session and the account, the verified email, then
    in one transaction the address's counter, the voter's counts, the vote and the tally; the fragments are drawn
    from the counts read, with no query of their own (10 on SQLite, 11 on PostgreSQL with the voter's row lock)."""
    campaign, (first, second, third) = vote_campaign(candidates_per_day=2)
    client.force_login(voter)
    with django_assert_max_num_queries(11):
        html = client.post(cast_url(campaign, first), **HTMX, **EN).content.decode()
    assert "Your vote for 候选人1 is recorded." in html and "You have voted for 候选人1 today." in html
    assert ">Today you have voted for 1 of at most 2 candidates.<" in html
    with django_assert_max_num_queries(11):
        html = client.post(cast_url(campaign, first), **HTMX, **EN).content.decode()
    assert "You have used today&#x27;s votes for 候选人1" in html and "You have voted for 候选人1 today." in html
    assert ">Today you have voted for 1 of at most 2 candidates.<" in html
    with django_assert_max_num_queries(11):
        html = client.post(cast_url(campaign, second), **HTMX, **EN).content.decode()
    assert ">Today you have voted for 2 of at most 2 candidates.<" in html
    with django_assert_max_num_queries(11):
        html = client.post(cast_url(campaign, third), **HTMX, **EN).content.decode()
    assert "You have voted for 2 candidates today, the most allowed per day." in html
    assert "You have voted for today's most candidates; vote again tomorrow." in html
    assert 'name="csrfmiddlewaretoken"' not in html
    assert votes.voter_today(campaign, voter) == {first.pk: 1, second.pk: 1}
    assert [
        n.public_votes for n in Nomination.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by("pk")
    ] == [1, 1, 0]


def test_a_vote_refused_by_the_address_limit_still_shows_the_voters_day(client, voter, monkeypatch):
    """Refused before the voter's counts were read, the card counts them itself (and keeps the button, with its
    CSRF token, for a candidate the voter may still choose)."""
    campaign, (first, second, _third) = vote_campaign()
    client.force_login(voter)
    client.post(cast_url(campaign, first), **HTMX, **EN)
    monkeypatch.setattr(votes, "VOTES_PER_ADDRESS", votes.ratelimit.Limit("honors.vote.test", count=0, seconds=60))
    html = client.post(cast_url(campaign, second), **HTMX, **EN).content.decode()
    assert "Too many votes from your network in a short time." in html
    assert ">Today you have voted for 1 of at most 10 candidates.<" in html
    assert 'name="csrfmiddlewaretoken"' in html and f'hx-post="{cast_url(campaign, second)}"' in html
    html = client.post(cast_url(campaign, first), **HTMX, **EN).content.decode()
    assert "You have voted for 候选人1 today." in html
