"""Every write about talks. One transition function moves a talk through its life cycle."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core import changes as public_changes
from laurel.core.services import log_action
from laurel.core.uploads import judge_image
from laurel.outreach import mail
from laurel.outreach.models import Availability, BlockedDate, Membership, PreferredDate, Talk, TalkPhoto, TalkTopic

S = Talk.Status

# old status -> {new status: action verb}. Nothing else is allowed.
TRANSITIONS: dict[str, dict[str, str]] = {
    S.UNVERIFIED: {S.REQUESTED: "verified", S.CANCELLED: "cancelled"},
    S.REQUESTED: {S.REVIEWED: "reviewed", S.DECLINED: "declined", S.CANCELLED: "cancelled", S.EXPIRED: "expired"},
    S.REVIEWED: {S.DISPATCHED: "dispatched", S.DECLINED: "declined", S.CANCELLED: "cancelled", S.EXPIRED: "expired"},
    S.DISPATCHED: {S.CONFIRMED: "accepted", S.REVIEWED: "refused", S.CANCELLED: "cancelled", S.EXPIRED: "expired"},
    S.CONFIRMED: {S.DELIVERED: "delivered", S.CANCELLED: "cancelled"},
    S.DELIVERED: {S.REPORTED: "reported"},
    S.REPORTED: {S.CLOSED: "closed"},
    S.CLOSED: {},
    S.DECLINED: {},
    S.CANCELLED: {},
    S.EXPIRED: {},
}
MIN_PHOTOS = 3
# Each photo is decoded and encoded anew (seconds for a large one): a report carries a bounded number.
MAX_PHOTOS = 10
MAX_SIZE = 10000


class InvalidTransition(ValidationError):
    def __init__(self, talk: Talk, old: str, new: str):
        current = Talk.objects.filter(pk=talk.pk).values_list("status", flat=True).first() or old
        super().__init__(
            _(
                "This talk cannot move from “%(old)s” to “%(new)s”: it is now “%(current)s”. "
                "Someone may have acted first; reload the page."
            )
            % {"old": S(old).label, "new": S(new).label, "current": S(current).label},
            code="invalid_transition",
        )


def transition(talk: Talk, *, to: str, actor, changes: dict[str, Any] | None = None, data=None) -> Talk:
    """Move `talk` to `to` if the table allows it and nobody moved it first; log the move."""
    old = talk.status
    if to not in TRANSITIONS[old]:
        raise InvalidTransition(talk, old, to)
    changes = changes or {}
    try:
        with transaction.atomic():
            updated = Talk.objects.filter(pk=talk.pk, status=old).update(status=to, **changes)
            if updated != 1:
                raise InvalidTransition(talk, old, to)
            for field, value in changes.items():
                setattr(talk, field, value)
            talk.status = to
            log_action(
                f"outreach.talk.{TRANSITIONS[old][to]}",
                actor=actor,
                obj=talk,
                data={"from": old, "to": to, **(data or {})},
            )
    except IntegrityError as error:
        talk.status = old
        raise ValidationError(
            _("The speaker already has a talk at that date and time."), code="double_booked"
        ) from error
    return talk


# Requests from hosts ------------------------------------------------------------------------------------


def create_request(*, data: dict[str, Any], preferred: list[tuple[datetime.date, str]], actor=None) -> Talk:
    """A host's request, waiting for its email to be verified. `preferred` holds 2-3 (date, slot) pairs."""
    today = timezone.localdate()
    errors = {}
    if not 2 <= len(preferred) <= 3:
        errors["preferred"] = _("Give two or three preferred dates.")
    elif any(date <= today for date, _slot in preferred):
        errors["preferred"] = _("Preferred dates must be in the future.")
    elif len(set(preferred)) != len(preferred):
        errors["preferred"] = _("The preferred dates must differ.")
    size = data.get("audience_size")
    if size is None or not 1 <= size <= MAX_SIZE:
        errors["audience_size"] = _("The expected audience must be between 1 and 10,000 people.")
    if not data.get("wanted_topic") and not data.get("wanted_speaker"):
        errors["wanted_topic"] = _("Name a topic or a speaker you would like.")
    if errors:
        raise ValidationError(errors)
    talk = Talk(**data)
    talk.full_clean()
    with transaction.atomic():
        talk.save()
        PreferredDate.objects.bulk_create(PreferredDate(talk=talk, date=date, slot=slot) for date, slot in preferred)
        log_action("outreach.talk.requested", actor=actor, obj=talk, data={"host": talk.host_name})
        transaction.on_commit(lambda: mail.send_verification(talk.pk))
    return talk


