import datetime
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laurel.core import scheduler, workers
from laurel.core.models import ScheduledJob, SchedulerLease, WorkerHeartbeat
from laurel.core.scheduler import RENEW_SECONDS, Job
from tests.core import installation, scheduled_tasks

pytestmark = pytest.mark.django_db
TASK = "tests.core.scheduled_tasks.record"


@pytest.fixture(autouse=True)
def _runs():
    scheduled_tasks.RUNS.clear()
    yield
    scheduled_tasks.RUNS.clear()


def at(hour, minute=0, day=1):
    return datetime.datetime(2025, 3, day, hour, minute, tzinfo=datetime.UTC)


def test_the_table_names_every_scheduled_command_as_a_task():
    from django.tasks import Task
    from django.utils.module_loading import import_string

    table = {job.name: job for job in scheduler.jobs()}
    assert {
        "requeue_stuck_tasks",
        "flush_view_counts",
        "send_talk_reminders",
        "expire_talk_requests",
        "refresh_status_list",
    } <= set(table)
    for job in table.values():
        assert isinstance(import_string(job.task), Task), job.name


def test_a_periodic_job_runs_at_once_then_every_period():
    job = Job("tick", TASK, every=datetime.timedelta(minutes=5))
    assert scheduler.run_due([job], now=at(8)) == ["tick"]
    assert scheduler.run_due([job], now=at(8, 4)) == []
    assert scheduler.run_due([job], now=at(8, 5)) == ["tick"]
    row = ScheduledJob.objects.get(name="tick")
    assert (row.runs, row.next_run_at) == (2, at(8, 10))
    assert scheduled_tasks.RUNS == ["ran", "ran"]


def test_runs_missed_while_no_scheduler_was_up_are_caught_up_with_one_run_in_rhythm():
    job = Job("tick", TASK, every=datetime.timedelta(minutes=5))
    scheduler.run_due([job], now=at(8))
    assert scheduler.run_due([job], now=at(9, 2)) == ["tick"]
    assert ScheduledJob.objects.get(name="tick").next_run_at == at(9, 5)
    assert len(scheduled_tasks.RUNS) == 2


def test_a_daily_job_runs_at_its_local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"  # UTC+8: 08:00 there is 00:00 UTC
    job = Job("morning", TASK, at=datetime.time(8, 0))
    assert scheduler.run_due([job], now=at(1)) == []  # first seen at 09:00 local: next is tomorrow's 08:00
    assert ScheduledJob.objects.get(name="morning").next_run_at == at(0, day=2)
    assert scheduler.run_due([job], now=at(0, day=2) - datetime.timedelta(seconds=1)) == []
    assert scheduler.run_due([job], now=at(0, 0, day=2)) == ["morning"]
    assert ScheduledJob.objects.get(name="morning").next_run_at == at(0, day=3)


def test_a_run_is_enqueued_once_when_two_schedulers_saw_it_due():
    job = Job("tick", TASK, every=datetime.timedelta(minutes=5))
    scheduler.run_due([job], now=at(8))
    seen_by_both = ScheduledJob.objects.get(name="tick")
    assert scheduler.enqueue_due(job, seen_by_both, now=at(8, 5)) is True
    assert scheduler.enqueue_due(job, seen_by_both, now=at(8, 5, 1)) is False
    assert len(scheduled_tasks.RUNS) == 2
    assert ScheduledJob.objects.get(name="tick").runs == 2


def test_one_scheduler_holds_the_lease_and_another_takes_over_when_it_lapses():
    assert scheduler.hold_lease("a") is True
    assert scheduler.hold_lease("b") is False
    assert scheduler.hold_lease("a") is True  # renewal
    SchedulerLease.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert scheduler.hold_lease("b") is True
    assert scheduler.hold_lease("a") is False
    assert SchedulerLease.objects.get().holder == "b"


def test_a_waiting_scheduler_enqueues_nothing(monkeypatch):
    monkeypatch.setattr(scheduler, "jobs", lambda: [Job("tick", TASK, every=datetime.timedelta(minutes=5))])
    assert scheduler.hold_lease("someone-else") is True
    waiting = scheduler.Scheduler(holder="me")
    assert waiting.step(scheduler.jobs()) == []
    assert scheduled_tasks.RUNS == []
    SchedulerLease.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert waiting.step(scheduler.jobs()) == ["tick"]


