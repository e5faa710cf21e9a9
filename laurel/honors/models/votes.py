"""The public vote: one row per vote an account casts for a candidate on one day of the campaign's time zone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VoteQuerySet(models.QuerySet):
    def counted(self):
        """Votes that count: not voided by staff."""
        return self.filter(voided_at__isnull=True)


class Vote(models.Model):
    campaign = models.ForeignKey("honors.Campaign", on_delete=models.PROTECT, related_name="votes")
    nomination = models.ForeignKey(
        "honors.Nomination", verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("voter"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    ordinal = models.PositiveSmallIntegerField(
        _("number of the day"),
        default=1,
        help_text=_("The account's first, second... vote for this candidate that day."),
    )
    cast_at = models.DateTimeField(_("cast"))
    address_hash = models.CharField(_("network address (one-way hash)"), max_length=64)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["-cast_at", "-pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["voter", "nomination", "day", "ordinal"], name="vote_once_per_candidate_per_day"
            ),
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="vote_ordinal_positive"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="vote_voided_with_a_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "voter", "day"]),
            models.Index(fields=["campaign", "day"]),
        ]

    def __str__(self):
        return f"{self.voter_id} → {self.nomination_id} · {self.day}"
