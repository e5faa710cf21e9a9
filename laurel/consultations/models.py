"""Think-tank consultations (决策咨询): a government body's question, the expert panel, Delphi rounds, the report
(专报) and the body's response. Statuses move only through `services.transition`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laurel.core.codes import make_code, make_token
from laurel.people.models import Organization, Person


class Openness(models.TextChoices):
    PUBLIC = "public", _("Public (公开)")
    INTERNAL = "internal", _("Internal (内部)")


class ConsultationQuerySet(models.QuerySet):
    def public(self):
        """What anyone may read: public consultations that staff accepted."""
        return self.filter(openness=Openness.PUBLIC).exclude(status__in=Consultation.NOT_ACCEPTED)


class Consultation(models.Model):
    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Awaiting email verification")
        SUBMITTED = "submitted", _("Submitted, awaiting the association")
        ACCEPTED = "accepted", _("Accepted: the panel is being formed")
        IN_ROUNDS = "in_rounds", _("Delphi rounds under way")
        CONCLUDED = "concluded", _("Rounds concluded")
        DELIVERED = "delivered", _("Report delivered")
        RESPONDED = "responded", _("Response recorded")
        REJECTED = "rejected", _("Not accepted")

    class StopReason(models.TextChoices):
        CONSENSUS = "consensus", _("Consensus on every statement")
        STABILITY = "stability", _("Ratings stable between rounds")
        LIMIT = "limit", _("Round limit reached")

    NOT_ACCEPTED = ("unverified", "submitted", "rejected")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    follow_token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    verify_token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    asking_body = models.ForeignKey(
        Organization, verbose_name=_("asking body"), on_delete=models.PROTECT, related_name="consultations"
    )
    title = models.CharField(pgettext_lazy("consultation", "title"), max_length=200)
    question = models.TextField(_("question"), max_length=4000)
    background = models.TextField(_("background"), max_length=10000, blank=True)
    expertise_wanted = models.CharField(_("expertise wanted"), max_length=500, blank=True)
    deadline = models.DateField(_("deadline for the report"))
    openness = models.CharField(_("openness"), max_length=10, choices=Openness.choices)
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # The rule fixed before round 1 (RAND/UCLA by default): a statement reaches consensus when the IQR of its
    # importance ratings is at most `consensus_iqr` and at least `consensus_share` % of them are 7-9.
    consensus_iqr = models.DecimalField(_("consensus: largest IQR"), max_digits=3, decimal_places=1, default=1)
    consensus_share = models.PositiveSmallIntegerField(_("consensus: share rating 7-9 (%)"), default=70)
    # Stability: at most this share (%) of the experts changed their importance rating of a statement.
    stability_share = models.PositiveSmallIntegerField(_("stability: largest share of changed ratings (%)"), default=15)
    max_rounds = models.PositiveSmallIntegerField(_("round limit"), default=3)
    panel_size = models.PositiveSmallIntegerField(_("panel size wanted"), default=12)
    stop_reason = models.CharField(_("stopped because"), max_length=10, choices=StopReason.choices, blank=True)
    report = models.FileField(pgettext_lazy("consultation", "report"), upload_to="consultations/reports/", blank=True)
    report_rendered_at = models.DateTimeField(null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(consensus_share__gte=50, consensus_share__lte=100), name="consultation_consensus_share"
            ),
            models.CheckConstraint(condition=Q(max_rounds__gte=1, max_rounds__lte=6), name="consultation_max_rounds"),
            models.CheckConstraint(condition=Q(stability_share__lte=100), name="consultation_stability_share"),
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    def get_absolute_url(self):
        return reverse("consultations:manage_detail", kwargs={"code": self.code})

    def get_public_url(self):
        return reverse("consultations:public_detail", kwargs={"code": self.code})

    def get_follow_url(self):
        return reverse("consultations:follow", kwargs={"token": self.follow_token})

    @property
    def is_public(self) -> bool:
        return self.openness == Openness.PUBLIC and self.status not in self.NOT_ACCEPTED


class Material(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(pgettext_lazy("material", "name"), max_length=200)
    file = models.FileField(_("file"), upload_to="consultations/materials/")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.name


class DeclaredInterest(models.Model):
    """An interest that keeps a person off this consultation's panel (declared by staff or by the expert)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="interests")
    person = models.ForeignKey(Person, verbose_name=_("sci-tech worker"), on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("interest"), max_length=300)

    class Meta:
        verbose_name = _("declared interest")
        verbose_name_plural = _("declared interests")
        constraints = [models.UniqueConstraint(fields=["consultation", "person"], name="consultation_interest_once")]

    def __str__(self):
        return f"{self.person} · {self.note}"


