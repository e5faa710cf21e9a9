"""Scheduled work without cron: one scheduler per cluster puts each job of the table on the task queue when due.

The table is `laurel/schedule.py` (a project-level module, like `laurel/urls.py`, since it names every app's tasks).
Jobs are django.tasks tasks run by the workers, so a job runs where the rest of the background work runs and a dead
worker's job is given back by `requeue_stuck_tasks` like any other task.

Two schedulers may start (two machines, a restart that overlaps): the one holding the database lease
(`SchedulerLease`, renewed every few seconds, expiring after LEASE_SECONDS) enqueues, the other waits and takes over
when the lease expires. Even a race at the handover cannot enqueue a job twice: each job's due time moves on by a
conditional update in the same transaction that enqueues it, and only the scheduler whose update matched enqueues.
Clocks: the lease compares with the database's clock, so schedulers on machines with different clocks agree.
"""

import datetime
import logging
import os
import socket
import time as clock
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.module_loading import import_string

from laurel.core.models import ScheduledJob, SchedulerLease

logger = logging.getLogger("laurel.scheduler")

LEASE_NAME = "scheduler"
LEASE_SECONDS = 30
RENEW_SECONDS = 5
# Scheduled jobs go before waiting user work (an import, a certificate batch) so that they run on time.
PRIORITY = 10


@dataclass(frozen=True)
class Job:
    """A task (dotted path of a django.tasks task taking no arguments but `kwargs`) due every `every`, or every day
    at `at` (in settings.TIME_ZONE). Every job must be idempotent: a task whose worker died is run again."""

    name: str
    task: str
    every: datetime.timedelta | None = None
    at: datetime.time | None = None
    kwargs: dict = field(default_factory=dict)

    def __post_init__(self):
        if (self.every is None) == (self.at is None):
            raise ValueError(f"job {self.name}: give exactly one of every= and at=")
        if self.every is not None and self.every.total_seconds() < 1:
            raise ValueError(f"job {self.name}: every= must be at least a second")

    def first_due(self, now: datetime.datetime) -> datetime.datetime:
        """A periodic job runs as soon as the cluster first sees it; a daily one at its next time of day."""
        return now if self.every is not None else self.next_due(now)

    def next_due(self, now: datetime.datetime, *, previous: datetime.datetime | None = None) -> datetime.datetime:
        """The first due time after `now`. A periodic job keeps its rhythm from `previous`; runs missed while no
        scheduler was up are not made up one by one (each job catches up with one run)."""
        if self.every is not None:
            if previous is None:
                return now + self.every
            periods = (now - previous) // self.every + 1
            return previous + periods * self.every
        zone = ZoneInfo(settings.TIME_ZONE)
        local = now.astimezone(zone)
        candidate = datetime.datetime.combine(local.date(), self.at, tzinfo=zone)
        if candidate <= local:
            candidate = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), self.at, tzinfo=zone)
        return candidate.astimezone(datetime.UTC)


def jobs() -> list[Job]:
    """The job table, with `LAUREL_SCHEDULE_EVERY` overrides applied (`name=seconds,...`: an operator's cadence, or
    a test cluster that runs daily jobs every minute)."""
    from laurel.schedule import JOBS

    overrides = settings.LAUREL_SCHEDULE_EVERY
    unknown = set(overrides) - {job.name for job in JOBS}
    if unknown:
        raise ValueError(f"LAUREL_SCHEDULE_EVERY names unknown jobs: {', '.join(sorted(unknown))}")
    return [
        Job(job.name, job.task, every=datetime.timedelta(seconds=overrides[job.name]), kwargs=job.kwargs)
        if job.name in overrides
        else job
        for job in JOBS
    ]


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def hold_lease(holder: str, *, seconds: int = LEASE_SECONDS) -> bool:
    """Take or renew the cluster's lease; False while another holder's lease runs."""
    expires = Now() + datetime.timedelta(seconds=seconds)
    renewed = (
        SchedulerLease.objects.filter(name=LEASE_NAME)
        .filter(Q(holder=holder) | Q(expires_at__lt=Now()))
        .update(holder=holder, expires_at=expires, acquired_at=Now())
    )
    if renewed:
        return True
    try:
        with transaction.atomic():
            SchedulerLease.objects.create(name=LEASE_NAME, holder=holder, acquired_at=Now(), expires_at=expires)
    except IntegrityError:
        return False  # someone else holds it
    return True


def release_lease(holder: str) -> None:
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).delete()


def run_due(job_table: list[Job], *, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job that is due; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in job_table:
        row, _created = ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": job.first_due(now)})
        if row.next_run_at <= now and enqueue_due(job, row, now=now):
            enqueued.append(job.name)
    return enqueued


def enqueue_due(job: Job, row: ScheduledJob, *, now: datetime.datetime) -> bool:
    """Enqueue `job` for the run `row` says is due, unless another scheduler moved the row on since it was read."""
    task = import_string(job.task)
    with transaction.atomic():
        moved = ScheduledJob.objects.filter(name=job.name, next_run_at=row.next_run_at).update(
            next_run_at=job.next_due(now, previous=row.next_run_at),
            last_due_at=row.next_run_at,
            last_enqueued_at=now,
            runs=F("runs") + 1,
        )
        if not moved:
            return False  # another scheduler enqueued this run
        result = task.using(priority=PRIORITY).enqueue(**job.kwargs)
        ScheduledJob.objects.filter(name=job.name).update(last_task_id=str(result.id))
    logger.info("enqueued %s (due %s)", job.name, row.next_run_at.isoformat())
    return True


def seconds_to_next(job_table: list[Job]) -> float:
    upcoming = ScheduledJob.objects.filter(name__in=[job.name for job in job_table]).order_by("next_run_at").first()
    if upcoming is None:
        return 0.0
    return max(0.0, (upcoming.next_run_at - timezone.now()).total_seconds())


class Scheduler:
    def __init__(self, *, holder: str | None = None, tick: float = 1.0):
        self.holder = holder or holder_name()
        self.tick = tick
        self.running = True
        self.leading = False

    def stop(self, *_args) -> None:
        self.running = False

    def step(self, job_table: list[Job]) -> list[str]:
        """One turn: hold the lease, and if held, enqueue what is due."""
        leading = hold_lease(self.holder)
        if leading != self.leading:
            logger.warning("%s %s the scheduler lease", self.holder, "holds" if leading else "waits for")
            self.leading = leading
        return run_due(job_table) if leading else []

    def run(self, *, once: bool = False) -> None:
        job_table = jobs()
        last_step = 0.0
        try:
            while self.running:
                close_old_connections()
                try:
                    self.step(job_table)
                except DatabaseError:  # the database is away for a moment: the lease lapses, try again
                    logger.exception("scheduler %s could not reach the database", self.holder)
                    self.leading = False
                last_step = clock.monotonic()
                if once:
                    return
                # Wake for the next due job or the lease's renewal, whichever comes first.
                while self.running and clock.monotonic() - last_step < RENEW_SECONDS:
                    if self.leading and seconds_to_next(job_table) <= 0:
                        break
                    clock.sleep(self.tick)
        finally:
            if self.leading:
                release_lease(self.holder)
