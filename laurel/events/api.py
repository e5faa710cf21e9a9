"""Public events in the JSON API (read-only)."""

import datetime

from ninja import Query, Router, Schema

from laurel.events.models import Event

router = Router(tags=["events"])


class EventOut(Schema):
    code: str
    kind: str
    theme: str
    theme_en: str
    start_at: datetime.datetime
    end_at: datetime.datetime
    venue: str
    registration_open: bool
    url: str

    @staticmethod
    def resolve_url(event):
        return event.get_public_url()


@router.get("/events", response=list[EventOut])
def list_public_events(
    request,
    upcoming: bool = False,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
):
    """Events shown on the public site, the latest first (or the next first with `upcoming=true`)."""
    events = Event.objects.public().upcoming() if upcoming else Event.objects.public().order_by("-start_at")
    return list(events[offset : offset + limit])
