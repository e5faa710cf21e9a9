"""The public vote in a campaign's setup (settings, validation, copy), its stage, and its weight in the ranking."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from laurel.honors import campaigns, ranking, votes
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.honors.stages import move_campaign, next_stages
from tests.factories.honors import CampaignFactory, NominationFactory, scored_campaign, vote_campaign
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def setup_data(**changes) -> dict:
    deadline = timezone.now() + 10 * DAY
    return {
        "series": "young", "name": "2027年优秀青年科技工作者", "edition": 2027, "honorees_count": 5,
        "nomination_deadline": deadline, "public_vote": True, "public_vote_weight": 30,
        "vote_opens_at": deadline + 20 * DAY, "vote_closes_at": deadline + 22 * DAY, **changes,
    }  # fmt: skip


def test_staff_set_up_a_campaign_with_a_public_vote(staff):
    campaign = campaigns.create_campaign(actor=staff, data=setup_data(candidates_per_day=5))
    campaign.refresh_from_db()
    assert (campaign.public_vote, campaign.public_vote_weight) == (True, 30)
    assert (campaign.votes_per_candidate_per_day, campaign.candidates_per_day) == (1, 5)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"public_vote_weight": 0},
            {"public_vote_weight": ["Give the public vote a weight above 0%, or switch the vote off."]},
        ),
        (
            {"public_vote": False, "vote_opens_at": None, "vote_closes_at": None},
            {"public_vote_weight": ["Switch the public vote on, or set its weight to 0%."]},
        ),
        (
            {"public_vote": False, "public_vote_weight": 0},
            {"vote_opens_at": ["Switch the public vote on, or leave its times empty."]},
        ),
        (
            {"vote_closes_at": None},
            {"vote_closes_at": ["Give both the time the vote opens and the time it closes, or neither."]},
        ),
        (
            {"vote_closes_at": timezone.now() + 29 * DAY, "vote_opens_at": timezone.now() + 30 * DAY},
            {"vote_closes_at": ["The vote must close after it opens."]},
        ),
        (
            {"vote_opens_at": timezone.now() + 2 * DAY},
            {"vote_opens_at": ["The vote cannot open before the nomination deadline."]},
        ),
        (
            {"candidates_per_day": 0},
            {"candidates_per_day": ["Ensure this value is greater than or equal to 1."]},
        ),
    ],
)
def test_inconsistent_vote_settings_get_a_clear_message_and_nothing_is_saved(staff, changes, errors):
    with pytest.raises(ValidationError) as refused:
        campaigns.create_campaign(actor=staff, data=setup_data(**changes))
    assert refused.value.message_dict == errors
    assert not Campaign.objects.exists()


def test_the_database_refuses_a_vote_without_a_weight():
    with pytest.raises(IntegrityError):
        CampaignFactory(public_vote=True, public_vote_weight=0)


def test_copy_from_last_year_keeps_the_vote_settings_but_not_its_dates(staff):
    source, _made = vote_campaign(edition=2023, candidates=0, votes_per_candidate_per_day=2, candidates_per_day=7)
    copy = campaigns.copy_campaign(source, actor=staff, edition=2024, nomination_deadline=timezone.now() + DAY)
    assert (copy.public_vote, copy.public_vote_weight, copy.votes_per_candidate_per_day, copy.candidates_per_day) == (
        True,
        30,
        2,
        7,
    )
    assert (copy.vote_opens_at, copy.vote_closes_at) == (None, None)


def reviewed(**fields):
    """A campaign at the end of its review whose nominations passed the eligibility check."""
    campaign = CampaignFactory(stage=Stage.REVIEW, nomination_deadline=timezone.now() - 30 * DAY, **fields)
    NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
    return campaign


def with_vote(opens=-DAY, closes=DAY, **fields):
    now = timezone.now()
    return reviewed(
        public_vote=True, public_vote_weight=30, vote_opens_at=now + opens, vote_closes_at=now + closes, **fields
    )


def test_a_campaign_without_a_vote_moves_from_review_to_committee_as_before(staff):
    campaign = reviewed()
    assert next_stages(campaign) == [Stage.COMMITTEE, Stage.SECOND_REVIEW]
    with pytest.raises(ValidationError, match="This campaign has no public vote."):
        move_campaign(campaign, to=Stage.PUBLIC_VOTE, actor=staff)
    move_campaign(campaign, to=Stage.COMMITTEE, actor=staff)
    assert Campaign.objects.get().stage == Stage.COMMITTEE


def test_a_campaign_with_a_vote_goes_through_it_and_waits_for_it_to_close(staff, monkeypatch):
    campaign = with_vote()
    assert next_stages(campaign) == [Stage.PUBLIC_VOTE, Stage.SECOND_REVIEW]
    with pytest.raises(ValidationError, match="This campaign has a public vote first."):
        move_campaign(campaign, to=Stage.COMMITTEE, actor=staff)
    move_campaign(campaign, to=Stage.PUBLIC_VOTE, actor=staff)
    assert next_stages(campaign) == [Stage.COMMITTEE]
    with pytest.raises(ValidationError, match="The public vote runs until"):
        move_campaign(campaign, to=Stage.COMMITTEE, actor=staff)
    later = timezone.now() + 2 * DAY
    monkeypatch.setattr(timezone, "now", lambda: later)
    move_campaign(campaign, to=Stage.COMMITTEE, actor=staff)
    assert Campaign.objects.get().stage == Stage.COMMITTEE


def test_a_two_round_campaign_votes_after_its_second_round(staff):
    campaign = with_vote(review_rounds=2)
    with pytest.raises(ValidationError, match="second review round first"):
        move_campaign(campaign, to=Stage.PUBLIC_VOTE, actor=staff)
    move_campaign(campaign, to=Stage.SECOND_REVIEW, actor=staff)
    with pytest.raises(ValidationError, match="This campaign has a public vote first."):
        move_campaign(campaign, to=Stage.COMMITTEE, actor=staff)
    move_campaign(campaign, to=Stage.PUBLIC_VOTE, actor=staff)
    assert Campaign.objects.get().stage == Stage.PUBLIC_VOTE


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (None, None, "Set the times the public vote opens and closes first."),
        (-2 * DAY, -DAY, "The public vote's closing time has passed; move its window first."),
    ],
)
def test_the_vote_stage_needs_a_window_that_has_not_ended(staff, opens, closes, message):
    campaign = with_vote(opens=-DAY, closes=DAY)
    Campaign.objects.filter(pk=campaign.pk).update(
        vote_opens_at=opens and timezone.now() + opens, vote_closes_at=closes and timezone.now() + closes
    )
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        move_campaign(campaign, to=Stage.PUBLIC_VOTE, actor=staff)
    assert Campaign.objects.get().stage == Stage.REVIEW


def test_the_vote_stage_needs_candidates(staff):
    campaign = with_vote()
    campaign.nominations.update(status=Nomination.Status.REJECTED)
    with pytest.raises(ValidationError, match="there is nobody to vote for"):
        move_campaign(campaign, to=Stage.PUBLIC_VOTE, actor=staff)


def test_votes_change_the_blended_score_by_the_campaigns_weight(expert, other_expert):
    """Jury means 80 and 60 scale to 100 and 0; votes 1 and 3 scale to 0 and 100; at 30% the blend is
    0.7 x 100 + 0.3 x 0 = 70 and 0.7 x 0 + 0.3 x 100 = 30; at 60% the votes turn the order (40 and 60)."""
    now = timezone.now()
    campaign, (first, second) = scored_campaign(
        totals=[[80, 80], [60, 60]], experts=[expert, other_expert], stage=Stage.PUBLIC_VOTE,
        ranking_method=Campaign.RankingMethod.MEAN, public_vote=True, public_vote_weight=30,
        nomination_deadline=now - 30 * DAY, vote_opens_at=now - DAY, vote_closes_at=now + DAY,
    )  # fmt: skip
    votes.cast_vote(first, actor=UserFactory(), address="192.0.2.1")
    for number in range(3):
        votes.cast_vote(second, actor=UserFactory(), address=f"192.0.2.{number + 2}")
    table = ranking.score_table(campaign)
    assert [(row.nomination, row.votes, round(row.score, 6), row.rank) for row in table] == [
        (first, 1, 70.0, 1),
        (second, 3, 30.0, 2),
    ]
    Campaign.objects.filter(pk=campaign.pk).update(public_vote_weight=60)
    campaign.refresh_from_db()
    table = ranking.score_table(campaign)
    assert [(row.nomination, round(row.score, 6)) for row in table] == [(second, 60.0), (first, 40.0)]


def test_without_a_public_vote_the_jury_alone_ranks(expert):
    campaign, (first, second) = scored_campaign(
        totals=[[80], [60]], experts=[expert], ranking_method=Campaign.RankingMethod.MEAN
    )
    Nomination.objects.filter(pk=second.pk).update(public_votes=1000)
    assert [(row.nomination, row.score) for row in ranking.score_table(campaign)] == [(first, 80.0), (second, 60.0)]


def test_nominators_hear_that_their_candidates_are_in_the_vote_in_their_language(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = with_vote(name_en="Outstanding Young Sci-tech Workers")
    first = campaign.nominations.get()
    NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0, nominated_by=first.nominated_by)
    english = NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
    english.nominated_by.language = "en"
    english.nominated_by.save()
    NominationFactory(campaign=campaign, status=Nomination.Status.REJECTED, photos=0)  # not in the vote: no mail
    with django_capture_on_commit_callbacks(execute=True):
        move_campaign(campaign, to=Stage.PUBLIC_VOTE, actor=staff)
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {first.nominated_by.email, english.nominated_by.email}
    chinese = by_address[first.nominated_by.email]
    assert (
        campaign.name in chinese.subject and "2" in chinese.body and f"/campaigns/{campaign.code}/vote/" in chinese.body
    )
    assert "Outstanding Young Sci-tech Workers" in by_address[english.nominated_by.email].body
