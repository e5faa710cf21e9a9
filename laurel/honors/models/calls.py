"""The campaign's call (通知): its text, and the official notice attached as PDF or Word for anyone to download."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laurel.core.storage import public_storage
from laurel.honors.models.campaigns import Campaign
from laurel.people.models import User

MAX_ATTACHMENTS = 10


class CallAttachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="call_attachments")
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    # Public: the call is for everyone. Judged before it is stored (laurel/core/uploads.py), named at random.
    file = models.FileField(_("file"), upload_to="honors/calls/", storage=public_storage)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField()
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("call attachment")
        verbose_name_plural = _("call attachments")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("honors:call_attachment", kwargs={"code": self.campaign.code, "pk": self.pk})

    def display_title(self, language: str | None = None) -> str:
        return self.title_en if (language or get_language()) == "en" and self.title_en else self.title
