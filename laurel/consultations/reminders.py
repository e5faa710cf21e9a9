"""Reminders before a round's deadline to serving experts who have not rated every statement. Idempotent: each
(round, seat) is mailed once, recorded in SentReminder."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from laurel.consultations import mail
from laurel.consultations.models import Round, Seat, SentReminder

# The job runs hourly; an expert hears once, about a day before the round closes.
AHEAD = datetime.timedelta(hours=24)


def due_reminders(now: datetime.datetime) -> list[tuple[Round, Seat]]:
    due = []
    rounds = Round.objects.filter(status=Round.Status.OPEN, deadline__gt=now, deadline__lte=now + AHEAD).select_related(
        "consultation"
    )
    for delphi_round in rounds:
        total = delphi_round.consultation.statements.count()
        seats = (
            delphi_round.consultation.seats.filter(status=Seat.Status.ACCEPTED)
            .exclude(pk__in=SentReminder.objects.filter(round=delphi_round).values("seat"))
            .annotate(rated=Count("ratings", filter=Q(ratings__round=delphi_round)))
            .filter(rated__lt=total)
            .select_related("user")
        )
        due += [(delphi_round, seat) for seat in seats]
    return due


def send_round_reminders(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    count = 0
    for delphi_round, seat in due_reminders(now):
        try:
            with transaction.atomic():
                SentReminder.objects.create(round=delphi_round, seat=seat)
                mail.send_round_mail(delphi_round, seat, reminder=True)
        except IntegrityError:
            continue  # another run sent it
        count += 1
    return count
