"""Requests nobody could take in time expire: a request still waiting for a speaker once its last preferred
date has come, or dispatched to a speaker who did not answer before the talk's date. The host is told and may
ask again with new dates. Idempotent (the transition is a conditional write): run daily from cron."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from laurel.outreach import mail, services
from laurel.outreach.models import Talk

S = Talk.Status


def stale_requests(today: datetime.date) -> list[Talk]:
    """Requests that can no longer be scheduled: no preferred date after today, or dispatched for today or
    earlier without an answer. (A talk is scheduled at least a day ahead, so today counts as passed.)"""
    waiting = (
        Talk.objects.filter(status__in=[S.REQUESTED, S.REVIEWED])
        .annotate(last_preferred=Max("preferred_dates__date"))
        .filter(last_preferred__lte=today)
    )
    unanswered = Talk.objects.filter(status=S.DISPATCHED, date__lte=today)
    return [*waiting.order_by("pk"), *unanswered.order_by("pk")]


def expire_stale_requests(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    count = 0
    for talk in stale_requests(today):
        try:
            with transaction.atomic():
                services.transition(talk, to=S.EXPIRED, actor=None, data={"today": today.isoformat()})
                transaction.on_commit(lambda pk=talk.pk: mail.send_expired(pk))
        except services.InvalidTransition:
            continue  # moved on meanwhile (accepted, cancelled, or expired by another run)
        count += 1
    return count
