"""Background tasks of the honors app; they take primary keys and are safe to run twice."""

from django.tasks import task


@task
def run_assignment_task(run_id: int) -> None:
    """Solve a queued assignment run (fair mode and group rules may take up to its time limit)."""
    from laurel.honors.engine import perform_run

    perform_run(run_id)


@task
def send_review_reminders_task() -> int:
    """Remind experts with open reviews in the days before a review deadline (each once a day)."""
    from laurel.honors.progress import send_due_reminders

    return send_due_reminders()
