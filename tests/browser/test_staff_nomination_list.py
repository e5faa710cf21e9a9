import pytest

from laurel.honors.models import Nomination
from laurel.people.models import Person
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory
from tests.pages import _copies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_filter_a_long_list_by_unit_and_page_through_it(page, staff):
    campaign = CampaignFactory()
    institute = OrganizationFactory(name="云州理工学院")
    first = NominationFactory(campaign=campaign, photos=0, unit=institute, status=Nomination.Status.SUBMITTED)
    NominationFactory(campaign=campaign, photos=0, status=Nomination.Status.SUBMITTED)
    for copy in range(1, 60):  # 120 nominations, 60 of them from the institute
        persons = _copies(Person, Person.objects.filter(pk__in=[n.person_id for n in [first]]), copy)
        _copies(Nomination, [first], copy, lambda n, persons=persons: {"person_id": persons[n.person_id].pk})
        other = campaign.nominations.exclude(unit=institute).first()
        persons = _copies(Person, Person.objects.filter(pk=other.person_id), 500 + copy)
        _copies(Nomination, [other], copy, lambda n, persons=persons: {"person_id": persons[n.person_id].pk})
    login(page, staff)
    page.goto(f"/campaigns/{campaign.code}/nominations/")
    assert page.locator("tbody tr").count() == 50
    page.select_option("select[name=unit]", institute.code)
    page.click("main form.inline-form button[type=submit]")
    page.wait_for_url(f"**unit={institute.code}**")
    assert page.locator("text=共 60 项推荐").is_visible()
    assert page.locator("tbody tr").count() == 50
    page.click("nav.pagination a:last-child")
    page.wait_for_url("**page=2**")
    assert page.locator("tbody tr").count() == 10
    assert page.locator("tbody tr", has_text="云州理工学院").count() == 10
