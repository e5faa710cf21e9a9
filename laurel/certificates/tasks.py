from django.tasks import task

from laurel.certificates import services


@task
def issue_batch(batch_id: int) -> None:
    services.run_batch(batch_id)
