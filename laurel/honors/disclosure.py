"""What a nomination's own nominator (and anyone else outside the association's staff) may learn of it, stage by
stage. The committee deliberates in confidence: until the public notice starts, a candidate it selected, deselected
or lost to a veto reads as "eligible", with no reason, on every page and in every mail. From the public notice on,
the selection is public and a removal is told by its cause only; the staff's reasons never leave the staff pages.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from laurel.honors.models import Campaign, Nomination, Stage

Status = Nomination.Status
# The stages at which the committee's list is public (the public notice, then the results).
OUTCOME_PUBLIC = {Stage.NOTICE, Stage.PUBLISHED}
NOT_SELECTED = _("Not selected")


@dataclass(frozen=True)
class Shown:
    status: str
    label: str
    reason: str


def outcome_is_public(campaign: Campaign) -> bool:
    return campaign.stage in OUTCOME_PUBLIC


def shown_status(nomination: Nomination) -> Shown:
    """The status and reason as a nominator may read them now."""
    status = nomination.status
    if status in {Status.SELECTED, Status.REMOVED} and not outcome_is_public(nomination.campaign):
        return Shown(status=Status.ELIGIBLE, label=str(Status.ELIGIBLE.label), reason="")
    if status == Status.ELIGIBLE and nomination.campaign.stage == Stage.PUBLISHED:
        return Shown(status=status, label=str(NOT_SELECTED), reason="")
    if status in {Status.ELIGIBLE, Status.SELECTED}:
        # A reason given when the eligibility check passed stays for the nominator; the committee's never is.
        return Shown(status=status, label=str(Status(status).label), reason="" if status == Status.SELECTED else
                     nomination.status_reason)  # fmt: skip
    return Shown(status=status, label=str(Status(status).label), reason=nomination.status_reason)


def mail_nominator_on_move(nomination: Nomination, *, old: str, new: str) -> bool:
    """The nominators are mailed about the eligibility check's outcome, and about a removal once the list is
    public; never about the committee's choices while it deliberates."""
    if old == Status.SUBMITTED and new in {Status.RETURNED, Status.ELIGIBLE, Status.REJECTED}:
        return True
    return new == Status.REMOVED and outcome_is_public(nomination.campaign)


def with_shown(nominations):
    """The nominations, each with `shown` set for the templates."""
    nominations = list(nominations)
    for nomination in nominations:
        nomination.shown = shown_status(nomination)
    return nominations
