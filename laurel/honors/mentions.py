"""Honorable mentions (提名奖): once the committee has its honorees, it names up to the campaign's number of
honorable mentions among the other eligible candidates. They are published apart from the honorees, and nobody
outside the staff reads them before publication."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import permissions
from laurel.honors.models import Campaign, HonorableMention, Nomination, Stage

CHOOSING_STAGES = {Stage.COMMITTEE, Stage.NOTICE}


def published_mentions(campaign: Campaign):
    """The honorable mentions on the results page: only once published, and never someone who became an honoree
    (a replacement after an objection) or was removed."""
    if campaign.stage != Stage.PUBLISHED:
        return Nomination.objects.none()
    return candidates(campaign).filter(honorable_mention__isnull=False).order_by("person__name", "pk")


def candidates(campaign: Campaign):
    """Who may get an honorable mention: passed the eligibility check, not selected, not removed."""
    return campaign.nominations.for_list().filter(status=Nomination.Status.ELIGIBLE)


def why_not_now(campaign: Campaign) -> str | None:
    """Why honorable mentions cannot be chosen now, or None."""
    if not campaign.honorable_mentions_count:
        return _("This campaign has no honorable mentions; set their number in the setup first.")
    if campaign.stage not in CHOOSING_STAGES:
        return _("Honorable mentions are chosen at the committee decision, after the honorees.")
    selected = campaign.nominations.selected().count()
    if selected != campaign.honorees_count:
        return _("Choose the %(count)d honorees first; %(selected)d are selected.") % {
            "count": campaign.honorees_count,
            "selected": selected,
        }
    return None


def choose_mention(nomination: Nomination, *, actor) -> HonorableMention:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    campaign = nomination.campaign
    if reason := why_not_now(campaign):
        raise ValidationError(reason, code="not_now")
    if nomination.status != Nomination.Status.ELIGIBLE:
        raise ValidationError(
            _("Only an eligible candidate who is not an honoree can get an honorable mention."), code="not_candidate"
        )
    with transaction.atomic():
        # The campaign row is locked so that two staff choosing at once cannot pass the cap together.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        chosen = HonorableMention.objects.filter(nomination__campaign=campaign).count()
        if chosen >= campaign.honorable_mentions_count:
            raise ValidationError(
                _("All %(count)d honorable mentions are chosen; drop one first.")
                % {"count": campaign.honorable_mentions_count},
                code="full",
            )
        try:
            with transaction.atomic():
                mention = HonorableMention.objects.create(nomination=nomination, chosen_by=actor)
        except IntegrityError:
            raise ValidationError(
                _("%(name)s already has an honorable mention.") % {"name": nomination.person.name}, code="duplicate"
            ) from None
        log_action("honors.mention.chosen", actor=actor, obj=nomination, data={"campaign": campaign.code})
    return mention


def drop_mention(nomination: Nomination, *, actor) -> None:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if nomination.campaign.stage not in CHOOSING_STAGES:
        raise ValidationError(_("Honorable mentions are chosen at the committee decision, after the honorees."))
    with transaction.atomic():
        deleted, _rows = HonorableMention.objects.filter(nomination=nomination).delete()
        if not deleted:
            raise ValidationError(_("%(name)s has no honorable mention.") % {"name": nomination.person.name})
        log_action("honors.mention.dropped", actor=actor, obj=nomination, data={"campaign": nomination.campaign.code})
