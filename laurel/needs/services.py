"""Every write about technical needs. One transition function moves a need from submission to the match's
outcome; volunteer service records are validated by one conditional update."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laurel.core import spam
from laurel.core.services import log_action
from laurel.core.uploads import judge_image
from laurel.needs import mail, tasks
from laurel.needs.models import (
    MAX_PROBLEM,
    MAX_TRIED,
    Interest,
    Need,
    NeedField,
    ServicePhoto,
    ServiceRecord,
    Subscription,
)
from laurel.people.roles import RoleKind

S = Need.Status

# old status -> {new status: action verb}. Nothing else is allowed.
TRANSITIONS: dict[str, dict[str, str]] = {
    S.UNVERIFIED: {S.SUBMITTED: "verified", S.WITHDRAWN: "withdrawn"},
    S.SUBMITTED: {S.PUBLISHED: "published", S.REJECTED: "rejected", S.WITHDRAWN: "withdrawn"},
    S.PUBLISHED: {S.INTRODUCED: "introduced", S.WITHDRAWN: "withdrawn", S.EXPIRED: "expired"},
    # An introduction that leads nowhere sends the need back to the board for another expert.
    S.INTRODUCED: {S.MET: "met", S.PUBLISHED: "released", S.WITHDRAWN: "withdrawn"},
    S.MET: {S.CONCLUDED: "concluded"},
    S.CONCLUDED: {},
    S.REJECTED: {},
    S.WITHDRAWN: {},
    # A published need nobody took before its deadline leaves the board (`expire_needs`); the poster may post again.
    S.EXPIRED: {},
}
# A need's deadline is at least this far ahead when posted, and at most this far: staff need time to moderate
# and match, and a need for two years from now is not a need yet.
MIN_LEAD_DAYS = 7
REPOSTABLE = (S.EXPIRED, S.WITHDRAWN)
MAX_LEAD_DAYS = 730
MAX_PHOTOS = 6
MAX_HOURS = Decimal("24")


class InvalidTransition(ValidationError):
    def __init__(self, need: Need, old: str, new: str):
        current = Need.objects.filter(pk=need.pk).values_list("status", flat=True).first() or old
        super().__init__(
            _(
                "This need cannot move from “%(old)s” to “%(new)s”: it is now “%(current)s”. "
                "Someone may have acted first; reload the page."
            )
            % {"old": S(old).label, "new": S(new).label, "current": S(current).label},
            code="invalid_transition",
        )


def transition(need: Need, *, to: str, actor, changes: dict[str, Any] | None = None, data=None) -> Need:
    """Move `need` to `to` if the table allows it and nobody moved it first; log the move."""
    old = need.status
    if to not in TRANSITIONS[old]:
        raise InvalidTransition(need, old, to)
    changes = changes or {}
    with transaction.atomic():
        updated = Need.objects.filter(pk=need.pk, status=old).update(status=to, **changes)
        if updated != 1:
            raise InvalidTransition(need, old, to)
        for name, value in changes.items():
            setattr(need, name, value)
        need.status = to
        log_action(
            f"needs.need.{TRANSITIONS[old][to]}", actor=actor, obj=need, data={"from": old, "to": to, **(data or {})}
        )
    return need


# Posting ------------------------------------------------------------------------------------------------


def check_deadline(deadline: datetime.date) -> None:
    today = timezone.localdate()
    if deadline < today + datetime.timedelta(days=MIN_LEAD_DAYS):
        raise ValidationError(
            {"deadline": _("The deadline must be at least %(days)d days from today.") % {"days": MIN_LEAD_DAYS}}
        )
    if deadline > today + datetime.timedelta(days=MAX_LEAD_DAYS):
        raise ValidationError({"deadline": _("The deadline must be within two years.")})


def create_need(*, data: dict[str, Any], actor=None) -> Need:
    """A poster's need, waiting for its email to be verified. Spam and a repeat of an open need are refused."""
    for name in ("contact_name", "contact_email", "contact_phone"):
        if not str(data.get(name) or "").strip():
            raise ValidationError({name: _("Give a contact: name, email and phone.")})
    # Sizes first: nothing else (spam heuristics, the duplicate check) reads an oversized text.
    for name, limit in (("title", 120), ("problem", MAX_PROBLEM), ("tried", MAX_TRIED)):
        if len(str(data.get(name) or "")) > limit:
            raise ValidationError(
                {name: _("At most %(limit)d characters (this has %(length)d).")
                 % {"limit": limit, "length": len(str(data[name]))}}
            )  # fmt: skip
    check_deadline(data["deadline"])
    text = f"{data.get('title', '')}\n{data.get('problem', '')}\n{data.get('tried', '')}"
    recent = list(
        Need.objects.filter(contact_email__iexact=data["contact_email"])
        .order_by("-pk")
        .values_list("problem", "status")[:10]
    )
    reasons = spam.spam_reasons(text, recent_texts=[])
    if reasons:
        raise ValidationError(
            _("The need looks like advertising or spam (too many links or repeated text). Describe the problem.")
        )
    normalized = " ".join(str(data.get("problem", "")).split()).lower()
    # A need that expired or was withdrawn may be posted again (the expiry mail invites it); an open one may not.
    if any(" ".join(previous.split()).lower() == normalized for previous, status in recent if status not in REPOSTABLE):
        raise ValidationError(
            _("You already sent this need: follow it with the link in the email we sent you."), code="duplicate"
        )
    need = Need(**data, language=_posting_language())
    need.full_clean()
    with transaction.atomic():
        need.save()
        log_action("needs.need.posted", actor=actor, obj=need, data={"field": need.field, "region": need.region_id})
        transaction.on_commit(lambda: mail.send_verification(need.pk))
    return need


