"""What the review deadline means per expert: extensions staff grant, and the honorable
mentions (提名奖) the committee names after the honorees."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewExtension(models.Model):
    """Staff let one expert score one campaign's nominations after the review deadline, until `until`. One row per
    expert and campaign: a second extension moves `until` (each grant is in the audit log)."""

    campaign = models.ForeignKey("honors.Campaign", on_delete=models.CASCADE, related_name="review_extensions")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(_("extended until"))
    reason = models.CharField(_("reason"), max_length=500)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review deadline extension")
        verbose_name_plural = _("review deadline extensions")
        constraints = [models.UniqueConstraint(fields=["campaign", "expert"], name="review_extension_unique")]

    def __str__(self):
        return f"{self.campaign} · {self.expert} · {self.until:%Y-%m-%d %H:%M}"


class HonorableMention(models.Model):
    """A candidate the committee names for an honorable mention (提名奖) once the honorees are decided."""

    nomination = models.OneToOneField("honors.Nomination", on_delete=models.CASCADE, related_name="honorable_mention")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nomination__person__name", "pk"]
        verbose_name = _("honorable mention")
        verbose_name_plural = _("honorable mentions")

    def __str__(self):
        return str(self.nomination)
