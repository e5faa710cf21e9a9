"""`manage.py scheduler`: the cluster's one scheduler (laurel/core/scheduler.py; the table is laurel/schedule.py).

Run one per cluster (a second one waits for the lease and takes over if the first dies). `--list` prints the table
and when each job is next due; `--once` enqueues what is due and exits (a cron line can do that instead).
"""

import signal

from django.core.management.base import BaseCommand
from django.utils import timezone

from laurel.core import scheduler
from laurel.core.models import ScheduledJob


class Command(BaseCommand):
    help = "Enqueue the scheduled jobs (laurel/schedule.py) when due; one scheduler holds the cluster's lease."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now, then exit.")
        parser.add_argument("--list", action="store_true", help="Print the job table and the next due times.")

    def handle(self, *args, once, list, **options):
        if list:
            rows = {row.name: row for row in ScheduledJob.objects.all()}
            for job in scheduler.jobs():
                cadence = f"every {job.every}" if job.every else f"daily at {job.at:%H:%M}"
                row = rows.get(job.name)
                upcoming = timezone.localtime(row.next_run_at).isoformat() if row else "when the scheduler starts"
                self.stdout.write(f"{job.name:24} {cadence:22} next {upcoming}  runs {row.runs if row else 0}")
            return
        runner = scheduler.Scheduler()
        signal.signal(signal.SIGTERM, runner.stop)
        signal.signal(signal.SIGINT, runner.stop)
        self.stdout.write(f"scheduler {runner.holder}: {len(scheduler.jobs())} jobs")
        runner.run(once=once)
