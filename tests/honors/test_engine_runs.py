"""The assignment engine runs as a background task: queued by the page, solved by the worker, polled by staff."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from laurel.core.models import AuditEntry
from laurel.honors import engine
from laurel.honors.models import Assignment, AssignmentRun
from tests.honors.test_engine import setup  # noqa: F401 (the fixture review_setup builds on)

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_setup(setup):  # noqa: F811
    """4 nominations and 4 experts of matching fields (tests/honors/test_engine.py), expert 0 senior."""
    return setup


SETTINGS = {"experts_per_nomination": 2, "load_max": 2, "load_min": 0, "objective": "total"}


@pytest.fixture
def queue(settings):
    """The database queue of production: runs wait for a worker (here: the test calls the task's body)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def start(client, campaign, capture, **changes):
    with capture(execute=True):
        return client.post(
            reverse("honors:assignment_run", kwargs={"code": campaign.code}), {**SETTINGS, **changes}, follow=True
        )


def status(client, campaign, **headers):
    return client.get(reverse("honors:assignment_status", kwargs={"code": campaign.code}), **headers)


def test_the_page_queues_the_run_and_the_worker_solves_it(
    staff_client, review_setup, queue, django_capture_on_commit_callbacks
):
    campaign, _experts, nominations = review_setup
    page = start(staff_client, campaign, django_capture_on_commit_callbacks).content.decode()
    run = AssignmentRun.objects.get()
    assert run.status == AssignmentRun.Status.QUEUED
    assert not Assignment.objects.exists()  # nothing solved inside the request
    assert DBTaskResult.objects.filter(task_path="laurel.honors.tasks.run_assignment_task", args_kwargs__args=[run.pk])
    assert "后台" in page and 'data-testid="run-progress"' in page
    fragment = status(staff_client, campaign, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment

    assert engine.perform_run(run.pk) is not None  # what the worker does
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.DONE and run.report["method"] == "min-cost-flow"
    assert Assignment.objects.filter(draft=True).count() == 8
    fragment = status(staff_client, campaign, HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true" and "hx-trigger" not in fragment.content.decode()
    page = staff_client.get(reverse("honors:assignment", kwargs={"code": campaign.code})).content.decode()
    assert "min-cost-flow" in page and nominations[0].code in page


def test_a_double_click_starts_one_run(staff_client, review_setup, queue, django_capture_on_commit_callbacks):
    campaign, _experts, _nominations = review_setup
    start(staff_client, campaign, django_capture_on_commit_callbacks)
    page = start(staff_client, campaign, django_capture_on_commit_callbacks, objective="fair").content.decode()
    assert AssignmentRun.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert "已有一次本轮运行正在进行" in page
    assert AuditEntry.objects.filter(action="honors.assignment.queued").count() == 1


def test_the_task_is_idempotent(staff, review_setup, queue, django_capture_on_commit_callbacks):
    campaign, _experts, _nominations = review_setup
    with django_capture_on_commit_callbacks(execute=True):
        run, created = engine.start_assignment(campaign, actor=staff, **SETTINGS)
    assert created
    engine.perform_run(run.pk)
    drafts = set(Assignment.objects.values_list("pk", flat=True))
    assert engine.perform_run(run.pk) is None  # run again (a requeued task): nothing changes
    assert set(Assignment.objects.values_list("pk", flat=True)) == drafts
    assert AuditEntry.objects.filter(action="honors.assignment.proposed").count() == 1


def test_a_stale_run_is_reported_and_does_not_block_the_next(
    staff_client, staff, review_setup, queue, django_capture_on_commit_callbacks
):
    campaign, _experts, _nominations = review_setup
    with django_capture_on_commit_callbacks(execute=True):
        run, _created = engine.start_assignment(campaign, actor=staff, **SETTINGS)
    AssignmentRun.objects.filter(pk=run.pk).update(
        status=AssignmentRun.Status.RUNNING, step_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    page = staff_client.get(reverse("honors:assignment", kwargs={"code": campaign.code}), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'data-testid="run-failed"' in text and "The run stopped without finishing" in text
    run.refresh_from_db()
    assert run.status == AssignmentRun.Status.FAILED
    assert engine.perform_run(run.pk) is None  # a late worker does not revive it
    start(staff_client, campaign, django_capture_on_commit_callbacks)
    assert AssignmentRun.objects.filter(status=AssignmentRun.Status.QUEUED).count() == 1


def test_an_infeasible_run_says_why_and_keeps_the_drafts(
    staff_client, staff, review_setup, django_capture_on_commit_callbacks
):
    campaign, _experts, _nominations = review_setup
    start(staff_client, campaign, django_capture_on_commit_callbacks)  # immediate backend: solved after commit
    assert Assignment.objects.filter(draft=True).count() == 8
    start(staff_client, campaign, django_capture_on_commit_callbacks, load_max=1)
    run = AssignmentRun.objects.first()
    assert run.status == AssignmentRun.Status.FAILED
    with translation.override("en"):
        assert engine.failure_messages(run) == [
            "The items need 8 reviews in total but the experts' maximum loads allow only 4."
        ]
    page = staff_client.get(reverse("honors:assignment", kwargs={"code": campaign.code})).content.decode()
    assert 'data-testid="run-failed"' in page and "未做任何分配" in page
    assert Assignment.objects.filter(draft=True).count() == 8
    assert engine.latest_run(campaign, 1).status == AssignmentRun.Status.DONE  # the last good run still rules


def test_a_crash_in_the_worker_fails_the_run_with_a_clear_message(staff, review_setup, monkeypatch):
    campaign, _experts, _nominations = review_setup

    def broken(problem):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "solve", broken)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        engine.run_assignment(campaign, actor=staff, **SETTINGS)
    assert caught.value.messages == ["本次运行意外失败，未做任何更改。请重新运行分配。"]
    assert AssignmentRun.objects.get().status == AssignmentRun.Status.FAILED
    assert not Assignment.objects.exists()


def test_fair_mode_with_a_group_rule_runs_in_the_task(staff_client, review_setup, django_capture_on_commit_callbacks):
    campaign, _experts, _nominations = review_setup
    start(staff_client, campaign, django_capture_on_commit_callbacks, objective="fair", load_max=4,
          senior_per_nomination="on")  # fmt: skip
    run = AssignmentRun.objects.get()
    assert run.status == AssignmentRun.Status.DONE and run.report["method"] == "milp-fair"
    seniors = set(Assignment.objects.filter(expert__email="e0@example.org").values_list("nomination", flat=True))
    assert seniors == {nomination.pk for nomination in _nominations}  # the only senior expert is on every one


def test_only_staff_start_or_watch_a_run(client, expert, stranger, review_setup):
    campaign, _experts, _nominations = review_setup
    for user in (expert, stranger):
        client.force_login(user)
        assert status(client, campaign).status_code == 403
        response = client.post(reverse("honors:assignment_run", kwargs={"code": campaign.code}), SETTINGS)
        assert response.status_code == 403
    assert not AssignmentRun.objects.exists()
    client.logout()
    assert status(client, campaign).status_code in (302, 403)
