"""Objections filed during the public notice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A statement is read by staff and the committee: 5,000 characters is a long letter; files go as evidence.
MAX_STATEMENT_LENGTH = 5000
STATEMENT_TOO_LONG = _("The statement may have at most %(limit_value)d characters (yours has %(show_value)d).")


class Objection(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DISMISSED = "dismissed", _("Dismissed")
        UPHELD = "upheld", _("Upheld")

    nomination = models.ForeignKey("honors.Nomination", on_delete=models.PROTECT, related_name="objections")
    full_name = models.CharField(_("your real name"), max_length=100)
    contact = models.CharField(_("phone or email"), max_length=200)
    email = models.EmailField(_("email for the answer"), blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    statement = models.TextField(_("statement"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return f"{self.full_name} · {self.nomination}"


class ObjectionEvidence(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("evidence"), upload_to="honors/objections/")
    # The name the objector's file had, as staff recognise it; the stored file has a random name.
    original_name = models.CharField(_("file name"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("objection evidence")
        verbose_name_plural = _("objection evidence")

    def __str__(self):
        return self.original_name or _("objection evidence")
