"""The vote's rules under a burst on every database (SQLite too): one voter's tries from four threads at once keep
the daily cap and the per-candidate limit; the address limit counts every try, refused ones included, in the same
transaction as the vote. (test_vote_race.py holds the controls on PostgreSQL: without the lock or the constraint
the same races overrun.)"""

import threading
import traceback

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.utils import translation

from laurel.core import ratelimit
from laurel.core.models import RateCounter
from laurel.honors import votes
from laurel.honors.models import Nomination, Vote
from tests.factories.honors import vote_campaign
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def burst(tries) -> tuple[int, list[str]]:
    """Run each (nomination, voter, address) try in its own thread, released together; (accepted, refusals)."""
    barrier = threading.Barrier(len(tries), timeout=30)
    accepted, refusals, errors = [], [], []
    language = translation.get_language()

    def cast(nomination, voter, address):
        try:
            translation.activate(language)
            candidate = Nomination.objects.select_related("campaign", "person").get(pk=nomination.pk)
            barrier.wait()
            votes.cast_vote(candidate, actor=voter, address=address)
            accepted.append(1)
        except ValidationError as error:
            refusals.append(error.messages[0])
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=arguments) for arguments in tries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return len(accepted), refusals


def test_one_voters_burst_keeps_the_daily_cap_and_one_vote_per_candidate():
    campaign, candidates = vote_campaign(candidates=4, candidates_per_day=3)
    voter = UserFactory()
    accepted, refusals = burst([(candidate, voter, "192.0.2.1") for candidate in candidates for _twice in range(2)])
    assert accepted == 3 and len(refusals) == 5
    rows = Vote.objects.filter(voter=voter)
    assert rows.count() == 3 and rows.values("nomination").distinct().count() == 3
    assert Nomination.objects.filter(campaign=campaign).aggregate(total=Sum("public_votes"))["total"] == 3


def test_the_address_limit_holds_under_a_burst_of_many_voters(monkeypatch):
    monkeypatch.setattr(votes, "VOTES_PER_ADDRESS", ratelimit.Limit("honors.vote", count=5, seconds=600))
    _campaign, (first, *_rest) = vote_campaign()
    accepted, refusals = burst([(first, UserFactory(), "192.0.2.50") for _voter in range(8)])
    assert accepted == 5
    assert refusals == ["Too many votes from your network in a short time. Please try again later."] * 3
    assert Vote.objects.count() == 5 and RateCounter.objects.get().count == 8


def test_a_refused_try_counts_against_the_address_and_writes_nothing_else(monkeypatch):
    monkeypatch.setattr(votes, "VOTES_PER_ADDRESS", ratelimit.Limit("honors.vote", count=2, seconds=600))
    _campaign, (first, *_rest) = vote_campaign()
    voter = UserFactory()
    votes.cast_vote(first, actor=voter, address="192.0.2.60")
    with pytest.raises(ValidationError, match="You have used today's votes"):
        votes.cast_vote(first, actor=voter, address="192.0.2.60")
    assert RateCounter.objects.get().count == 2  # the refusal's transaction committed the count
    with pytest.raises(votes.RateLimited):
        votes.cast_vote(first, actor=UserFactory(), address="192.0.2.60")
    assert (Vote.objects.count(), Nomination.objects.get(pk=first.pk).public_votes) == (1, 1)
