"""Every write about consultations. One transition function moves a consultation through its life cycle."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.consultations import mail
from laurel.consultations.models import Consultation, DeclaredInterest, Delivery, Material, Response
from laurel.core.services import log_action
from laurel.core.uploads import judge_pdf_or_image

S = Consultation.Status

# old status -> {new status: action verb}. Nothing else is allowed.
TRANSITIONS: dict[str, dict[str, str]] = {
    S.UNVERIFIED: {S.SUBMITTED: "verified"},
    S.SUBMITTED: {S.ACCEPTED: "accepted", S.REJECTED: "rejected"},
    S.ACCEPTED: {S.IN_ROUNDS: "started"},
    S.IN_ROUNDS: {S.CONCLUDED: "concluded"},
    S.CONCLUDED: {S.DELIVERED: "delivered"},
    S.DELIVERED: {S.RESPONDED: "responded"},
    S.RESPONDED: {},
    S.REJECTED: {},
}
MAX_MATERIALS = 10


class InvalidTransition(ValidationError):
    def __init__(self, consultation: Consultation, old: str, new: str):
        current = Consultation.objects.filter(pk=consultation.pk).values_list("status", flat=True).first() or old
        super().__init__(
            _(
                "This consultation cannot move from “%(old)s” to “%(new)s”: it is now “%(current)s”. "
                "Someone may have acted first; reload the page."
            )
            % {"old": S(old).label, "new": S(new).label, "current": S(current).label},
            code="invalid_transition",
        )


def transition(consultation: Consultation, *, to: str, actor, changes: dict[str, Any] | None = None, data=None):
    """Move `consultation` to `to` if the table allows it and nobody moved it first; log the move."""
    old = consultation.status
    if to not in TRANSITIONS[old]:
        raise InvalidTransition(consultation, old, to)
    changes = changes or {}
    with transaction.atomic():
        updated = Consultation.objects.filter(pk=consultation.pk, status=old).update(status=to, **changes)
        if updated != 1:
            raise InvalidTransition(consultation, old, to)
        for field, value in changes.items():
            setattr(consultation, field, value)
        consultation.status = to
        log_action(
            f"consultations.consultation.{TRANSITIONS[old][to]}",
            actor=actor,
            obj=consultation,
            data={"from": old, "to": to, **(data or {})},
        )
    return consultation


# Entering a consultation --------------------------------------------------------------------------------


def refuse_classified(classified: bool) -> None:
    """Classified work (涉密) never goes on an internet-facing system: refused before anything is stored."""
    if classified:
        raise ValidationError(
            _(
                "Classified (涉密) consultations do not belong on Laurel, which is reachable from the internet. "
                "Handle this question through your unit's confidential channels; nothing was saved."
            ),
            code="classified",
        )


def _judge_materials(uploads: list) -> list:
    if len(uploads) > MAX_MATERIALS:
        raise ValidationError({"materials": _("At most %(count)d files.") % {"count": MAX_MATERIALS}})
    judged = []
    for upload in uploads:  # PDFs read by pypdf, photos re-encoded without metadata (laurel/core/uploads.py)
        try:
            judged.append((getattr(upload, "name", "") or "file", judge_pdf_or_image(upload)))
        except ValidationError as error:
            raise ValidationError({"materials": error.error_list}) from None
    return judged


def _create(*, data: dict[str, Any], classified: bool, uploads: list, status: str, actor) -> Consultation:
    refuse_classified(classified)
    if data["deadline"] <= timezone.localdate():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    judged = _judge_materials(uploads)
    consultation = Consultation(status=status, **data)
    consultation.full_clean()
    with transaction.atomic():
        consultation.save()
        for name, file in judged:
            Material.objects.create(consultation=consultation, name=name[:200], file=file)
        log_action(
            "consultations.consultation.created",
            actor=actor,
            obj=consultation,
            data={"status": status, "asking_body": consultation.asking_body_id, "materials": len(judged)},
        )
    return consultation


def create_consultation(*, actor, data: dict[str, Any], classified: bool = False, uploads=()) -> Consultation:
    """Staff enter a consultation the body sent them: accepted at once."""
    return _create(data=data, classified=classified, uploads=list(uploads), status=S.ACCEPTED, actor=actor)


def submit_consultation(*, data: dict[str, Any], classified: bool = False, uploads=()) -> Consultation:
    """The asking body's own submission, without an account: it waits for the mailed link, then for staff."""
    consultation = _create(data=data, classified=classified, uploads=list(uploads), status=S.UNVERIFIED, actor=None)
    transaction.on_commit(lambda: mail.send_verification(consultation.pk))
    return consultation


