import pytest

from laurel.honors import engine, reviews
from laurel.honors.models import Assignment, AssignmentRun, Nomination, PanelMember, Stage
from laurel.people.roles import RoleKind
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import PersonFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = ["人工智能", "临床医学", "作物育种"]


def test_staff_runs_and_releases_and_each_expert_sees_exactly_their_assignments(page, staff):
    campaign = CampaignFactory(stage=Stage.REVIEW, experts_per_nomination=1, expert_load_cap=1)
    experts, nominations = [], []
    for index, field in enumerate(FIELDS):
        expert = user_with_role(RoleKind.EXPERT, email=f"flow{index}@example.org", full_name=f"评审{index}")
        reviews.add_panel_member(campaign, expert=expert, actor=staff)
        PanelMember.objects.filter(expert=expert).update(fields=field, expertise=f"{field}研究")
        experts.append(expert)
        person = PersonFactory(field=field, name=f"候选{index}")
        nominations.append(
            NominationFactory(
                campaign=campaign,
                person=person,
                unit=person.organization,
                status=Nomination.Status.ELIGIBLE,
                story=f"长期从事{field}工作。",
            )  # fmt: skip
        )
    login(page, staff)
    page.goto(f"/campaigns/{campaign.code}/")
    page.click("text=专家分配")
    page.click("[data-testid=run-form] button[type=submit]")
    page.wait_for_selector("[data-testid=report]")
    assert "min-cost-flow" in page.text_content("[data-testid=method]")
    assert "已证明最优" in page.text_content("[data-testid=method]")
    for index in range(len(FIELDS)):
        row = page.locator("[data-testid=pairs] tr", has_text=f"候选{index}")
        assert f"评审{index}" in row.text_content() and "草稿" in row.text_content()
    assert not Assignment.objects.released().exists()
    page.click("text=发布分配")
    page.wait_for_selector("text=已向专家发布 3 项分配")
    page.context.clear_cookies()

    login(page, experts[1])
    page.goto("/campaigns/reviews/")
    text = page.text_content("main")
    assert nominations[1].code in text or "候选1" in text
    for other in (nominations[0], nominations[2]):
        assert other.code not in text and other.person.name not in text
    response = page.goto(nominations[0].get_absolute_url())
    assert response.status == 403


def test_staff_watch_a_fair_run_with_a_group_rule_finish_in_the_background(page, staff, settings):
    """The database queue of production: the page queues the run, shows its progress, and reloads itself with the
    report when the worker (here: the test calling the task's body) has finished."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    campaign = CampaignFactory(stage=Stage.REVIEW, experts_per_nomination=1, expert_load_cap=3)
    for index, field in enumerate(FIELDS):
        expert = user_with_role(RoleKind.EXPERT, email=f"bg{index}@example.org", full_name=f"评审{index}")
        reviews.add_panel_member(campaign, expert=expert, actor=staff)
        PanelMember.objects.filter(expert=expert).update(fields=field, expertise=f"{field}研究", senior=index == 0)
        person = PersonFactory(field=field, name=f"候选{index}")
        NominationFactory(campaign=campaign, person=person, unit=person.organization,
                          status=Nomination.Status.ELIGIBLE, story=f"长期从事{field}工作。")  # fmt: skip
    login(page, staff)
    page.goto(f"/campaigns/{campaign.code}/assignment/")
    page.select_option("select[name=objective]", "fair")
    page.check("input[name=senior_per_nomination]")
    page.click("[data-testid=run-form] button[type=submit]")
    page.wait_for_selector("[data-testid=run-progress]")
    assert "等待后台任务处理" in page.text_content("[data-testid=run-progress]")
    assert page.is_disabled("[data-testid=run-form] button[type=submit]")
    run = AssignmentRun.objects.get()
    engine.perform_run(run.pk)  # what `manage.py worker` does with the queued task
    page.wait_for_selector("[data-testid=report]", timeout=15_000)
    assert "milp-fair" in page.text_content("[data-testid=method]")
    assert page.locator("[data-testid=run-progress]").count() == 0
    assert Assignment.objects.filter(draft=True, expert__email="bg0@example.org").count() == 3
