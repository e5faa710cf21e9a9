import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_email_log_in_and_switch_languages(page):
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "newcomer@example.org")
    page.fill("input[name=password1]", "a-long-and-unusual-passphrase")
    page.fill("input[name=password2]", "a-long-and-unusual-passphrase")
    page.click("form[action$='/accounts/signup/'] button[type=submit]")
    page.wait_for_url("**/confirm-email/")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[0].body).group(0)
    page.goto(link[link.index("/accounts/") :])
    page.click("main form button[type=submit]")
    page.goto("/accounts/logout/")
    page.click("main form button[type=submit]")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "newcomer@example.org")
    page.fill("input[name=password]", "a-long-and-unusual-passphrase")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/dashboard/")
    assert page.locator("h1").inner_text() == "我的工作台"
    page.click(".language-switcher button[value=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "My desk"
    page.click(".language-switcher button[value=zh-hans]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "我的工作台"


def test_wrong_password_gets_a_clear_message(page, stranger):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", stranger.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    assert "不正确" in page.locator("main").inner_text()
