import io
from collections import Counter

import pytest
from django.urls import reverse

from laurel.needs import demo
from laurel.needs.models import Need, ServiceRecord
from laurel.people import demo as people_demo
from laurel.people.models import User
from laurel.people.roles import RoleKind
from tests.factories.people import user_with_role

pytestmark = pytest.mark.django_db


def test_demo_seeds_thirty_needs_at_every_stage_and_is_idempotent(client):
    people_demo.seed(stdout=io.StringIO())
    for number in range(2, 9):  # the honors demo's other experts
        user_with_role(RoleKind.EXPERT, email=f"expert{number}@laurel.demo")
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    counts = Counter(Need.objects.values_list("status", flat=True))
    assert sum(counts.values()) == 30
    assert set(counts) == set(Need.Status.values)
    assert ServiceRecord.objects.filter(status=ServiceRecord.Status.VALIDATED).exists()
    expert = User.objects.get(email="expert@laurel.demo")
    client.force_login(expert)
    desk = client.get(reverse("core:dashboard")).content.decode()
    assert desk.count('data-testid="desk-match"') == 3
    client.force_login(User.objects.get(email="staff@laurel.demo"))
    published = Need.objects.filter(status=Need.Status.PUBLISHED).first()
    assert 'data-testid="suggestion"' in client.get(published.get_manage_url()).content.decode()
    html = client.get(reverse("needs:reach")).content.decode()
    assert 'data-testid="needs-posted">28<' in html
