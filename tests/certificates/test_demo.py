import io

import pytest

from laurel.certificates import demo
from laurel.certificates.models import Certificate
from laurel.people import demo as people_demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_links_the_honoree():
    people_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Certificate.objects.count() == 4
    assert Certificate.objects.filter(status="revoked").count() == 1
    assert Certificate.objects.filter(recipient__user__email="honoree@laurel.demo").exists()
