from django.tasks import task

from laurel.core import workers


@task
def requeue_stuck_tasks() -> int:
    """Give back the tasks of workers that died (no heartbeat for a minute), or left running for 30 minutes by a
    worker that keeps no heartbeat."""
    return workers.requeue_stuck_tasks()
