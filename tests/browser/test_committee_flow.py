import pytest
from django.urls import reverse

from laurel.honors import vetting
from laurel.honors.models import Campaign, Nomination, RepresentationRule, Stage
from tests.conftest import login
from tests.factories.honors import scored_campaign
from tests.factories.people import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_set_a_unit_cap_decide_and_see_the_list_as_it_stands_after_a_veto(page, staff, expert):
    """A cap of one honoree per unit set on the campaign page holds in the proposal and in the replacement after
    a veto; the committee page then shows the actual list, the removed candidate and the reason."""
    campaign, made = scored_campaign(totals=[[95], [90], [88], [70]], experts=[expert], honorees_count=2)
    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.DRAFT)
    same_unit = OrganizationFactory(name="东湖大学")
    Nomination.objects.filter(pk__in=[made[0].pk, made[1].pk, made[2].pk]).update(unit=same_unit)
    for index, nomination in enumerate(made):
        nomination.person.name = f"候选人{index + 1}"
        nomination.person.save()
    login(page, staff)
    page.goto(campaign.get_absolute_url())
    page.select_option("select[name=per]", "unit")
    page.select_option("select[name=bound]", "max")
    page.select_option("select[name=measure]", "count")
    page.fill("input[name=value]", "1")
    with page.expect_navigation():
        page.click("text=添加规则")
    assert "每个推荐单位至多 1（获评者）" in page.locator("main").inner_text()
    assert RepresentationRule.objects.get(campaign=campaign).per == "unit"

    Campaign.objects.filter(pk=campaign.pk).update(stage=Stage.COMMITTEE)
    body = vetting.add_body(campaign, name="公安机关", actor=staff)
    page.goto(reverse("honors:ranking", kwargs={"code": campaign.code}))
    assert "单组最多：1 人（东湖大学）" in page.locator("[data-testid=proposal]").inner_text()
    with page.expect_navigation():
        page.click("text=按建议名单确定人选")
    current = page.locator("[data-testid=current-selection]")
    assert current.locator("ol").inner_text().split("\n")[0].startswith("候选人1")
    vetting.record_result(
        Nomination.objects.select_related("campaign").get(pk=made[3].pk), body=body, outcome="vetoed",
        reason="有违法记录", actor=staff,
    )  # fmt: skip
    page.reload()
    listed = current.locator("ol").inner_text()
    assert "候选人1" in listed and "候选人4" not in listed and "候选人2" not in listed
    assert "联审否决: 公安机关: 有违法记录" in current.locator("[data-testid=removed]").inner_text()
    assert "1 个名额空缺" in current.inner_text()
