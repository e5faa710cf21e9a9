"""Events (symposiums, ceremonies), their organizers, agenda and attendees."""

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.core.codes import make_code, make_token
from laurel.honors.models import Campaign
from laurel.people.models import Organization, Person, User


def make_pass_code() -> str:
    return make_code(10)


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def upcoming(self, now: datetime.datetime | None = None):
        return self.filter(end_at__gte=now or timezone.now()).order_by("start_at")


class Event(models.Model):
    class Kind(models.TextChoices):
        SYMPOSIUM = "symposium", _("Symposium")
        AWARD_CEREMONY = "award_ceremony", _("Award ceremony")
        LAUNCH_CEREMONY = "launch_ceremony", _("Launch ceremony")
        FOUNDING_CEREMONY = "founding_ceremony", _("Founding ceremony")
        LECTURE = "lecture", _("Lecture")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    theme = models.CharField(_("theme"), max_length=200)
    theme_en = models.CharField(_("English theme"), max_length=200, blank=True)
    start_at = models.DateTimeField(_("starts at"))
    end_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200)
    is_public = models.BooleanField(_("shown on the public site"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    registration_open = models.BooleanField(_("public registration open"), default=False)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("honor campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_at__gte=models.F("start_at")), name="event_ends_after_start")
        ]

    def __str__(self):
        return self.theme

    def get_absolute_url(self):
        return reverse("events:event_detail", kwargs={"code": self.code})

    def get_public_url(self):
        return reverse("events:public_detail", kwargs={"code": self.code})

    def display_theme(self, language: str) -> str:
        return self.theme_en if language == "en" and self.theme_en else self.theme

    def is_finished(self, now: datetime.datetime | None = None) -> bool:
        return self.end_at < (now or timezone.now())


class EventOrganizer(models.Model):
    class Role(models.TextChoices):
        HOST = "host", _("Host")
        ORGANIZER = "organizer", _("Organizer")
        CO_ORGANIZER = "co_organizer", _("Co-organizer")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organizers")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name as printed"), max_length=200, blank=True)

    class Meta:
        # 主办, 承办, 协办: the order of every programme and news report, not the alphabet's
        ordering = [
            models.Case(
                models.When(role="host", then=models.Value(0)),
                models.When(role="organizer", then=models.Value(1)),
                default=models.Value(2),
            ),
            "pk",
        ]
        verbose_name = _("organizer")
        verbose_name_plural = _("organizers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | ~models.Q(name=""), name="organizer_has_unit_or_name"
            )
        ]

    def __str__(self):
        return self.name or str(self.organization)


class AgendaItem(models.Model):
    class Role(models.TextChoices):
        PRESIDING = "presiding", _("Presiding")
        ADDRESS = "address", _("Address")
        SPEECH = "speech", _("Speech")
        SHARING = "sharing", _("Representatives' sharing")
        FILM = "film", _("Film screening")
        DECISION = "decision", _("Reading of the award decision")
        AWARD_ROUND = "award_round", _("Award round")
        CALL_TO_ACTION = "call_to_action", _("Call to action")
        CLOSING = "closing", _("Closing speech")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("title"), max_length=200)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=5)

    class Meta:
        ordering = ["event", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


class AgendaPerson(models.Model):
    class Part(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        PRESENTER = "presenter", _("Presenter")
        RECIPIENT = "recipient", _("Recipient")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="people")
    part = models.CharField(_("part"), max_length=20, choices=Part.choices, default=Part.SPEAKER)
    person = models.ForeignKey(
        Person, verbose_name=_("sci-tech worker"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    title_line = models.CharField(_("title line as printed"), max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["item", "part", "order", "pk"]
        verbose_name = _("person on the agenda")
        verbose_name_plural = _("people on the agenda")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(name=""), name="agenda_person_has_person_or_name"
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or (self.person.name if self.person_id else "")


class Attendee(models.Model):
    class Category(models.TextChoices):
        LEADER = "leader", _("Leader")
        GUEST = "guest", _("Guest")
        HONOREE = "honoree", _("Honoree")
        REPRESENTATIVE = "representative", _("Representative")
        PUBLIC = "public", _("Public")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting reply")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WAITLISTED = "waitlisted", _("On the waiting list")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("sci-tech worker"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    title_line = models.CharField(_("unit and position"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    status = models.CharField(_("reply"), max_length=20, choices=Status.choices, default=Status.PENDING)
    special_needs = models.CharField(_("special needs"), max_length=500, blank=True)
    token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    pass_code = models.CharField(_("pass code"), max_length=12, unique=True, default=make_pass_code, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["event", "category", "name", "pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], condition=~models.Q(email=""), name="attendee_unique_email_per_event"
            )
        ]

    def __str__(self):
        return f"{self.name} · {self.event}"

    def get_rsvp_url(self):
        return reverse("events:rsvp", kwargs={"token": self.token})

    def get_pass_url(self):
        return reverse("events:pass", kwargs={"token": self.token})

    def is_late(self) -> bool:
        return self.checked_in_at is not None and self.checked_in_at > self.event.start_at


# A registration request's link works this long; the request takes no seat meanwhile.
REGISTRATION_CONFIRM_HOURS = 48


class PendingRegistration(models.Model):
    """A visitor's registration waiting for them to open the link mailed to the address they gave. It holds no
    seat and no place on the waiting list: the place is decided when the link is opened, so that no one can fill
    an event with addresses they do not own. Expires after REGISTRATION_CONFIRM_HOURS."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="pending_registrations")
    name = models.CharField(_("name"), max_length=100)
    title_line = models.CharField(_("unit and position"), max_length=200, blank=True)
    email = models.EmailField(_("email address"))
    special_needs = models.CharField(_("special needs"), max_length=500, blank=True)
    token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration awaiting confirmation")
        verbose_name_plural = _("registrations awaiting confirmation")

    def __str__(self):
        return f"{self.name} · {self.event}"

    def get_absolute_url(self):
        return reverse("events:registration_confirm", kwargs={"token": self.token})

    def expires_at(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(hours=REGISTRATION_CONFIRM_HOURS)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at() <= (now or timezone.now())
