from django.tasks import task

from laurel.outreach.reminders import send_talk_reminders


@task
def send_talk_reminders_task() -> int:
    return send_talk_reminders()


@task
def expire_talk_requests_task() -> int:
    from laurel.outreach.expiry import expire_stale_requests

    return expire_stale_requests()
