"""Reminders to experts with reviews still open: the one-click reminder on the progress page and the daily job."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewReminder(models.Model):
    """One reminder to one expert about one campaign on one day. The unique day makes the daily job idempotent
    (a rerun after a worker died mails nobody twice) and keeps a staff click and the job from both mailing."""

    campaign = models.ForeignKey("honors.Campaign", on_delete=models.CASCADE, related_name="review_reminders")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    open_reviews = models.PositiveIntegerField(_("reviews still open"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("Empty for the automatic reminder before the review deadline."),
    )  # fmt: skip
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "pk"]
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "expert", "day"], name="review_reminder_once_a_day"),
        ]

    def __str__(self):
        return f"{self.campaign} · {self.expert} · {self.day}"
