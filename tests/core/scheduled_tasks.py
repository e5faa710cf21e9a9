"""Tasks for the scheduler's tests: each run is recorded (the test backend runs tasks at once)."""

from django.tasks import task

RUNS: list[str] = []


@task
def record(label: str = "ran") -> str:
    RUNS.append(label)
    return label
