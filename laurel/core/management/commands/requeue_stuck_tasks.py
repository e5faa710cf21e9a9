"""Put background tasks that a killed worker left RUNNING back in the queue.

django-tasks-db has no retry and leaves a task RUNNING when its worker dies; Laurel's tasks are idempotent,
so running one again is safe. Run this from cron (e.g. every 10 minutes) or before starting workers.
"""

import datetime

from django.core.management.base import BaseCommand
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def requeue_stuck_tasks(*, older_than: datetime.timedelta) -> int:
    cutoff = timezone.now() - older_than
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.READY, started_at=None
    )


class Command(BaseCommand):
    help = "Requeue background tasks left RUNNING for longer than --minutes (default 30) by a killed worker."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args, minutes, **options):
        if minutes < 1:
            self.stderr.write("--minutes must be at least 1")
            raise SystemExit(2)
        count = requeue_stuck_tasks(older_than=datetime.timedelta(minutes=minutes))
        self.stdout.write(f"requeued {count} task(s)")
