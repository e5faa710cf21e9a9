import datetime

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def make_task(status, started_minutes_ago):
    return DBTaskResult.objects.create(
        status=status,
        started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago) if started_minutes_ago else None,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="laurel.example.task",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


def test_tasks_left_running_by_a_killed_worker_are_requeued(capsys):
    stuck = make_task(TaskResultStatus.RUNNING, 90)
    busy = make_task(TaskResultStatus.RUNNING, 5)
    done = make_task(TaskResultStatus.SUCCESSFUL, 90)
    call_command("requeue_stuck_tasks", minutes=30)
    assert capsys.readouterr().out.strip() == "requeued 1 task(s)"
    statuses = {task.pk: DBTaskResult.objects.get(pk=task.pk).status for task in (stuck, busy, done)}
    assert statuses == {
        stuck.pk: TaskResultStatus.READY,
        busy.pk: TaskResultStatus.RUNNING,
        done.pk: TaskResultStatus.SUCCESSFUL,
    }
