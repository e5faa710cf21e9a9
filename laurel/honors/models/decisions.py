"""The committee's decisions, each with the list it decided on as it stood then: scores, normalized scores and the
rule outcomes at decision time. Staff only: the reasons and the other units' candidates never reach a nominator."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeDecision(models.Model):
    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Proposal accepted")
        OVERRIDDEN = "overridden", _("Selection overridden")
        REPLACED = "replaced", _("Removed candidate replaced")
        NOT_REPLACED = "not_replaced", _("Removed candidate, place left empty")

    class Cause(models.TextChoices):
        VETTING = "vetting", _("Veto in the joint vetting")
        OBJECTION = "objection", _("Upheld objection")

    campaign = models.ForeignKey("honors.Campaign", on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    # [{"code", "name", "unit", "rank", "count", "mean", "median", "trimmed", "zscore", "spread", "votes", "score",
    #   "status", "selected", "removal"}]: every candidate in the running, and those removed earlier with the reason.
    rows = models.JSONField(default=list)
    # `RuleOutcome.as_data()` of the selection this decision left.
    outcomes = models.JSONField(default=list)
    selected = models.JSONField(default=list)
    removed = models.JSONField(default=list)
    added = models.JSONField(default=list)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")

    def __str__(self):
        return f"{self.campaign} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"
