"""Background tasks of the honors app; they take primary keys and are safe to run twice."""

from django.tasks import task


@task
def run_assignment_task(run_id: int) -> None:
    """Solve a queued assignment run (fair mode and group rules may take up to its time limit)."""
    from laurel.honors.engine import perform_run

    perform_run(run_id)


@task
def send_review_reminders_task() -> None:
    """Experts with unscored nominations are mailed once before their review deadline (theirs, when extended)."""
    from laurel.honors.deadlines import send_review_reminders

    send_review_reminders()
