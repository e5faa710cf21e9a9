"""Writes about events: agenda, award rounds, invitations, RSVP, registration confirmed by email with a waiting
list, check-in."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from laurel.core import changes as public_changes
from laurel.core import identity, ratelimit
from laurel.core.services import log_action
from laurel.events import documents
from laurel.events.models import (
    REGISTRATION_CONFIRM_HOURS,
    AgendaItem,
    AgendaPerson,
    Attendee,
    Event,
    EventOrganizer,
    PendingRegistration,
)
from laurel.honors.models import Campaign
from laurel.honors.publication import published_honorees
from laurel.people.models import Person

EVENT_FIELDS = (
    "kind", "theme", "theme_en", "start_at", "end_at", "venue", "is_public", "capacity", "registration_open", "campaign",
)  # fmt: skip
# The waiting list is only safe when registrations for one event are serialized by a row lock.
LOCK_EVENT_ROW = True
# Registration requests per client address (an office may register its team) and confirmation mails per address.
REGISTRATIONS_PER_ADDRESS = ratelimit.Limit("events.registration", count=20, seconds=3600)
REGISTRATION_MAILS_PER_EMAIL = ratelimit.Limit("events.registration_mail", count=5, seconds=3600)

# One table of allowed moves for an attendee's reply.
ALLOWED_REPLIES = {
    Attendee.Status.PENDING: {Attendee.Status.CONFIRMED, Attendee.Status.DECLINED},
    Attendee.Status.CONFIRMED: {Attendee.Status.DECLINED},
    Attendee.Status.DECLINED: {Attendee.Status.CONFIRMED},
    Attendee.Status.WAITLISTED: {Attendee.Status.CONFIRMED, Attendee.Status.DECLINED},
}


def _validate_times(data: dict[str, Any]) -> None:
    if data.get("start_at") and data.get("end_at") and data["end_at"] < data["start_at"]:
        raise ValidationError({"end_at": _("The event cannot end before it starts.")})


def create_event(*, actor, data: dict[str, Any]) -> Event:
    _validate_times(data)
    event = Event.objects.create(**{field: data[field] for field in EVENT_FIELDS if field in data})
    log_action("events.event.created", actor=actor, obj=event, data={"kind": event.kind})
    public_changes.changed(event)
    return event


def update_event(event: Event, *, actor, data: dict[str, Any]) -> Event:
    _validate_times(data)
    changes = {}
    for field in EVENT_FIELDS:
        if field in data and getattr(event, field) != data[field]:
            changes[field] = [str(getattr(event, field)), str(data[field])]
            setattr(event, field, data[field])
    if changes:
        event.save()
        log_action("events.event.updated", actor=actor, obj=event, data=changes)
        public_changes.changed(event)
    return event


def add_organizer(event: Event, *, actor, role: str, organization=None, name: str = "") -> EventOrganizer:
    if organization is None and not name.strip():
        raise ValidationError(_("Choose a unit or type its name."))
    organizer = EventOrganizer.objects.create(event=event, role=role, organization=organization, name=name.strip())
    log_action("events.organizer.added", actor=actor, obj=event, data={"role": role, "name": str(organizer)})
    return organizer


def _next_order(event: Event) -> int:
    return (event.agenda_items.aggregate(last=Max("order"))["last"] or 0) + 1


def add_agenda_item(event: Event, *, actor, role: str, title: str, duration_minutes: int, order=None) -> AgendaItem:
    item = AgendaItem.objects.create(
        event=event, role=role, title=title, duration_minutes=duration_minutes, order=order or _next_order(event)
    )
    log_action("events.agenda_item.added", actor=actor, obj=event, data={"item": title, "role": role})
    return item


def add_agenda_person(
    item: AgendaItem, *, actor, part: str, person: Person | None = None, name: str = "", title_line: str = ""
) -> AgendaPerson:
    if person is None and not name.strip():
        raise ValidationError(_("Choose a sci-tech worker or type a name."))
    if person is not None and not title_line:
        title_line = " ".join(part for part in (person.organization.name, person.position) if part)
    order = (item.people.aggregate(last=Max("order"))["last"] or 0) + 1
    entry = AgendaPerson.objects.create(
        item=item, part=part, person=person, name=name.strip(), title_line=title_line, order=order
    )
    log_action("events.agenda_person.added", actor=actor, obj=item.event, data={"item": item.title, "name": str(entry)})
    return entry


def remove_agenda_item(item: AgendaItem, *, actor) -> None:
    event = item.event
    log_action("events.agenda_item.removed", actor=actor, obj=event, data={"item": item.title})
    item.delete()


@transaction.atomic
def build_award_rounds(
    event: Event,
    *,
    recipients: list[Person],
    per_round: int,
    presenters: Sequence[Sequence[Person | str]] = (),
    minutes_per_round: int = 5,
    actor,
) -> list[AgendaItem]:
    """Append award rounds to the agenda: `per_round` recipients each, with the presenters of that round.

    `presenters[i]` lists the presenters of round i (people or names as printed); rounds beyond the list
    have no presenters yet. Recipients keep the given order (e.g. a campaign's published list).
    """
    if per_round < 1:
        raise ValidationError(_("Each round needs at least one recipient."))
    if not recipients:
        raise ValidationError(_("There is no recipient to award."))
    rounds = []
    order = _next_order(event)
    for number, start in enumerate(range(0, len(recipients), per_round), start=1):
        item = AgendaItem.objects.create(
            event=event,
            order=order + number - 1,
            role=AgendaItem.Role.AWARD_ROUND,
            title=_("Award round %(number)d") % {"number": number},
            duration_minutes=minutes_per_round,
        )
        round_presenters = presenters[number - 1] if number - 1 < len(presenters) else ()
        for index, presenter in enumerate(round_presenters, start=1):
            if isinstance(presenter, Person):
                AgendaPerson.objects.create(
                    item=item, part=AgendaPerson.Part.PRESENTER, person=presenter, order=index,
                    title_line=" ".join(p for p in (presenter.organization.name, presenter.position) if p),
                )  # fmt: skip
            else:
                AgendaPerson.objects.create(item=item, part=AgendaPerson.Part.PRESENTER, name=presenter, order=index)
        for index, person in enumerate(recipients[start : start + per_round], start=1):
            AgendaPerson.objects.create(
                item=item, part=AgendaPerson.Part.RECIPIENT, person=person, order=index,
                title_line=" ".join(p for p in (person.organization.name, person.position) if p),
            )  # fmt: skip
        rounds.append(item)
    log_action(
        "events.award_rounds.built",
        actor=actor,
        obj=event,
        data={"rounds": len(rounds), "recipients": [person.code for person in recipients]},
    )
    return rounds


def build_rounds_from_campaign(
    event: Event,
    *,
    campaign: Campaign,
    per_round: int,
    presenters: Sequence[Sequence[Person | str]] = (),
    actor,
) -> list[AgendaItem]:
    """Link the event to a published campaign and build its award rounds from the honorees, in the published order."""
    recipients = [nomination.person for nomination in published_honorees(campaign)]
    if not recipients:
        raise ValidationError(_("This campaign has not published its honorees yet."))
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.agenda_items.filter(role=AgendaItem.Role.AWARD_ROUND).exists():
            raise ValidationError(_("This event already has award rounds; remove them before building new ones."))
        if event.campaign_id != campaign.pk:
            Event.objects.filter(pk=event.pk).update(campaign=campaign)
            log_action(
                "events.event.updated",
                actor=actor,
                obj=event,
                data={"campaign": [str(event.campaign or ""), str(campaign)]},
            )
            event.campaign = campaign
        return build_award_rounds(event, recipients=recipients, per_round=per_round, presenters=presenters, actor=actor)


def _mail_attendee(attendee: Attendee, template: str, subject: str, *, with_pass: bool = False) -> None:
    """Mail an attendee after the transaction commits; `with_pass` attaches the pass's QR code as a PNG."""
    if not attendee.email:
        return
    context = {
        "attendee": attendee,
        "event": attendee.event,
        "rsvp_url": settings.SITE_URL + attendee.get_rsvp_url(),
        "pass_url": settings.SITE_URL + attendee.get_pass_url(),
    }
    body = render_to_string(template, context)

    attachment = (
        (f"pass-{attendee.pass_code}.png", documents.pass_png(attendee.pass_code), "image/png") if with_pass else None
    )

    def send():
        message = EmailMessage(identity.mail_subject(subject), body, None, [attendee.email])
        if attachment:
            message.attach(*attachment)
        message.send()

    transaction.on_commit(send)


def invite_attendee(
    event: Event, *, actor, category: str, name: str, email: str = "", title_line: str = "", person=None
) -> Attendee:
    if email and event.attendees.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This address is already on the list of attendees.")})
    with transaction.atomic():
        attendee = Attendee.objects.create(
            event=event, category=category, name=name, email=email.lower(), title_line=title_line, person=person
        )
        log_action("events.attendee.invited", actor=actor, obj=attendee, data={"category": category})
        _mail_attendee(attendee, "events/mail/invitation.txt", _("Invitation: %(event)s") % {"event": event.theme})
    return attendee


def _seats_taken(event: Event) -> int:
    return event.attendees.filter(status=Attendee.Status.CONFIRMED).count()


def _has_seat(event: Event) -> bool:
    return event.capacity is None or _seats_taken(event) < event.capacity


def _lock(event: Event) -> Event:
    if LOCK_EVENT_ROW:
        return Event.objects.select_for_update().get(pk=event.pk)
    return Event.objects.get(pk=event.pk)


def _mail(email: str, template: str, subject: str, context: dict[str, Any]) -> None:
    body = render_to_string(template, context)
    subject = identity.mail_subject(subject)
    transaction.on_commit(lambda: EmailMessage(subject, body, None, [email]).send())


def register_public(
    event: Event, *, name: str, email: str, address: str, title_line: str = "", special_needs: str = ""
) -> None:
    """A visitor asks for a place at an open event. Nothing is decided yet: a link goes to the address given, and
    opening it (`confirm_registration`) takes a seat or a place on the waiting list. The caller learns nothing
    about the address (already registered or not: the same answer); its mailbox learns which case it is.
    `address` is the visitor's network address (`laurel.core.net.client_address`), for the per-address limit."""
    email = email.strip().lower()
    if not (event.is_public and event.registration_open) or event.is_finished():
        raise ValidationError(_("Registration for this event is closed."), code="closed")
    if not ratelimit.allow_address(REGISTRATIONS_PER_ADDRESS, address):
        raise ValidationError(
            _("Too many registrations from your network in the last hour. Please try again later."),
            code="rate_limited",
        )
    # Nobody may use the form to flood someone else's mailbox; past the limit the answer stays the same.
    if not ratelimit.allow(REGISTRATION_MAILS_PER_EMAIL, email):
        return
    PendingRegistration.objects.filter(
        created_at__lte=timezone.now() - datetime.timedelta(hours=REGISTRATION_CONFIRM_HOURS)
    ).delete()
    theme = event.display_theme(translation.get_language())
    attendee = event.attendees.filter(email=email).first()
    with transaction.atomic():
        if attendee is not None:
            _mail(
                email,
                "events/mail/registration_repeated.txt",
                _("You are already registered: %(event)s") % {"event": theme},
                {"attendee": attendee, "event": event, "rsvp_url": settings.SITE_URL + attendee.get_rsvp_url()},
            )
            return
        pending = PendingRegistration.objects.create(
            event=event, name=name, email=email, title_line=title_line, special_needs=special_needs
        )
        _mail(
            email,
            "events/mail/registration_confirm.txt",
            _("Confirm your registration: %(event)s") % {"event": theme},
            {
                "pending": pending,
                "event": event,
                "confirm_url": settings.SITE_URL + pending.get_absolute_url(),
                "hours": REGISTRATION_CONFIRM_HOURS,
            },
        )


def confirm_registration(pending: PendingRegistration) -> Attendee:
    """The visitor opened the mailed link: a seat while seats remain, else the waiting list (under the event's row
    lock, so two confirmations at once cannot both take the last seat). Opening a second link for the same address,
    or the same link twice, returns the registration already made."""
    with transaction.atomic():
        event = _lock(pending.event)
        siblings = PendingRegistration.objects.filter(event=event, email=pending.email)
        attendee = event.attendees.filter(email=pending.email).first()
        if attendee is not None:
            siblings.delete()
            return attendee
        if not siblings.filter(pk=pending.pk).exists() or pending.is_expired():
            raise ValidationError(_("This link has expired. Register again on the event's page."), code="expired")
        if not (event.is_public and event.registration_open) or event.is_finished():
            raise ValidationError(_("Registration for this event is closed."), code="closed")
        siblings.delete()
        status = Attendee.Status.CONFIRMED if _has_seat(event) else Attendee.Status.WAITLISTED
        attendee = Attendee.objects.create(
            event=event, category=Attendee.Category.PUBLIC, name=pending.name, email=pending.email,
            title_line=pending.title_line, special_needs=pending.special_needs, status=status,
            replied_at=timezone.now(),
        )  # fmt: skip
        log_action("events.attendee.registered", obj=attendee, data={"status": status})
        if status == Attendee.Status.CONFIRMED:
            _mail_attendee(
                attendee, "events/mail/pass.txt", _("Your pass: %(event)s") % {"event": event.theme}, with_pass=True
            )
        else:
            _mail_attendee(
                attendee, "events/mail/waitlisted.txt", _("Waiting list: %(event)s") % {"event": event.theme}
            )
    return attendee


def _promote_waitlisted(event: Event) -> Attendee | None:
    if not _has_seat(event):
        return None
    waiting = event.attendees.filter(status=Attendee.Status.WAITLISTED).order_by("created_at", "pk").first()
    if waiting is None:
        return None
    Attendee.objects.filter(pk=waiting.pk, status=Attendee.Status.WAITLISTED).update(
        status=Attendee.Status.CONFIRMED, replied_at=timezone.now()
    )
    waiting.refresh_from_db()
    log_action("events.attendee.promoted", obj=waiting)
    with translation.override(settings.LANGUAGE_CODE):
        _mail_attendee(
            waiting, "events/mail/pass.txt", _("Your pass: %(event)s") % {"event": event.theme}, with_pass=True
        )
    return waiting


def reply(attendee: Attendee, *, status: str, special_needs: str | None = None, actor=None) -> Attendee:
    """The one transition function of an attendee's reply (the private RSVP link, or staff on their behalf)."""
    with transaction.atomic():
        event = _lock(attendee.event)
        attendee.refresh_from_db()
        old = attendee.status
        if status != old and status not in ALLOWED_REPLIES[old]:
            raise ValidationError(_("This reply is no longer possible."))
        if status == Attendee.Status.CONFIRMED and old == Attendee.Status.WAITLISTED and not _has_seat(event):
            raise ValidationError(_("The event is full; you stay on the waiting list."))
        if (
            status == Attendee.Status.CONFIRMED
            and old != Attendee.Status.CONFIRMED
            and attendee.category == Attendee.Category.PUBLIC
            and not _has_seat(event)
        ):
            status = Attendee.Status.WAITLISTED
        updates = {"status": status, "replied_at": timezone.now()}
        if special_needs is not None:
            updates["special_needs"] = special_needs
        updated = Attendee.objects.filter(pk=attendee.pk, status=old).update(**updates)
        if updated != 1:
            raise ValidationError(_("This reply is no longer possible."))
        attendee.refresh_from_db()
        if status != old:
            log_action("events.attendee.replied", actor=actor, obj=attendee, data={"from": old, "to": status})
        if old == Attendee.Status.CONFIRMED and status == Attendee.Status.DECLINED:
            _promote_waitlisted(event)
    return attendee


class CheckInError(ValidationError):
    pass


def check_in(event: Event, *, code: str, actor) -> Attendee:
    """Check a pass in at the door. Refuses forged codes, passes of other events and reused passes."""
    code = "".join(code.split()).upper()
    attendee = Attendee.objects.select_related("event").filter(pass_code=code).first()
    if attendee is None:
        raise CheckInError(_("No pass has this code. Check the code and try again."))
    if attendee.event_id != event.pk:
        raise CheckInError(
            _("This pass is for another event: %(event)s.")
            % {"event": attendee.event.display_theme(translation.get_language())}
        )
    if attendee.status == Attendee.Status.DECLINED:
        raise CheckInError(_("%(name)s declined the invitation.") % {"name": attendee.name})
    now = timezone.now()
    updated = Attendee.objects.filter(pk=attendee.pk, checked_in_at=None).update(checked_in_at=now, checked_in_by=actor)
    if updated != 1:
        attendee.refresh_from_db()
        local = timezone.localtime(attendee.checked_in_at)
        raise CheckInError(
            _("%(name)s is already checked in at %(time)s.") % {"name": attendee.name, "time": local.strftime("%H:%M")}
        )
    attendee.refresh_from_db()
    log_action("events.attendee.checked_in", actor=actor, obj=attendee, data={"late": attendee.is_late()})
    return attendee
