from django.tasks import task


@task
def notify_subscribers_task(need_pk: int) -> int:
    """Mail every matching subscriber about a newly published need (many mails: kept out of the request)."""
    from laurel.needs.mail import notify_subscribers

    return notify_subscribers(need_pk)
