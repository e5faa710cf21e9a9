"""The public notice: objections filed within the window, decided by staff with a reason. A replacement
selected after an upheld objection is noticed on its own, for the campaign's number of working days."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from laurel.core import ratelimit
from laurel.core.services import log_action
from laurel.honors import files, notifications, objectors, permissions
from laurel.honors.calendar import notice_end
from laurel.honors.models import Campaign, CommitteeDecision, Nomination, Objection, ObjectionEvidence, Stage
from laurel.honors.models.notices import MAX_STATEMENT_LENGTH, STATEMENT_TOO_LONG
from laurel.honors.nominations import move_nomination

MAX_EVIDENCE_FILES = 5
# Objections are rare and signed with a real name; this only bounds a flood from one network.
OBJECTIONS_PER_ADDRESS = ratelimit.Limit("honors.objection", count=10, seconds=3600)


def window_is_open(nomination: Nomination, now=None) -> bool:
    """Objections against `nomination` are accepted during its notice window: the campaign's, or its own when
    it replaced a removed candidate."""
    today = timezone.localdate(now or timezone.now())
    start, end = nomination.notice_window()
    return nomination.campaign.stage == Stage.NOTICE and start is not None and start <= today <= end


def still_noticed(campaign: Campaign, now=None) -> list[Nomination]:
    """Selected nominations whose own notice window (as replacements) has not ended yet."""
    today = timezone.localdate(now or timezone.now())
    nominations = campaign.nominations.selected().filter(notice_ends_on__gte=today).select_related("person")
    for nomination in nominations:
        nomination.campaign = campaign
    return sorted(
        (nomination for nomination in nominations if nomination.has_own_notice),
        key=lambda nomination: (nomination.notice_ends_on, nomination.person.name),
    )


def start_own_notice(nomination: Nomination, *, replaces: Nomination, actor) -> Nomination:
    """Notice a replacement from today for the campaign's number of working days (its holidays skipped, its
    make-up working days counted), so that anyone may object to it before publication."""
    campaign = nomination.campaign
    start = timezone.localdate()
    end = notice_end(
        start, campaign.notice_working_days, holidays=campaign.holiday_dates(), makeup=campaign.makeup_dates()
    )
    Nomination.objects.filter(pk=nomination.pk).update(notice_starts_on=start, notice_ends_on=end)
    nomination.notice_starts_on, nomination.notice_ends_on = start, end
    log_action(
        "honors.nomination.noticed",
        actor=actor,
        obj=nomination,
        data={"starts_on": start, "ends_on": end, "replaces": replaces.code},
    )
    return nomination


def file_objection(
    nomination: Nomination,
    *,
    full_name: str,
    contact: str,
    email: str,
    statement: str,
    address: str,
    evidence=(),
    verified_email: str = "",
):
    """Anyone may object during the window, with a real name (`objectors.name_problem`), a way to reach them (a
    valid phone number, or `verified_email`: the confirmed address of the account they are signed in with) and a
    statement; `address` is the client's network address (`laurel.core.net.client_address`), for the per-address
    limit."""
    if not window_is_open(nomination):
        start, end = nomination.notice_window()
        raise ValidationError(
            _("The public notice is closed; objections are accepted only from %(start)s to %(end)s.")
            % {"start": start or "-", "end": end or "-"},
            code="closed",
        )
    if nomination.status != Nomination.Status.SELECTED:
        raise ValidationError(_("This person is not a candidate under public notice."))
    # Every attempt counts against the address before anything costly happens: judging a photo can take seconds,
    # so an address that sends refused forms with files must run out of attempts like one that succeeds.
    if not ratelimit.allow_address(OBJECTIONS_PER_ADDRESS, address):
        raise ValidationError(
            _("Too many objections from your network in the last hour. Please try again later."), code="rate_limited"
        )
    errors = {}
    if problem := objectors.name_problem(full_name):
        errors["full_name"] = problem
    if problem := objectors.contact_problem(contact, verified_email=verified_email):
        errors["contact"] = problem
    if len(statement.strip()) < 10:
        errors["statement"] = _("Explain the objection in at least a sentence.")
    elif len(statement.strip()) > MAX_STATEMENT_LENGTH:
        errors["statement"] = STATEMENT_TOO_LONG % {
            "limit_value": MAX_STATEMENT_LENGTH,
            "show_value": len(statement.strip()),
        }
    if len(evidence) > MAX_EVIDENCE_FILES:
        errors["evidence"] = _("At most %(count)d files.") % {"count": MAX_EVIDENCE_FILES}
    if errors:
        # The files are judged only for an objection that is otherwise acceptable.
        raise ValidationError(errors)
    judged = []
    for upload in evidence:
        try:
            judged.append((files.judge_evidence(upload), files.display_name(upload)))
        except ValidationError as error:
            raise ValidationError({"evidence": error.error_list}) from None
    with transaction.atomic():
        objection = Objection.objects.create(
            nomination=nomination,
            full_name=full_name.strip(),
            contact=contact.strip() or verified_email,
            email=email.strip() or verified_email,
            statement=statement.strip(),
            language=get_language() or "zh-hans",
        )
        ObjectionEvidence.objects.bulk_create(
            ObjectionEvidence(objection=objection, file=judged_file, original_name=name) for judged_file, name in judged
        )
        log_action(
            "honors.objection.filed", obj=nomination, data={"objection": objection.pk, "name": objection.full_name}
        )
    return objection


def _replace(removed: Nomination, *, reason: str, cause: str, actor) -> list[Nomination]:
    """The replacements for a removed candidate, recorded as a committee decision. An upheld objection or a veto
    removes the candidate even when no eligible nomination keeps every hard rule (group rules too) in their place:
    the place then stays empty (logged and recorded) for the committee."""
    from laurel.honors import committee  # the exact selection loads scipy: only when a candidate is removed

    campaign = removed.campaign
    try:
        with transaction.atomic():
            added = committee.propose_replacement(campaign, actor=actor)
            committee.record_decision(
                campaign, kind=CommitteeDecision.Kind.REPLACED, actor=actor, reason=reason, cause=cause,
                removed=[removed.code], added=[nomination.code for nomination in added],
            )  # fmt: skip
            return added
    except ValidationError as error:
        if getattr(error, "code", None) != "infeasible":
            raise
    committee.record_decision(
        campaign, kind=CommitteeDecision.Kind.NOT_REPLACED, actor=actor, reason=reason, cause=cause,
        removed=[removed.code],
    )  # fmt: skip
    log_action("honors.nomination.not_replaced", actor=actor, obj=campaign, data={"removed": removed.code})
    return []


# What the nominator reads about a removal: the cause, never the staff's reason (it may name the objector, another
# unit's candidate or a vetting body's finding).
REMOVAL_NOTES = {
    CommitteeDecision.Cause.VETTING: gettext_lazy("Not cleared in the joint vetting."),
    CommitteeDecision.Cause.OBJECTION: gettext_lazy("Removed after an objection was upheld in the public notice."),
}


def remove_and_replace(nomination: Nomination, *, reason: str, cause: str, actor, data=None) -> list[Nomination]:
    """Remove a selected candidate (an upheld objection, a veto in the joint vetting) and select the best eligible
    replacements that keep every hard rule; during the public notice each is noticed on its own from today.
    `reason` is the staff's (kept in the decision record and the audit log); the nominator reads only the cause."""
    move_nomination(
        nomination, to=Nomination.Status.REMOVED, actor=actor, reason=str(REMOVAL_NOTES[cause]),
        data={**(data or {}), "cause": cause, "staff_reason": reason},
    )  # fmt: skip
    added = _replace(nomination, reason=reason, cause=cause, actor=actor)
    if nomination.campaign.stage == Stage.NOTICE:
        for replacement in added:
            start_own_notice(replacement, replaces=nomination, actor=actor)
    return added


def decide_objection(objection: Objection, *, upheld: bool, reason: str, actor) -> Nomination | None:
    """Dismiss or uphold. Upholding removes the candidate and selects the next eligible one, rules holding;
    during the public notice the replacement gets its own notice window from today."""
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
            added = remove_and_replace(
                nomination, reason=reason, cause=CommitteeDecision.Cause.OBJECTION, actor=actor,
                data={"objection": objection.pk},
            )  # fmt: skip
            replacement = added[0] if added else None
        notifications.objection_decided(objection)
    return replacement
