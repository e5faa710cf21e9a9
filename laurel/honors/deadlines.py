"""The dates a campaign's setup promises, enforced: when nominations open, the review deadline per expert (with
the extensions staff grant one expert at a time); the reminders before it are in `progress.py`."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import permissions
from laurel.honors.models import Campaign, PanelMember, ReviewExtension, Stage

REASON_LIMIT = 500


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def not_yet_open(campaign: Campaign, now: datetime.datetime | None = None) -> bool:
    """Nominations have an opening time that has not come yet (the campaign may already be at "open")."""
    return campaign.nomination_opens_at is not None and (now or timezone.now()) < campaign.nomination_opens_at


def not_yet_open_message(campaign: Campaign) -> str:
    return _("Nominations have not started yet; they open on %(time)s.") % {"time": _when(campaign.nomination_opens_at)}


def extension_for(campaign: Campaign, expert) -> ReviewExtension | None:
    return ReviewExtension.objects.filter(campaign=campaign, expert=expert).first()


def extended(now: datetime.datetime | None = None) -> Exists:
    """For a filter on assignments: their expert holds an extension for the campaign that has not run out (such a
    pair is not late even past the campaign's review deadline). One subquery, so counts stay one query."""
    return Exists(
        ReviewExtension.objects.filter(
            campaign_id=OuterRef("nomination__campaign_id"),
            expert_id=OuterRef("expert_id"),
            until__gt=now or timezone.now(),
        )
    )


def review_deadline_for(campaign: Campaign, expert) -> datetime.datetime | None:
    """The expert's own deadline: the campaign's, or later when staff extended it for them."""
    if campaign.review_deadline is None:
        return None
    extension = extension_for(campaign, expert)
    if extension is not None and extension.until > campaign.review_deadline:
        return extension.until
    return campaign.review_deadline


def check_review_in_time(campaign: Campaign, expert, now: datetime.datetime | None = None) -> None:
    """Refuse a review after the expert's deadline, naming it and who can extend it."""
    deadline = review_deadline_for(campaign, expert)
    if deadline is not None and (now or timezone.now()) >= deadline:
        raise ValidationError(
            _(
                "The review deadline passed on %(time)s; scores are no longer accepted. Ask the association's "
                "staff to extend your deadline if you still need to review."
            )
            % {"time": _when(deadline)},
            code="late",
        )


def extend_review_deadline(*, campaign: Campaign, expert, until: datetime.datetime, reason: str, actor):
    """Let one expert review after the campaign's deadline, until `until`; logged with the reason."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why this expert gets more time.")
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = _("Keep the reason under %(limit)d characters.") % {"limit": REASON_LIMIT}
    if campaign.stage not in {Stage.REVIEW, Stage.SECOND_REVIEW}:
        raise ValidationError(_("Deadlines can only be extended while the expert review runs."))
    if campaign.review_deadline is None:
        raise ValidationError(_("This campaign has no review deadline to extend."))
    if until is None:
        errors["until"] = _("Give the new deadline.")
    elif until <= max(campaign.review_deadline, timezone.now()):
        errors["until"] = _("The new deadline must be later than the campaign's deadline and than now.")
    if not PanelMember.objects.filter(campaign=campaign, expert=expert).exists():
        errors["expert"] = _("%(user)s is not on this campaign's panel.") % {"user": expert}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = extension_for(campaign, expert)
        extension, _created = ReviewExtension.objects.update_or_create(
            campaign=campaign, expert=expert, defaults={"until": until, "reason": reason, "granted_by": actor}
        )
        log_action(
            "honors.review.deadline_extended",
            actor=actor,
            obj=campaign,
            data={
                "expert": expert.email,
                "from": (previous.until if previous else campaign.review_deadline).isoformat(),
                "until": until.isoformat(),
                "reason": reason,
            },
        )
    return extension
