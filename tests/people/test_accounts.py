"""Accounts and profiles: staff link them by search or by invitation; an account without a profile declares its
unit. Who may do each, and every refusal."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from laurel.core.models import AuditEntry
from laurel.people import accounts
from laurel.people.models import DeclaredUnit, Person, Role, User
from laurel.people.roles import RoleKind
from tests.factories.people import OrganizationFactory, PersonFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_staff_link_a_person_to_an_account_with_an_audit_entry(staff):
    person = PersonFactory(name="王敏")
    user = UserFactory(email="wang@example.org")
    accounts.link_person(user=user, person=person, actor=staff)
    person.refresh_from_db()
    assert person.user == user
    entry = AuditEntry.objects.get(action="people.person.linked")
    assert entry.actor == staff
    assert entry.data == {"account": "wang@example.org", "person": person.code}


def test_a_person_linked_to_another_account_is_refused(staff):
    person = PersonFactory(user=UserFactory())
    with pytest.raises(ValidationError, match="already linked to another account"):
        accounts.link_person(user=UserFactory(), person=person, actor=staff)
    assert not AuditEntry.objects.filter(action="people.person.linked").exists()


def test_an_account_already_linked_is_refused(staff):
    user = UserFactory(email="taken@example.org")
    PersonFactory(user=user)
    other = PersonFactory()
    with pytest.raises(ValidationError, match="taken@example.org is already linked"):
        accounts.link_person(user=user, person=other, actor=staff)
    other.refresh_from_db()
    assert other.user is None


def test_linking_twice_says_so(staff):
    user = UserFactory()
    person = PersonFactory(user=user)
    with pytest.raises(ValidationError, match="already linked to this account"):
        accounts.link_person(user=user, person=person, actor=staff)


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger"])
def test_only_staff_link(persona, request):
    actor = request.getfixturevalue(persona)
    person = PersonFactory()
    with pytest.raises(PermissionDenied):
        accounts.link_person(user=UserFactory(), person=person, actor=actor)


def test_search_lists_accounts_without_a_profile(staff_client):
    person = PersonFactory()
    UserFactory(email="free.account@example.org", full_name="陈晓")
    PersonFactory(user=UserFactory(email="linked.account@example.org"))
    url = reverse("people:account_search", args=[person.code])
    page = staff_client.get(url, {"q": "account@"}, headers={"HX-Request": "true"}).content.decode()
    assert "free.account@example.org" in page
    assert "linked.account@example.org" not in page
    assert "陈晓" in staff_client.get(url, {"q": "陈晓"}).content.decode()
    assert "请至少输入两个字符" in staff_client.get(url, {"q": "a"}).content.decode()
    # Hostile and oversized queries are answered, never a 500.
    assert staff_client.get(url, {"q": "<script>" + "x" * 5000}).status_code == 200


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger"])
def test_search_and_link_are_staff_only(persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    person = PersonFactory()
    user = UserFactory()
    assert client.get(reverse("people:account_search", args=[person.code]), {"q": "ex"}).status_code == 403
    assert client.post(reverse("people:person_link", args=[person.code]), {"user": user.pk}).status_code == 403
    assert client.post(reverse("people:person_invite", args=[person.code]), {"kind": "expert"}).status_code == 403
    person.refresh_from_db()
    assert person.user is None


def test_anonymous_visitors_are_sent_to_login(client):
    person = PersonFactory()
    response = client.get(reverse("people:account_search", args=[person.code]), {"q": "ex"})
    assert response.status_code in (302, 403)
    assert client.get(reverse("people:declare_unit")).status_code == 302


def test_link_view_links_and_reports_refusals(staff_client):
    person = PersonFactory()
    user = UserFactory()
    url = reverse("people:person_link", args=[person.code])
    assert staff_client.post(url, {"user": "not-a-number"}, follow=True).status_code == 200
    staff_client.post(url, {"user": user.pk})
    person.refresh_from_db()
    assert person.user == user
    other = PersonFactory()
    page = staff_client.post(reverse("people:person_link", args=[other.code]), {"user": user.pk}, follow=True)
    assert "已关联一位科技工作者" in page.content.decode()
    other.refresh_from_db()
    assert other.user is None


def test_person_page_shows_the_search_to_staff_only(staff_client, client, nominator):
    person = PersonFactory()
    assert 'data-testid="person-account"' in staff_client.get(person.get_absolute_url()).content.decode()
    linked = PersonFactory(user=nominator)
    client.force_login(nominator)
    page = client.get(linked.get_absolute_url()).content.decode()
    assert 'data-testid="person-account"' not in page


def test_invite_makes_a_linked_account_with_the_role_and_mails_a_password_link(
    staff, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="Li.Hua@Example.org", name="李华")
    with django_capture_on_commit_callbacks(execute=True):
        user = accounts.invite_person(person=person, kind=RoleKind.EXPERT, organization=None, actor=staff)
    person.refresh_from_db()
    assert person.user == user and user.email == "li.hua@example.org"
    assert not user.has_usable_password()
    assert Role.objects.filter(user=user, kind=RoleKind.EXPERT).exists()
    assert EmailAddress.objects.get(user=user).verified
    assert AuditEntry.objects.filter(action="people.person.invited", actor=staff).exists()
    (message,) = mail.outbox
    assert message.to == ["li.hua@example.org"]
    assert re.search(r"/password/reset/key/\w+-[\w-]+/", message.body)
    # Their unit for conflicts comes from the profile: they are never asked to declare one.
    assert accounts.unit_of(user) == (True, person.organization_id)
    assert not accounts.needs_unit_declaration(user)


def test_invite_a_nominator_needs_a_unit(staff):
    person = PersonFactory(email="n@example.org")
    with pytest.raises(ValidationError, match="choose it"):
        accounts.invite_person(person=person, kind=RoleKind.NOMINATOR, organization=None, actor=staff)
    user = accounts.invite_person(person=person, kind=RoleKind.NOMINATOR, organization=person.organization, actor=staff)
    assert user.has_role(RoleKind.NOMINATOR, person.organization)


@pytest.mark.parametrize("kind", [RoleKind.STAFF, RoleKind.LECTURER, "admin"])
def test_invite_refuses_other_roles(staff, kind):
    person = PersonFactory(email="x@example.org")
    with pytest.raises(ValidationError):
        accounts.invite_person(person=person, kind=kind, organization=None, actor=staff)
    assert not User.objects.filter(email="x@example.org").exists()


def test_invite_refuses_an_address_with_an_account_or_no_address_or_a_linked_person(staff):
    UserFactory(email="taken@example.org")
    with pytest.raises(ValidationError, match="link it to the profile by search"):
        accounts.invite_person(
            person=PersonFactory(email="TAKEN@example.org"), kind=RoleKind.EXPERT, organization=None, actor=staff
        )
    with pytest.raises(ValidationError, match="email address to the profile first"):
        accounts.invite_person(person=PersonFactory(email=""), kind=RoleKind.EXPERT, organization=None, actor=staff)
    with pytest.raises(ValidationError, match="already linked"):
        accounts.invite_person(
            person=PersonFactory(email="y@example.org", user=UserFactory()),
            kind=RoleKind.EXPERT,
            organization=None,
            actor=staff,
        )
    assert not AuditEntry.objects.filter(action="people.person.invited").exists()


def test_invite_twice_makes_one_account(staff_client):
    person = PersonFactory(email="twice@example.org")
    url = reverse("people:person_invite", args=[person.code])
    staff_client.post(url, {"kind": "expert"})
    page = staff_client.post(url, {"kind": "expert"}, follow=True).content.decode()
    assert User.objects.filter(email="twice@example.org").count() == 1
    assert "已关联其他账号" in page


@pytest.mark.parametrize("persona", ["nominator", "expert"])
def test_only_staff_invite(persona, request):
    with pytest.raises(PermissionDenied):
        accounts.invite_person(
            person=PersonFactory(email="z@example.org"),
            kind=RoleKind.EXPERT,
            organization=None,
            actor=request.getfixturevalue(persona),
        )


def test_an_expert_without_profile_or_declaration_must_declare(staff):
    bare = user_with_role(RoleKind.EXPERT, declared_unit=False)
    assert accounts.needs_unit_declaration(bare)
    assert accounts.unit_of(bare) == (False, None)
    unit = OrganizationFactory()
    accounts.declare_unit(user=bare, organization=unit, actor=bare)
    assert accounts.unit_of(bare) == (True, unit.pk)
    assert not accounts.needs_unit_declaration(bare)
    # Declared once: afterwards staff change it, with a reason.
    accounts.declare_unit(user=bare, organization=None, actor=staff, reason="left the hospital")
    assert accounts.unit_of(bare) == (True, None)
    entries = AuditEntry.objects.filter(action="people.unit.declared").order_by("pk")
    assert [entry.data["unit"] for entry in entries] == [unit.name, ""]
    assert entries.last().data["from"] == unit.name


def test_nominators_and_strangers_are_never_asked_to_declare(nominator, stranger):
    assert not accounts.needs_unit_declaration(nominator)
    assert not accounts.needs_unit_declaration(stranger)


def test_a_profile_holder_cannot_declare_another_unit(expert):
    PersonFactory(user=expert)
    with pytest.raises(ValidationError, match="comes from your sci-tech worker profile"):
        accounts.declare_unit(user=expert, organization=OrganizationFactory(), actor=expert)


def test_nobody_declares_for_someone_else(expert, other_expert):
    with pytest.raises(PermissionDenied):
        accounts.declare_unit(user=expert, organization=None, actor=other_expert)


def test_declare_unit_page(client):
    bare = user_with_role(RoleKind.EXPERT, declared_unit=False)
    unit = OrganizationFactory(name="云州医院")
    client.force_login(bare)
    url = reverse("people:declare_unit")
    assert "云州医院" in client.get(url).content.decode()
    # A code that is no unit is a form error, not a 500.
    assert client.post(url, {"unit": "NOPE"}).status_code == 200
    assert not DeclaredUnit.objects.filter(user=bare).exists()
    response = client.post(url + "?next=/campaigns/reviews/", {"unit": unit.code})
    assert response.status_code == 302 and response.url == "/campaigns/reviews/"
    assert DeclaredUnit.objects.get(user=bare).organization == unit
    # An outside address in `next` is never followed.
    other = user_with_role(RoleKind.EXPERT, declared_unit=False)
    client.force_login(other)
    response = client.post(url, {"unit": "none", "next": "https://evil.example/"})
    assert response.url == reverse("core:dashboard")
    assert DeclaredUnit.objects.get(user=other).organization is None


def test_a_profile_holder_is_sent_away_from_the_declaration(client, expert):
    PersonFactory(user=expert)
    client.force_login(expert)
    assert client.get(reverse("people:declare_unit")).status_code == 302
    assert Person.objects.filter(user=expert).count() == 1
