import io

import pytest
from django.urls import reverse

from laurel.outreach import demo
from laurel.outreach.models import Membership, Talk, TalkTopic
from laurel.people import demo as people_demo
from laurel.people.models import User

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_group_and_is_idempotent(client):
    people_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Membership.objects.count() == 30
    assert TalkTopic.objects.count() == 90
    assert Talk.objects.filter(status__in=Talk.HELD).count() == 200
    assert Talk.objects.exclude(status__in=Talk.HELD).count() == 12
    member = User.objects.get(email="member@laurel.demo")
    assert Membership.objects.filter(user=member).count() == 1
    client.force_login(member)
    assert 'data-testid="desk-speaker"' in client.get(reverse("core:dashboard")).content.decode()
    client.force_login(User.objects.get(email="staff@laurel.demo"))
    reviewed = Talk.objects.filter(status=Talk.Status.REVIEWED).first()
    assert 'data-testid="suggestions"' in client.get(reviewed.get_absolute_url()).content.decode()
    html = client.get(reverse("outreach:reach")).content.decode()
    assert 'data-testid="talks-held">200<' in html and "青石县" in html


def test_demo_members_are_public():
    people_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Membership.objects.filter(person__is_public=True).count() == 30
