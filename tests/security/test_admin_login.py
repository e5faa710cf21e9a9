"""Django's admin opens only through the site's login (allauth): its rate limits and its TOTP step apply, and
no admin session exists for a user with TOTP whose login did not use it."""

import pytest
from django.urls import reverse

from laurel.people.models import User
from tests.factories.people import PASSWORD, UserFactory
from tests.factories.two_factor import enrol_totp, totp_code

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(email="root@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def superuser_secret(superuser) -> str:
    return enrol_totp(superuser)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def password_login(client, user, password=PASSWORD, *, next_url=ADMIN):
    return client.post(reverse("account_login"), {"login": user.email, "password": password, "next": next_url})


def test_superuser_with_totp_posting_the_password_to_the_admin_login_gets_no_session(
    client, superuser, superuser_secret
):
    response = client.post(f"/admin/login/?next={ADMIN}", {"username": superuser.email, "password": PASSWORD})
    assert not signed_in(client)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2F"
    assert client.get(ADMIN).status_code == 302


def test_the_admin_sends_anonymous_visitors_to_the_sites_login_with_next(client):
    response = client.get("/admin/outreach/talk/")
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2Foutreach%2Ftalk%2F"


def test_superuser_with_totp_enters_the_admin_only_after_the_totp_step(client, superuser, superuser_secret):
    response = password_login(client, superuser)
    assert response.url == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get(ADMIN).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(superuser_secret)})
    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_wrong_totp_codes_never_open_the_admin(client, superuser, superuser_secret):
    password_login(client, superuser)
    wrong = "000000" if totp_code(superuser_secret) != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert not signed_in(client)
    assert client.get(ADMIN).status_code == 302


def test_wrong_passwords_through_the_admin_are_rate_limited_like_the_main_login(client, settings, superuser):
    # The main login's limit (the production value; the project's test settings may differ): five failures
    # for one account in five minutes.
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    login_url = client.get("/admin/login/?next=/admin/").url
    assert login_url.startswith(reverse("account_login"))
    for _attempt in range(5):
        response = client.post(login_url, {"login": superuser.email, "password": "not-the-password"})
        assert response.status_code == 200
    response = client.post(login_url, {"login": superuser.email, "password": PASSWORD})
    assert response.context["form"].errors["__all__"] == ["登录失败次数过多，请稍后重试。"]
    assert not signed_in(client)
    assert client.get(ADMIN).status_code == 302


def test_without_failures_the_same_login_opens_the_admin(client, settings, superuser):
    """The control for the test above: the right password alone opens the admin when the superuser has no TOTP
    and two-factor is relaxed (the demo)."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    response = password_login(client, superuser)
    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_session_without_the_second_factor_is_no_admin_session(client, superuser, superuser_secret):
    client.force_login(superuser)
    response = client.get(ADMIN)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.url == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2F"


def test_enrolling_totp_after_a_password_login_asks_for_a_code_before_the_admin(client, superuser):
    password_login(client, superuser)
    assert client.get(ADMIN).status_code == 200
    secret = enrol_totp(superuser)
    assert client.get(ADMIN).status_code == 302
    response = client.post(f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2F", {"code": totp_code(secret)})
    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


@pytest.mark.requires_2fa
def test_admin_flag_without_totp_is_sent_to_enrolment_when_two_factor_is_required(client):
    operator = UserFactory(email="operator@example.org", is_staff=True)
    password_login(client, operator)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.requires_2fa
def test_superuser_without_totp_is_sent_to_enrolment_when_two_factor_is_required(client, superuser):
    password_login(client, superuser)
    assert client.get(ADMIN).url == reverse("mfa_activate_totp")
    assert client.get("/admin/login/").url == reverse("mfa_activate_totp")


def test_a_signed_in_user_without_admin_access_is_refused(client, stranger):
    password_login(client, stranger)
    assert client.get("/admin/login/").status_code == 403
    assert client.post("/admin/login/", {"username": stranger.email, "password": PASSWORD}).status_code == 403
    assert client.get(ADMIN).status_code == 302


def test_an_unsafe_next_is_ignored(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_the_admin_password_change_is_the_sites(client, superuser, superuser_secret):
    password_login(client, superuser)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(superuser_secret)})
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response.url == reverse("account_change_password")
    response = client.post(
        "/admin/password_change/", {"old_password": PASSWORD, "new_password1": "x-new-pass-9", "new_password2": "x"}
    )
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)


def test_the_admin_logout_ends_the_session(client, superuser, superuser_secret):
    password_login(client, superuser)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(superuser_secret)})
    assert signed_in(client)
    client.post("/admin/logout/")
    assert not signed_in(client)
