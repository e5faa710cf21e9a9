import pytest
from django.utils import translation

from tests.factories.honors import CampaignFactory, NominationFactory


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def draft(campaign, nominator, unit):
    return NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator)
