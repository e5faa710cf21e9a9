"""The admin through allauth's TOTP step, and the API tokens page, as a browser drives them."""

import datetime

import pytest
from django.utils import timezone

from laurel.people.models import ApiToken
from tests.factories.people import PASSWORD, UserFactory
from tests.factories.two_factor import enrol_totp, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.requires_2fa]


def log_in_with_totp(page, user, secret):
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("input[name=code]", totp_code(secret, margin_seconds=8))
    page.click("form[action$='/accounts/2fa/authenticate/'] button[type=submit]")


def test_a_superuser_enters_the_admin_through_the_sites_login_and_its_totp_step(page):
    superuser = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    secret = enrol_totp(superuser)
    page.goto("/admin/outreach/")
    assert page.url.endswith("/accounts/login/?next=%2Fadmin%2Foutreach%2F")
    log_in_with_totp(page, superuser, secret)
    page.wait_for_url("**/admin/outreach/")
    assert page.locator("#site-name").count() == 1
    page.click("#logout-form button[type=submit]")
    page.wait_for_load_state()
    page.goto("/admin/")
    assert "/accounts/login/" in page.url


def test_staff_create_a_read_token_see_its_expiry_and_revoke_it(page, staff):
    secret = enrol_totp(staff)
    page.goto("/staff/api-tokens/")
    log_in_with_totp(page, staff, secret)
    page.wait_for_url("**/staff/api-tokens/")
    page.fill("input[name=name]", "数据大屏")
    page.check("input[name=scope][value=read]")
    page.select_option("select[name=lifetime]", "30")
    page.click("main form.card button[type=submit]")
    assert page.locator("[data-testid=new-token] code").inner_text().startswith("lrl_")
    token = ApiToken.objects.get()
    assert token.scope == "read"
    expected_day = timezone.localdate() + datetime.timedelta(days=30)
    row = page.locator("[data-testid=token-row]")
    assert row.locator("td").nth(1).inner_text() == "只读"
    assert row.locator("[data-testid=token-expires]").inner_text().startswith(expected_day.isoformat())
    row.locator("button", has_text="撤销").click()
    page.wait_for_load_state()
    assert page.confirmations == ["撤销此令牌？使用它的系统将立即无法访问。"]
    assert page.locator("[data-testid=token-row]").count() == 0
    assert ApiToken.objects.count() == 0
