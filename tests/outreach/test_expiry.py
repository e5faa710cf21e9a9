"""Requests nobody took before their preferred dates expire, and the host hears of it once."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.outreach import services
from laurel.outreach.expiry import expire_stale_requests
from laurel.outreach.models import Talk
from tests.factories.outreach import TalkFactory

pytestmark = pytest.mark.django_db
S = Talk.Status
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_a_request_expires_once_its_last_preferred_date_has_come(mailoutbox, django_capture_on_commit_callbacks):
    passed = TalkFactory(status=S.REVIEWED, preferred=[(days(-3), "morning"), (days(0), "afternoon")])
    waiting = TalkFactory(status=S.REQUESTED, preferred=[(days(-3), "morning"), (days(1), "morning")])
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_stale_requests(today=TODAY) == 1
    assert Talk.objects.get(pk=passed.pk).status == S.EXPIRED
    assert Talk.objects.get(pk=waiting.pk).status == S.REQUESTED
    (message,) = mailoutbox
    assert message.to == [passed.contact_email] and passed.code in message.subject
    assert reverse("outreach:request") in message.body
    assert AuditEntry.objects.get(action="outreach.talk.expired").data["from"] == S.REVIEWED


def test_a_dispatch_nobody_answered_expires_on_its_date(speaker_membership):
    unanswered = TalkFactory(status=S.DISPATCHED, speaker=speaker_membership, date=days(0), slot="morning")
    answered = TalkFactory(status=S.CONFIRMED, speaker=speaker_membership, date=days(0), slot="afternoon")
    assert expire_stale_requests(today=TODAY) == 1
    assert Talk.objects.get(pk=unanswered.pk).status == S.EXPIRED
    assert Talk.objects.get(pk=answered.pk).status == S.CONFIRMED


def test_expiry_runs_twice_without_a_second_mail(mailoutbox, django_capture_on_commit_callbacks):
    TalkFactory(status=S.REVIEWED, preferred=[(days(-1), "morning")])
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_stale_requests(today=TODAY) == 1
        assert expire_stale_requests(today=TODAY) == 0
    output = io.StringIO()
    call_command("expire_talk_requests", stdout=output)
    assert output.getvalue() == "0 requests expired\n" and len(mailoutbox) == 1


def test_an_expired_request_is_final():
    talk = TalkFactory(status=S.REVIEWED, preferred=[(days(-1), "morning")])
    expire_stale_requests(today=TODAY)
    talk.refresh_from_db()
    with pytest.raises(services.InvalidTransition):
        services.review(talk, actor=None)


def test_members_do_not_see_requests_whose_dates_have_passed(client, member, speaker_membership):
    stale = TalkFactory(status=S.REVIEWED, is_open=True, preferred=[(days(-1), "morning")])
    fresh = TalkFactory(status=S.REVIEWED, is_open=True, preferred=[(days(-1), "morning"), (days(4), "morning")])
    client.force_login(member)
    content = client.get(reverse("outreach:open_talks")).content.decode()
    assert fresh.host_name in content and stale.host_name not in content
