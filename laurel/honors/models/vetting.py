"""Joint vetting (联审): the bodies that may veto a campaign's selected candidates, and each body's answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class VettingBody(models.Model):
    """A body asked about every selected candidate, e.g. the discipline inspection or the tax office."""

    campaign = models.ForeignKey("honors.Campaign", on_delete=models.CASCADE, related_name="vetting_bodies")
    name = models.CharField(pgettext_lazy("of a thing, not a person", "name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("vetting body")
        verbose_name_plural = _("vetting bodies")
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="vetting_body_unique_name")]

    def __str__(self):
        return self.name

    def display_name(self, language: str | None = None) -> str:
        return self.name_en if (language or get_language()) == "en" and self.name_en else self.name


class VettingResult(models.Model):
    """One body's answer about one candidate: cleared, or vetoed with a reason. Confidential: staff only."""

    class Outcome(models.TextChoices):
        CLEARED = "cleared", _("Cleared")
        VETOED = "vetoed", _("Vetoed")

    nomination = models.ForeignKey("honors.Nomination", on_delete=models.CASCADE, related_name="vetting_results")
    body = models.ForeignKey(VettingBody, on_delete=models.PROTECT, related_name="results")
    outcome = models.CharField(_("answer"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    letter_date = models.DateField(_("date of the body's letter"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["nomination", "body"]
        verbose_name = _("vetting result")
        verbose_name_plural = _("vetting results")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "body"], name="vetting_result_once_per_body"),
            models.CheckConstraint(condition=~Q(outcome="vetoed") | ~Q(reason=""), name="vetting_veto_has_a_reason"),
        ]

    def __str__(self):
        return f"{self.nomination} · {self.body} · {self.get_outcome_display()}"
