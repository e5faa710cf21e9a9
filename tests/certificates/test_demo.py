import io

import pytest

from laurel.certificates import demo
from laurel.certificates.models import Certificate, IssuanceBatch, Kind
from laurel.honors import demo as honors_demo
from laurel.honors.models import Campaign
from laurel.honors.publication import published_honorees
from laurel.outreach import demo as outreach_demo
from laurel.outreach.models import Batch
from laurel.people import demo as people_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_links_the_honoree():
    people_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Certificate.objects.count() == 4
    assert Certificate.objects.filter(status="revoked").count() == 1
    assert Certificate.objects.filter(recipient__user__email="honoree@laurel.demo").exists()


def test_demo_seed_issues_the_2023_honor_certificates_and_first_batch_letters():
    for module in (people_demo, honors_demo, outreach_demo, demo, demo):
        module.seed(stdout=io.StringIO())
    campaign = Campaign.objects.get(edition=2023)
    honorees = list(published_honorees(campaign))
    honor = Certificate.objects.filter(batch_key=f"campaign:{campaign.pk}", kind=Kind.HONOR).order_by("status_index")
    assert [(c.recipient_id, c.citation) for c in honor] == [(n.person_id, n.citation) for n in honorees]
    assert len(honorees) == 20
    first_batch = Batch.objects.get(number=1)
    letters = Certificate.objects.filter(batch_key=f"lecture-batch:{first_batch.pk}", kind=Kind.APPOINTMENT)
    assert letters.count() == first_batch.memberships.active().count() > 0
    assert IssuanceBatch.objects.filter(status="finished").count() == IssuanceBatch.objects.count() == 2
    mine = Certificate.objects.filter(recipient__user__email="honoree@laurel.demo")
    assert mine.filter(batch_key=f"campaign:{campaign.pk}", status="valid").count() == 1
    assert Certificate.objects.filter(status="revoked").count() == 1
