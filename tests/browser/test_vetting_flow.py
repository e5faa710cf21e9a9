import pytest

from laurel.honors import vetting
from laurel.honors.models import Nomination, VettingResult
from tests.conftest import login
from tests.factories.honors import scored_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer(page, nomination, body, outcome, reason=""):
    cell = page.locator(f"[data-testid=cell-{nomination.code}-{body.pk}]")
    cell.locator("select[name=outcome]").select_option(outcome)
    if reason:
        cell.locator("input[name=reason]").fill(reason)
    with page.expect_navigation():
        cell.locator("button[type=submit]").click()


def test_staff_clear_two_candidates_veto_one_and_see_the_replacement(page, staff, expert):
    campaign, made = scored_campaign(totals=[[95], [90], [88], [70]], experts=[expert], honorees_count=3)
    for index, nomination in enumerate(made):
        nomination.person.name = f"候选人{index + 1}"
        nomination.person.save()
    Nomination.objects.filter(pk__in=[n.pk for n in made[:3]]).update(status=Nomination.Status.SELECTED)
    bodies = [
        vetting.add_body(campaign, name="纪检监察机关", actor=staff),
        vetting.add_body(campaign, name="公安机关", actor=staff),
    ]
    login(page, staff)
    page.goto(campaign.get_absolute_url())
    page.click("text=联审")
    page.wait_for_url(f"**/campaigns/{campaign.code}/vetting/")
    for nomination in made[:2]:
        for body in bodies:
            answer(page, nomination, body, "cleared")
    answer(page, made[2], bodies[1], "vetoed", reason="有违法记录")
    rows = page.locator("[data-testid=vetting-row]")
    assert [rows.nth(index).get_attribute("data-code") for index in range(rows.count())] == [
        made[0].code, made[1].code, made[3].code, made[2].code,
    ]  # fmt: skip
    assert page.locator(f"[data-testid=cell-{made[0].code}-{bodies[1].pk}] [data-testid=state]").inner_text() == "通过"
    assert (
        page.locator(f"[data-testid=cell-{made[3].code}-{bodies[0].pk}] [data-testid=state]").inner_text() == "待答复"
    )
    assert "候选人4" in page.locator("main").inner_text()
    assert VettingResult.objects.filter(outcome="cleared").count() == 4
    assert Nomination.objects.get(pk=made[2].pk).status == Nomination.Status.REMOVED
