"""Reads that repeat: the rounds' panel feedback, the path of a consultation, an expert's served consultations."""

from django.db.models import Sum
from django.utils.translation import gettext as _

from laurel.consultations.models import Consultation, Rating, Round, Seat, Statement
from laurel.core.models import AuditEntry
from laurel.honors.models import Review
from laurel.needs.models import ServiceRecord
from laurel.outreach.models import Talk


def served_by(user):
    return (
        Seat.objects.filter(user=user)
        .exclude(status=Seat.Status.DECLINED)
        .select_related("consultation__asking_body")
        .order_by("-consultation__created_at")
    )


def feedback(consultation: Consultation, seat: Seat | None, delphi_round: Round | None) -> list[dict]:
    """Per statement: the seat's rating in the open round, its own last rating and the panel's anonymous figures
    and comments from the last closed round (what RAND's method shows from round 2 on)."""
    statements = list(consultation.statements.order_by("pk"))
    last_closed = consultation.rounds.filter(status=Round.Status.CLOSED).order_by("-number").first()
    results = (last_closed.results or {}).get("statements", {}) if last_closed else {}
    current, previous, comments = {}, {}, {}
    if seat is not None and delphi_round is not None:
        current = {rating.statement_id: rating for rating in Rating.objects.filter(round=delphi_round, seat=seat)}
    if last_closed is not None:
        if seat is not None:
            previous = {rating.statement_id: rating for rating in Rating.objects.filter(round=last_closed, seat=seat)}
        for statement_id, comment in (
            Rating.objects.filter(round=last_closed)
            .exclude(comment="")
            .order_by("pk")
            .values_list("statement", "comment")
        ):
            comments.setdefault(statement_id, []).append(comment)
    return [
        {
            "statement": statement,
            "current": current.get(statement.pk),
            "previous": previous.get(statement.pk),
            "panel": results.get(str(statement.pk)),
            "comments": comments.get(statement.pk, []),
        }
        for statement in statements
    ]


def timeline(consultation: Consultation) -> list[dict]:
    """The consultation's path: entered, accepted, each round opened and closed, delivered, responded. Steps carry
    no names, so the public page can show the same path."""
    labels = {
        "consultations.consultation.created": _("Entered"),
        "consultations.consultation.verified": _("Submitted by the asking body"),
        "consultations.consultation.accepted": _("Accepted by the association"),
        "consultations.consultation.rejected": _("Not accepted"),
        "consultations.consultation.started": _("Delphi rounds started"),
        "consultations.consultation.concluded": _("Rounds concluded"),
    }
    steps = [
        {"at": entry.created_at, "label": labels[entry.action], "detail": ""}
        for entry in AuditEntry.objects.for_object(consultation).filter(action__in=list(labels)).order_by("pk")
    ]
    for delphi_round in consultation.rounds.order_by("number"):
        steps.append(
            {
                "at": delphi_round.opened_at,
                "label": _("Round %(number)d opened") % {"number": delphi_round.number},
                "detail": "",
            }  # fmt: skip
        )
        if delphi_round.closed_at:
            agreed = sum(1 for item in (delphi_round.results or {}).get("statements", {}).values() if item["consensus"])
            steps.append(
                {
                    "at": delphi_round.closed_at,
                    "label": _("Round %(number)d closed") % {"number": delphi_round.number},
                    "detail": _("%(count)d statements in consensus") % {"count": agreed},
                }
            )
    if consultation.stop_reason:
        steps.append({"at": None, "label": consultation.get_stop_reason_display(), "detail": ""})
    for delivery in consultation.deliveries.all():
        steps.append({"at": delivery.delivered_on, "label": _("Report delivered"), "detail": ""})
    for response in consultation.responses.all():
        steps.append({"at": response.responded_on, "label": response.get_kind_display(), "detail": ""})
    return steps


def statements_with_results(consultation: Consultation, delphi_round: Round) -> list[tuple[Statement, dict]]:
    results = (delphi_round.results or {}).get("statements", {})
    return [(statement, results.get(str(statement.pk))) for statement in consultation.statements.order_by("pk")]


def contribution(user) -> dict:
    """What an expert has done for the association, across the apps (the desk's one record of it): reviews
    submitted, talks given, consultations served to the end, validated volunteer service. Four counting queries."""
    given = [Talk.Status.DELIVERED, Talk.Status.REPORTED, Talk.Status.CLOSED]
    finished = [Consultation.Status.CONCLUDED, Consultation.Status.DELIVERED, Consultation.Status.RESPONDED]
    hours = ServiceRecord.objects.filter(user=user, status=ServiceRecord.Status.VALIDATED).aggregate(total=Sum("hours"))
    return {
        "reviews": Review.objects.filter(assignment__expert=user).count(),
        "talks": Talk.objects.filter(speaker__user=user, status__in=given).count(),
        "consultations": Seat.objects.filter(
            user=user, status=Seat.Status.ACCEPTED, consultation__status__in=finished
        ).count(),
        "service_hours": hours["total"] or 0,
    }
