"""Expert review: the panel, declared conflicts, assignments and scores."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PanelMember(models.Model):
    campaign = models.ForeignKey("honors.Campaign", on_delete=models.CASCADE, related_name="panel")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fields = models.CharField(_("fields"), max_length=300, blank=True, help_text=_("Separate fields with commas."))
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separate keywords with commas.")
    )
    expertise = models.TextField(_("expertise"), blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    senior = models.BooleanField(_("senior expert"), default=False)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel")
        constraints = [models.UniqueConstraint(fields=["campaign", "expert"], name="panel_member_unique")]

    def __str__(self):
        return f"{self.campaign} · {self.expert}"


class Conflict(models.Model):
    """A conflict of interest between an expert and a nomination, recorded so it is never violated."""

    class Kind(models.TextChoices):
        SAME_UNIT = "same_unit", _("Same unit as the nominee")
        SELF = "self", _("The expert is the nominee")
        DECLARED = "declared", _("Declared relation")
        RECUSED = "recused", _("Recused during review")

    nomination = models.ForeignKey("honors.Nomination", on_delete=models.CASCADE, related_name="conflicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["nomination", "expert"], name="conflict_unique")]

    def __str__(self):
        return f"{self.expert} · {self.nomination} · {self.get_kind_display()}"


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(recused_at__isnull=True)

    def released(self):
        """Live assignments the expert sees: not recused, not a draft of the assignment engine."""
        return self.filter(recused_at__isnull=True, draft=False)


class Assignment(models.Model):
    nomination = models.ForeignKey("honors.Nomination", on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    recused_at = models.DateTimeField(_("recused"), null=True, blank=True)
    recusal_reason = models.CharField(_("recusal reason"), max_length=300, blank=True)
    draft = models.BooleanField(_("draft"), default=False, help_text=_("Proposed, not yet released to the expert."))
    affinity = models.FloatField(_("affinity"), null=True, blank=True)
    affinity_terms = models.JSONField(_("shared terms"), default=list, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "expert", "round"],
                condition=Q(recused_at__isnull=True),
                name="assignment_active_once",
            )
        ]

    def __str__(self):
        return f"{self.expert} → {self.nomination} ({self.round})"


class Preference(models.Model):
    """An expert's bid for a nomination, collected by staff: 0 (rather not) to 100 (eager)."""

    nomination = models.ForeignKey("honors.Nomination", on_delete=models.CASCADE, related_name="preferences")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(_("preference"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("expert preference")
        verbose_name_plural = _("expert preferences")
        constraints = [models.UniqueConstraint(fields=["nomination", "expert"], name="preference_unique")]

    def __str__(self):
        return f"{self.expert} · {self.nomination} · {self.value}"


class AssignmentRun(models.Model):
    """One run of the assignment engine for a campaign's review round: its settings, progress and report.

    Runs are solved by a background task (`honors.tasks.run_assignment_task`): queued -> running -> done or
    failed. At most one run per round is queued or running (a constraint), so a double click starts one run.
    """

    class Objective(models.TextChoices):
        TOTAL = "total", _("Highest total affinity")
        FAIR = "fair", _("Fair: best worst-off nomination first")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the background worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Step(models.TextChoices):
        WAITING = "waiting", _("waiting")
        READING = "reading", _("reading profiles, nominations and conflicts")
        SOLVING = "solving", _("solving")
        SAVING = "saving", _("saving the drafts")
        FINISHED = "finished", _("finished")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    campaign = models.ForeignKey("honors.Campaign", on_delete=models.CASCADE, related_name="assignment_runs")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    experts_per_nomination = models.PositiveSmallIntegerField(_("experts per nomination"))
    load_max = models.PositiveIntegerField(_("most nominations per expert"))
    load_min = models.PositiveIntegerField(_("fewest nominations per expert"), default=0)
    objective = models.CharField(_("objective"), max_length=10, choices=Objective.choices, default=Objective.TOTAL)
    senior_per_nomination = models.BooleanField(_("at least one senior expert per nomination"), default=False)
    outside_region_per_nomination = models.BooleanField(
        _("at least one expert from outside the nominee's region per nomination"), default=False
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices, default=Step.WAITING)
    step_at = models.DateTimeField(_("step started"), null=True, blank=True)
    time_limit = models.PositiveIntegerField(_("time limit (seconds)"), default=30)
    failure = models.JSONField(_("why it failed"), default=list, blank=True)
    report = models.JSONField(_("report"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "round"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_assignment_run_per_round",
            )
        ]

    def __str__(self):
        return f"{self.campaign} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Review(models.Model):
    """An expert's scores for one assignment, submitted once."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    comment = models.TextField(_("comment"), blank=True)
    total = models.FloatField(_("weighted score"))
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.assignment} · {self.total:.1f}"


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("honors.Criterion", on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="criterion_score_once"),
            models.CheckConstraint(condition=Q(value__lte=100), name="criterion_score_at_most_100"),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.value}"
