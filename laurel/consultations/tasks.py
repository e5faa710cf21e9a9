from django.tasks import task

from laurel.consultations.reminders import send_round_reminders


@task
def send_round_reminders_task() -> int:
    return send_round_reminders()