def test_cadence_overrides_refuse_unknown_jobs(settings):
    settings.LAUREL_SCHEDULE_EVERY = {"flush_view_counts": 7}
    assert {job.name: job.every for job in scheduler.jobs()}["flush_view_counts"] == datetime.timedelta(seconds=7)
    settings.LAUREL_SCHEDULE_EVERY = {"no_such_job": 7}
    with pytest.raises(ValueError, match="no_such_job"):
        scheduler.jobs()


def test_list_prints_each_job_and_when_it_is_next_due(capsys):
    call_command("scheduler", "--list")
    out = capsys.readouterr().out
    assert "send_talk_reminders" in out and "daily at 08:00" in out
    assert "requeue_stuck_tasks" in out and "every 0:01:00" in out


def running_task(*, worker_id, started_minutes_ago):
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago),
        worker_ids=[worker_id],
        args_kwargs={"args": [], "kwargs": {}},
        task_path="laurel.example.task",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


def test_a_dead_workers_task_goes_back_at_once_and_a_live_workers_stays():
    now = timezone.now()
    workers.beat("alive", started_at=now)
    workers.beat("dead", started_at=now)
    WorkerHeartbeat.objects.filter(worker_id="dead").update(seen_at=now - datetime.timedelta(seconds=90))
    long_batch = running_task(worker_id="alive", started_minutes_ago=120)
    orphan = running_task(worker_id="dead", started_minutes_ago=1)
    assert workers.requeue_stuck_tasks() == 1
    long_batch.refresh_from_db()
    orphan.refresh_from_db()
    assert (long_batch.status, orphan.status) == (TaskResultStatus.RUNNING, TaskResultStatus.READY)


def test_a_worker_is_dead_after_the_installations_silence_and_its_task_comes_back(settings):
    """A cluster that kills workers on purpose (bench/cluster_chaos.py) says 12 s; by default a minute."""
    now = timezone.now()
    workers.beat("quiet", started_at=now)
    WorkerHeartbeat.objects.filter(worker_id="quiet").update(seen_at=now - datetime.timedelta(seconds=20))
    task = running_task(worker_id="quiet", started_minutes_ago=1)
    assert workers.requeue_stuck_tasks() == 0  # control: 20 s of silence is not a minute
    assert workers.live_workers().filter(worker_id="quiet").exists()
    settings.LAUREL_WORKER_DEAD_AFTER = 12
    assert workers.beat_seconds() == 2
    assert not workers.live_workers().filter(worker_id="quiet").exists()
    assert workers.requeue_stuck_tasks() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_is_recorded_while_the_worker_lives_and_removed_when_it_stops():
    heartbeat = workers.Heartbeat("w-test")
    heartbeat.start()
    try:
        deadline = time.monotonic() + 10
        while not WorkerHeartbeat.objects.filter(worker_id="w-test").exists():
            assert time.monotonic() < deadline, "no heartbeat within 10 s"
            time.sleep(0.05)
        assert workers.live_workers().filter(worker_id="w-test").exists()
    finally:
        heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(worker_id="w-test").exists()


def test_two_scheduler_processes_enqueue_each_job_once(tmp_path):
    env = installation.migrated(tmp_path, "sched")
    env["LAUREL_SCHEDULE_EVERY"] = "requeue_stuck_tasks=3600,flush_view_counts=3600"
    command = [sys.executable, "manage.py", "scheduler"]
    first = subprocess.Popen(command, cwd=installation.ROOT, env=env, stdout=subprocess.DEVNULL)
    second = subprocess.Popen(command, cwd=installation.ROOT, env=env, stdout=subprocess.DEVNULL)
    sql = (
        "SELECT SUM(CASE WHEN task_path = 'laurel.core.tasks.requeue_stuck_tasks' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN task_path = 'laurel.news.tasks.flush_view_counts' THEN 1 ELSE 0 END) "
        "FROM django_tasks_database_dbtaskresult"
    )
    try:
        deadline = time.monotonic() + 120
        while installation.query(env, sql) != (1, 1) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(RENEW_SECONDS + 1)  # both schedulers have had a turn since
        holders = installation.query(env, "SELECT COUNT(*) FROM core_schedulerlease")
        counts = installation.query(env, sql)
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=30)
    assert counts == (1, 1)
    assert holders == (1,)
