import datetime

import pytest
from django.utils import timezone

from laurel.certificates.models import Certificate, IssuanceBatch
from laurel.honors.models import Nomination, Stage
from tests.conftest import login
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_issues_a_published_campaigns_certificates(page, staff):
    CertificateTemplateFactory(name="最美荣誉证书")
    campaign = CampaignFactory(
        name="2023年云州市最美科技工作者", name_en="Yunzhou 2023 Most Beautiful Sci-tech Workers", edition=2023,
        stage=Stage.PUBLISHED,
    )  # fmt: skip
    for name in ("王䶮", "李明", "陈立"):
        NominationFactory(
            campaign=campaign, person=PersonFactory(name=name), status=Nomination.Status.SELECTED,
            citation=f"{name}的事迹", citation_en=f"The story of {name}", photos=0,
        )  # fmt: skip
    login(page, staff)
    page.goto("/staff/certificates/")
    page.get_by_role("link", name="获评者与宣讲团").click()
    page.get_by_role("link", name="2023年云州市最美科技工作者").click()
    page.select_option("select[name=template]", label="最美荣誉证书")
    assert page.input_value("input[name=issued_on]") == timezone.localdate().isoformat()
    page.fill("input[name=issued_on]", "2023-05-30")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/certificates/batches/*/")
    page.locator("[data-testid=batch-progress]").get_by_text("3 / 3").wait_for()
    assert page.locator("[data-testid=batch-progress] progress").get_attribute("value") == "3"
    assert IssuanceBatch.objects.get().percent == 100
    assert sorted(Certificate.objects.values_list("citation", flat=True)) == sorted(
        ["王䶮的事迹", "李明的事迹", "陈立的事迹"]
    )
    issued = Certificate.objects.order_by("recipient_name")
    assert {(c.title_en, c.issued_on) for c in issued} == {
        ("Yunzhou 2023 Most Beautiful Sci-tech Workers", datetime.date(2023, 5, 30))
    }
    assert sorted(c.citation_en for c in issued) == sorted(f"The story of {name}" for name in ("王䶮", "李明", "陈立"))
