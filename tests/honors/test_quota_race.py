"""Two nominators submitting at the same moment must not overrun a unit's quota (PostgreSQL row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from laurel.honors import nominations
from laurel.honors.models import Nomination, UnitQuota
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory, RoleKind, user_with_role

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]


def race(monkeypatch, *, lock: bool) -> int:
    unit = OrganizationFactory()
    campaign = CampaignFactory()
    UnitQuota.objects.create(campaign=campaign, unit=unit, quota=1)
    nominator = user_with_role(RoleKind.NOMINATOR, organization=unit)
    drafts = NominationFactory.create_batch(2, campaign=campaign, unit=unit, nominated_by=nominator)
    monkeypatch.setattr(nominations, "LOCK_QUOTA", lock)
    barrier = threading.Barrier(2, timeout=2)
    counted = nominations.used_quota

    def slow_count(nomination):
        used = counted(nomination)
        try:
            barrier.wait()  # both threads have counted before either writes (unless the lock serialises them)
        except threading.BrokenBarrierError:
            pass
        return used

    monkeypatch.setattr(nominations, "used_quota", slow_count)

    def submit(draft):
        try:
            nominations.submit_nomination(Nomination.objects.get(pk=draft.pk), actor=nominator)
        except ValidationError:
            pass  # the loser is refused; that is the point
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Nomination.objects.filter(status=Nomination.Status.SUBMITTED).count()


def test_quota_holds_under_two_simultaneous_submissions(monkeypatch):
    assert race(monkeypatch, lock=True) == 1


def test_without_the_lock_the_race_overruns_the_quota(monkeypatch):
    assert race(monkeypatch, lock=False) == 2