def verify_request(talk: Talk) -> Talk:
    return transition(talk, to=S.REQUESTED, actor=None)


def cancel(talk: Talk, *, actor=None, reason: str = "") -> Talk:
    return transition(talk, to=S.CANCELLED, actor=actor, data={"reason": reason[:500]})


def review(talk: Talk, *, actor, is_open: bool = False) -> Talk:
    return transition(talk, to=S.REVIEWED, actor=actor, changes={"is_open": is_open})


def decline_request(talk: Talk, *, actor, reason: str = "") -> Talk:
    return transition(talk, to=S.DECLINED, actor=actor, data={"reason": reason[:500]})


# Dispatch and the speaker's answer ----------------------------------------------------------------------


def check_available(membership: Membership, *, date: datetime.date, slot: str) -> None:
    if date <= timezone.localdate():
        raise ValidationError(_("The date of the talk must be in the future."), code="past_date")
    if not Availability.objects.filter(membership=membership, weekday=date.weekday(), slot=slot).exists():
        raise ValidationError(_("The speaker is not available on that weekday and slot."), code="unavailable")
    if BlockedDate.objects.filter(membership=membership, date=date).exists():
        raise ValidationError(_("The speaker has blocked that date."), code="blocked")


def dispatch(talk: Talk, *, membership: Membership, date: datetime.date, slot: str, actor, topic=None) -> Talk:
    check_available(membership, date=date, slot=slot)
    if membership.retired_on is not None:
        raise ValidationError(_("This member has retired."), code="retired")
    if topic is None:
        topic = membership.topics.first()
    talk = transition(
        talk,
        to=S.DISPATCHED,
        actor=actor,
        changes={"speaker": membership, "date": date, "slot": slot, "topic": topic},
        data={"speaker": membership.pk, "date": date.isoformat(), "slot": slot},
    )
    transaction.on_commit(lambda: mail.send_dispatched(talk.pk))
    return talk


def accept(talk: Talk, *, actor) -> Talk:
    talk = transition(talk, to=S.CONFIRMED, actor=actor, data={"speaker": talk.speaker_id})
    transaction.on_commit(lambda: mail.send_confirmed(talk.pk))
    return talk


def refuse(talk: Talk, *, actor) -> Talk:
    """The speaker declines: the talk goes back to review and on to the next suggestion, if any."""
    from laurel.outreach.matching import suggest

    declined = [*talk.declined_by, talk.speaker_id]
    with transaction.atomic():
        transition(
            talk,
            to=S.REVIEWED,
            actor=actor,
            changes={"speaker": None, "date": None, "slot": "", "topic": None, "declined_by": declined},
            data={"speaker": talk.speaker_id},
        )
        for suggestion in suggest(talk):
            for date, slot in suggestion.slots:
                try:
                    with transaction.atomic():
                        return dispatch(talk, membership=suggestion.membership, date=date, slot=slot, actor=None)
                except ValidationError:
                    talk.status = S.REVIEWED  # booked meanwhile: try the next slot or speaker
    return talk


def claim(talk: Talk, *, membership: Membership, actor) -> Talk:
    """A member claims an open request on one of its preferred dates; it is confirmed at once."""
    if not talk.is_open:
        raise ValidationError(_("This request is not open for claiming."), code="not_open")
    for preferred in talk.preferred_dates.all():
        try:
            check_available(membership, date=preferred.date, slot=preferred.slot)
        except ValidationError:
            continue
        with transaction.atomic():
            dispatch(talk, membership=membership, date=preferred.date, slot=preferred.slot, actor=actor)
            return accept(talk, actor=actor)
    raise ValidationError(_("None of the preferred dates fits your availability."), code="unavailable")


# After the talk -----------------------------------------------------------------------------------------


def check_held(talk: Talk) -> None:
    if talk.date and talk.date > timezone.localdate():
        raise ValidationError(_("The talk has not taken place yet."), code="future")


def mark_delivered(talk: Talk, *, actor) -> Talk:
    check_held(talk)
    return transition(talk, to=S.DELIVERED, actor=actor)


