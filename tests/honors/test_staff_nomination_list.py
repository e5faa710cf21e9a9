"""Issue 16: a campaign's staff list is paginated and filtered in the database, with the same queries at any size."""

import pytest
from django.urls import reverse

from laurel.honors.models import Nomination
from laurel.people.models import Person
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory
from tests.pages import _copies

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = CampaignFactory()
    other_unit = OrganizationFactory(name="云州理工学院")
    NominationFactory(
        campaign=campaign, photos=0, status=Nomination.Status.SUBMITTED, eligibility_problems=["年限不足"]
    )
    NominationFactory(campaign=campaign, photos=0, unit=other_unit, category=Nomination.Category.YOUNG)
    return campaign


def grow(campaign, copies: int):
    originals = list(campaign.nominations.all())
    for copy in range(1, copies + 1):
        persons = _copies(Person, Person.objects.filter(pk__in=[n.person_id for n in originals]), 100 + copy)
        _copies(Nomination, originals, copy, lambda n, persons=persons: {"person_id": persons[n.person_id].pk})


def url(campaign, **query):
    from urllib.parse import urlencode

    return reverse("honors:staff_nominations", kwargs={"code": campaign.code}) + (
        "?" + urlencode(query) if query else ""
    )


def test_the_list_shows_fifty_a_page_and_keeps_the_filter_in_the_page_links(client, staff, campaign):
    grow(campaign, 59)  # 120 nominations, 60 of them submitted
    client.force_login(staff)
    page = client.get(url(campaign, status="submitted"))
    assert len(page.context["object_list"]) == 50
    assert page.context["page_obj"].paginator.count == 60
    assert "status=submitted&amp;page=2" in page.content.decode()
    second = client.get(url(campaign, status="submitted", page=2))
    assert len(second.context["object_list"]) == 10
    assert all(n.status == Nomination.Status.SUBMITTED for n in second.context["object_list"])


def test_filters_by_unit_category_and_eligibility(client, staff, campaign):
    grow(campaign, 2)
    client.force_login(staff)
    young = campaign.nominations.filter(category=Nomination.Category.YOUNG).first()
    by_unit = client.get(url(campaign, unit=young.unit.code)).context["object_list"]
    assert {n.unit_id for n in by_unit} == {young.unit_id} and len(by_unit) == 3
    assert len(client.get(url(campaign, category="young")).context["object_list"]) == 3
    with_problems = client.get(url(campaign, eligibility="problems")).context["object_list"]
    assert len(with_problems) == 3 and all(n.eligibility_problems for n in with_problems)
    clean = client.get(url(campaign, eligibility="clean")).context["object_list"]
    assert len(clean) == 3 and not any(n.eligibility_problems for n in clean)


def test_unknown_filter_values_are_ignored_and_a_page_past_the_end_is_not_found(client, staff, campaign):
    client.force_login(staff)
    response = client.get(url(campaign, status="<script>", category="x" * 5000, eligibility="maybe", unit="u" * 500))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 0  # the unit code matched nothing; the rest was ignored
    assert client.get(url(campaign, status="<script>")).context["page_obj"].paginator.count == 2
    assert client.get(url(campaign, page=9)).status_code == 404
    assert client.get(url(campaign, page="abc")).status_code == 404


def test_only_staff_see_the_list(client, campaign, expert, nominator):
    for user in (expert, nominator):
        client.force_login(user)
        assert client.get(url(campaign)).status_code == 403
    client.logout()
    assert client.get(url(campaign)).status_code == 302


def test_the_list_runs_the_same_queries_at_three_times_the_size(client, staff, campaign, django_assert_max_num_queries):
    grow(campaign, 30)
    client.force_login(staff)
    client.get(url(campaign))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url(campaign, page=2))
    grow(campaign, 60)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url(campaign, page=2, eligibility="clean"))
    assert len(response.context["object_list"]) == 50
