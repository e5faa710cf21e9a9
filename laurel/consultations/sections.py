"""Consultations' places on shared pages: a header link, the expert's desk section, the staff's desk section."""

from django.utils.translation import gettext_lazy as _

from laurel.consultations import permissions
from laurel.core import registry


def _expert_desk(request):
    from laurel.consultations import queries

    if not permissions.is_expert(request.user):
        return None
    seats = list(queries.served_by(request.user)[:50])
    return {
        "invited": [seat for seat in seats if seat.status == seat.Status.INVITED],
        "serving": [seat for seat in seats if seat.status == seat.Status.ACCEPTED],
        "contribution": queries.contribution(request.user),
    }


def _staff_desk(request):
    from django.db.models import Count

    from laurel.consultations.models import Consultation

    if not permissions.can_manage_consultations(request.user):
        return None
    counts = dict(Consultation.objects.values("status").annotate(total=Count("pk")).values_list("status", "total"))
    return {"counts": [(status, label, counts.get(status, 0)) for status, label in Consultation.Status.choices]}


def register() -> None:
    registry.register_nav(registry.NavItem(_("Consultations"), "consultations:public_list", order=45))
    registry.register_desk(registry.Section("consultations/desk_expert.html", _expert_desk, order=45))
    registry.register_desk(registry.Section("consultations/desk_staff.html", _staff_desk, order=46))