def verify_submission(consultation: Consultation) -> Consultation:
    return transition(consultation, to=S.SUBMITTED, actor=None)


def accept(consultation: Consultation, *, actor) -> Consultation:
    consultation = transition(consultation, to=S.ACCEPTED, actor=actor)
    transaction.on_commit(lambda: mail.send_status(consultation.pk))
    return consultation


def reject(consultation: Consultation, *, actor, reason: str) -> Consultation:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the asking body a reason.")})
    consultation = transition(consultation, to=S.REJECTED, actor=actor, data={"reason": reason[:500]})
    transaction.on_commit(lambda: mail.send_status(consultation.pk, reason=reason[:500]))
    return consultation


def add_materials(consultation: Consultation, *, uploads: list, actor) -> list[Material]:
    if consultation.materials.count() + len(uploads) > MAX_MATERIALS:
        raise ValidationError({"materials": _("At most %(count)d files.") % {"count": MAX_MATERIALS}})
    judged = _judge_materials(uploads)
    with transaction.atomic():
        created = [
            Material.objects.create(consultation=consultation, name=name[:200], file=file) for name, file in judged
        ]
        log_action("consultations.material.added", actor=actor, obj=consultation, data={"count": len(created)})
    return created


def declare_interest(consultation: Consultation, *, person, note: str, actor) -> DeclaredInterest:
    note = note.strip()[:300]
    if not note:
        raise ValidationError({"note": _("Say what the interest is.")})
    with transaction.atomic():
        interest, _created = DeclaredInterest.objects.update_or_create(
            consultation=consultation, person=person, defaults={"note": note}
        )
        log_action(
            "consultations.interest.declared", actor=actor, obj=consultation, data={"person": person.pk, "note": note}
        )
    return interest


# Delivery and response ----------------------------------------------------------------------------------


def record_delivery(
    consultation: Consultation, *, delivered_on: datetime.date, recipient: str, channel: str, actor
) -> Delivery:
    """The report handed to the asking body. The first delivery moves the consultation; later ones are kept too."""
    if not consultation.report:
        raise ValidationError(_("Render the report before recording its delivery."), code="no_report")
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The delivery date cannot be in the future.")})
    if consultation.status not in (S.CONCLUDED, S.DELIVERED, S.RESPONDED):
        raise InvalidTransition(consultation, consultation.status, S.DELIVERED)
    with transaction.atomic():
        if consultation.status == S.CONCLUDED:
            transition(consultation, to=S.DELIVERED, actor=actor)
        delivery = Delivery.objects.create(
            consultation=consultation,
            delivered_on=delivered_on,
            recipient=recipient[:200],
            channel=channel[:200],
            recorded_by=actor,
        )
        log_action(
            "consultations.report.delivered",
            actor=actor,
            obj=consultation,
            data={"on": delivered_on.isoformat(), "recipient": recipient[:200]},
        )
        transaction.on_commit(lambda: mail.send_delivered(consultation.pk))
    return delivery


def record_response(
    consultation: Consultation, *, kind: str, responded_on: datetime.date, text: str, actor=None
) -> Response:
    """The body's adoption or a leader's instruction, recorded by staff or by the body through its private link."""
    if kind not in Response.Kind.values:
        raise ValidationError({"kind": _("Choose a response.")})
    if responded_on > timezone.localdate():
        raise ValidationError({"responded_on": _("The date cannot be in the future.")})
    delivered = consultation.deliveries.order_by("delivered_on").values_list("delivered_on", flat=True).first()
    if delivered is None or consultation.status not in (S.DELIVERED, S.RESPONDED):
        raise ValidationError(_("A response can be recorded once the report is delivered."), code="not_delivered")
    if responded_on < delivered:
        raise ValidationError({"responded_on": _("The response cannot predate the report's delivery.")})
    with transaction.atomic():
        if consultation.status == S.DELIVERED:
            transition(consultation, to=S.RESPONDED, actor=actor, data={"kind": kind})
        response = Response.objects.create(
            consultation=consultation, kind=kind, responded_on=responded_on, text=text.strip()[:4000]
        )
        log_action(
            "consultations.response.recorded",
            actor=actor,
            obj=consultation,
            data={"kind": kind, "on": responded_on.isoformat()},
        )
    return response
