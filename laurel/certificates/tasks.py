from django.tasks import task

from laurel.certificates import services


@task
def issue_batch(batch_id: int) -> None:
    services.run_batch(batch_id)


@task
def refresh_status_list() -> None:
    """Sign the status list anew (a fresh `validFrom`), so outside verifiers see a recent list."""
    services.refresh_status_list()


@task
def mail_certificate(certificate_id: int) -> None:
    """Mail a newly issued certificate to its honoree, in their language."""
    from laurel.certificates import mail

    mail.send_issued(certificate_id)
