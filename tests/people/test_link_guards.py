"""Staff link a profile only to someone else's plain, confirmed account: never their own, never a staff account,
never an address nobody confirmed (else staff could take an honoree's certificate into their wallet)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from laurel.people import accounts
from laurel.people.roles import RoleKind
from tests.factories.people import PersonFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_staff_cannot_link_their_own_account(staff):
    person = PersonFactory()
    with pytest.raises(ValidationError, match="your own account"):
        accounts.link_person(user=staff, person=person, actor=staff)
    person.refresh_from_db()
    assert person.user is None


@pytest.mark.parametrize("kind", ["role", "is_staff", "is_superuser"])
def test_staff_accounts_are_never_linked(staff, kind):
    if kind == "role":
        other = user_with_role(RoleKind.STAFF)
    else:
        other = UserFactory(**{kind: True})
    person = PersonFactory()
    with pytest.raises(ValidationError, match="staff account"):
        accounts.link_person(user=other, person=person, actor=staff)
    person.refresh_from_db()
    assert person.user is None


def test_an_unconfirmed_address_is_never_linked(staff):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    person = PersonFactory()
    with pytest.raises(ValidationError, match="not confirmed"):
        accounts.link_person(user=user, person=person, actor=staff)
    person.refresh_from_db()
    assert person.user is None


def test_the_search_lists_only_accounts_that_may_be_linked(staff, staff_client):
    person = PersonFactory()
    UserFactory(email="plain.acct@example.org")
    user_with_role(RoleKind.STAFF, email="colleague.acct@example.org")
    UserFactory(email="admin.acct@example.org", is_superuser=True)
    unconfirmed = UserFactory(email="unconfirmed.acct@example.org")
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    url = reverse("people:account_search", args=[person.code])
    page = staff_client.get(url, {"q": ".acct@"}).content.decode()
    assert "plain.acct@example.org" in page
    for hidden in ("colleague.acct", "admin.acct", "unconfirmed.acct"):
        assert hidden not in page
    assert "staff@example.org" not in staff_client.get(url, {"q": "staff@"}).content.decode()


def test_the_link_view_says_why_in_chinese(staff_client, staff):
    person = PersonFactory()
    page = staff_client.post(
        reverse("people:person_link", args=[person.code]), {"user": staff.pk}, follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()  # fmt: skip
    assert "不能把您自己的账户关联" in page
    person.refresh_from_db()
    assert person.user is None
