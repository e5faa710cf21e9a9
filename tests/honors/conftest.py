import pytest

from tests.factories.honors import CampaignFactory, NominationFactory


@pytest.fixture
def campaign(db):
    return CampaignFactory()


@pytest.fixture
def draft(campaign, nominator, unit):
    return NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator)
