from django.tasks import task

from laurel.outreach.reminders import send_talk_reminders


@task
def send_talk_reminders_task() -> int:
    return send_talk_reminders()
