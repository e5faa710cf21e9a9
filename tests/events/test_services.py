import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from laurel.core.models import AuditEntry
from laurel.events import documents, services
from laurel.events.models import (
    REGISTRATION_CONFIRM_HOURS,
    AgendaItem,
    AgendaPerson,
    Attendee,
    Event,
    PendingRegistration,
)
from tests.factories.events import AttendeeFactory, EventFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


def test_build_award_rounds_splits_recipients_and_names_presenters(staff):
    event = EventFactory(kind="award_ceremony")
    services.add_agenda_item(event, actor=staff, role="decision", title="宣读表彰决定", duration_minutes=5)
    recipients = PersonFactory.create_batch(5)
    leader = PersonFactory(name="赵书记")
    rounds = services.build_award_rounds(
        event, recipients=recipients, per_round=2, presenters=[[leader], ["钱副市长"]], actor=staff
    )
    assert [item.order for item in rounds] == [2, 3, 4]
    assert {item.role for item in rounds} == {AgendaItem.Role.AWARD_ROUND}
    first = list(rounds[0].people.filter(part=AgendaPerson.Part.RECIPIENT).values_list("person", flat=True))
    assert first == [recipients[0].pk, recipients[1].pk]
    assert rounds[0].people.get(part="presenter").person == leader
    assert rounds[1].people.get(part="presenter").name == "钱副市长"
    assert rounds[2].people.filter(part="presenter").count() == 0
    assert rounds[2].people.filter(part="recipient").count() == 1
    assert AuditEntry.objects.filter(action="events.award_rounds.built").count() == 1


def test_build_award_rounds_refuses_empty_list(staff):
    with pytest.raises(ValidationError):
        services.build_award_rounds(EventFactory(), recipients=[], per_round=3, actor=staff)


def test_run_of_show_pdf_is_one_page_with_chinese_text(staff):
    event = EventFactory(theme="云州市2023年全国科技工作者日座谈会")
    services.add_organizer(event, actor=staff, role="host", name="云州市科学技术协会")
    item = services.add_agenda_item(event, actor=staff, role="presiding", title="主持会议", duration_minutes=3)
    services.add_agenda_person(item, actor=staff, part="speaker", name="陈立群", title_line="市科协主席")
    pdf = documents.run_of_show_pdf(event)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "座谈会" in text and "陈立群" in text and "市科协主席" in text


