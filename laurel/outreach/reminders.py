"""Reminder mail before confirmed talks. Idempotent: each (talk, kind) is sent once, recorded in SentReminder."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from laurel.outreach import mail
from laurel.outreach.models import SentReminder, Talk


def due_reminders(today: datetime.date) -> list[tuple[int, str]]:
    confirmed = Talk.objects.filter(status=Talk.Status.CONFIRMED)
    due = [
        (pk, SentReminder.Kind.TWO_DAYS)
        for pk in confirmed.filter(date=today + datetime.timedelta(days=2)).values_list("pk", flat=True)
    ]
    due += [
        (pk, SentReminder.Kind.CONNECTION)
        for pk in confirmed.filter(date=today + datetime.timedelta(days=1), delivery="online").values_list(
            "pk", flat=True
        )
    ]
    sent = set(SentReminder.objects.filter(talk_id__in=[pk for pk, _kind in due]).values_list("talk_id", "kind"))
    return [item for item in due if item not in sent]


def send_talk_reminders(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    count = 0
    for pk, kind in due_reminders(today):
        try:
            with transaction.atomic():
                SentReminder.objects.create(talk_id=pk, kind=kind)
                mail.send_reminder(pk, kind)
        except IntegrityError:
            continue
        count += 1
    return count
