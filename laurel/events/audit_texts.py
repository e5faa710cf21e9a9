"""The events' audit entries as sentences (read by `laurel.core.audit_texts`)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "events.agenda_item.added": _("%(actor)s added an agenda item to “%(object)s”."),
    "events.agenda_item.removed": _("%(actor)s removed an agenda item from “%(object)s”."),
    "events.agenda_person.added": _("%(actor)s added a person to the agenda: %(object)s."),
    "events.attendee.checked_in": _("%(actor)s checked in %(object)s."),
    "events.attendee.invited": _("%(actor)s invited %(object)s."),
    "events.attendee.promoted": _("%(actor)s: %(object)s moved from the waiting list to a seat."),
    "events.attendee.registered": _("%(actor)s: %(object)s registered."),
    "events.attendee.replied": _("%(actor)s: %(object)s replied to the invitation."),
    "events.award_rounds.built": _("%(actor)s built the award rounds of “%(object)s”."),
    "events.event.created": _("%(actor)s created the event “%(object)s”."),
    "events.event.updated": _("%(actor)s changed the event “%(object)s”."),
    "events.organizer.added": _("%(actor)s added an organizer to “%(object)s”."),
}
