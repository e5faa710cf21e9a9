"""A nomination: who is put forward, by which unit, with the story, photos and documents."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laurel.core.codes import make_code
from laurel.people.models import Organization, Person


class NominationQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("campaign", "unit", "person", "person__organization", "nominated_by")

    def counted_against_quota(self):
        return self.exclude(status__in=[Nomination.Status.DRAFT, Nomination.Status.WITHDRAWN])

    def selected(self):
        return self.filter(status=Nomination.Status.SELECTED)


class Nomination(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")
        ELIGIBLE = "eligible", _("Eligible")
        SELECTED = "selected", _("Selected")
        REMOVED = "removed", _("Removed after an objection or a veto")

    class Category(models.TextChoices):
        FRONT_LINE = "front_line", _("Front-line")
        YOUNG = "young", _("Young")
        ENTERPRISE = "enterprise", _("Enterprise")
        RESEARCH = "research", _("Research")
        GRASSROOTS = "grassroots", _("Grassroots")

    class Channel(models.TextChoices):
        UNIT = "unit", _("By a unit")
        SELF = "self", _("Self-nomination")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    campaign = models.ForeignKey("honors.Campaign", on_delete=models.PROTECT, related_name="nominations")
    unit = models.ForeignKey(Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("sci-tech worker"), on_delete=models.PROTECT, related_name="nominations"
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.UNIT)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    story = models.TextField(_("story"), blank=True)
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    citation_en = models.CharField(
        _("English citation"), max_length=600, blank=True, help_text=_("Shown on English pages and certificates.")
    )
    id_photo = models.ImageField(_("ID photo"), upload_to="honors/id-photos/", blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    evidence = models.FileField(_("evidence (PDF)"), upload_to="honors/evidence/", blank=True)
    unit_opinion = models.FileField(_("unit opinion (PDF)"), upload_to="honors/opinions/", blank=True)
    integrity_certificate = models.FileField(
        _("integrity certificate (PDF)"), upload_to="honors/integrity/", blank=True
    )
    anonymized_evidence = models.FileField(
        _("anonymized evidence for blind review (PDF)"), upload_to="honors/anonymized/", blank=True,
        help_text=_("Blind campaigns: the evidence without the nominee's name, the unit's name or photos. The experts "
                    "read only this; the full documents stay with the association's staff."),
    )  # fmt: skip
    years_in_city = models.PositiveSmallIntegerField(_("years worked in the city"), null=True, blank=True)
    in_post = models.BooleanField(_("in post"), default=True)
    titles_held = models.TextField(_("honors and titles held"), blank=True)
    consent = models.BooleanField(_("consent to publication"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(_("reason"), blank=True)
    eligibility_problems = models.JSONField(_("eligibility problems"), default=list, blank=True)
    eligibility_explanation = models.TextField(
        _("explanation of the eligibility problems"), blank=True,
        help_text=_("The nominator's explanation, given at submission, of the rules the nomination breaks."),
    )  # fmt: skip
    public_votes = models.PositiveIntegerField(_("public votes"), default=0)
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    notice_starts_on = models.DateField(
        _("own public notice starts"), null=True, blank=True,
        help_text=_("Set for a replacement selected during the public notice: it is noticed on its own."),
    )  # fmt: skip
    notice_ends_on = models.DateField(_("own public notice ends"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "rank", "pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"], condition=~Q(status="withdrawn"), name="nomination_person_once"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "eligible", "selected"]) | Q(consent=True),
                name="nomination_submitted_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(notice_starts_on__isnull=True, notice_ends_on__isnull=True)
                | Q(
                    notice_starts_on__isnull=False,
                    notice_ends_on__isnull=False,
                    notice_ends_on__gte=models.F("notice_starts_on"),
                ),
                name="nomination_own_notice_window",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "unit", "status"])]

    def __str__(self):
        return f"{self.person} · {self.campaign}"

    def get_absolute_url(self):
        return reverse("honors:nomination_detail", kwargs={"code": self.code})

    def display_citation(self, language: str | None = None) -> str:
        """The English citation on English pages when there is one, else the Chinese citation; templates call
        it without an argument for the page's language."""
        return self.citation_en if (language or get_language()) == "en" and self.citation_en else self.citation

    @property
    def has_own_notice(self) -> bool:
        """A replacement selected during the public notice is noticed from the day it was accepted. A window
        older than the campaign's (the campaign went back to the committee and was noticed again) no longer
        counts: the campaign's newer window covers everyone."""
        started = self.campaign.notice_starts_on
        return self.notice_starts_on is not None and (started is None or self.notice_starts_on >= started)

    def notice_window(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The first and last day objections against this nomination are accepted."""
        if self.has_own_notice:
            return self.notice_starts_on, self.notice_ends_on
        return self.campaign.notice_starts_on, self.campaign.notice_ends_on


class NominationPhoto(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="honors/photos/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.nomination} · {self.pk}"
