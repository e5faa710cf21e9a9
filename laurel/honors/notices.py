"""The public notice: objections filed within the window, decided by staff with a reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import committee, files, notifications, permissions
from laurel.honors.models import Nomination, Objection, ObjectionEvidence, Stage
from laurel.honors.nominations import move_nomination

MAX_EVIDENCE_FILES = 5


def window_is_open(campaign, now=None) -> bool:
    today = timezone.localdate(now or timezone.now())
    return (
        campaign.stage == Stage.NOTICE
        and campaign.notice_starts_on is not None
        and campaign.notice_starts_on <= today <= campaign.notice_ends_on
    )


def file_objection(nomination: Nomination, *, full_name: str, contact: str, email: str, statement: str, evidence=()):
    """Anyone may object during the window, with a real name, contact details and a statement."""
    campaign = nomination.campaign
    if not window_is_open(campaign):
        raise ValidationError(
            _("The public notice is closed; objections are accepted only from %(start)s to %(end)s.")
            % {"start": campaign.notice_starts_on or "-", "end": campaign.notice_ends_on or "-"},
            code="closed",
        )
    if nomination.status != Nomination.Status.SELECTED:
        raise ValidationError(_("This person is not a candidate under public notice."))
    errors = {}
    if len(full_name.strip()) < 2:
        errors["full_name"] = _("Anonymous objections are not accepted: give your real name.")
    if len(contact.strip()) < 5:
        errors["contact"] = _("Give a phone number or address where the association can reach you.")
    if len(statement.strip()) < 10:
        errors["statement"] = _("Explain the objection in at least a sentence.")
    if len(evidence) > MAX_EVIDENCE_FILES:
        errors["evidence"] = _("At most %(count)d files.") % {"count": MAX_EVIDENCE_FILES}
    for upload in evidence:
        try:
            files.validate_evidence(upload)
        except ValidationError as error:
            errors["evidence"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        objection = Objection.objects.create(
            nomination=nomination,
            full_name=full_name.strip(),
            contact=contact.strip(),
            email=email.strip(),
            statement=statement.strip(),
            language=get_language() or "zh-hans",
        )
        ObjectionEvidence.objects.bulk_create(
            ObjectionEvidence(objection=objection, file=upload) for upload in evidence
        )
        log_action(
            "honors.objection.filed", obj=nomination, data={"objection": objection.pk, "name": objection.full_name}
        )
    return objection


def decide_objection(objection: Objection, *, upheld: bool, reason: str, actor) -> Nomination | None:
    """Dismiss or uphold. Upholding removes the candidate and selects the next eligible one, rules holding."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    replacement = None
    with transaction.atomic():
        updated = Objection.objects.filter(pk=objection.pk, status=Objection.Status.PENDING).update(
            status=status, decision_reason=reason, decided_by=actor, decided_at=timezone.now()
        )
        if updated != 1:
            raise ValidationError(_("Someone else decided this objection first; reload the page."))
        objection.refresh_from_db()
        log_action(
            f"honors.objection.{status}",
            actor=actor,
            obj=objection.nomination,
            data={"objection": objection.pk, "reason": reason},
        )
        nomination = objection.nomination
        if upheld and nomination.status == Nomination.Status.SELECTED:
            move_nomination(nomination, to=Nomination.Status.REMOVED, actor=actor, reason=reason)
            replacement = committee.propose_replacement(nomination.campaign, actor=actor)
        notifications.objection_decided(objection)
    return replacement
