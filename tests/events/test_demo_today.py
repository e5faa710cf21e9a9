import io

import pytest
from django.utils import timezone

from laurel.events import demo as events_demo
from laurel.events.models import Event
from laurel.people import demo as people_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_event_today_with_passes_to_check_in(staff_client):
    people_demo.seed(stdout=io.StringIO())
    events_demo.seed(stdout=io.StringIO())
    event = Event.objects.get(code="EVTODAY001")
    assert timezone.localtime(event.start_at).date() == timezone.localdate()
    attendee = event.attendees.first()
    response = staff_client.post(f"/staff/events/{event.code}/check-in/", {"code": attendee.pass_code})
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.checked_in_at is not None
    Event.objects.filter(pk=event.pk).update(start_at=event.start_at - timezone.timedelta(days=3))
    events_demo.seed(stdout=io.StringIO())  # loaded again on another day: the event moves to that day
    event.refresh_from_db()
    assert timezone.localtime(event.start_at).date() == timezone.localdate()
    assert event.attendees.count() == 12
