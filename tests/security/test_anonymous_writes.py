"""Every write a visitor can make without an account is bounded: public event registration (confirmed by email,
with no way to learn who is registered, limited per address and per mailbox) and objections (limited per address,
with a statement of bounded length)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from laurel.events import services as events
from laurel.events.models import Attendee
from laurel.honors import notices
from laurel.honors.models import Nomination, Objection, Stage
from laurel.honors.models.notices import MAX_STATEMENT_LENGTH
from tests.factories.events import EventFactory
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db

VISITOR = "203.0.113.40"


def register(client, event, email, *, name="访客", language="zh-hans"):
    """Post the registration form; the redirects followed and the messages the visitor then reads."""
    response = client.post(
        event.get_public_url(),
        {"name": name, "email": email, "title_line": "", "special_needs": ""},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    return response.redirect_chain, [str(message) for message in response.context["messages"]]


# Event registration


def test_public_registration_takes_no_seat_until_the_mailed_link_is_opened(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1, registration_open=True)
    with django_capture_on_commit_callbacks(execute=True):
        redirects, messages = register(client, event, "victim@example.org")
    assert redirects == [(event.get_public_url(), 302)]  # never the private link of the registration
    assert messages == [
        "请查收邮件：我们已向 victim@example.org 发送了一封邮件。请在 48 小时内打开其中的链接以确认报名。"
    ]
    assert not Attendee.objects.exists()  # someone else's address cannot fill the event
    (mail,) = mailoutbox
    pending = event.pending_registrations.get()
    assert mail.to == ["victim@example.org"] and pending.get_absolute_url() in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pending.get_absolute_url())
    attendee = Attendee.objects.get()
    assert (attendee.email, attendee.status, response.url) == (
        "victim@example.org",
        Attendee.Status.CONFIRMED,
        attendee.get_rsvp_url(),
    )
    assert attendee.pass_code in mailoutbox[-1].body


def test_registering_an_address_twice_answers_exactly_as_the_first_time(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(registration_open=True)
    attendee = Attendee.objects.create(
        event=event, category=Attendee.Category.PUBLIC, name="甲", email="known@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = register(client, event, "new@example.org")
        again = register(client, event, "known@example.org")
    assert first[0] == again[0]
    assert [message.replace("new@", "known@") for message in first[1]] == again[1]
    assert event.attendees.count() == 1
    already = mailoutbox[-1]
    assert already.to == ["known@example.org"]
    assert "已报名" in already.subject and attendee.get_rsvp_url() in already.body  # the mailbox is told


def test_public_registration_is_limited_per_address(client):
    event = EventFactory(registration_open=True)
    answers = [register(client, event, f"visitor{index}@example.org", language="en") for index in range(21)]
    assert [bool(redirects) for redirects, _messages in answers] == [True] * 20 + [False]
    assert event.pending_registrations.count() == 20
    refused = client.post(
        event.get_public_url(), {"name": "访客", "email": "late@example.org"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Too many registrations from your network in the last hour" in refused.content.decode()
    assert event.pending_registrations.count() == 20


def test_registration_cannot_flood_one_mailbox(mailoutbox, django_capture_on_commit_callbacks):
    events_list = [EventFactory(registration_open=True) for _index in range(8)]
    with django_capture_on_commit_callbacks(execute=True):
        for index, event in enumerate(events_list):
            # From many addresses, so that only the per-mailbox limit can stop it.
            events.register_public(event, name="访客", email="victim@example.org", address=f"198.51.100.{index}")
    assert len(mailoutbox) == 5


# Objections


@pytest.fixture
def noticed():
    today = timezone.localdate()
    campaign = CampaignFactory(
        stage=Stage.NOTICE, notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6)
    )
    return NominationFactory(campaign=campaign, status=Nomination.Status.SELECTED, photos=0)


def object_to(nomination, *, address=VISITOR, statement="该候选人的论文存在署名争议。"):
    return notices.file_objection(
        nomination, full_name="王小明", contact="13800000000", email="", statement=statement, address=address
    )


def test_objections_are_limited_per_address(noticed):
    for _index in range(10):
        object_to(noticed)
    with pytest.raises(ValidationError) as refused:
        object_to(noticed)
    assert refused.value.messages == ["来自您所在网络的异议过多，请一小时后再试。"]
    object_to(noticed, address="198.51.100.9")
    assert Objection.objects.count() == 11


def test_an_overlong_objection_statement_is_refused_with_a_clear_message(noticed, client):
    with pytest.raises(ValidationError) as refused:
        object_to(noticed, statement="争" * (MAX_STATEMENT_LENGTH + 1))
    assert refused.value.message_dict == {"statement": ["陈述最多 5000 个字符（您的有 5001 个）。"]}
    url = reverse("honors:objection_create", kwargs={"code": noticed.campaign.code, "nomination": noticed.code})
    response = client.post(
        url,
        {"full_name": "王小明", "contact": "13800000000", "email": "", "statement": "x" * (MAX_STATEMENT_LENGTH + 1)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.context["form"].errors["statement"] == [
        "The statement may have at most 5000 characters (yours has 5001)."
    ]
    assert not Objection.objects.exists()
    object_to(noticed, statement="争" * MAX_STATEMENT_LENGTH)
    assert Objection.objects.count() == 1