def _posting_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


def expire_needs(*, today: datetime.date | None = None) -> int:
    """Published needs whose deadline has passed leave the board, and each poster is told. Idempotent: the
    transition is a conditional write, so a need matched or withdrawn meanwhile, or expired by an earlier run,
    is left alone."""
    today = today or timezone.localdate()
    count = 0
    for need in Need.objects.filter(status=S.PUBLISHED, deadline__lt=today).order_by("pk"):
        try:
            with transaction.atomic():
                transition(need, to=S.EXPIRED, actor=None, data={"deadline": need.deadline.isoformat()})
                transaction.on_commit(lambda pk=need.pk: mail.send_expired(pk))
        except InvalidTransition:
            continue
        count += 1
    return count


def verify(need: Need) -> Need:
    return transition(need, to=S.SUBMITTED, actor=None)


def withdraw(need: Need, *, actor=None, reason: str = "") -> Need:
    return transition(need, to=S.WITHDRAWN, actor=actor, data={"reason": reason[:500]})


def publish(need: Need, *, actor) -> Need:
    """Staff accept the need for the board; subscribers of its field and region are told once it is written."""
    if need.deadline < timezone.localdate():
        raise ValidationError(_("The need's deadline has passed: reject it or ask the poster to post it again."))
    need = transition(need, to=S.PUBLISHED, actor=actor, changes={"published_at": timezone.now()})
    transaction.on_commit(lambda: tasks.notify_subscribers_task.enqueue(need.pk))
    return need


def reject(need: Need, *, actor, reason: str = "") -> Need:
    return transition(need, to=S.REJECTED, actor=actor, data={"reason": reason[:500]})


# The match (对接) ----------------------------------------------------------------------------------------


def is_expert(user) -> bool:
    return bool(user is not None and user.is_active and user.has_role(RoleKind.EXPERT))


def introduce(need: Need, *, expert, actor) -> Need:
    """Staff introduce an expert to the poster: one mail to each side, sent once the match is written."""
    if not is_expert(expert):
        raise ValidationError(_("Only an active expert can be introduced."), code="not_expert")
    if expert.pk in need.passed_over:
        raise ValidationError(_("This expert's introduction to this need already fell through."), code="passed")
    subscription = Subscription.objects.filter(user=expert).first()
    active = Need.objects.filter(expert=expert, status__in=[S.INTRODUCED, S.MET]).count()
    if subscription is not None and active >= subscription.max_active:
        raise ValidationError(
            _("This expert already has %(count)d matches in progress, their limit.") % {"count": active},
            code="load",
        )
    need = transition(
        need,
        to=S.INTRODUCED,
        actor=actor,
        changes={"expert": expert, "introduced_at": timezone.now()},
        data={"expert": expert.pk},
    )
    transaction.on_commit(lambda: mail.send_introduction(need.pk))
    return need


def release(need: Need, *, actor, reason: str = "") -> Need:
    """The introduction led nowhere: back to the board, and this expert is not suggested again."""
    return transition(
        need,
        to=S.PUBLISHED,
        actor=actor,
        changes={"expert": None, "introduced_at": None, "passed_over": [*need.passed_over, need.expert_id]},
        data={"expert": need.expert_id, "reason": reason[:500]},
    )


def record_meeting(need: Need, *, actor, meeting_on: datetime.date, notes: str) -> Need:
    if meeting_on > timezone.localdate():
        raise ValidationError({"meeting_on": _("Record a meeting once it has taken place.")})
    if need.introduced_at and meeting_on < timezone.localtime(need.introduced_at).date():
        raise ValidationError({"meeting_on": _("The meeting cannot be before the introduction.")})
    return transition(
        need,
        to=S.MET,
        actor=actor,
        changes={"meeting_on": meeting_on, "meeting_notes": notes},
        data={"meeting_on": meeting_on.isoformat()},
    )


def conclude(need: Need, *, actor, outcome: str, notes: str = "") -> Need:
    if outcome not in Need.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    return transition(
        need,
        to=S.CONCLUDED,
        actor=actor,
        changes={"outcome": outcome, "outcome_notes": notes, "concluded_at": timezone.now()},
        data={"outcome": outcome},
    )


