"""The campaign's stages: one transition function with an explicit table of allowed moves."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from laurel.core import changes as public_changes
from laurel.core.services import log_action
from laurel.honors.calendar import notice_end
from laurel.honors.models import Campaign, Nomination, Objection, Stage
from laurel.honors.notices import still_noticed
from laurel.honors.publication import make_honorees_public
from laurel.honors.vetting import waiting_text

ALLOWED_MOVES: dict[str, set[str]] = {
    Stage.DRAFT: {Stage.OPEN},
    Stage.OPEN: {Stage.ELIGIBILITY},
    Stage.ELIGIBILITY: {Stage.REVIEW},
    Stage.REVIEW: {Stage.SECOND_REVIEW, Stage.PUBLIC_VOTE, Stage.COMMITTEE},
    Stage.SECOND_REVIEW: {Stage.PUBLIC_VOTE, Stage.COMMITTEE},
    Stage.PUBLIC_VOTE: {Stage.COMMITTEE},
    Stage.COMMITTEE: {Stage.NOTICE},
    Stage.NOTICE: {Stage.COMMITTEE, Stage.PUBLISHED},
    Stage.PUBLISHED: set(),
}


class InvalidTransition(ValidationError):
    pass


def _check_public_vote(campaign: Campaign, now) -> None:
    if not campaign.public_vote:
        raise InvalidTransition(_("This campaign has no public vote."))
    if campaign.stage == Stage.REVIEW and campaign.review_rounds == 2:
        raise InvalidTransition(_("This campaign has a second review round first."))
    if campaign.vote_opens_at is None or campaign.vote_closes_at is None:
        raise InvalidTransition(_("Set the times the public vote opens and closes first."))
    if campaign.vote_closes_at <= now:
        raise InvalidTransition(_("The public vote's closing time has passed; move its window first."))
    if not campaign.nominations.filter(status=Nomination.Status.ELIGIBLE).exists():
        raise InvalidTransition(_("No nomination passed the eligibility check; there is nobody to vote for."))


def next_stages(campaign: Campaign) -> list[Stage]:
    """The stages staff may move the campaign to: the public vote only for campaigns that have one, and then
    not the committee straight from the review."""

    def fits(stage: str) -> bool:
        if stage == Stage.PUBLIC_VOTE:
            return campaign.public_vote
        if stage == Stage.COMMITTEE and campaign.stage in {Stage.REVIEW, Stage.SECOND_REVIEW}:
            return not campaign.public_vote
        return True

    return [Stage(stage) for stage in sorted(ALLOWED_MOVES[campaign.stage]) if fits(stage)]


def _check_preconditions(campaign: Campaign, new: str, now) -> None:
    """What must hold before a move; each failure is a message staff can act on."""
    if new == Stage.OPEN:
        if not campaign.criteria.exists():
            raise InvalidTransition(_("Add at least one review criterion before opening the campaign."))
        if campaign.nomination_deadline <= now:
            raise InvalidTransition(_("The nomination deadline has passed; move it before opening."))
    elif new == Stage.ELIGIBILITY:
        if now < campaign.nomination_deadline:
            raise InvalidTransition(_("Nominations stay open until the deadline."))
    elif new == Stage.REVIEW:
        if campaign.nominations.filter(status=Nomination.Status.SUBMITTED).exists():
            raise InvalidTransition(_("Some submitted nominations have not been checked yet."))
    elif new == Stage.SECOND_REVIEW:
        if campaign.review_rounds != 2:
            raise InvalidTransition(_("This campaign has only one review round."))
    elif new == Stage.PUBLIC_VOTE:
        _check_public_vote(campaign, now)
    elif new == Stage.COMMITTEE:
        if campaign.stage == Stage.REVIEW and campaign.review_rounds == 2:
            raise InvalidTransition(_("This campaign has a second review round first."))
        if campaign.stage in {Stage.REVIEW, Stage.SECOND_REVIEW} and campaign.public_vote:
            raise InvalidTransition(_("This campaign has a public vote first."))
        if campaign.stage == Stage.PUBLIC_VOTE and now < campaign.vote_closes_at:
            raise InvalidTransition(
                _("The public vote runs until %(time)s.")
                % {"time": formats.date_format(timezone.localtime(campaign.vote_closes_at), "Y-m-d H:i")}
            )
    elif new == Stage.NOTICE:
        selected = campaign.nominations.selected().count()
        if selected != campaign.honorees_count:
            raise InvalidTransition(
                _("The committee must select %(count)d honorees; %(selected)d are selected.")
                % {"count": campaign.honorees_count, "selected": selected}
            )
        if waiting := waiting_text(campaign):
            raise InvalidTransition(
                _("Joint vetting is not finished; still waiting for %(waiting)s.") % {"waiting": waiting}
            )
    elif new == Stage.PUBLISHED:
        if campaign.notice_ends_on and timezone.localdate(now) <= campaign.notice_ends_on:
            raise InvalidTransition(_("The public notice has not ended yet."))
        if noticed := still_noticed(campaign, now):
            raise InvalidTransition(
                _("The public notice of %(names)s runs until %(end)s; publish after it ends.")
                % {"names": ", ".join(n.person.name for n in noticed), "end": noticed[-1].notice_ends_on}
            )
        if Objection.objects.filter(nomination__campaign=campaign, status=Objection.Status.PENDING).exists():
            raise InvalidTransition(_("Decide every objection before publishing."))
        if waiting := waiting_text(campaign):
            raise InvalidTransition(
                _("Joint vetting is not finished; still waiting for %(waiting)s.") % {"waiting": waiting}
            )


def move_campaign(campaign: Campaign, *, to: str, actor) -> Campaign:
    """Move a campaign to its next stage. Refused out of order, before its dates, or if someone moved it first."""
    now = timezone.now()
    old = campaign.stage
    if to not in ALLOWED_MOVES.get(old, set()):
        raise InvalidTransition(
            _("A campaign cannot move from “%(old)s” to “%(new)s”.")
            % {"old": Stage(old).label, "new": Stage(to).label if to in Stage.values else to}
        )
    _check_preconditions(campaign, to, now)
    changes = {"stage": to, "stage_changed_at": now}
    if to == Stage.NOTICE:
        start = timezone.localdate(now)
        changes["notice_starts_on"] = start
        changes["notice_ends_on"] = notice_end(
            start, campaign.notice_working_days, holidays=campaign.holiday_dates(), makeup=campaign.makeup_dates()
        )
    if to == Stage.PUBLISHED:
        changes["published_at"] = now
    with transaction.atomic():
        updated = Campaign.objects.filter(pk=campaign.pk, stage=old).update(**changes)
        if updated != 1:
            raise InvalidTransition(_("Someone else moved this campaign first; reload the page."))
        log_action(
            "honors.campaign.stage_changed",
            actor=actor,
            obj=campaign,
            data={"from": old, "to": to, **{key: value for key, value in changes.items() if key != "stage"}},
        )
        for key, value in changes.items():
            setattr(campaign, key, value)
        if to == Stage.PUBLISHED:
            make_honorees_public(campaign, actor=actor)
            public_changes.changed(campaign)
    if to in (Stage.PUBLISHED, Stage.PUBLIC_VOTE):
        from laurel.honors import notifications

        if to == Stage.PUBLISHED:
            notifications.campaign_published(campaign)
        else:
            notifications.vote_announced(campaign)
    return campaign
