"""Staff's desk in Chinese: a to-do count leads to the list of exactly what waits; the charts read as images with
their figures in a folded table; the campaign's pages show the stage stepper; the assignment page leads with its
report and keeps the expert profiles folded until opened. On a phone the stepper becomes a column."""

import datetime

import pytest
from django.utils import timezone

from laurel.honors.models import Assignment, Nomination, PanelMember, Stage
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _eligible(campaign, status=Nomination.Status.ELIGIBLE):
    nomination = NominationFactory(campaign=campaign, photos=0)
    Nomination.objects.filter(pk=nomination.pk).update(status=status)
    return nomination


def test_a_todo_count_opens_the_list_of_what_waits(page, staff):
    campaign = CampaignFactory(name="最美科技工作者（审查中）", stage=Stage.ELIGIBILITY)
    waiting = [_eligible(campaign, Nomination.Status.SUBMITTED) for _index in range(2)]
    _eligible(campaign)
    login(page, staff)

    todo = page.locator("[data-testid=todos] a", has_text="待资格审查的推荐")
    assert todo.locator(".todo-count").inner_text() == "2"
    todo.click()
    page.wait_for_url(f"**/campaigns/{campaign.code}/nominations/?status=submitted")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    for nomination in waiting:
        assert page.locator("main table tbody", has_text=nomination.person.name).count() == 1
    stepper = page.locator("[data-testid=stage-stepper]")
    assert stepper.get_attribute("aria-label") == "评选阶段"
    assert stepper.locator("[aria-current=step]").inner_text().split()[1] == "资格审查"


def test_the_charts_are_images_with_their_figures_folded_in_a_table(page, staff, expert):
    campaign = CampaignFactory(name="科技创新先锋", stage=Stage.REVIEW, review_deadline=timezone.now())
    nominations = [_eligible(campaign) for _index in range(3)]
    PanelMember.objects.create(campaign=campaign, expert=expert)
    for nomination in nominations:
        Assignment.objects.create(nomination=nomination, expert=expert)
    login(page, staff)

    charts = page.locator("[data-testid=campaign-charts]")
    assert charts.locator("svg[role=img]").count() == 2
    table = charts.locator("[data-testid=review-table]")
    assert not table.is_visible()
    charts.locator("summary", has_text="以表格查看数字").nth(1).click()
    assert table.is_visible()
    assert table.locator("tbody tr").inner_text().split() == ["郑清", "0", "3"]


def test_the_overdue_count_opens_the_waiting_pairs_and_the_profiles_are_folded_below(page, staff, expert):
    campaign = CampaignFactory(
        stage=Stage.REVIEW,
        review_deadline=timezone.now() - datetime.timedelta(days=1),
        nomination_deadline=timezone.now(),
    )
    nomination = _eligible(campaign)
    PanelMember.objects.create(campaign=campaign, expert=expert)
    Assignment.objects.create(nomination=nomination, expert=expert)
    login(page, staff)
    page.locator("[data-testid=todos] a", has_text="已过评审截止时间未评分").click()
    page.wait_for_url(f"**/campaigns/{campaign.code}/assignment/?pairs=waiting")
    assert page.locator("[data-testid=pairs-filter]").is_visible()
    assert page.locator("[data-testid=pairs] tbody tr").inner_text().split("\t")[0].strip().startswith(nomination.code)

    profile = page.locator("[data-testid=profile]")
    assert not profile.is_visible()
    page.locator("[data-testid=profiles] summary").click()
    assert profile.is_visible()
    section_order = page.locator("main h2").all_inner_texts()
    assert section_order.index("运行分配") < section_order.index("专家档案")


def test_the_stepper_is_a_column_on_a_phone(browser, live_server):
    campaign = CampaignFactory(stage=Stage.PUBLISHED, published_at=timezone.now())
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"/campaigns/{campaign.code}/results/")
    steps = page.locator("[data-testid=stage-stepper] li")
    boxes = [steps.nth(index).bounding_box() for index in range(steps.count())]
    context.close()
    assert len(boxes) == 6
    assert all(box["x"] == boxes[0]["x"] for box in boxes)  # one above the other
    assert all(later["y"] > earlier["y"] for earlier, later in zip(boxes, boxes[1:], strict=False))
    assert max(box["x"] + box["width"] for box in boxes) <= 390
