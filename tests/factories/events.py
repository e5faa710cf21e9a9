import datetime

import factory
from django.utils import timezone

from laurel.events.models import Attendee, Event, PendingRegistration


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = Event.Kind.SYMPOSIUM
    theme = factory.Sequence(lambda n: f"云州市科技工作者日座谈会{n}")
    theme_en = factory.Sequence(lambda n: f"Yunzhou Workers' Day Symposium {n}")
    start_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    end_at = factory.LazyAttribute(lambda event: event.start_at + datetime.timedelta(hours=2))
    venue = "云州市科技馆报告厅"
    is_public = True


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    event = factory.SubFactory(EventFactory)
    category = Attendee.Category.GUEST
    name = factory.Sequence(lambda n: f"嘉宾{n}")
    email = factory.Sequence(lambda n: f"guest{n}@example.org")
    status = Attendee.Status.CONFIRMED


class PendingRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingRegistration

    event = factory.SubFactory(EventFactory, registration_open=True)
    name = factory.Sequence(lambda n: f"访客{n}")
    email = factory.Sequence(lambda n: f"visitor{n}@example.org")
