import pytest

from laurel.honors import committee
from laurel.honors.models import Nomination
from tests.conftest import login
from tests.factories.honors import scored_campaign
from tests.factories.people import RoleKind, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nominator_sees_neither_the_override_nor_the_other_units_candidate(page, staff, expert):
    campaign, made = scored_campaign(totals=[[95], [90], [88]], experts=[expert], honorees_count=1)
    for nomination, name in zip(made, ["甲一", "乙一", "乙二"], strict=True):
        nomination.person.name = name
        nomination.person.save()
    nominator = user_with_role(RoleKind.NOMINATOR, organization=made[0].unit, email="a@example.org")
    committee.accept_proposal(campaign, actor=staff)
    committee.override_selection(
        campaign, add=[Nomination.objects.get(pk=made[1].pk)], remove=[Nomination.objects.get(pk=made[0].pk)],
        reason="委员会认为乙一更合适", actor=staff,
    )  # fmt: skip
    login(page, nominator)
    page.goto("/campaigns/mine/")
    row = page.locator("main table tbody tr")
    assert row.count() == 1
    assert row.inner_text().split("\t")[:1] == ["甲一"]
    assert "资格审查通过" in row.inner_text()
    page.click("text=甲一")
    assert page.locator("[data-testid=status]").inner_text() == "资格审查通过"
    assert page.locator("[data-testid=reason]").count() == 0
    main = page.locator("main").inner_text()
    assert "乙一" not in main and "委员会认为" not in main
