"""After an expert declared their unit, only staff change it, on a page of its own, with a reason."""

import pytest
from django.urls import reverse

from laurel.core.models import AuditEntry
from laurel.people import accounts
from laurel.people.models import DeclaredUnit
from laurel.people.roles import RoleKind
from tests.factories.people import OrganizationFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_staff_change_a_declared_unit_on_its_page(staff_client, staff):
    own, other = OrganizationFactory(name="甲研究所"), OrganizationFactory(name="乙医院")
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False)
    accounts.declare_unit(user=expert, organization=own, actor=expert)
    url = reverse("people:change_unit", args=[expert.pk])
    assert 'data-testid="change-unit"' in staff_client.get(reverse("people:role_list")).content.decode()
    page = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "甲研究所" in page
    # No reason: a form error in Chinese, nothing changed.
    page = staff_client.post(url, {"unit": other.code, "reason": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert DeclaredUnit.objects.get(user=expert).organization == own
    # A reason too long, a unit that does not exist: form errors, never a 500.
    assert staff_client.post(url, {"unit": other.code, "reason": "x" * 501}).status_code == 200
    assert staff_client.post(url, {"unit": "NOPE", "reason": "moved"}).status_code == 200
    response = staff_client.post(url, {"unit": other.code, "reason": "调到乙医院工作"})
    assert response.status_code == 302
    assert DeclaredUnit.objects.get(user=expert).organization == other
    entry = AuditEntry.objects.filter(action="people.unit.declared").latest("pk")
    assert entry.actor == staff and entry.data["reason"] == "调到乙医院工作"


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger"])
def test_only_staff_change_a_unit(persona, request, client):
    actor = request.getfixturevalue(persona)
    target = user_with_role(RoleKind.EXPERT)
    client.force_login(actor)
    url = reverse("people:change_unit", args=[target.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"unit": "none", "reason": "x"}).status_code == 403
    assert (
        client.post(reverse("people:change_unit", args=[actor.pk]), {"unit": "none", "reason": "x"}).status_code == 403
    )


def test_an_account_with_a_profile_is_sent_to_the_profile(staff_client, expert):
    person = PersonFactory(user=expert)
    response = staff_client.get(reverse("people:change_unit", args=[expert.pk]))
    assert response.status_code == 302 and response.url == person.get_absolute_url()
    assert staff_client.get(reverse("people:change_unit", args=[999999])).status_code == 404
