import datetime

import pytest
from django.utils import timezone

from laurel.honors.models import Nomination, Objection, Stage
from tests.factories.honors import scored_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_objection_under_a_crowd_name_with_no_reachable_contact_is_refused_then_accepted_signed(page, expert):
    today = timezone.localdate()
    campaign, made = scored_campaign(
        totals=[[90]], experts=[expert], honorees_count=1, stage=Stage.NOTICE, notice_starts_on=today,
        notice_ends_on=today + datetime.timedelta(days=6),
    )  # fmt: skip
    Nomination.objects.filter(pk=made[0].pk).update(status=Nomination.Status.SELECTED)
    page.goto(f"/campaigns/{campaign.code}/notice/")
    page.click("a:has-text('提出异议')")
    page.fill("input[name=full_name]", "知情群众")
    page.fill("input[name=contact]", "请打电话")
    page.fill("textarea[name=statement]", "该候选人的论文存在署名争议，附证明材料。")
    page.click("text=提交异议")
    main = page.locator("main").inner_text()
    assert "不受理匿名异议" in main and "请填写科协可以联系到您的电话号码" in main
    assert Objection.objects.count() == 0
    page.fill("input[name=full_name]", "王小明")
    page.fill("input[name=contact]", "138 0013 8000")
    page.click("text=提交异议")
    page.wait_for_url(f"**/campaigns/{campaign.code}/notice/")
    stored = Objection.objects.get()
    assert (stored.full_name, stored.contact) == ("王小明", "138 0013 8000")