def give_feedback(need: Need, *, side: str, rating: int, comment: str, actor=None) -> Need:
    """Feedback from the poster (through the private link) or the matched expert, once, after the meeting."""
    if need.status not in (S.MET, S.CONCLUDED):
        raise ValidationError(_("Feedback opens once the meeting has taken place."), code="too_early")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("The rating must be from 1 to 5.")})
    if side not in ("poster", "expert"):
        raise ValueError(side)
    rating_field, comment_field = f"{side}_rating", f"{side}_feedback"
    with transaction.atomic():
        # Once per side: the conditional update makes a double click or a second tab a clear refusal.
        updated = Need.objects.filter(pk=need.pk, **{f"{rating_field}__isnull": True}).update(
            **{rating_field: rating, comment_field: comment[:2000]}
        )
        if updated != 1:
            raise ValidationError(_("Feedback was already given for this match."), code="duplicate")
        setattr(need, rating_field, rating)
        setattr(need, comment_field, comment[:2000])
        log_action(f"needs.need.{side}_feedback", actor=actor, obj=need, data={"rating": rating})
    return need


# Experts -------------------------------------------------------------------------------------------------


def save_subscription(*, user, fields: list[str], regions, expertise: str, is_available: bool, max_active: int,
                      notify: bool, actor) -> Subscription:  # fmt: skip
    if not is_expert(user):
        raise ValidationError(_("Only experts can subscribe to technical needs."), code="not_expert")
    unknown = [code for code in fields if code not in NeedField.values]
    if unknown or not fields:
        raise ValidationError({"fields": _("Choose at least one field.")})
    with transaction.atomic():
        subscription, _created = Subscription.objects.get_or_create(user=user)
        subscription.fields = sorted(set(fields))
        subscription.expertise = expertise
        subscription.is_available = is_available
        subscription.max_active = max_active
        subscription.notify = notify
        subscription.full_clean()
        subscription.save()
        subscription.regions.set(regions)
        log_action(
            "needs.subscription.saved",
            actor=actor,
            obj=subscription,
            data={"fields": subscription.fields, "regions": sorted(region.pk for region in regions)},
        )
    return subscription


def express_interest(need: Need, *, user, note: str = "") -> Interest:
    if not is_expert(user):
        raise ValidationError(_("Only experts can offer help with a need."), code="not_expert")
    if need.status != S.PUBLISHED:
        raise ValidationError(_("This need is no longer open."), code="closed")
    try:
        with transaction.atomic():
            interest = Interest.objects.create(need=need, user=user, note=note[:1000])
            log_action("needs.interest.expressed", actor=user, obj=need, data={"expert": user.pk})
    except IntegrityError:
        raise ValidationError(_("You already offered help with this need."), code="duplicate") from None
    return interest


# Volunteer service ---------------------------------------------------------------------------------------


def record_service(*, user, data: dict[str, Any], photos: list) -> ServiceRecord:
    """An expert's volunteer service, waiting for staff; photos are judged by content before anything is written."""
    if not is_expert(user):
        raise ValidationError(_("Only experts can record volunteer service."), code="not_expert")
    if data["date"] > timezone.localdate():
        raise ValidationError({"date": _("Record service once it has taken place.")})
    if not Decimal("0") < data["hours"] <= MAX_HOURS:
        raise ValidationError({"hours": _("Hours must be more than 0 and at most 24 for one record.")})
    need = data.get("need")
    if need is not None and need.expert_id != user.pk:
        raise ValidationError({"need": _("You can only link a need you were matched with.")})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(count)d photos.") % {"count": MAX_PHOTOS}})
    judged = []
    for photo in photos:  # decoded and re-encoded without metadata (laurel/core/uploads.py)
        try:
            judged.append(judge_image(photo))
        except ValidationError as error:
            raise ValidationError({"photos": error.error_list}) from None
    record = ServiceRecord(user=user, **data)
    record.full_clean()
    with transaction.atomic():
        record.save()
        for photo in judged:
            ServicePhoto.objects.create(record=record, image=photo)
        log_action("needs.service.recorded", actor=user, obj=record, data={"hours": str(record.hours)})
    return record


def review_service(record: ServiceRecord, *, actor, validate: bool, note: str = "") -> ServiceRecord:
    """Staff validate or refuse a record, once: the conditional update lets only the first click count."""
    new = ServiceRecord.Status.VALIDATED if validate else ServiceRecord.Status.REJECTED
    with transaction.atomic():
        updated = ServiceRecord.objects.filter(pk=record.pk, status=ServiceRecord.Status.SUBMITTED).update(
            status=new, reviewed_by=actor, review_note=note[:500]
        )
        if updated != 1:
            raise ValidationError(_("This record was already reviewed."), code="reviewed")
        record.status, record.reviewed_by, record.review_note = new, actor, note[:500]
        log_action(f"needs.service.{new}", actor=actor, obj=record, data={"hours": str(record.hours)})
    return record
