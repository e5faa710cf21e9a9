import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from laurel.events.models import Attendee, Event
from tests.factories.events import AttendeeFactory, EventFactory, PendingRegistrationFactory

pytestmark = pytest.mark.django_db


def test_staff_creates_event_and_adds_agenda(staff_client):
    response = staff_client.post(
        reverse("events:event_create"),
        {
            "kind": "symposium", "theme": "科技工作者日座谈会", "theme_en": "", "start_at": "2023-05-30T09:00",
            "end_at": "2023-05-30T11:00", "venue": "科技馆", "is_public": "on",
        },
    )  # fmt: skip
    event = Event.objects.get()
    assert response.url == event.get_absolute_url()
    staff_client.post(
        reverse("events:agenda_item_add", kwargs={"code": event.code}),
        {"role": "presiding", "title": "主持会议", "duration_minutes": "3"},
    )
    item = event.agenda_items.get()
    staff_client.post(
        reverse("events:agenda_person_add", kwargs={"code": event.code, "item_pk": item.pk}),
        {"part": "speaker", "name": "陈立群", "title_line": "市科协主席"},
    )
    page = staff_client.get(event.get_absolute_url()).content.decode()
    assert "主持会议" in page and "陈立群" in page


def test_event_end_before_start_refused(staff_client):
    response = staff_client.post(
        reverse("events:event_create"),
        {"kind": "symposium", "theme": "x", "start_at": "2023-05-30T09:00", "end_at": "2023-05-29T11:00", "venue": "v"},
    )
    assert response.status_code == 200
    assert Event.objects.count() == 0


@pytest.mark.parametrize("name", ["event_list", "event_create"])
def test_staff_pages_refuse_strangers(stranger_client, name):
    assert stranger_client.get(reverse(name.join(["events:", ""]))).status_code == 403


def test_check_in_and_exports_refuse_strangers(stranger_client, client):
    event = EventFactory()
    for name in ("check_in", "check_in_status", "run_of_show", "attendance_export", "event_detail"):
        assert stranger_client.get(reverse(f"events:{name}", kwargs={"code": event.code})).status_code == 403
    client.logout()
    response = client.post(reverse("events:check_in", kwargs={"code": event.code}), {"code": "X"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_check_in_page_reports_reused_code(staff_client):
    attendee = AttendeeFactory()
    url = reverse("events:check_in", kwargs={"code": attendee.event.code})
    staff_client.post(url, {"code": attendee.pass_code})
    response = staff_client.post(url, {"code": attendee.pass_code}, follow=True)
    assert "已于" in response.content.decode()


def test_attendance_export_lists_check_ins(staff_client):
    attendee = AttendeeFactory(name="王芳")
    response = staff_client.get(reverse("events:attendance_export", kwargs={"code": attendee.event.code}))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == "王芳"


def test_public_registration_full_event_goes_to_waiting_list(client, mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=0, registration_open=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:public_detail", kwargs={"code": event.code}), {"name": "甲", "email": "a@example.org"}
        )
    assert response.url == event.get_public_url()
    assert not Attendee.objects.exists()
    pending = event.pending_registrations.get()
    assert settings.SITE_URL + pending.get_absolute_url() in mailoutbox[0].body
    assert client.get(pending.get_absolute_url()).status_code == 200
    response = client.post(pending.get_absolute_url())
    attendee = Attendee.objects.get()
    assert response.url == attendee.get_rsvp_url()
    assert attendee.status == Attendee.Status.WAITLISTED


def test_a_used_or_guessed_registration_link_is_404(client):
    pending = PendingRegistrationFactory()
    client.post(pending.get_absolute_url())
    for url in (pending.get_absolute_url(), reverse("events:registration_confirm", kwargs={"token": "x" * 32})):
        response = client.get(url)
        assert response.status_code == 404
        assert "此链接已失效" in response.content.decode()
    assert Attendee.objects.count() == 1


def test_private_event_page_is_not_public(client):
    event = EventFactory(is_public=False)
    assert client.get(reverse("events:public_detail", kwargs={"code": event.code})).status_code == 404


def test_rsvp_link_records_reply_and_needs(client):
    attendee = AttendeeFactory(status=Attendee.Status.PENDING)
    client.post(attendee.get_rsvp_url(), {"status": "confirmed", "special_needs": "轮椅通道"})
    attendee.refresh_from_db()
    assert (attendee.status, attendee.special_needs) == ("confirmed", "轮椅通道")


def test_pass_shows_qr_code(client):
    attendee = AttendeeFactory()
    assert attendee.pass_code in client.get(attendee.get_pass_url()).content.decode()
    response = client.get(reverse("events:pass_qr", kwargs={"token": attendee.token}))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content


def test_public_event_list_query_count(client, django_assert_num_queries):
    EventFactory.create_batch(5)
    with django_assert_num_queries(2):
        client.get(reverse("events:public_list"))
