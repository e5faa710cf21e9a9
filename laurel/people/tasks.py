from django.tasks import task

from laurel.people import imports


@task
def read_import(import_id: int) -> None:
    imports.read_import(import_id)


@task
def write_import(import_id: int) -> None:
    imports.write_import(import_id)
