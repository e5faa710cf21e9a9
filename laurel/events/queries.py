"""Reads about events that repeat."""

from django.db.models import Count, Q
from django.utils import timezone

from laurel.events.models import Attendee, Event


def next_public_events(limit: int = 5):
    return list(Event.objects.public().upcoming()[:limit])


def front_page(request):
    events = next_public_events()
    return {"events": events} if events else None


def attendance(event: Event, now=None) -> dict:
    """Who came, who came late and who is missing (confirmed but not checked in once the event started)."""
    now = now or timezone.now()
    attendees = list(event.attendees.exclude(status=Attendee.Status.DECLINED).order_by("name", "pk"))
    checked_in = [attendee for attendee in attendees if attendee.checked_in_at]
    late = sorted((a for a in checked_in if a.checked_in_at > event.start_at), key=lambda a: a.checked_in_at)
    expected = [a for a in attendees if a.status == Attendee.Status.CONFIRMED or a.checked_in_at]
    absent = [a for a in expected if not a.checked_in_at] if now >= event.start_at else []
    return {
        "expected": len(expected),
        "checked_in": len(checked_in),
        "late": late,
        "absent": absent,
        "started": now >= event.start_at,
    }


def counts(event: Event) -> dict:
    return event.attendees.aggregate(
        confirmed=Count("pk", filter=Q(status=Attendee.Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Attendee.Status.WAITLISTED)),
        pending=Count("pk", filter=Q(status=Attendee.Status.PENDING)),
        declined=Count("pk", filter=Q(status=Attendee.Status.DECLINED)),
    )