class Seat(models.Model):
    """An expert's place on a consultation's panel, from the invitation to the end."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Serving")
        DECLINED = "declined", _("Declined")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(Person, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultation_seats")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    affinity = models.FloatField(_("affinity"), default=0)
    explanation = models.JSONField(default=list, blank=True)  # [[term, contribution], ...] from affinity.explain
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    pledged_at = models.DateTimeField(_("confidentiality pledge accepted"), null=True, blank=True)
    may_be_named = models.BooleanField(_("may be named in the report"), default=False)

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "person"], name="consultation_seat_once"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(pledged_at__isnull=False), name="consultation_seat_pledged"
            ),
        ]

    def __str__(self):
        return f"{self.consultation.code} · {self.person}"

    def get_absolute_url(self):
        return reverse("consultations:serve", kwargs={"code": self.consultation.code})


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("round", "Open")
        CLOSED = "closed", pgettext_lazy("round", "Closed")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"))
    closed_at = models.DateTimeField(null=True, blank=True)
    # Computed when the round closes (`stats.round_statistics`): per statement and for the whole list.
    results = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["consultation", "number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="consultation_round_number"),
            models.UniqueConstraint(
                fields=["consultation"], condition=Q(status="open"), name="consultation_one_open_round"
            ),
        ]

    def __str__(self):
        return f"{self.consultation.code} · {self.number}"


class Statement(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="statements")
    text = models.CharField(pgettext_lazy("Delphi", "statement"), max_length=500)
    added_in_round = models.PositiveSmallIntegerField(default=1)
    # Who proposed it stays with staff: the panel sees statements without authors.
    proposed_by = models.ForeignKey(Seat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [models.UniqueConstraint(fields=["consultation", "text"], name="consultation_statement_once")]

    def __str__(self):
        return self.text


class Rating(models.Model):
    """One expert's rating of one statement in one round; a second answer in the round updates this row."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="ratings")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="ratings")
    importance = models.PositiveSmallIntegerField(_("importance (1-9)"))
    feasibility = models.PositiveSmallIntegerField(_("feasibility (1-9)"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    # Staff's pick of the final round's comments for the report (`report.pick_comments`); none picked: automatic.
    in_report = models.BooleanField(_("comment picked for the report"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["round", "statement", "seat"], name="consultation_rating_once"),
            models.CheckConstraint(
                condition=Q(importance__gte=1, importance__lte=9, feasibility__gte=1, feasibility__lte=9),
                name="consultation_rating_scale",
            ),
        ]
        # Covering the statistics' read: closing a round reads only the index, never the rows with their comments.
        indexes = [
            models.Index(
                fields=["round", "seat", "statement", "importance", "feasibility"], name="consultation_rating_read"
            )
        ]

    def __str__(self):
        return f"{self.round} · {self.statement_id} · {self.importance}/{self.feasibility}"


class SentReminder(models.Model):
    """A round's deadline reminder, mailed once per seat (the reminder job is idempotent because of this row)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [models.UniqueConstraint(fields=["round", "seat"], name="consultation_reminder_once")]

    def __str__(self):
        return f"{self.round} · {self.seat_id}"


class Delivery(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    recipient = models.CharField(_("received by"), max_length=200)
    channel = models.CharField(_("how"), max_length=200, help_text=_("e.g. by hand, by confidential mail"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.consultation.code} · {self.delivered_on}"


class Response(models.Model):
    """The asking body's answer to the report: adoption (采纳) or a leader's written instruction (批示)."""

    class Kind(models.TextChoices):
        ADOPTED = "adopted", _("Adopted (采纳)")
        INSTRUCTION = "instruction", _("Leader's instruction (批示)")
        NOTED = "noted", _("Received, not adopted")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(_("response"), max_length=12, choices=Kind.choices)
    responded_on = models.DateField(_("date"))
    text = models.TextField(_("text"), max_length=4000, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["responded_on", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return f"{self.consultation.code} · {self.get_kind_display()}"
