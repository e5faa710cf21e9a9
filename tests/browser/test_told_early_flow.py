import datetime

import pytest

from laurel.honors.models import EligibilityRule, Nomination
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_nominator_sees_the_broken_rule_before_submitting_and_explains_it(page, nominator, unit):
    campaign = CampaignFactory()
    EligibilityRule.objects.filter(campaign=campaign).update(born_on_or_after=datetime.date(1990, 1, 1))
    draft = NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator)
    login(page, nominator)
    page.goto(draft.get_absolute_url())
    assert "1985-05-30" in page.locator("[data-testid=rule-problems]").inner_text()
    page.fill("textarea[name=explanation]", "出生日期登记有误，已附户籍证明。")
    page.click("main form button:has-text('提交')")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text() == "已提交"
    assert Nomination.objects.get(pk=draft.pk).eligibility_explanation == "出生日期登记有误，已附户籍证明。"
