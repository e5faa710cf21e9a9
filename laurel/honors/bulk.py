"""Bulk work for staff: the eligibility check of many submitted nominations at once, with one reason.

One call checks a whole batch in one transaction. Each nomination still moves through `move_nomination` (so each
gets its own conditional update, audit entry and mail); a nomination that cannot move (already checked, withdrawn,
of another campaign) is skipped with the reason, and the rest go through.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laurel.honors import nominations, permissions
from laurel.honors.models import Assignment, Campaign, Nomination, Stage

Status = Nomination.Status
# A bulk check passes or returns; a rejection stays a decision taken one nomination at a time, on its page.
BULK_OUTCOMES = {"pass": Status.ELIGIBLE, "return": Status.RETURNED}
# More than a page of the staff list (50) is never sent by the form; the cap keeps one transaction short.
BATCH_LIMIT = 200


@dataclass
class BulkResult:
    moved: list[Nomination] = field(default_factory=list)
    skipped: list[tuple[Nomination, str]] = field(default_factory=list)

    def skipped_text(self) -> str:
        """张三 (Eligible, already checked); 李四 (Withdrawn): one line for the staff's message."""
        return pgettext("between the items of a list", "; ").join(
            _("%(name)s (%(why)s)") % {"name": nomination.person.name, "why": why} for nomination, why in self.skipped
        )


def _why_skipped(nomination: Nomination, campaign: Campaign) -> str | None:
    if nomination.campaign_id != campaign.pk:
        return _("of another campaign")
    if nomination.status != Status.SUBMITTED:
        return _("%(status)s, not waiting for the check") % {"status": Status(nomination.status).label}
    return None


def check_eligibility_in_bulk(
    campaign: Campaign, *, nominations_to_check: list[Nomination], outcome: str, reason: str, actor
) -> BulkResult:
    """Pass or return every submitted nomination of `nominations_to_check` with one reason (required to return:
    the nominators read it). Nominations in any other state are skipped and reported with the reason."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if campaign.stage not in {Stage.OPEN, Stage.ELIGIBILITY}:
        raise ValidationError(_("The eligibility check is over for this campaign."))
    if outcome not in BULK_OUTCOMES:
        raise ValidationError({"outcome": _("Choose pass or return.")})
    reason = reason.strip()
    if outcome == "return" and not reason:
        raise ValidationError({"reason": _("Give the reason; the nominators will read it.")})
    if len(reason) > nominations.EXPLANATION_LIMIT:
        raise ValidationError(
            {"reason": _("The reason has %(length)d characters; the limit is %(limit)d.")
             % {"length": len(reason), "limit": nominations.EXPLANATION_LIMIT}}
        )  # fmt: skip
    if not nominations_to_check:
        raise ValidationError(_("Tick at least one nomination."))
    if len(nominations_to_check) > BATCH_LIMIT:
        raise ValidationError(_("At most %(limit)d nominations at a time.") % {"limit": BATCH_LIMIT})
    result = BulkResult()
    with transaction.atomic():
        for nomination in nominations_to_check:
            why = _why_skipped(nomination, campaign)
            if why is None:
                try:
                    nominations.move_nomination(
                        nomination, to=BULK_OUTCOMES[outcome], actor=actor, reason=reason, data={"bulk": True}
                    )
                except ValidationError:
                    # Another staff member checked it a moment ago: the conditional update found another status.
                    why = _("changed by someone else a moment ago")
            if why is None:
                result.moved.append(nomination)
            else:
                result.skipped.append((nomination, why))
    return result


def can_check_in_bulk(campaign: Campaign) -> bool:
    return campaign.stage in {Stage.OPEN, Stage.ELIGIBILITY}


def review_progress_filter(progress: str) -> Q:
    """The staff list's review filter, as `Exists` subqueries on the released, live assignments (indexed by
    nomination), so the list stays one query with its page cut in the database."""
    live = Assignment.objects.released().filter(nomination=OuterRef("pk"))
    assigned = Exists(live)
    open_review = Exists(live.filter(review__isnull=True))
    if progress == "unassigned":
        return ~Q(assigned)
    if progress == "waiting":
        return Q(open_review)
    return Q(assigned) & ~Q(open_review)
