"""The audit log: an append-only record of every decision that matters; the rate limiter's counters."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from laurel.core.storage import public_storage


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class AuditEntry(models.Model):
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who acted, as they were when they acted: the entry keeps them when the account is deleted (the foreign key
    # then becomes empty) or its name or address changes later.
    actor_name = models.CharField(_("actor's name"), max_length=100, blank=True)
    actor_email = models.EmailField(_("actor's email address"), blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    @property
    def actor_label(self) -> str:
        """The actor as recorded: `name <email>`, or the address alone; empty for the system or a visitor."""
        if self.actor_name and self.actor_name != self.actor_email:
            return f"{self.actor_name} <{self.actor_email}>" if self.actor_email else self.actor_name
        return self.actor_email


class RateCounter(models.Model):
    """One counter of the rate limiter (`laurel.core.ratelimit`) when no Redis is configured."""

    scope = models.CharField(max_length=60)
    bucket = models.CharField(max_length=40)  # an HMAC of the key: no raw address or email is stored
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True)  # Unix time at which the window ends

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [models.UniqueConstraint(fields=["scope", "bucket"], name="rate_counter_unique_bucket")]

    def __str__(self):
        return f"{self.scope} {self.bucket[:8]}: {self.count}"


class WorkerHeartbeat(models.Model):
    """A background worker (`manage.py worker`) that says every few seconds that it is alive. `/readyz` asks for one
    seen within the last minute; `requeue_stuck_tasks` gives back the tasks of a worker that stopped saying so."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class ScheduledJob(models.Model):
    """When a job of the scheduler's table (`laurel/schedule.py`) is next due, and when it last went to the queue.
    Moving `next_run_at` on is a conditional update, so a job due once is enqueued once, whichever scheduler sees
    it first."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_due_at = models.DateTimeField(null=True, blank=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self):
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"


class SchedulerLease(models.Model):
    """The one scheduler of the cluster: whoever holds the unexpired lease. A second scheduler waits and takes over
    when the holder stops renewing it."""

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=100)
    acquired_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scheduler lease")
        verbose_name_plural = _("scheduler leases")

    def __str__(self):
        return f"{self.name}: {self.holder} until {self.expires_at:%H:%M:%S}"


class SiteIdentity(models.Model):
    """The association as the public sees it, set by staff without a redeploy. One row (pk=1).

    Images: the logo and the WeChat QR are public (header, footer); the seal and the signature are private and
    reach only certificate PDFs, as a template's fallback when it has none of its own.
    """

    name = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    about = models.TextField(_("about the association (Chinese)"), max_length=1000, blank=True)
    about_en = models.TextField(_("about the association (English)"), max_length=2000, blank=True)
    logo = models.ImageField(_("logo"), upload_to="identity/", storage=public_storage, blank=True)
    wechat_qr = models.ImageField(
        _("WeChat account QR code"), upload_to="identity/", storage=public_storage, blank=True
    )
    seal = models.ImageField(_("seal image"), upload_to="identity/seals/", blank=True)
    signature = models.ImageField(_("signature image"), upload_to="identity/signatures/", blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    address_en = models.CharField(_("English address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    icp_number = models.CharField(
        _("ICP filing number"), max_length=60, blank=True, help_text=_("For example 京ICP备12345678号-1.")
    )
    public_security_number = models.CharField(
        _("public security filing number"),
        max_length=60,
        blank=True,
        help_text=_("For example 京公网安备11010502030143号."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="core_siteidentity_single_row")]

    def __str__(self):
        return self.name or self.name_en or "Laurel"
