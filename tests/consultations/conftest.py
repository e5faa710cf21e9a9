import pytest

from tests.factories.consultations import concluded_consultation


@pytest.fixture
def concluded(staff):
    return concluded_consultation(staff)
