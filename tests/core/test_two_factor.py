import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.requires_2fa
def test_staff_without_totp_must_enrol_before_any_page(client, staff):
    client.force_login(staff)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.requires_2fa
def test_expert_without_totp_must_enrol(client, expert):
    client.force_login(expert)
    assert client.get(reverse("core:dashboard")).url == reverse("mfa_activate_totp")


@pytest.mark.requires_2fa
def test_staff_with_totp_gets_in(client, staff):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get(reverse("core:dashboard")).status_code == 200


@pytest.mark.requires_2fa
def test_nominator_and_stranger_are_not_asked_for_totp(client, nominator, stranger):
    for user in (nominator, stranger):
        client.force_login(user)
        assert client.get(reverse("core:dashboard")).status_code == 200


@pytest.mark.requires_2fa
def test_login_page_has_no_demo_notice_when_two_factor_is_required(client):
    assert 'data-testid="demo-2fa-notice"' not in client.get(reverse("account_login")).content.decode()


def test_demo_mode_says_on_the_login_page_that_two_factor_is_relaxed(client, staff):
    response = client.get(reverse("account_login"), headers={"accept-language": "en"})
    assert "Demo mode: two-factor authentication is not required" in response.content.decode()
    client.force_login(staff)
    assert client.get(reverse("core:dashboard")).status_code == 200