def file_report(talk: Talk, *, actor, headcount: int, online_views: int, news_link: str, photos: list) -> Talk:
    """The report after the talk: a confirmed talk is marked delivered and reported in one step. Everything is
    checked before the talk moves, so a refused report leaves it as it was."""
    if talk.status not in (S.CONFIRMED, S.DELIVERED):
        raise InvalidTransition(talk, talk.status, S.REPORTED)
    if talk.status == S.CONFIRMED:
        check_held(talk)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(count)d photos at a time.") % {"count": MAX_PHOTOS}})
    if len(photos) + talk.photos.count() < MIN_PHOTOS:
        raise ValidationError({"photos": _("Add at least three photos of the talk.")})
    if headcount < 0 or online_views < 0:
        raise ValidationError(_("Counts cannot be negative."))
    judged = []
    for photo in photos:  # judged by content and re-encoded without metadata (laurel/core/uploads.py)
        try:
            judged.append(judge_image(photo))
        except ValidationError as error:
            raise ValidationError({"photos": error.error_list}) from None
    with transaction.atomic():
        if talk.status == S.CONFIRMED:
            transition(talk, to=S.DELIVERED, actor=actor)
        for photo in judged:
            TalkPhoto.objects.create(talk=talk, image=photo)
        transition(
            talk,
            to=S.REPORTED,
            actor=actor,
            changes={"headcount": headcount, "online_views": online_views, "news_link": news_link},
            data={"headcount": headcount, "online_views": online_views},
        )
    return talk


def rate(talk: Talk, *, rating: int, comment: str) -> Talk:
    """The host's rating through the private link, once the talk has happened."""
    if talk.status not in Talk.HELD:
        raise ValidationError(_("You can rate the talk after it has taken place."), code="too_early")
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("The rating must be from 1 to 5.")})
    with transaction.atomic():
        Talk.objects.filter(pk=talk.pk).update(rating=rating, rating_comment=comment[:2000])
        talk.rating, talk.rating_comment = rating, comment[:2000]
        log_action("outreach.talk.rated", obj=talk, data={"rating": rating})
    return talk


def record_expenses(talk: Talk, *, actor, fee: Decimal | None, travel_cost: Decimal | None, paid_by: str) -> Talk:
    if (fee is not None and fee < 0) or (travel_cost is not None and travel_cost < 0):
        raise ValidationError(_("Amounts cannot be negative."))
    if paid_by and paid_by not in Talk.Payer.values:
        raise ValidationError({"paid_by": _("Choose who pays.")})
    with transaction.atomic():
        Talk.objects.filter(pk=talk.pk).update(fee=fee, travel_cost=travel_cost, paid_by=paid_by)
        talk.fee, talk.travel_cost, talk.paid_by = fee, travel_cost, paid_by
        log_action(
            "outreach.talk.expenses_recorded",
            actor=actor,
            obj=talk,
            data={"fee": str(fee), "travel_cost": str(travel_cost), "paid_by": paid_by},
        )
    return talk


def close(talk: Talk, *, actor) -> Talk:
    return transition(talk, to=S.CLOSED, actor=actor)


# Member profiles ----------------------------------------------------------------------------------------


def update_profile(membership: Membership, *, actor, data: dict[str, Any]) -> Membership:
    """Districts, online/on-site, yearly target, weekly availability and blocked dates, in one write."""
    with transaction.atomic():
        membership.reach = data["reach"]
        membership.yearly_target = data["yearly_target"]
        membership.full_clean()
        membership.save(update_fields=["reach", "yearly_target"])
        membership.districts.set(data["districts"])
        membership.availabilities.all().delete()
        Availability.objects.bulk_create(
            Availability(membership=membership, weekday=day, slot=slot) for day, slot in data["availability"]
        )
        membership.blocked_dates.all().delete()
        BlockedDate.objects.bulk_create(BlockedDate(membership=membership, date=date) for date in data["blocked"])
        log_action(
            "outreach.membership.updated",
            actor=actor,
            obj=membership,
            data={"slots": len(data["availability"]), "blocked": [date.isoformat() for date in data["blocked"]]},
        )
    return membership


def add_topic(membership: Membership, *, actor, data: dict[str, Any], audiences: list[str]) -> TalkTopic:
    topic = TalkTopic(membership=membership, audience_types="," + ",".join(audiences) + ",", **data)
    topic.full_clean()
    with transaction.atomic():
        topic.save()
        log_action("outreach.topic.created", actor=actor, obj=topic, data={"title": topic.title})
        public_changes.changed(topic)
    return topic
