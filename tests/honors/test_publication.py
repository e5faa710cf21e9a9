import datetime

import pytest
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors.models import Nomination, Stage
from laurel.honors.publication import make_honorees_public, published_honorees
from laurel.honors.stages import move_campaign
from laurel.people.models import Person
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


def _noticed_campaign():
    campaign = CampaignFactory(
        stage=Stage.NOTICE, nomination_deadline=timezone.now() - datetime.timedelta(days=30),
        notice_starts_on=datetime.date(2024, 5, 6), notice_ends_on=datetime.date(2024, 5, 10),
    )  # fmt: skip
    chosen = [
        NominationFactory(campaign=campaign, status=Nomination.Status.SELECTED, photos=0, unit__name=name)
        for name in ["Beta Institute", "Alpha Institute"]
    ]
    passed_over = NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
    return campaign, chosen, passed_over


def test_publishing_makes_the_honorees_public_and_logs_why(staff):
    campaign, chosen, passed_over = _noticed_campaign()
    assert not Person.objects.filter(is_public=True).exists()
    assert list(published_honorees(campaign)) == []
    move_campaign(campaign, to=Stage.PUBLISHED, actor=staff)
    assert set(Person.objects.filter(is_public=True)) == {nomination.person for nomination in chosen}
    assert not Person.objects.get(pk=passed_over.person_id).is_public
    entries = AuditEntry.objects.filter(action="people.person.made_public")
    assert entries.count() == 2
    assert {entry.data["reason"] for entry in entries} == {f"honors.campaign:{campaign.code}"}
    assert {entry.actor for entry in entries} == {staff}


def test_published_order_is_the_results_page_order_and_a_second_call_changes_nothing(staff):
    campaign, chosen, _passed_over = _noticed_campaign()
    move_campaign(campaign, to=Stage.PUBLISHED, actor=staff)
    assert [nomination.unit.name for nomination in published_honorees(campaign)] == [
        "Alpha Institute", "Beta Institute",
    ]  # fmt: skip
    assert make_honorees_public(campaign, actor=staff) == 0
    assert AuditEntry.objects.filter(action="people.person.made_public").count() == 2
