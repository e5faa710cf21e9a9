"""Lecture groups, their members and topics, and talks (a talk begins life as a host's request)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laurel.core.codes import make_code, make_token
from laurel.people.models import Person


class Slot(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class AudienceType(models.TextChoices):
    PUPILS = "pupils", _("Primary school pupils")
    STUDENTS = "students", _("Secondary school students")
    UNDERGRADUATES = "undergraduates", _("University students")
    EMPLOYEES = "employees", _("Employees")
    RESIDENTS = "residents", _("Community residents")
    FARMERS = "farmers", _("Farmers")
    RESEARCHERS = "researchers", _("Researchers")


class Delivery(models.TextChoices):
    ONSITE = "onsite", _("On site")
    ONLINE = "online", _("Online")


class District(models.Model):
    name = models.CharField(_("district name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class LectureGroup(models.Model):
    name = models.CharField(_("group name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    slug = models.SlugField(_("public address"), unique=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("lecture group")
        verbose_name_plural = _("lecture groups")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("outreach:group_detail", kwargs={"slug": self.slug})

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Batch(models.Model):
    group = models.ForeignKey(LectureGroup, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField(_("batch number"))
    announced_on = models.DateField(_("announced on"))
    announced_at = models.CharField(_("announced at"), max_length=200, blank=True)

    class Meta:
        ordering = ["group", "number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="outreach_batch_unique_number")]

    def __str__(self):
        return f"{self.group} · {self.number}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_on=None)


class Membership(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Head")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", pgettext_lazy("lecture group role", "Member")

    class Reach(models.TextChoices):
        BOTH = "both", _("Online and on site")
        ONSITE = "onsite", _("On site only")
        ONLINE = "online", _("Online only")

    group = models.ForeignKey(LectureGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, verbose_name=_("sci-tech worker"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="memberships")
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    districts = models.ManyToManyField(District, verbose_name=_("districts reachable"), blank=True)
    reach = models.CharField(_("gives talks"), max_length=10, choices=Reach.choices, default=Reach.BOTH)
    yearly_target = models.PositiveSmallIntegerField(_("talks a year (target)"), default=8)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "pk"]
        verbose_name = _("lecture group member")
        verbose_name_plural = _("lecture group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="outreach_membership_unique"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(role="head", retired_on=None), name="outreach_one_active_head"
            ),
        ]

    def __str__(self):
        return self.person.name


class TalkTopic(models.Model):
    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("Chinese")
        ENGLISH = "en", _("English")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    abstract = models.TextField(_("abstract"), max_length=2000, blank=True)
    audience_types = models.CharField(_("audience types"), max_length=200, help_text=_("comma-separated codes"))
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.CHINESE)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("talk topic")
        verbose_name_plural = _("talk topics")

    def __str__(self):
        return self.title

    @property
    def audience_list(self) -> list[str]:
        labels = dict(AudienceType.choices)
        return [labels[code] for code in self.audience_types.strip(",").split(",") if code in labels]


class Availability(models.Model):
    """A recurring weekly slot a member can give talks in (weekday 0 = Monday)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="availabilities")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    slot = models.CharField(_("slot"), max_length=10, choices=Slot.choices)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [
            models.UniqueConstraint(fields=["membership", "weekday", "slot"], name="outreach_availability_unique"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="outreach_availability_weekday"),
        ]

    def __str__(self):
        return f"{self.membership} · {self.weekday} · {self.slot}"


class BlockedDate(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="blocked_dates")
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("blocked date")
        verbose_name_plural = _("blocked dates")
        constraints = [models.UniqueConstraint(fields=["membership", "date"], name="outreach_blocked_date_unique")]

    def __str__(self):
        return f"{self.membership} · {self.date}"


