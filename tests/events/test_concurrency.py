"""Two visitors confirm their registrations for the last seat at the same moment: only one may get it."""

import threading

import pytest
from django.db import connection

from laurel.events import services
from laurel.events.models import Attendee
from tests.factories.events import EventFactory, PendingRegistrationFactory

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]


def _race(monkeypatch, event):
    barrier = threading.Barrier(2, timeout=1.5)
    original = services._has_seat

    def slow_has_seat(locked_event):
        seat = original(locked_event)
        try:
            barrier.wait()  # both threads have counted before either inserts, unless the lock serializes them
        except threading.BrokenBarrierError:
            pass
        return seat

    monkeypatch.setattr(services, "_has_seat", slow_has_seat)
    pending = [PendingRegistrationFactory(event=event) for _index in range(2)]
    errors = []

    def register(index):
        try:
            services.confirm_registration(pending[index])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return sorted(event.attendees.values_list("status", flat=True))


def test_two_simultaneous_registrations_for_the_last_seat(monkeypatch):
    event = EventFactory(capacity=1, registration_open=True)
    assert _race(monkeypatch, event) == [Attendee.Status.CONFIRMED, Attendee.Status.WAITLISTED]


def test_without_the_row_lock_the_race_oversells(monkeypatch):
    monkeypatch.setattr(services, "LOCK_EVENT_ROW", False)
    event = EventFactory(capacity=1, registration_open=True)
    assert _race(monkeypatch, event) == [Attendee.Status.CONFIRMED, Attendee.Status.CONFIRMED]
