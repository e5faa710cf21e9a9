"""`manage.py worker`: django-tasks-db's `db_worker` that records a heartbeat (laurel/core/workers.py).

Takes the same options as `db_worker` (`--queue-name '*'`, `--interval`, ...). A cluster runs one or more of
these on any machine; `/readyz` wants one seen within the last minute.
"""

from django_tasks_db.management.commands import db_worker

from laurel.core.workers import Heartbeat


class Command(db_worker.Command):
    help = "Run a background worker on the database queue, recording a heartbeat so a dead worker's tasks come back."

    def handle(self, *args, worker_id, **options):
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stop()
