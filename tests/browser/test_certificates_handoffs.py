import pytest

from laurel.certificates.models import Certificate, IssuanceBatch
from laurel.honors.models import Nomination, Stage
from tests.conftest import login
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_issues_a_published_campaigns_certificates(page, staff):
    CertificateTemplateFactory(name="最美荣誉证书")
    campaign = CampaignFactory(name="2023年云州市最美科技工作者", stage=Stage.PUBLISHED)
    for name in ("王䶮", "李明", "陈立"):
        NominationFactory(
            campaign=campaign, person=PersonFactory(name=name), status=Nomination.Status.SELECTED,
            citation=f"{name}的事迹", photos=0,
        )  # fmt: skip
    login(page, staff)
    page.goto("/staff/certificates/")
    page.get_by_role("link", name="获评者与宣讲团").click()
    page.get_by_role("link", name="2023年云州市最美科技工作者").click()
    page.select_option("select[name=template]", label="最美荣誉证书")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/certificates/batches/*/")
    page.locator("[data-testid=batch-progress]").get_by_text("3 / 3").wait_for()
    assert page.locator("[data-testid=batch-progress] progress").get_attribute("value") == "3"
    assert IssuanceBatch.objects.get().percent == 100
    assert sorted(Certificate.objects.values_list("citation", flat=True)) == sorted(
        ["王䶮的事迹", "李明的事迹", "陈立的事迹"]
    )
