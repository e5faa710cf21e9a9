from django.tasks import task


@task
def notify_subscribers_task(need_pk: int) -> int:
    """Mail every matching subscriber about a newly published need (many mails: kept out of the request)."""
    from laurel.needs.mail import notify_subscribers

    return notify_subscribers(need_pk)


@task
def expire_needs_task() -> int:
    """Published needs past their deadline leave the board (idempotent: run daily by the scheduler)."""
    from laurel.needs.services import expire_needs

    return expire_needs()
