"""Reads of technical needs that other apps repeat."""

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from laurel.needs.models import ServiceRecord


def service_years() -> list[dict]:
    """Years with validated volunteer service, newest first, with how many experts served (certificates)."""
    return list(
        ServiceRecord.objects.filter(status=ServiceRecord.Status.VALIDATED)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(experts=Count("user", distinct=True), hours=Sum("hours"))
        .order_by("-year")
    )


def volunteers(year: int) -> list[dict]:
    """Each expert's validated volunteer service in `year`: user, records, hours, people reached."""
    return list(
        ServiceRecord.objects.filter(status=ServiceRecord.Status.VALIDATED, date__year=year)
        .values("user")
        .annotate(records=Count("pk"), hours=Sum("hours"), people=Sum("people_reached"))
        .order_by("user")
    )
