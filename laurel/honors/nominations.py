"""Writes about nominations: drafts, submission under quota, withdrawal, the eligibility check.

Every status change goes through `move_nomination`, whose table lists the allowed moves.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import blind, deadlines, disclosure, files, notifications, permissions, rules
from laurel.honors.models import Campaign, EligibilityRule, Nomination, NominationPhoto, Stage, UnitQuota

Status = Nomination.Status

ALLOWED_MOVES: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.RETURNED, Status.ELIGIBLE, Status.REJECTED, Status.WITHDRAWN},
    Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.ELIGIBLE: {Status.SELECTED},
    Status.SELECTED: {Status.ELIGIBLE, Status.REMOVED},
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
    Status.REMOVED: set(),
}
ACTIONS = {
    Status.SUBMITTED: "honors.nomination.submitted",
    Status.WITHDRAWN: "honors.nomination.withdrawn",
    Status.RETURNED: "honors.nomination.returned",
    Status.ELIGIBLE: "honors.nomination.passed",
    Status.REJECTED: "honors.nomination.rejected",
    Status.SELECTED: "honors.nomination.selected",
    Status.REMOVED: "honors.nomination.removed",
}
EDITABLE = {Status.DRAFT, Status.RETURNED}
NOMINATION_FIELDS = (
    "category", "story", "citation", "citation_en", "video_url", "years_in_city", "in_post", "titles_held", "consent",
)  # fmt: skip

# Tests switch this off to show that without the lock two simultaneous submissions overrun the quota.
LOCK_QUOTA = True


def move_nomination(nomination: Nomination, *, to: str, actor, reason: str = "", data=None, **fields) -> Nomination:
    """The one transition function for nominations: conditional on the old status, logged, mailed."""
    old = nomination.status
    if to not in ALLOWED_MOVES[old]:
        raise ValidationError(
            _("A nomination cannot move from “%(old)s” to “%(new)s”.")
            % {"old": Status(old).label, "new": Status(to).label},
            code="invalid_transition",
        )
    changes = {"status": to, "status_reason": reason, **fields}
    with transaction.atomic():
        updated = Nomination.objects.filter(pk=nomination.pk, status=old).update(**changes, updated_at=timezone.now())
        if updated != 1:
            raise ValidationError(_("Someone else changed this nomination first; reload the page."), code="conflict")
        for key, value in changes.items():
            setattr(nomination, key, value)
        # Back from selected to eligible is the committee taking someone off its list, not an eligibility check.
        action = "honors.nomination.deselected" if (old, to) == (Status.SELECTED, Status.ELIGIBLE) else ACTIONS[to]
        log_action(action, actor=actor, obj=nomination, data={"from": old, "to": to, "reason": reason, **(data or {})})
        if disclosure.mail_nominator_on_move(nomination, old=old, new=to):
            notifications.nomination_status_changed(nomination)
    return nomination


def _check_can_nominate(campaign: Campaign, unit, person, actor) -> str:
    if permissions.can_nominate_for(actor, unit):
        return Nomination.Channel.UNIT
    if campaign.channel == Campaign.Channel.ALSO_SELF and person.user_id == actor.pk:
        return Nomination.Channel.SELF
    raise PermissionDenied


def _judge_files(uploads: dict[str, Any]) -> dict[str, Any]:
    """Each upload judged by its content; the judged files (not the uploads) are what the nomination keeps."""
    judged, errors = {}, {}
    for name, upload in uploads.items():
        if upload is None or name not in (*files.PDF_FIELDS, *files.BLIND_PDF_FIELDS, *files.IMAGE_FIELDS):
            continue
        try:
            judged[name] = files.judge_nomination_file(name, upload)
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)
    return judged


def _apply(nomination: Nomination, data: dict[str, Any], judged: dict[str, Any]) -> None:
    for name in NOMINATION_FIELDS:
        if name in data:
            setattr(nomination, name, data[name])
    for name, judged_file in judged.items():
        setattr(nomination, name, judged_file)
    limit = nomination.campaign.story_limit
    if len(nomination.story) > limit:
        raise ValidationError(
            {
                "story": _("The story has %(length)d characters; the limit is %(limit)d.")
                % {"length": len(nomination.story), "limit": limit}
            }
        )


def accepts_nominations(campaign: Campaign, now=None) -> bool:
    """Open, past its opening time (when it has one) and before its deadline."""
    now = now or timezone.now()
    return (
        campaign.stage == Stage.OPEN
        and now < campaign.nomination_deadline
        and not deadlines.not_yet_open(campaign, now)
    )


def current_problems(nomination: Nomination) -> list[str]:
    """The eligibility rules the nomination breaks as it stands (what submission will record)."""
    return rules.eligibility_problems(nomination, EligibilityRule.objects.filter(campaign=nomination.campaign).first())


def create_nomination(
    *, campaign: Campaign, unit, person, actor, data: dict[str, Any], uploads: dict[str, Any] | None = None
) -> Nomination:
    channel = _check_can_nominate(campaign, unit, person, actor)
    if deadlines.not_yet_open(campaign):
        raise ValidationError(deadlines.not_yet_open_message(campaign), code="not_yet_open")
    if not accepts_nominations(campaign):
        raise ValidationError(_("This campaign is not open for nominations."), code="closed")
    judged = _judge_files(uploads or {})
    nomination = Nomination(campaign=campaign, unit=unit, person=person, nominated_by=actor, channel=channel)
    _apply(nomination, data, judged)
    nomination.full_clean(exclude=["nominated_by", "status", "person", "campaign"], validate_constraints=False)
    if Nomination.objects.filter(campaign=campaign, person=person).exclude(status=Status.WITHDRAWN).exists():
        raise ValidationError({"person": _("%(name)s is already nominated in this campaign.") % {"name": person.name}})
    try:
        with transaction.atomic():
            nomination.save()
            log_action("honors.nomination.created", actor=actor, obj=nomination, data={"unit": unit.name})
    except IntegrityError:
        raise ValidationError({"person": _("%(name)s is already nominated in this campaign.") % {"name": person.name}})
    return nomination


def update_nomination(nomination: Nomination, *, actor, data: dict[str, Any], uploads=None) -> Nomination:
    if not permissions.can_edit_nomination(actor, nomination):
        raise PermissionDenied
    if nomination.status not in EDITABLE:
        raise ValidationError(_("Only drafts and returned nominations can be changed."), code="locked")
    judged = _judge_files(uploads or {})
    _apply(nomination, data, judged)
    nomination.full_clean(exclude=["nominated_by", "status", "person", "campaign"], validate_constraints=False)
    with transaction.atomic():
        nomination.save()
        log_action("honors.nomination.updated", actor=actor, obj=nomination, data={"fields": sorted(data)})
    return nomination


def add_photo(nomination: Nomination, *, actor, image, caption: str = "") -> NominationPhoto:
    if not permissions.can_edit_nomination(actor, nomination):
        raise PermissionDenied
    if nomination.status not in EDITABLE:
        raise ValidationError(_("Only drafts and returned nominations can be changed."), code="locked")
    if nomination.photos.count() >= files.MAX_PHOTOS:
        raise ValidationError({"image": _("At most %(count)d photos.") % {"count": files.MAX_PHOTOS}})
    try:
        judged = files.judge_photo(image)
    except ValidationError as error:
        raise ValidationError({"image": error.error_list}) from None
    return NominationPhoto.objects.create(nomination=nomination, image=judged, caption=caption)


def remove_photo(photo: NominationPhoto, *, actor) -> None:
    if not permissions.can_edit_nomination(actor, photo.nomination) or photo.nomination.status not in EDITABLE:
        raise PermissionDenied
    photo.delete()


def _completeness_problems(nomination: Nomination) -> dict[str, str]:
    problems = {}
    if not nomination.consent:
        problems["consent"] = _("The nominee's consent to publication is required.")
    if not nomination.story.strip():
        problems["story"] = _("Write the nominee's story.")
    if not nomination.id_photo:
        problems["id_photo"] = _("Upload an ID photo.")
    photo_count = nomination.photos.count()
    if not files.MIN_PHOTOS <= photo_count <= files.MAX_PHOTOS:
        problems["photos"] = _("Upload between %(min)d and %(max)d photos; there are %(count)d.") % {
            "min": files.MIN_PHOTOS,
            "max": files.MAX_PHOTOS,
            "count": photo_count,
        }
    required = files.PDF_FIELDS + (files.BLIND_PDF_FIELDS if nomination.campaign.blind_review else ())
    for name in required:
        if not getattr(nomination, name):
            problems[name] = _("Upload the %(document)s.") % {"document": Nomination._meta.get_field(name).verbose_name}
    return problems


def quota_for(campaign: Campaign, unit) -> UnitQuota:
    quota, _created = UnitQuota.objects.get_or_create(
        campaign=campaign, unit=unit, defaults={"quota": campaign.default_quota}
    )
    return quota


def used_quota(nomination: Nomination) -> int:
    return (
        Nomination.objects.filter(campaign_id=nomination.campaign_id, unit_id=nomination.unit_id)
        .counted_against_quota()
        .exclude(status=Status.REJECTED)
        .exclude(pk=nomination.pk)
        .count()
    )


EXPLANATION_LIMIT = 1000


def submit_nomination(
    nomination: Nomination, *, actor, names_confirmed: bool = False, explanation: str = ""
) -> Nomination:
    """Submit before the deadline (or resubmit a returned one during the check), within the unit's quota. In a
    blind campaign a story that names the nominee or the unit is submitted only once the nominator has seen the
    warning (`names_confirmed`): the experts will read it masked, which reads worse than a story written blind.
    A nomination that breaks an eligibility rule is submitted only with the nominator's `explanation` of it, so that
    the nominator learns of the problem now rather than at the check."""
    if not permissions.can_edit_nomination(actor, nomination):
        raise PermissionDenied
    campaign = nomination.campaign
    now = timezone.now()
    if nomination.status == Status.RETURNED:
        if campaign.stage not in {Stage.OPEN, Stage.ELIGIBILITY}:
            raise ValidationError(_("The eligibility check is over; this nomination can no longer be resubmitted."))
    elif campaign.stage != Stage.OPEN or now >= campaign.nomination_deadline:
        raise ValidationError(_("The nomination deadline has passed."), code="deadline")
    elif deadlines.not_yet_open(campaign, now):
        raise ValidationError(deadlines.not_yet_open_message(campaign), code="not_yet_open")
    problems = _completeness_problems(nomination)
    if problems:
        raise ValidationError(problems)
    if campaign.blind_review and not names_confirmed and (named := blind.names_in(nomination.story, nomination)):
        raise ValidationError(
            _(
                "This campaign is reviewed blind, but the story names %(names)s. The experts will read it with "
                "these names masked; rewrite it without them, or submit it as it is."
            )
            % {"names": "、".join(named)},
            code="blind_names",
        )
    rule = EligibilityRule.objects.filter(campaign=campaign).first()
    reasons = rules.eligibility_problems(nomination, rule)
    explanation = explanation.strip()
    if reasons and not explanation:
        raise ValidationError(
            {"explanation": _("This nomination breaks these eligibility rules: %(problems)s Explain why it should be "
                              "considered, or correct it before submitting.") % {"problems": " ".join(reasons)}},
            code="eligibility",
        )  # fmt: skip
    if len(explanation) > EXPLANATION_LIMIT:
        raise ValidationError(
            {"explanation": _("The explanation has %(length)d characters; the limit is %(limit)d.")
             % {"length": len(explanation), "limit": EXPLANATION_LIMIT}}
        )  # fmt: skip
    with transaction.atomic():
        # Inside the transaction: a submission refused for the quota does not leave a new quota row behind.
        quota = quota_for(campaign, nomination.unit)
        if LOCK_QUOTA:
            quota = UnitQuota.objects.select_for_update().get(pk=quota.pk)
        if nomination.status == Status.DRAFT and used_quota(nomination) >= quota.quota:
            raise ValidationError(
                _("%(unit)s has used its quota of %(quota)d nominations.")
                % {"unit": nomination.unit.name, "quota": quota.quota},
                code="quota",
            )
        move_nomination(
            nomination,
            to=Status.SUBMITTED,
            actor=actor,
            data={"eligibility_problems": reasons, "explanation": explanation if reasons else ""},
            eligibility_problems=reasons,
            eligibility_explanation=explanation if reasons else "",
            submitted_at=now,
        )
    return nomination


def withdraw_nomination(nomination: Nomination, *, actor) -> Nomination:
    if not permissions.can_edit_nomination(actor, nomination):
        raise PermissionDenied
    return move_nomination(nomination, to=Status.WITHDRAWN, actor=actor)


ELIGIBILITY_OUTCOMES = {"pass": Status.ELIGIBLE, "return": Status.RETURNED, "reject": Status.REJECTED}


def check_eligibility(nomination: Nomination, *, outcome: str, reason: str, actor) -> Nomination:
    """Staff pass, return (for correction) or reject a submitted nomination; return and reject need a reason."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if nomination.campaign.stage not in {Stage.OPEN, Stage.ELIGIBILITY}:
        raise ValidationError(_("The eligibility check is over for this campaign."))
    if outcome not in ELIGIBILITY_OUTCOMES:
        raise ValidationError({"outcome": _("Choose pass, return or reject.")})
    reason = reason.strip()
    if outcome != "pass" and not reason:
        raise ValidationError({"reason": _("Give the reason; the nominator will read it.")})
    return move_nomination(nomination, to=ELIGIBILITY_OUTCOMES[outcome], actor=actor, reason=reason)