class Talk(models.Model):
    """One talk, from the host's request to the closed report. Its status moves only through services.transition."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Awaiting email verification")
        REQUESTED = "requested", _("Requested")
        REVIEWED = "reviewed", _("Reviewed")
        DISPATCHED = "dispatched", _("Dispatched to a speaker")
        CONFIRMED = "confirmed", _("Confirmed by the speaker")
        DELIVERED = "delivered", _("Delivered")
        REPORTED = "reported", _("Reported")
        CLOSED = "closed", _("Closed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired: no speaker before the preferred dates")

    class HostType(models.TextChoices):
        SCHOOL = "school", _("School")
        UNIVERSITY = "university", _("University")
        ENTERPRISE = "enterprise", _("Enterprise")
        COMMUNITY = "community", _("Community")
        INSTITUTE = "institute", _("Research institute")
        VILLAGE = "village", _("Village")

    class Payer(models.TextChoices):
        ASSOCIATION = "association", _("The association")
        HOST = "host", _("The host")
        SHARED = "shared", _("Shared")

    ACTIVE = ("dispatched", "confirmed", "delivered", "reported", "closed")
    HELD = ("delivered", "reported", "closed")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    follow_token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    verify_token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    created_at = models.DateTimeField(auto_now_add=True)
    host_name = models.CharField(_("host organization"), max_length=200)
    host_type = models.CharField(_("host type"), max_length=12, choices=HostType.choices)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="talks")
    address = models.CharField(_("address"), max_length=300, blank=True)
    audience_type = models.CharField(_("audience type"), max_length=20, choices=AudienceType.choices)
    audience_size = models.PositiveIntegerField(_("expected audience size"))
    wanted_topic = models.CharField(_("wanted topic"), max_length=200, blank=True)
    wanted_speaker = models.ForeignKey(
        Membership, verbose_name=_("wanted speaker"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery = models.CharField(_("online or on site"), max_length=10, choices=Delivery.choices)
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    is_open = models.BooleanField(_("open for members to claim"), default=False)
    # Set when dispatched.
    speaker = models.ForeignKey(
        Membership, verbose_name=_("speaker"), null=True, blank=True, on_delete=models.PROTECT, related_name="talks"
    )
    topic = models.ForeignKey(
        TalkTopic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.SET_NULL, related_name="talks"
    )
    date = models.DateField(_("date"), null=True, blank=True)
    slot = models.CharField(_("slot"), max_length=10, choices=Slot.choices, blank=True)
    declined_by = models.JSONField(default=list, blank=True)
    # Reported after the talk.
    headcount = models.PositiveIntegerField(_("on-site headcount"), null=True, blank=True)
    online_views = models.PositiveIntegerField(_("online views"), null=True, blank=True)
    news_link = models.URLField(_("news or bulletin link"), blank=True)
    rating = models.PositiveSmallIntegerField(_("host rating"), null=True, blank=True)
    rating_comment = models.TextField(_("host comment"), max_length=2000, blank=True)
    fee = models.DecimalField(_("fee"), max_digits=9, decimal_places=2, null=True, blank=True)
    travel_cost = models.DecimalField(_("travel cost"), max_digits=9, decimal_places=2, null=True, blank=True)
    paid_by = models.CharField(_("who pays"), max_length=12, choices=Payer.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        indexes = [
            models.Index(fields=["status", "date"]),
            models.Index(fields=["speaker", "date"]),
            # Covers the reach dashboard's three grouped scans: the table itself is not read.
            models.Index(
                fields=[
                    "status",
                    "district",
                    "host_type",
                    "audience_type",
                    "date",
                    "speaker",
                    "headcount",
                    "online_views",
                ],
                name="outreach_talk_reach_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["speaker", "date", "slot"],
                condition=models.Q(status__in=["dispatched", "confirmed", "delivered", "reported", "closed"]),
                name="outreach_talk_speaker_not_double_booked",
            ),
            models.CheckConstraint(
                condition=models.Q(audience_size__gte=1, audience_size__lte=10000), name="outreach_talk_audience_size"
            ),
            models.CheckConstraint(
                condition=models.Q(rating=None) | models.Q(rating__gte=1, rating__lte=5), name="outreach_talk_rating"
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.host_name}"

    def get_absolute_url(self):
        return reverse("outreach:talk_detail", kwargs={"code": self.code})

    def get_follow_url(self):
        return reverse("outreach:follow", kwargs={"token": self.follow_token})


class PreferredDate(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="preferred_dates")
    date = models.DateField(_("date"))
    slot = models.CharField(_("slot"), max_length=10, choices=Slot.choices)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("preferred date")
        verbose_name_plural = _("preferred dates")

    def __str__(self):
        return f"{self.date} {self.get_slot_display()}"


class TalkPhoto(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="outreach/photos/")

    class Meta:
        verbose_name = _("talk photo")
        verbose_name_plural = _("talk photos")

    def __str__(self):
        return self.image.name


class SentReminder(models.Model):
    """A reminder mailed once: the command that sends them is idempotent because of this row."""

    class Kind(models.TextChoices):
        TWO_DAYS = "two_days", _("Two days before")
        CONNECTION = "connection", _("Connection details, the day before")

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [models.UniqueConstraint(fields=["talk", "kind"], name="outreach_reminder_once")]

    def __str__(self):
        return f"{self.talk} · {self.kind}"
