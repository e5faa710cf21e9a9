"""Browser flows (zh-hans): a late review is refused until staff extend that expert's deadline; after nominations
close, a setup change is an amendment with a reason."""

import datetime

import pytest
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors import reviews
from laurel.honors.models import Campaign, Nomination, Review, Stage, UnitQuota
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_late_review_is_refused_until_staff_extend_the_experts_deadline(page, browser, live_server, staff, expert):
    campaign = CampaignFactory(
        stage=Stage.REVIEW,
        nomination_deadline=timezone.now() - datetime.timedelta(days=20),
        review_deadline=timezone.now() - datetime.timedelta(hours=2),
    )
    reviews.add_panel_member(campaign, expert=expert, actor=staff)
    nomination = NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
    reviews.assign_expert(nomination, expert=expert, actor=staff)

    login(page, expert)
    page.goto(f"/campaigns/nominations/{nomination.code}/review/")
    notice = page.locator("[data-testid=review-deadline]").inner_text()
    assert "评审已于" in notice and "不再接受评分" in notice
    assert page.locator("input[name^=score_]").count() == 0

    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(10_000)
    login(staff_page, staff)
    staff_page.goto(campaign.get_absolute_url())
    staff_page.click("text=评审截止时间与延期")
    staff_page.wait_for_url("**/review-deadline/")
    until = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    staff_page.select_option("select[name=expert]", label=str(expert))
    staff_page.fill("input[name=until]", until)
    staff_page.fill("textarea[name=reason]", "专家出差，延期两天")
    staff_page.click("main form button:has-text('延期')")
    staff_page.wait_for_load_state()
    assert "专家出差，延期两天" in staff_page.locator("[data-testid=experts]").inner_text()
    staff_context.close()
    assert AuditEntry.objects.get(action="honors.review.deadline_extended").data["reason"] == "专家出差，延期两天"

    page.reload()
    assert "请于" in page.locator("[data-testid=review-deadline]").inner_text()
    for criterion in campaign.criteria.all():
        page.fill(f"input[name=score_{criterion.pk}]", "85")
    page.click("main form button:has-text('提交')")
    page.wait_for_url("**/campaigns/reviews/")
    assert Review.objects.get(assignment__expert=expert).total == 85


def test_after_close_a_setup_change_needs_an_amendment_reason(page, staff, unit):
    campaign = CampaignFactory(
        stage=Stage.ELIGIBILITY, nomination_deadline=timezone.now() - datetime.timedelta(days=1), honorees_count=2
    )
    login(page, staff)
    page.goto(campaign.get_absolute_url())
    assert "已锁定" in page.locator("[data-testid=setup-locked]").inner_text()

    page.goto(f"/campaigns/{campaign.code}/edit/")
    page.fill("input[name=honorees_count]", "3")
    page.click("main form button:has-text('保存')")
    page.wait_for_load_state()
    assert "请填写修订理由" in page.content()
    assert Campaign.objects.get(pk=campaign.pk).honorees_count == 2

    page.fill("input[name=honorees_count]", "3")
    page.fill("textarea[name=amendment_reason]", "市委宣传部来函，增加一个名额")
    page.click("main form button:has-text('保存')")
    page.wait_for_url(f"**/campaigns/{campaign.code}/")
    assert Campaign.objects.get(pk=campaign.pk).honorees_count == 3
    entry = AuditEntry.objects.get(action="honors.setup.amended")
    assert entry.data["before"] == {"honorees_count": "2"} and entry.data["reason"] == "市委宣传部来函，增加一个名额"

    quota_form = page.locator(f"form[action$='/campaigns/{campaign.code}/quotas/']")
    quota_form.locator("select[name=unit]").select_option(label=unit.name)
    quota_form.locator("input[name=quota]").fill("3")
    quota_form.locator("[data-testid=amendment-reason]").fill("该单位补报")
    quota_form.locator("button").click()
    page.wait_for_load_state()
    assert UnitQuota.objects.get(campaign=campaign, unit=unit).quota == 3
    assert AuditEntry.objects.filter(action="honors.setup.amended").count() == 2
