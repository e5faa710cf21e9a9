"""A visitor registers for a public event and confirms by the link mailed to them, in Chinese and in English."""

import re

import pytest
from django.core import mail

from tests.factories.events import AttendeeFactory, EventFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("collect_live_server_connections"),
]


def register(page, event, *, name, email):
    page.goto(event.get_public_url())
    page.fill("#registration-form input[name=name]", name)
    page.fill("#registration-form input[name=email]", email)
    page.click("#registration-form button[type=submit]")
    page.wait_for_load_state()


def mailed_link(email: str) -> str:
    """The confirmation link in the first mail to `email` (later ones bring the pass)."""
    message = next(message for message in mail.outbox if message.to == [email])
    return re.search(r"https?://\S+(/events/registration/\S+/)", message.body).group(1)


def test_visitor_registers_and_confirms_by_the_mailed_link(page):
    event = EventFactory(capacity=10, registration_open=True, theme="云州市科技工作者日座谈会")
    register(page, event, name="李华", email="lihua@example.org")
    assert "请查收邮件：我们已向 lihua@example.org 发送了一封邮件" in page.locator(".messages").inner_text()
    assert event.attendees.count() == 0
    page.goto(mailed_link("lihua@example.org"))
    assert page.locator("[data-testid=registration-event]").inner_text() == "云州市科技工作者日座谈会"
    assert page.locator("[data-testid=registration-name]").inner_text() == "李华"
    page.click("[data-testid=confirm-registration]")
    page.wait_for_url("**/rsvp/**")
    assert "报名成功" in page.locator(".messages").inner_text()
    assert page.locator("[data-testid=rsvp-status]").inner_text() == "已确认"
    attendee = event.attendees.get()
    assert any(attendee.pass_code in message.body for message in mail.outbox)
    page.goto(mailed_link("lihua@example.org"))  # the link is used up
    assert "此链接已失效" in page.locator("h1").inner_text()


def test_visitor_registers_in_english_for_a_full_event_and_joins_the_waiting_list(page):
    event = EventFactory(capacity=1, registration_open=True, theme_en="Workers' Day Symposium")
    AttendeeFactory(event=event)
    page.goto(event.get_public_url())
    page.click(".language-switcher button[value=en]")
    page.wait_for_load_state()
    register(page, event, name="Alice Wang", email="alice@example.org")
    assert "Check your mailbox: we have sent a message to alice@example.org." in page.locator(".messages").inner_text()
    page.goto(mailed_link("alice@example.org"))
    assert page.locator("[data-testid=registration-event]").inner_text() == "Workers' Day Symposium"
    page.click("[data-testid=confirm-registration]")
    page.wait_for_url("**/rsvp/**")
    assert "you are on the waiting list" in page.locator(".messages").inner_text()
    assert page.locator("[data-testid=rsvp-status]").inner_text() == "On the waiting list"
