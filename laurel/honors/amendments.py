"""Once nominations close, the rules nominations were made under (quotas, criteria, representation and eligibility
rules, the campaign's numbers) are locked: a change is an amendment, made only with a reason and logged with what
it was before and after. Operational dates (review deadline, vote window, holidays) stay free to move."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors.models import Campaign, Stage

REASON_LIMIT = 500
# Settings that run the campaign rather than decide who may win: changed without an amendment at any stage.
FREE_FIELDS = frozenset(
    {"name_en", "organizers", "review_deadline", "vote_opens_at", "vote_closes_at", "holidays", "makeup_workdays"}
)
# How experts' scores are gathered and turned into a ranking: once the expert review starts, changing one would
# change what experts already did (blind or not, how many rounds) or re-rank finished reviews, so they are frozen
# even with an amendment reason. The number of honorees stays amendable until the committee decides, as the
# quotas and criteria are: it sets how many are chosen, not how the scores were made.
REVIEW_FROZEN_FIELDS = ("blind_review", "ranking_method", "review_rounds", "public_vote", "public_vote_weight")
_STAGE_ORDER = list(Stage)


def review_started(campaign: Campaign) -> bool:
    return _STAGE_ORDER.index(Stage(campaign.stage)) >= _STAGE_ORDER.index(Stage.REVIEW)


def check_review_frozen(campaign: Campaign, changed) -> None:
    """Refuse a change to a review setting once the expert review has started, naming the field."""
    if not review_started(campaign):
        return
    frozen = [key for key in REVIEW_FROZEN_FIELDS if key in changed]
    if frozen:
        raise ValidationError(
            {
                key: _("The expert review has started: “%(field)s” can no longer change.")
                % {"field": Campaign._meta.get_field(key).verbose_name}
                for key in frozen
            },
            code="review_frozen",
        )


# After the public notice starts the list is public: nothing it was decided under changes any more.
FINAL_STAGES = {Stage.NOTICE, Stage.PUBLISHED}


def setup_locked(campaign: Campaign, now=None) -> bool:
    """Nominations have closed: the campaign left the open stage, or its deadline passed."""
    if campaign.stage == Stage.DRAFT:
        return False
    if campaign.stage == Stage.OPEN:
        return (now or timezone.now()) >= campaign.nomination_deadline
    return True


def amendment_reason(campaign: Campaign, reason: str | None) -> str | None:
    """None while the setup is open; else the reason the change needs, or a ValidationError naming the field."""
    if not setup_locked(campaign):
        return None
    if campaign.stage in FINAL_STAGES:
        raise ValidationError(_("The list is public; its rules can no longer be amended."), code="final")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"amendment_reason": _("Nominations have closed: this change is an amendment. Give the reason for it.")},
            code="amendment_needed",
        )
    if len(reason) > REASON_LIMIT:
        raise ValidationError(
            {"amendment_reason": _("Keep the reason under %(limit)d characters.") % {"limit": REASON_LIMIT}}
        )
    return reason


def log_amendment(campaign: Campaign, *, actor, what: str, before, after, reason: str) -> None:
    log_action(
        "honors.setup.amended",
        actor=actor,
        obj=campaign,
        data={"what": what, "before": before, "after": after, "reason": reason},
    )
