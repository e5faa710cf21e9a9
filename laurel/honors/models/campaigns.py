"""A campaign and its setup: quotas, eligibility, representation rules and review criteria."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from laurel.core.codes import make_code
from laurel.people.models import Organization


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for nominations")
    ELIGIBILITY = "eligibility", _("Eligibility check")
    REVIEW = "review", _("Expert review")
    SECOND_REVIEW = "second_review", _("Expert review, second round")
    PUBLIC_VOTE = "public_vote", _("Public vote")
    COMMITTEE = "committee", _("Committee decision")
    NOTICE = "notice", _("Public notice")
    PUBLISHED = "published", _("Published")


class Trait(models.TextChoices):
    """What a representation rule counts. `traits_of(nomination)` in `rules.py` says who has each."""

    FRONT_LINE = "front_line", _("Front-line workers")
    YOUNG = "young", _("Aged 45 or under")
    FEMALE = "female", _("Women")
    ACADEMICIAN = "academician", _("Academicians")
    ENTERPRISE = "enterprise", _("Enterprise category")
    GRASSROOTS = "grassroots", _("Grassroots category")


class CampaignQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(stage=Stage.DRAFT)


class Campaign(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        UNIT = "unit", _("Unit")

    class Channel(models.TextChoices):
        UNITS = "units", _("Units only")
        ALSO_SELF = "also_self", _("Units and self-nomination")

    class RankingMethod(models.TextChoices):
        MEAN = "mean", _("Mean")
        MEDIAN = "median", _("Median")
        TRIMMED = "trimmed", _("Mean without highest and lowest")
        ZSCORE = "zscore", _("Per-expert normalized (z-score)")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    series = models.CharField(
        _("series"), max_length=50, help_text=_("The same for every edition, e.g. most-beautiful.")
    )
    name = models.CharField(pgettext_lazy("of a thing, not a person", "name"), max_length=200)
    name_en = models.CharField(
        _("English name"), max_length=300, blank=True, help_text=_("Shown on English pages and certificates.")
    )
    edition = models.PositiveIntegerField(_("edition (year)"), validators=[MinValueValidator(1949)])
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.CITY)
    organizers = models.TextField(_("organizers"), blank=True)
    honorees_count = models.PositiveIntegerField(_("number of honorees"), validators=[MinValueValidator(1)])
    honorable_mentions_count = models.PositiveIntegerField(_("number of honorable mentions"), default=0)
    channel = models.CharField(_("nomination channel"), max_length=20, choices=Channel.choices, default=Channel.UNITS)
    default_quota = models.PositiveIntegerField(_("default quota per unit"), default=2)
    story_limit = models.PositiveIntegerField(_("story character limit"), default=2000)
    blind_review = models.BooleanField(_("blind review"), default=False)
    review_rounds = models.PositiveSmallIntegerField(
        _("review rounds"), default=1, validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    experts_per_nomination = models.PositiveSmallIntegerField(_("experts per nomination"), default=5)
    expert_load_cap = models.PositiveIntegerField(_("most nominations per expert"), default=40)
    ranking_method = models.CharField(
        _("ranking method"), max_length=20, choices=RankingMethod.choices, default=RankingMethod.ZSCORE
    )
    public_vote = models.BooleanField(
        _("public online vote"),
        default=False,
        help_text=_("Candidates who passed the eligibility check are put to a public vote after the expert review."),
    )
    public_vote_weight = models.PositiveSmallIntegerField(
        _("public vote weight (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    vote_opens_at = models.DateTimeField(_("vote opens"), null=True, blank=True)
    vote_closes_at = models.DateTimeField(_("vote closes"), null=True, blank=True)
    votes_per_candidate_per_day = models.PositiveSmallIntegerField(
        _("votes per account for one candidate per day"), default=1, validators=[MinValueValidator(1)]
    )
    candidates_per_day = models.PositiveSmallIntegerField(
        _("candidates per account per day"), default=10, validators=[MinValueValidator(1)]
    )
    nomination_opens_at = models.DateTimeField(_("nominations open"), null=True, blank=True)
    nomination_deadline = models.DateTimeField(_("nomination deadline"))
    review_deadline = models.DateTimeField(_("review deadline"), null=True, blank=True)
    notice_working_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    holidays = models.JSONField(_("public holidays"), default=list, blank=True)
    makeup_workdays = models.JSONField(_("make-up working days"), default=list, blank=True)
    notice_starts_on = models.DateField(_("public notice starts"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice ends"), null=True, blank=True)
    # The call (通知) as the public reads it: Markdown (HTML inside it is sanitized), rendered once when saved
    # (honors/calls.py).
    call_text = models.TextField(_("call (Markdown)"), blank=True, validators=[MaxLengthValidator(50_000)])
    call_text_en = models.TextField(
        _("call in English (Markdown)"), blank=True, validators=[MaxLengthValidator(50_000)]
    )
    call_html = models.TextField(blank=True, editable=False)
    call_html_en = models.TextField(blank=True, editable=False)
    call_contact = models.TextField(
        _("contact for questions"), blank=True, max_length=500, validators=[MaxLengthValidator(500)]
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    stage_changed_at = models.DateTimeField(_("stage changed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-edition", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(fields=["series", "edition"], name="campaign_one_edition_per_year"),
            models.CheckConstraint(condition=Q(public_vote_weight__lte=100), name="campaign_vote_weight_percent"),
            models.CheckConstraint(condition=Q(review_rounds__in=[1, 2]), name="campaign_one_or_two_rounds"),
            models.CheckConstraint(
                condition=Q(public_vote=False, public_vote_weight=0) | Q(public_vote=True, public_vote_weight__gt=0),
                name="campaign_vote_has_a_weight",
            ),
            models.CheckConstraint(
                condition=Q(vote_opens_at__isnull=True, vote_closes_at__isnull=True)
                | Q(public_vote=True, vote_closes_at__gt=F("vote_opens_at")),
                name="campaign_vote_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(votes_per_candidate_per_day__gte=1, candidates_per_day__gte=1),
                name="campaign_vote_limits_positive",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.edition})"

    def get_absolute_url(self):
        return reverse("honors:campaign_detail", kwargs={"code": self.code})

    def clean(self):
        """The public vote's settings agree with each other; each message names what to change."""
        errors = {}
        if self.public_vote and not self.public_vote_weight:
            errors["public_vote_weight"] = _("Give the public vote a weight above 0%, or switch the vote off.")
        elif not self.public_vote and self.public_vote_weight:
            errors["public_vote_weight"] = _("Switch the public vote on, or set its weight to 0%.")
        opens, closes = self.vote_opens_at, self.vote_closes_at
        if not self.public_vote and (opens or closes):
            errors["vote_opens_at"] = _("Switch the public vote on, or leave its times empty.")
        elif (opens is None) != (closes is None):
            errors["vote_closes_at"] = _("Give both the time the vote opens and the time it closes, or neither.")
        elif opens and closes <= opens:
            errors["vote_closes_at"] = _("The vote must close after it opens.")
        elif opens and self.nomination_deadline and opens < self.nomination_deadline:
            errors["vote_opens_at"] = _("The vote cannot open before the nomination deadline.")
        if errors:
            raise ValidationError(errors)

    def display_name(self, language: str | None = None) -> str:
        """The English name on English pages when there is one, else the Chinese name; templates call it
        without an argument for the page's language."""
        return self.name_en if (language or get_language()) == "en" and self.name_en else self.name

    def display_call_html(self, language: str | None = None) -> str:
        return self.call_html_en if (language or get_language()) == "en" and self.call_html_en else self.call_html

    @property
    def is_open(self) -> bool:
        return self.stage == Stage.OPEN

    def holiday_dates(self):
        import datetime

        return {datetime.date.fromisoformat(day) for day in self.holidays}

    def makeup_dates(self):
        import datetime

        return {datetime.date.fromisoformat(day) for day in self.makeup_workdays}


