"""Two votes of one account at the same moment must not beat the limits (PostgreSQL: row lock, unique constraint).

Each protection has a control that switches it off and must see the race: without the lock on the voter's row
two simultaneous votes overrun the daily cap; without the unique constraint a double click counts twice."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from laurel.honors import votes
from laurel.honors.models import Nomination, Vote
from tests.factories.honors import vote_campaign
from tests.factories.people import UserFactory

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]


def at_once(monkeypatch, counter_name: str, targets, voter) -> list[str]:
    """Vote for each target in its own thread; both threads count before either writes (unless a lock makes one
    wait, which breaks the barrier after its timeout). Returns the refusal messages."""
    barrier = threading.Barrier(len(targets), timeout=2)
    counted = getattr(votes, counter_name)

    def slow_count(*args):
        result = counted(*args)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return result

    monkeypatch.setattr(votes, counter_name, slow_count)
    refusals = []
    language = translation.get_language()

    def vote(nomination, address):
        try:
            translation.activate(language)  # threads start in the default language
            votes.cast_vote(Nomination.objects.select_related("campaign", "person").get(pk=nomination.pk),
                            actor=voter, address=address)  # fmt: skip
        except ValidationError as error:
            refusals.extend(error.messages)
        finally:
            connection.close()

    # From two addresses (a phone and a laptop): tries from one address also queue on its rate counter's row.
    threads = [
        threading.Thread(target=vote, args=(target, f"192.0.2.{index}")) for index, target in enumerate(targets, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return refusals


def cap_race(monkeypatch, *, lock: bool) -> int:
    """One place left today (cap 1), two different candidates at once."""
    _campaign, (first, second, _third) = vote_campaign(candidates_per_day=1)
    monkeypatch.setattr(votes, "LOCK_VOTER", lock)
    at_once(monkeypatch, "today_counts", [first, second], UserFactory())
    return Vote.objects.count()


def test_the_daily_cap_holds_under_two_simultaneous_votes(monkeypatch):
    assert cap_race(monkeypatch, lock=True) == 1


def test_without_the_lock_the_race_overruns_the_daily_cap(monkeypatch):
    assert cap_race(monkeypatch, lock=False) == 2


def double_click(monkeypatch, *, constraint: bool) -> tuple[int, int, list[str]]:
    """Two votes for the same candidate at once, with the lock off so that both pass the service's check."""
    _campaign, (first, *_rest) = vote_campaign()
    monkeypatch.setattr(votes, "LOCK_VOTER", False)
    unique = next(c for c in Vote._meta.constraints if c.name == "vote_once_per_candidate_per_day")
    if not constraint:
        with connection.schema_editor() as editor:
            editor.remove_constraint(Vote, unique)
    try:
        refusals = at_once(monkeypatch, "today_counts", [first, first], UserFactory())
        return Vote.objects.count(), Nomination.objects.get(pk=first.pk).public_votes, refusals
    finally:
        if not constraint:
            Vote.objects.all().delete()
            with connection.schema_editor() as editor:
                editor.add_constraint(Vote, unique)


def test_the_constraint_counts_a_double_click_once(monkeypatch):
    assert double_click(monkeypatch, constraint=True) == (
        1,
        1,
        ["You have used today's votes for 候选人1. You can vote for them again tomorrow."],
    )


def test_without_the_constraint_a_double_click_counts_twice(monkeypatch):
    assert double_click(monkeypatch, constraint=False) == (2, 2, [])
