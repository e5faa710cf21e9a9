"""Issue 16: the assignment and conflicts pages list a campaign's nominations as options (code and name) without
building them as model instances, in a number of queries that does not grow with the campaign."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laurel.honors.models import Nomination, Stage
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["honors:assignment", "honors:conflicts"])
def test_nomination_options_cost_the_same_queries_at_any_size(staff_client, page, django_assert_max_num_queries):
    campaign = CampaignFactory(stage=Stage.REVIEW)
    url = reverse(page, kwargs={"code": campaign.code})
    for _ in range(2):
        NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    made = [NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0) for _ in range(30)]
    with django_assert_max_num_queries(len(small)):
        response = staff_client.get(url)
    html = response.content.decode()
    for nomination in made:
        assert f'<option value="{nomination.code}">{nomination.code} · {nomination.person.name}</option>' in html
