"""The audit log: an append-only record of every decision that matters; the rate limiter's counters."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


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
