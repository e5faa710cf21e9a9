"""Technical needs (技术需求) from enterprises, townships and schools; the experts who subscribe to them, the
match (对接) staff broker, and volunteer service records (科技志愿服务)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laurel.core.codes import make_code, make_token
from laurel.outreach.models import District

MAX_PROBLEM = 3000
MAX_TRIED = 2000


class NeedField(models.TextChoices):
    MATERIALS = "materials", _("Materials")
    MANUFACTURING = "manufacturing", _("Manufacturing and automation")
    ELECTRONICS = "electronics", _("Electronics and information")
    AGRICULTURE = "agriculture", _("Agriculture and food")
    MEDICINE = "medicine", _("Medicine and health")
    ENVIRONMENT = "environment", _("Environment and energy")
    CHEMISTRY = "chemistry", _("Chemical engineering")
    EDUCATION = "education", _("Science education")
    OTHER = "other", _("Other")


class Budget(models.TextChoices):
    NONE = "none", _("No budget (volunteer help)")
    SMALL = "small", _("Under 50,000 yuan")
    MEDIUM = "medium", _("50,000 to 200,000 yuan")
    LARGE = "large", _("200,000 to 1 million yuan")
    HUGE = "huge", _("Over 1 million yuan")


class NeedQuerySet(models.QuerySet):
    def on_board(self):
        """What the public needs board shows: moderated needs, with matched ones kept as the board's record."""
        return self.filter(status__in=Need.ON_BOARD)


class Need(models.Model):
    """One need, from the poster's submission to the match's outcome. Its status moves only through
    services.transition."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Awaiting email verification")
        SUBMITTED = "submitted", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        INTRODUCED = "introduced", _("Expert introduced")
        MET = "met", _("Meeting held")
        CONCLUDED = "concluded", _("Concluded")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class PosterType(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        TOWNSHIP = "township", _("Township")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other organization")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        PARTLY = "partly", _("Partly resolved")
        NOT_RESOLVED = "not", _("Not resolved")
        CONTINUING = "continuing", _("Continuing")

    ON_BOARD = ("published", "introduced", "met", "concluded")
    MATCHED = ("introduced", "met", "concluded")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    follow_token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    verify_token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    poster_name = models.CharField(_("organization"), max_length=200)
    poster_type = models.CharField(_("organization type"), max_length=12, choices=PosterType.choices)
    field = models.CharField(_("field"), max_length=20, choices=NeedField.choices)
    title = models.CharField(_("title"), max_length=120)
    problem = models.TextField(_("the problem"), max_length=MAX_PROBLEM)
    tried = models.TextField(_("what was tried"), max_length=MAX_TRIED, blank=True)
    region = models.ForeignKey(District, verbose_name=_("region"), on_delete=models.PROTECT, related_name="needs")
    budget = models.CharField(_("budget range"), max_length=10, choices=Budget.choices)
    deadline = models.DateField(_("deadline"))
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    # The poster has no account: their mail goes out in the language they posted in.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    # The match (对接), set by staff.
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matched_needs",
    )
    introduced_at = models.DateTimeField(null=True, blank=True)
    meeting_on = models.DateField(_("meeting date"), null=True, blank=True)
    meeting_notes = models.TextField(_("meeting record"), max_length=3000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(_("outcome notes"), max_length=2000, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    poster_rating = models.PositiveSmallIntegerField(_("poster's rating"), null=True, blank=True)
    poster_feedback = models.TextField(_("poster's feedback"), max_length=2000, blank=True)
    expert_rating = models.PositiveSmallIntegerField(_("expert's rating"), null=True, blank=True)
    expert_feedback = models.TextField(_("expert's feedback"), max_length=2000, blank=True)
    passed_over = models.JSONField(default=list, blank=True)  # experts whose introduction fell through

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("technical need")
        verbose_name_plural = _("technical needs")
        indexes = [
            models.Index(fields=["status", "field", "region"]),
            models.Index(fields=["expert", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(poster_rating=None) | Q(poster_rating__gte=1, poster_rating__lte=5),
                name="needs_need_poster_rating",
            ),
            models.CheckConstraint(
                condition=Q(expert_rating=None) | Q(expert_rating__gte=1, expert_rating__lte=5),
                name="needs_need_expert_rating",
            ),
            # A matched need always names its expert.
            models.CheckConstraint(
                condition=~Q(status__in=["introduced", "met", "concluded"]) | Q(expert__isnull=False),
                name="needs_need_matched_has_expert",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    def get_absolute_url(self):
        return reverse("needs:detail", kwargs={"code": self.code})

    def get_manage_url(self):
        return reverse("needs:manage_detail", kwargs={"code": self.code})

    def get_follow_url(self):
        return reverse("needs:follow", kwargs={"token": self.follow_token})

    @property
    def is_matched(self) -> bool:
        return self.status in self.MATCHED

    def text(self) -> str:
        """What the engine compares with experts' expertise."""
        return f"{self.get_field_display()} {self.title} {self.problem} {self.tried}"


class Subscription(models.Model):
    """An expert's offer of S&T service: the fields and regions they follow, their expertise, availability and
    how many matches they take at once. Regions left empty mean the whole city."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="needs_subscription")
    fields = models.JSONField(_("fields"), default=list)
    regions = models.ManyToManyField(District, verbose_name=_("regions"), blank=True, related_name="+")
    expertise = models.TextField(_("expertise"), max_length=1000, blank=True)
    is_available = models.BooleanField(_("available for new needs"), default=True)
    max_active = models.PositiveSmallIntegerField(_("matches at a time (at most)"), default=3)
    notify = models.BooleanField(_("mail me new needs"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("needs subscription")
        verbose_name_plural = _("needs subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_active__gte=1, max_active__lte=20), name="needs_subscription_max_active"
            ),
        ]

    def __str__(self):
        return str(self.user)

    def field_labels(self) -> list[str]:
        labels = dict(NeedField.choices)
        return [str(labels[code]) for code in self.fields if code in labels]


class Interest(models.Model):
    """An expert's "I can help" on a published need: staff see it beside the engine's suggestions."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="need_interests")
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [models.UniqueConstraint(fields=["need", "user"], name="needs_interest_once")]

    def __str__(self):
        return f"{self.need} · {self.user}"


class ServiceRecord(models.Model):
    """Volunteer service (科技志愿服务) an expert reports; it counts once staff validate it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting validation")
        VALIDATED = "validated", _("Validated")
        REJECTED = "rejected", _("Not validated")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_records")
    need = models.ForeignKey(
        Need, verbose_name=_("technical need"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField(_("date of service"))
    region = models.ForeignKey(District, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what was done"), max_length=2000)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("volunteer service record")
        verbose_name_plural = _("volunteer service records")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="needs_service_hours"),
            models.CheckConstraint(condition=Q(people_reached__lte=100000), name="needs_service_people"),
        ]

    def __str__(self):
        return f"{self.user} · {self.date} · {self.hours} h"


class ServicePhoto(models.Model):
    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="needs/photos/")

    class Meta:
        verbose_name = _("service photo")
        verbose_name_plural = _("service photos")

    def __str__(self):
        return self.image.name
