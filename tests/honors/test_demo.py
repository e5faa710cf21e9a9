import io

import pytest

from laurel.honors import demo as honors_demo
from laurel.honors.models import Campaign, Nomination, PanelMember, Stage
from laurel.people import demo as people_demo

pytestmark = pytest.mark.django_db


def test_demo_builds_a_finished_and_an_open_campaign_idempotently():
    for _run in range(2):
        people_demo.seed(stdout=io.StringIO())
        honors_demo.seed(stdout=io.StringIO())
    finished = Campaign.objects.get(edition=2023)
    assert finished.stage == Stage.PUBLISHED
    assert finished.nominations.count() == 60
    assert finished.nominations.selected().count() == 20
    assert PanelMember.objects.filter(campaign=finished).count() == 12
    assert Campaign.objects.get(edition=2024).stage == Stage.OPEN
    assert Nomination.objects.filter(campaign__edition=2024, status="submitted").count() == 6


def test_demo_makes_the_2023_honorees_public():
    people_demo.seed(stdout=io.StringIO())
    honors_demo.seed(stdout=io.StringIO())
    finished = Campaign.objects.get(edition=2023)
    honorees = finished.nominations.selected()
    assert honorees.filter(person__is_public=True).count() == 20
