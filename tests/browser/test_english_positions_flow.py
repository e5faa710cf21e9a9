"""Browser flow (zh-hans): staff give a sci-tech worker an English position and title, which the English pages
of a published campaign then show."""

import pytest
from django.urls import reverse
from django.utils import timezone

from laurel.honors.models import Nomination, Stage
from laurel.people.models import Person
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_give_an_english_position_that_the_english_results_show(page, staff, unit):
    person = PersonFactory(organization=unit, name="周明", position="院长", title="教授")
    campaign = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now())
    NominationFactory(campaign=campaign, unit=unit, person=person, status=Nomination.Status.SELECTED, photos=0)
    login(page, staff)
    page.goto(reverse("people:person_update", kwargs={"code": person.code}))
    # The browser stops typing at the bound; the server refuses longer (tests/people/test_english_positions.py).
    assert page.get_by_label("英文职务").get_attribute("maxlength") == "100"
    page.get_by_label("英文职务").fill("Dean")
    page.get_by_label("英文职称").fill("Professor")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{person.get_absolute_url()}")
    assert "Dean" in page.locator("main").inner_text()
    assert (Person.objects.get(pk=person.pk).position_en, Person.objects.get(pk=person.pk).title_en) == (
        "Dean",
        "Professor",
    )
    page.context.clear_cookies()
    page.goto(reverse("honors:results", kwargs={"code": campaign.code}))
    assert "云州大学 · 院长 · 教授" in page.locator("main").inner_text()
    page.click(".language-switcher button[value=en]")
    page.wait_for_load_state()
    assert "Dean · Professor" in page.locator("main").inner_text()