def test_invitation_mails_private_link(staff, mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attendee = services.invite_attendee(
            event, actor=staff, category="leader", name="赵书记", email="Zhao@Example.org"
        )
    assert attendee.status == Attendee.Status.PENDING
    assert mailoutbox[0].to == ["zhao@example.org"]
    assert attendee.token in mailoutbox[0].body
    assert mailoutbox[0].attachments == []  # no pass before the reply


def test_invitation_twice_to_same_address_refused(staff):
    event = EventFactory()
    services.invite_attendee(event, actor=staff, category="guest", name="甲", email="a@example.org")
    with pytest.raises(ValidationError):
        services.invite_attendee(event, actor=staff, category="guest", name="乙", email="A@example.org")
    assert event.attendees.count() == 1


def register(event, *, name, email, address="198.51.100.30"):
    """A visitor registers and opens the link mailed to them."""
    services.register_public(event, name=name, email=email, address=address)
    pending = PendingRegistration.objects.filter(event=event, email=email.strip().lower()).latest("pk")
    return services.confirm_registration(pending)


def test_registration_beyond_capacity_goes_to_waiting_list_and_is_promoted(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1, registration_open=True)
    first = register(event, name="甲", email="a@example.org")
    second = register(event, name="乙", email="b@example.org")
    assert (first.status, second.status) == (Attendee.Status.CONFIRMED, Attendee.Status.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(first, status=Attendee.Status.DECLINED)
    second.refresh_from_db()
    assert second.status == Attendee.Status.CONFIRMED
    assert second.pass_code in mailoutbox[-1].body
    ((name, content, mimetype),) = mailoutbox[-1].attachments
    assert (name, mimetype) == (f"pass-{second.pass_code}.png", "image/png")
    assert content.startswith(b"\x89PNG") and content == documents.pass_png(second.pass_code)


def test_registration_closed_refused():
    event = EventFactory(registration_open=False)
    with pytest.raises(ValidationError):
        services.register_public(event, name="甲", email="a@example.org", address="198.51.100.30")
    assert (event.attendees.count(), event.pending_registrations.count()) == (0, 0)


def test_registration_closed_before_the_link_is_opened_refused():
    event = EventFactory(registration_open=True)
    services.register_public(event, name="甲", email="a@example.org", address="198.51.100.30")
    Event.objects.filter(pk=event.pk).update(registration_open=False)
    with pytest.raises(ValidationError, match="本活动报名已关闭"):
        services.confirm_registration(event.pending_registrations.get())
    assert event.attendees.count() == 0


def test_registration_same_email_twice_keeps_one_attendee(mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(registration_open=True)
    first = register(event, name="甲", email="a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.register_public(event, name="甲", email="A@example.org ", address="198.51.100.30")
    assert (event.attendees.count(), event.pending_registrations.count()) == (1, 0)
    assert mailoutbox[-1].to == ["a@example.org"]
    assert first.get_rsvp_url() in mailoutbox[-1].body


def test_two_links_for_one_address_make_one_registration():
    event = EventFactory(registration_open=True)
    for _index in range(2):
        services.register_public(event, name="甲", email="a@example.org", address="198.51.100.30")
    first, second = event.pending_registrations.all()
    attendee = services.confirm_registration(second)
    assert services.confirm_registration(first) == attendee
    assert (event.attendees.count(), event.pending_registrations.count()) == (1, 0)


def test_registration_link_expires_and_takes_no_seat_meanwhile(monkeypatch):
    event = EventFactory(capacity=1, registration_open=True)
    services.register_public(event, name="甲", email="a@example.org", address="198.51.100.30")
    pending = event.pending_registrations.get()
    assert event.attendees.count() == 0  # no seat is held before the link is opened
    later = timezone.now() + datetime.timedelta(hours=REGISTRATION_CONFIRM_HOURS, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(ValidationError, match="链接已过期"):
        services.confirm_registration(pending)
    services.register_public(event, name="乙", email="b@example.org", address="198.51.100.30")
    assert list(event.pending_registrations.values_list("email", flat=True)) == ["b@example.org"]  # purged


def test_reply_table_refuses_waitlisted_confirming_when_full():
    event = EventFactory(capacity=1, registration_open=True)
    register(event, name="甲", email="a@example.org")
    waiting = register(event, name="乙", email="b@example.org")
    with pytest.raises(ValidationError):
        services.reply(waiting, status=Attendee.Status.CONFIRMED)


def test_check_in_once_then_already_checked_in(staff, monkeypatch):
    event = EventFactory()
    attendee = AttendeeFactory(event=event)
    moment = timezone.make_aware(datetime.datetime(2023, 5, 30, 9, 5))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    services.check_in(event, code=attendee.pass_code.lower(), actor=staff)
    with pytest.raises(ValidationError) as error:
        services.check_in(event, code=attendee.pass_code, actor=staff)
    assert "09:05" in error.value.messages[0]


def test_check_in_forged_code_refused(staff):
    event = EventFactory()
    AttendeeFactory(event=event)
    with pytest.raises(ValidationError) as error:
        services.check_in(event, code="FORGED2345", actor=staff)
    assert "没有与此编码对应的入场凭证" in error.value.messages[0]


def test_check_in_at_wrong_event_refused(staff):
    attendee = AttendeeFactory()
    other = EventFactory()
    with pytest.raises(ValidationError) as error:
        services.check_in(other, code=attendee.pass_code, actor=staff)
    assert "另一场活动" in error.value.messages[0]
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None


def test_a_pass_carries_a_full_qr_code_that_phones_read_not_a_micro_qr():
    import segno

    from laurel.events.documents import pass_png

    code = "ABCDEF123456"
    assert segno.make(code, error="m").is_micro  # what the pass carried before: phone scanners skip it
    image = Image.open(io.BytesIO(pass_png(code)))
    # a full QR code of version 1 is 21 modules plus a quiet zone of 4 on each side: 29 modules of 8 px
    assert image.size == (29 * 8, 29 * 8)


@pytest.mark.parametrize("persona", [None, "nominator"])
def test_the_scanner_is_told_in_json_when_its_session_cannot_check_in(client, request, persona):
    event = EventFactory()
    attendee = Attendee.objects.create(
        event=event, category="guest", name="访客", email="v@example.org", status="confirmed"
    )
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.post(
        f"/staff/events/{event.code}/check-in/", {"code": attendee.pass_code}, headers={"X-Laurel-Scanner": "1"}
    )
    assert response.status_code == 403
    assert response.json() == {"ok": False, "message": "您的登录已失效或无权签到，请重新登录。"}
    attendee.refresh_from_db()
    assert attendee.checked_in_at is None
