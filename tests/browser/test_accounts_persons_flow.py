"""Browser flows (zh-hans): staff link a profile to an account found by search, or invite the person to a new
account; an expert without a profile declares a unit before seeing any nomination."""

import re

import pytest
from django.core import mail

from laurel.honors import reviews
from laurel.honors.models import Assignment, Nomination, Stage
from laurel.people.models import DeclaredUnit, Person
from laurel.people.roles import RoleKind
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import PersonFactory, UserFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_find_an_account_and_link_it_to_a_profile(page, staff):
    person = PersonFactory(name="周明")
    UserFactory(email="zhou.ming@example.org", full_name="周明")
    UserFactory(email="someone.else@example.org")
    login(page, staff)
    page.goto(person.get_absolute_url())
    page.fill("#account-search", "zhou.ming")
    result = page.locator("[data-testid=account-result]")
    result.first.wait_for()
    assert result.count() == 1 and "zhou.ming@example.org" in result.inner_text()
    result.locator("button").click()
    page.wait_for_load_state()
    assert "zhou.ming@example.org" in page.locator("[data-testid=linked-account]").inner_text()
    assert Person.objects.get(pk=person.pk).user.email == "zhou.ming@example.org"


def test_an_invited_expert_chooses_a_password_and_needs_no_declaration(page, staff):
    person = PersonFactory(name="陆远", email="lu.yuan@example.org")
    login(page, staff)
    page.goto(person.get_absolute_url())
    page.select_option("select[name=kind]", "expert")
    page.click("[data-testid=person-account] button:has-text('邀请')")
    page.wait_for_load_state()
    assert "lu.yuan@example.org" in page.locator("[data-testid=linked-account]").inner_text()
    link = re.search(r"https?://\S+/password/reset/key/\S+/", mail.outbox[-1].body).group(0)

    page.context.clear_cookies()
    page.goto(link[link.index("/accounts/") :])
    page.fill("input[name=password1]", "a-long-and-unusual-passphrase")
    page.fill("input[name=password2]", "a-long-and-unusual-passphrase")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "lu.yuan@example.org")
    page.fill("input[name=password]", "a-long-and-unusual-passphrase")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto("/campaigns/reviews/")
    assert page.url.endswith("/campaigns/reviews/")


def test_an_expert_without_a_profile_declares_a_unit_before_any_nomination(page, staff):
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False, email="outside@example.org")
    campaign = CampaignFactory(stage=Stage.REVIEW)
    reviews.add_panel_member(campaign, expert=expert, actor=staff)
    nomination = NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
    Assignment.objects.create(nomination=nomination, expert=expert)
    login(page, expert)
    assert "申报我的单位" in page.locator("main").inner_text()
    page.goto(f"/campaigns/nominations/{nomination.code}/review/")
    page.wait_for_url("**/my-unit/**")
    assert "请先申报您的工作单位" in page.locator("main").inner_text()
    page.select_option("select[name=unit]", "none")
    page.click("main form button:has-text('保存')")
    page.wait_for_url(f"**/campaigns/nominations/{nomination.code}/review/")
    assert page.locator("input[name^=score_]").count() == campaign.criteria.count()
    assert DeclaredUnit.objects.get(user=expert).organization is None
    # Declared once: the page now shows the declaration and sends any change to the staff.
    page.goto("/staff/my-unit/")
    declared = page.get_by_test_id("unit-declared").inner_text()
    assert "无：我不隶属于任何单位" in declared
    assert "请联系协会工作人员" in declared
    assert page.locator("select[name=unit]").count() == 0


def test_staff_change_an_experts_declared_unit_with_a_reason(page, staff):
    from laurel.core.models import AuditEntry
    from laurel.people import accounts
    from tests.factories.people import OrganizationFactory

    own, other = OrganizationFactory(name="甲研究所"), OrganizationFactory(name="乙医院")
    expert = user_with_role(RoleKind.EXPERT, declared_unit=False, email="declared@example.org")
    accounts.declare_unit(user=expert, organization=own, actor=expert)
    login(page, staff)
    page.goto("/staff/roles/")
    page.locator("[data-testid=change-unit]").first.click()
    page.wait_for_url(f"**/accounts/{expert.pk}/unit/")
    assert "甲研究所" in page.get_by_test_id("current-unit").inner_text()
    page.select_option("select[name=unit]", other.code)
    page.fill("textarea[name=reason]", "调到乙医院工作")
    page.click("main form button:has-text('保存')")
    page.wait_for_url("**/roles/")
    assert "declared@example.org 的单位已变更" in page.locator("body").inner_text()
    assert DeclaredUnit.objects.get(user=expert).organization == other
    assert AuditEntry.objects.filter(action="people.unit.declared", data__reason="调到乙医院工作").exists()
