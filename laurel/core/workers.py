"""Background workers that say they are alive, and the tasks of those that died given back.

django-tasks-db claims a task by writing the worker's id on it and has no retry: a worker killed mid-task leaves it
RUNNING for ever. `manage.py worker` (django-tasks-db's `db_worker` with a heartbeat) writes its `WorkerHeartbeat`
every `beat_seconds()`; a worker silent for `dead_after()` (a minute unless LAUREL_WORKER_DEAD_AFTER says) is dead,
and `requeue_stuck_tasks` (a scheduled job) puts its
RUNNING tasks back in the queue at once. Laurel's tasks are idempotent, so running one again is safe. Tasks claimed
by a worker without heartbeat (plain `db_worker`) are given back only after `older_than` (30 minutes).
"""

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laurel.core.models import WorkerHeartbeat

logger = logging.getLogger("laurel.workers")


def dead_after() -> datetime.timedelta:
    """A worker silent this long is dead (LAUREL_WORKER_DEAD_AFTER seconds, 60 by default). bench/cluster_chaos.py,
    which kills workers on purpose, says 12 so that their tasks come back within its run."""
    return datetime.timedelta(seconds=settings.LAUREL_WORKER_DEAD_AFTER)


def beat_seconds() -> float:
    """Six beats per `dead_after()`, so a slow beat or two never makes a live worker look dead."""
    return max(1.0, dead_after().total_seconds() / 6)


def beat(worker_id: str, *, started_at: datetime.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


class Heartbeat(threading.Thread):
    """A daemon thread beating for `worker_id` until stopped (it dies with the process, as it must)."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                beat(self.worker_id, started_at=self.started_at)
            except Exception:  # the database is away for a moment: say so, beat again later
                logger.exception("worker %s could not record its heartbeat", self.worker_id)
            finally:
                connection.close()  # this thread's own connection; never hold one between beats
            self.stopped.wait(beat_seconds())

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=beat_seconds())
        close_old_connections()
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


def live_workers(*, now: datetime.datetime | None = None):
    return WorkerHeartbeat.objects.filter(seen_at__gte=(now or timezone.now()) - dead_after())


def requeue_stuck_tasks(
    *, older_than: datetime.timedelta = datetime.timedelta(minutes=30), now: datetime.datetime | None = None
) -> int:
    """Put back in the queue the RUNNING tasks whose worker died, and those running longer than `older_than` whose
    worker keeps no heartbeat. Returns how many."""
    now = now or timezone.now()
    alive = set(live_workers(now=now).values_list("worker_id", flat=True))
    known = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    requeued = 0
    for pk, worker_ids, started_at in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
        "pk", "worker_ids", "started_at"
    ):
        worker = worker_ids[-1] if worker_ids else None
        dead = worker in known and worker not in alive
        unbeating_and_old = worker not in known and (started_at is None or started_at < now - older_than)
        if not (dead or unbeating_and_old):
            continue
        # Conditional: a task that finished (or was requeued by someone else) in the meantime stays as it is.
        requeued += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at).update(
            status=TaskResultStatus.READY, started_at=None
        )
    # Dead workers' rows go once nothing of theirs is left running.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - 10 * dead_after()).delete()
    if requeued:
        logger.warning("requeued %d task(s) left running by dead workers", requeued)
    return requeued
