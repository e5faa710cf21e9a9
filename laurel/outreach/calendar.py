"""The .ics invitation of a confirmed talk."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from laurel.outreach.models import Slot, Talk

SLOT_START = {
    Slot.MORNING: datetime.time(9, 0),
    Slot.AFTERNOON: datetime.time(14, 30),
    Slot.EVENING: datetime.time(19, 0),
}
LENGTH = datetime.timedelta(minutes=120)


def talk_ics(talk: Talk) -> bytes:
    start = datetime.datetime.combine(talk.date, SLOT_START[talk.slot], tzinfo=ZoneInfo(settings.TIME_ZONE))
    calendar = Calendar()
    calendar.add("prodid", "-//Laurel//outreach//")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"talk-{talk.code}@laurel")
    event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + LENGTH)
    title = talk.topic.title if talk.topic else talk.wanted_topic
    event.add("summary", f"{title} · {talk.host_name}")
    speaker = talk.speaker.person.name if talk.speaker else ""
    event.add("description", f"{speaker}\n{talk.contact_name} {talk.contact_phone}")
    event.add("location", "online" if talk.delivery == "online" else f"{talk.district.name} {talk.address}")
    calendar.add_component(event)
    return calendar.to_ical()
