"""Consultations' audit entries as sentences (read by `laurel.core.audit_texts`)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "consultations.consultation.created": _("%(actor)s entered the consultation “%(object)s”."),
    "consultations.consultation.verified": _("%(actor)s: the asking body confirmed its address for “%(object)s”."),
    "consultations.consultation.accepted": _("%(actor)s accepted the consultation “%(object)s”."),
    "consultations.consultation.rejected": _("%(actor)s declined the consultation “%(object)s”."),
    "consultations.consultation.started": _("%(actor)s started the rounds of “%(object)s”."),
    "consultations.consultation.concluded": _("%(actor)s concluded the consultation “%(object)s”."),
    "consultations.consultation.delivered": _("%(actor)s delivered the report of “%(object)s”."),
    "consultations.consultation.responded": _("%(actor)s: the asking body responded to “%(object)s”."),
    "consultations.interest.declared": _("%(actor)s declared an interest: %(object)s."),
    "consultations.material.added": _("%(actor)s added material to “%(object)s”."),
    "consultations.rating.given": _("%(actor)s rated a statement: %(object)s."),
    "consultations.report.comments_picked": _("%(actor)s picked the comments for the report of “%(object)s”."),
    "consultations.report.delivered": _("%(actor)s recorded a delivery of the report: %(object)s."),
    "consultations.report.rendered": _("%(actor)s made the report of “%(object)s”."),
    "consultations.response.recorded": _("%(actor)s recorded the asking body's response: %(object)s."),
    "consultations.round.closed": _("%(actor)s closed a round: %(object)s."),
    "consultations.round.opened": _("%(actor)s opened a round: %(object)s."),
    "consultations.seat.accepted": _("%(actor)s accepted a seat on the panel: %(object)s."),
    "consultations.seat.declined": _("%(actor)s declined a seat on the panel: %(object)s."),
    "consultations.seat.invited": _("%(actor)s invited an expert to the panel: %(object)s."),
    "consultations.statement.added": _("%(actor)s added a statement: %(object)s."),
}