class UnitQuota(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("unit quota")
        verbose_name_plural = _("unit quotas")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unit_quota_unique")]

    def __str__(self):
        return f"{self.campaign} · {self.unit} · {self.quota}"


class EligibilityRule(models.Model):
    """The campaign's eligibility rules, checked when a nomination is submitted."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="eligibility")
    born_on_or_after = models.DateField(_("born on or after"), null=True, blank=True)
    min_years_in_city = models.PositiveSmallIntegerField(_("minimum years in the city"), null=True, blank=True)
    require_in_post = models.BooleanField(_("must be in post"), default=True)
    exclude_past_honorees = models.BooleanField(_("exclude past honorees of this campaign"), default=True)
    excluded_titles = models.TextField(_("excluded titles (one per line)"), blank=True)

    class Meta:
        verbose_name = _("eligibility rules")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return f"{self.campaign} · {self._meta.verbose_name}"

    def excluded_title_list(self) -> list[str]:
        return [line.strip() for line in self.excluded_titles.splitlines() if line.strip()]


class RepresentationRule(models.Model):
    class Scope(models.TextChoices):
        NOMINEES = "nominees", _("Nominees")
        HONOREES = "honorees", _("Honorees")

    class Bound(models.TextChoices):
        MIN = "min", _("At least")
        MAX = "max", _("At most")

    class Measure(models.TextChoices):
        SHARE = "share", _("Percent")
        COUNT = "count", _("Count")

    class Per(models.TextChoices):
        """A group rule bounds the count in each group of this kind (at most 3 from one unit); `rules.group_of`
        says which group a nomination is in."""

        UNIT = "unit", _("nominating unit")
        FIELD = "field", _("field")
        REGION = "region", _("region")
        UNIT_TYPE = "unit_type", _("type of unit")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="representation_rules")
    trait = models.CharField(_("who"), max_length=20, choices=Trait.choices, blank=True)
    per = models.CharField(
        _("in each"),
        max_length=20,
        choices=Per.choices,
        blank=True,
        help_text=_("Leave empty for a rule on who (women, front-line...); choose a group for a rule per group."),
    )
    scope = models.CharField(_("among"), max_length=20, choices=Scope.choices, default=Scope.HONOREES)
    bound = models.CharField(_("bound"), max_length=10, choices=Bound.choices)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    value = models.PositiveIntegerField(_("value"))
    hard = models.BooleanField(_("hard rule"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("representation rule")
        verbose_name_plural = _("representation rules")
        constraints = [
            models.CheckConstraint(condition=~Q(measure="share") | Q(value__lte=100), name="rule_share_is_percent"),
            # A rule counts either people with a trait or people per group, never both, never neither.
            models.CheckConstraint(
                condition=(Q(per="") & ~Q(trait="")) | (~Q(per="") & Q(trait="")), name="rule_trait_or_group"
            ),
        ]

    def __str__(self):
        unit = "%" if self.measure == self.Measure.SHARE else ""
        if self.per:
            return _("%(bound)s %(value)s%(unit)s from each %(group)s (%(scope)s)") % {
                "bound": self.get_bound_display(),
                "value": self.value,
                "unit": unit,
                "group": self.get_per_display(),
                "scope": self.get_scope_display(),
            }
        return f"{self.get_trait_display()} {self.get_bound_display()} {self.value}{unit} ({self.get_scope_display()})"

    def clean(self):
        if bool(self.per) == bool(self.trait):
            raise ValidationError(
                {"per": _("Choose either who the rule counts or the group it applies to in each, not both.")}
            )

    def limit(self, total: int) -> int:
        """The bound as a count for `total` people: a minimum share rounds up, a maximum share rounds down."""
        if self.measure == self.Measure.COUNT:
            return self.value
        if self.bound == self.Bound.MIN:
            return -(-self.value * total // 100)
        return self.value * total // 100

    def holds(self, count: int, total: int) -> bool:
        limit = self.limit(total)
        return count >= limit if self.bound == self.Bound.MIN else count <= limit


class Criterion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(pgettext_lazy("of a thing, not a person", "name"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="criterion_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"
