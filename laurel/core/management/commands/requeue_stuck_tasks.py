"""Put background tasks that a killed worker left RUNNING back in the queue.

django-tasks-db has no retry and leaves a task RUNNING when its worker dies; Laurel's tasks are idempotent,
so running one again is safe. The scheduler (`manage.py scheduler`) runs this every minute; without it, run it
from cron or before starting workers. A task of a worker started by `manage.py worker` goes back as soon as its
worker has been silent for a minute; one of a plain `db_worker` after --minutes.
"""

import datetime

from django.core.management.base import BaseCommand

from laurel.core import workers


class Command(BaseCommand):
    help = (
        "Requeue background tasks whose worker died (no heartbeat for a minute), or left RUNNING for longer than "
        "--minutes (default 30) by a worker without heartbeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args, minutes, **options):
        if minutes < 1:
            self.stderr.write("--minutes must be at least 1")
            raise SystemExit(2)
        count = workers.requeue_stuck_tasks(older_than=datetime.timedelta(minutes=minutes))
        self.stdout.write(f"requeued {count} task(s)")
