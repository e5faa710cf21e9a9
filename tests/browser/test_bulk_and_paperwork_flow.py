"""Issue 11 items 9 and 10 in the browser, in Chinese: the bulk eligibility check, a reminder from the progress page
read on the expert's desk, the nominator's printable nomination form."""

import datetime

import pytest
from django.utils import timezone

from laurel.honors.models import Assignment, Nomination, PanelMember, Stage
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Nomination.Status


def test_staff_return_two_ticked_nominations_with_one_reason(page, staff, unit, nominator):
    campaign = CampaignFactory(stage=Stage.ELIGIBILITY)
    first, second, third = (
        NominationFactory(campaign=campaign, unit=unit, photos=0, status=Status.SUBMITTED) for _ in range(3)
    )
    login(page, staff)
    page.goto(f"/campaigns/{campaign.code}/nominations/")
    page.check(f'input[name=nominations][value="{first.code}"]')  # quoted: a code may start with a digit
    page.check(f'input[name=nominations][value="{second.code}"]')
    page.select_option("#bulk-outcome", "return")
    page.fill("#bulk-reason", "请补充单位廉政证明")
    page.click("[data-testid=bulk-check]")
    page.wait_for_load_state()
    assert page.locator("text=已对 2 个推荐记录审查结论。").is_visible()
    statuses = dict(campaign.nominations.values_list("pk", "status"))
    assert statuses == {first.pk: Status.RETURNED, second.pk: Status.RETURNED, third.pk: Status.SUBMITTED}
    assert Nomination.objects.get(pk=first.pk).status_reason == "请补充单位廉政证明"


def new_page(browser, live_server):
    return browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()


def test_staff_remind_an_expert_who_reads_it_on_the_desk(browser, live_server, staff, expert):
    campaign = CampaignFactory(stage=Stage.REVIEW, review_deadline=timezone.now() + datetime.timedelta(days=2))
    nomination = NominationFactory(campaign=campaign, photos=0, status=Status.ELIGIBLE)
    PanelMember.objects.create(campaign=campaign, expert=expert)
    Assignment.objects.create(nomination=nomination, expert=expert)
    staff_page = new_page(browser, live_server)
    login(staff_page, staff)
    staff_page.goto(f"/campaigns/{campaign.code}/progress/")
    assert staff_page.locator("[data-testid=progress-row]").inner_text().split("\t")[:4] == ["郑清", "1", "0", "0"]
    staff_page.click("[data-testid=remind]")
    staff_page.wait_for_load_state()
    assert staff_page.locator("text=已提醒 郑清。").is_visible()
    expert_page = new_page(browser, live_server)
    login(expert_page, expert)
    expert_page.goto("/dashboard/")
    notice = expert_page.locator("[data-testid=review-reminder]")
    assert "科协于" in notice.inner_text() and campaign.name in notice.inner_text()


def test_the_nominator_prints_the_nomination_form(page, nominator, unit):
    nomination = NominationFactory(campaign=CampaignFactory(), unit=unit, photos=0, status=Status.SUBMITTED)
    login(page, nominator)
    page.goto(nomination.get_absolute_url())
    link = page.locator("[data-testid=form-pdf]")
    assert link.inner_text() == "打印推荐表（PDF）"
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF")


def test_staff_tick_every_nomination_of_the_page_and_pass_them(page, staff):
    campaign = CampaignFactory(stage=Stage.ELIGIBILITY)
    for _ in range(3):
        NominationFactory(campaign=campaign, photos=0, status=Status.SUBMITTED)
    login(page, staff)
    page.goto(f"/campaigns/{campaign.code}/nominations/")
    page.check("[data-testid=tick-all]")
    assert page.locator("input[name=nominations]:checked").count() == 3
    page.click("[data-testid=bulk-check]")
    page.wait_for_load_state()
    assert page.locator("text=已对 3 个推荐记录审查结论。").is_visible()
    assert set(campaign.nominations.values_list("status", flat=True)) == {Status.ELIGIBLE}
