"""The public vote's rules: window and stage, verified email, one vote per candidate per local day, the daily cap
of candidates, the per-address rate limit, voiding, the window's setting, and the tally."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from laurel.core import ratelimit
from laurel.core.models import AuditEntry
from laurel.honors import permissions, votes
from laurel.honors.models import Nomination, Stage, Vote
from tests.factories.honors import vote_campaign
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def voter(db):
    return UserFactory(email="voter@example.org")


def tally(nomination) -> int:
    return Nomination.objects.get(pk=nomination.pk).public_votes


def at(moment, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_vote_is_recorded_for_the_local_day_with_a_hashed_address_and_counted(voter):
    campaign, (first, *_rest) = vote_campaign()
    vote = votes.cast_vote(first, actor=voter, address="192.0.2.10")
    stored = Vote.objects.get()
    assert (stored.pk, stored.campaign, stored.nomination, stored.voter) == (vote.pk, campaign, first, voter)
    assert (stored.day, stored.ordinal) == (timezone.localdate(), 1)
    assert stored.address_hash == votes.address_hash("192.0.2.10") and "192.0.2.10" not in stored.address_hash
    assert len(stored.address_hash) == 64
    assert tally(first) == 1


@pytest.mark.parametrize(
    ("opens_in", "closes_in", "message"),
    [
        (HOUR, 2 * HOUR, "The public vote opens at"),
        (-2 * HOUR, -HOUR, "The public vote has closed."),
    ],
)
def test_no_vote_outside_the_window(voter, opens_in, closes_in, message):
    _campaign, (first, *_rest) = vote_campaign(opens_in=opens_in, closes_in=closes_in)
    with pytest.raises(ValidationError, match=message):
        votes.cast_vote(first, actor=voter, address="192.0.2.10")
    assert (Vote.objects.count(), tally(first)) == (0, 0)


@pytest.mark.parametrize(("stage", "message"), [(Stage.REVIEW, "has not started"), (Stage.COMMITTEE, "has closed")])
def test_no_vote_outside_the_vote_stage_even_inside_the_window(voter, stage, message):
    _campaign, (first, *_rest) = vote_campaign(stage=stage)
    with pytest.raises(ValidationError, match=message):
        votes.cast_vote(first, actor=voter, address="192.0.2.10")
    assert Vote.objects.count() == 0


def test_no_vote_in_a_campaign_without_a_public_vote(voter):
    campaign, (first, *_rest) = vote_campaign()
    type(campaign).objects.filter(pk=campaign.pk).update(
        public_vote=False, public_vote_weight=0, vote_opens_at=None, vote_closes_at=None
    )
    first.campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="This campaign has no public vote."):
        votes.cast_vote(first, actor=voter, address="192.0.2.10")


def test_only_nominations_still_in_the_running_can_get_votes(voter):
    _campaign, (first, *_rest) = vote_campaign()
    Nomination.objects.filter(pk=first.pk).update(status=Nomination.Status.REJECTED)
    first.refresh_from_db()
    with pytest.raises(ValidationError, match="is not a candidate in this vote"):
        votes.cast_vote(first, actor=voter, address="192.0.2.10")


def test_an_unverified_email_cannot_vote_and_nothing_is_written(voter):
    _campaign, (first, *_rest) = vote_campaign()
    EmailAddress.objects.filter(user=voter).update(verified=False)
    with pytest.raises(ValidationError, match="Confirm your email address before voting"):
        votes.cast_vote(first, actor=voter, address="192.0.2.10")
    assert (Vote.objects.count(), tally(first)) == (0, 0)


def test_one_vote_per_candidate_per_day_and_again_the_next_day(voter, monkeypatch):
    _campaign, (first, second, _third) = vote_campaign(closes_in=datetime.timedelta(days=3))
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    with pytest.raises(ValidationError, match="You have used today's votes for 候选人1"):
        votes.cast_vote(first, actor=voter, address="192.0.2.10")
    votes.cast_vote(second, actor=voter, address="192.0.2.10")
    at(timezone.now() + datetime.timedelta(days=1), monkeypatch)
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    assert (tally(first), tally(second), Vote.objects.count()) == (2, 1, 3)


def test_the_day_is_the_local_day_of_the_campaigns_time_zone(voter, monkeypatch, settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    before_midnight = datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC)  # 23:30 in Shanghai
    at(before_midnight - datetime.timedelta(days=2), monkeypatch)
    _campaign, (first, *_rest) = vote_campaign(closes_in=datetime.timedelta(days=5))
    at(before_midnight, monkeypatch)
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    at(before_midnight + HOUR, monkeypatch)  # the same UTC day, the next day in Shanghai
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    assert list(Vote.objects.order_by("day").values_list("day", flat=True)) == [
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 2),
    ]


def test_a_campaign_may_allow_more_votes_per_candidate_per_day(voter):
    _campaign, (first, *_rest) = vote_campaign(votes_per_candidate_per_day=2)
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    second = votes.cast_vote(first, actor=voter, address="192.0.2.10")
    with pytest.raises(ValidationError, match="You have used today's votes for 候选人1"):
        votes.cast_vote(first, actor=voter, address="192.0.2.10")
    assert (second.ordinal, tally(first)) == (2, 2)


def test_at_most_n_candidates_per_account_per_day(voter, monkeypatch):
    _campaign, (first, second, third) = vote_campaign(candidates_per_day=2, votes_per_candidate_per_day=2)
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    votes.cast_vote(second, actor=voter, address="192.0.2.10")
    with pytest.raises(ValidationError) as refused:
        votes.cast_vote(third, actor=voter, address="192.0.2.10")
    assert refused.value.messages == [
        "You have voted for 2 candidates today, the most allowed per day. You can vote again tomorrow."
    ]
    votes.cast_vote(first, actor=voter, address="192.0.2.10")  # a second vote for a candidate of the day is fine
    assert (tally(first), tally(second), tally(third)) == (2, 1, 0)
    other = UserFactory()
    votes.cast_vote(third, actor=other, address="192.0.2.10")  # the cap is per account
    at(timezone.now() + datetime.timedelta(days=1), monkeypatch)
    votes.cast_vote(third, actor=voter, address="192.0.2.10")
    assert tally(third) == 2


def test_too_many_votes_from_one_address_are_refused(monkeypatch):
    monkeypatch.setattr(votes, "VOTES_PER_ADDRESS", ratelimit.Limit("honors.vote", count=2, seconds=600))
    _campaign, (first, *_rest) = vote_campaign()
    for _voter in range(2):
        votes.cast_vote(first, actor=UserFactory(), address="192.0.2.10")
    with pytest.raises(votes.RateLimited, match="Too many votes from your network"):
        votes.cast_vote(first, actor=UserFactory(), address="192.0.2.10")
    votes.cast_vote(first, actor=UserFactory(), address="192.0.2.99")
    assert tally(first) == 3


def test_a_double_click_that_passes_the_check_is_stopped_by_the_constraint(voter, monkeypatch):
    """Two requests that both counted no vote yet (as when they run at once): the unique constraint keeps one and
    the other gets the same message, with no half-written tally."""
    _campaign, (first, *_rest) = vote_campaign()
    monkeypatch.setattr(votes, "LOCK_VOTER", False)
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    real = votes.today_counts
    monkeypatch.setattr(votes, "today_counts", lambda *args: real(*args)._replace(for_candidate=0))
    with pytest.raises(ValidationError, match="You have used today's votes for 候选人1"):
        votes.cast_vote(first, actor=voter, address="192.0.2.10")
    assert (Vote.objects.count(), tally(first)) == (1, 1)


def test_staff_void_an_accounts_votes_with_a_reason(staff, voter):
    campaign, (first, second, _third) = vote_campaign()
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    votes.cast_vote(second, actor=voter, address="192.0.2.10")
    votes.cast_vote(first, actor=UserFactory(), address="192.0.2.11")
    assert votes.void_votes(campaign, voter=voter, reason="同一地址批量注册", actor=staff) == 2
    assert (tally(first), tally(second)) == (1, 0)
    assert Vote.objects.counted().count() == 1
    entry = AuditEntry.objects.get(action="honors.votes.voided")
    assert (entry.actor, entry.data["voter"], entry.data["votes"], entry.data["reason"]) == (
        staff,
        "voter@example.org",
        2,
        "同一地址批量注册",
    )
    assert entry.data["candidates"] == {first.code: 1, second.code: 1}
    with pytest.raises(ValidationError, match="Your votes in this campaign were voided"):
        votes.cast_vote(_third, actor=voter, address="192.0.2.10")
    with pytest.raises(ValidationError, match="has no counted votes"):
        votes.void_votes(campaign, voter=voter, reason="again", actor=staff)


def test_voiding_needs_a_reason_staff_and_the_right_stage(staff, nominator, voter):
    campaign, (first, *_rest) = vote_campaign()
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    with pytest.raises(ValidationError) as refused:
        votes.void_votes(campaign, voter=voter, reason="  ", actor=staff)
    assert refused.value.message_dict == {
        "reason": ["Give the reason for voiding these votes; it goes to the audit log."]
    }
    with pytest.raises(PermissionDenied):
        votes.void_votes(campaign, voter=voter, reason="stuffing", actor=nominator)
    type(campaign).objects.filter(pk=campaign.pk).update(stage=Stage.NOTICE)
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="during the public vote and the committee decision only"):
        votes.void_votes(campaign, voter=voter, reason="stuffing", actor=staff)
    assert tally(first) == 1 and Vote.objects.counted().count() == 1
    assert not AuditEntry.objects.filter(action="honors.votes.voided").exists()


def test_staff_move_the_window_until_the_vote_opens(staff, nominator):
    campaign, _made = vote_campaign(opens_in=HOUR, closes_in=5 * HOUR)
    opens, closes = timezone.now() + 2 * HOUR, timezone.now() + 50 * HOUR
    with pytest.raises(PermissionDenied):
        votes.set_window(campaign, opens_at=opens, closes_at=closes, actor=nominator)
    with pytest.raises(ValidationError) as refused:
        votes.set_window(campaign, opens_at=closes, closes_at=opens, actor=staff)
    assert refused.value.message_dict == {"vote_closes_at": ["The vote must close after it opens."]}
    votes.set_window(campaign, opens_at=opens, closes_at=closes, actor=staff)
    campaign.refresh_from_db()
    assert (campaign.vote_opens_at, campaign.vote_closes_at) == (opens, closes)
    assert AuditEntry.objects.filter(action="honors.vote_window.set").count() == 1
    started, _made = vote_campaign()
    with pytest.raises(ValidationError, match="its times can no longer change"):
        votes.set_window(started, opens_at=opens, closes_at=closes, actor=staff)


def test_the_voters_day_and_staff_figures(staff, voter):
    campaign, (first, second, _third) = vote_campaign()
    votes.cast_vote(first, actor=voter, address="192.0.2.10")
    votes.cast_vote(second, actor=voter, address="192.0.2.10")
    votes.cast_vote(first, actor=UserFactory(), address="192.0.2.10")
    assert votes.voter_today(campaign, voter) == {first.pk: 1, second.pk: 1}
    assert votes.days(campaign) == [
        {"day": timezone.localdate(), "counted": 3, "voided": 0, "voters": 2, "addresses": 1}
    ]
    assert votes.busiest_addresses(campaign) == [
        {"address_hash": votes.address_hash("192.0.2.10"), "votes": 3, "accounts": 2}
    ]
    assert [(row["voter__email"], row["votes"]) for row in votes.busiest_voters(campaign)][0] == (
        "voter@example.org",
        2,
    )


def test_the_votes_own_email_check_is_the_rule_of_the_vote_page():
    """The vote checks a confirmed email in one written statement; it must answer as permissions.has_verified_email
    for every case: confirmed, unconfirmed, another letter case, an address that is not the login's, none."""
    cases = {
        "confirmed": ("a@example.org", [("a@example.org", True)]),
        "unconfirmed": ("b@example.org", [("b@example.org", False)]),
        "other case": ("C@Example.org", [("c@example.ORG", True)]),
        "not the login's": ("d@example.org", [("d2@example.org", True), ("d@example.org", False)]),
        "none": ("e@example.org", []),
    }
    answers = {}
    for name, (login, addresses) in cases.items():
        user = UserFactory(email=login)
        EmailAddress.objects.filter(user=user).delete()
        for email, verified in addresses:
            EmailAddress.objects.create(user=user, email=email, verified=verified)
        answers[name] = (votes._verified(user), permissions.has_verified_email(user))
    assert answers == {
        "confirmed": (True, True),
        "unconfirmed": (False, False),
        "other case": (True, True),
        "not the login's": (False, False),
        "none": (False, False),
    }
