"""Staff edit a certificate template in zh-hans and watch the sample certificate follow the form."""

import pytest

from laurel.certificates.models import CertificateTemplate
from laurel.core.models import AuditEntry
from tests.conftest import login
from tests.factories.certificates import CertificateTemplateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_edit_a_template_with_the_live_preview_updating(page, staff):
    template = CertificateTemplateFactory(name="荣誉证书模板", heading_size=44, border="ceremony")
    login(page, staff)
    page.goto(f"/staff/certificates/templates/{template.pk}/edit/")
    preview = page.locator("[data-testid=template-preview-image]")
    first = preview.get_attribute("data-version")
    assert "示例预览" in page.locator("main").inner_text()

    # A change re-renders the sample (HTMX, no inline script: the page fixture fails on any CSP violation)
    page.select_option("select[name=border]", label="金色双线")
    page.wait_for_function(
        "v => document.querySelector('[data-testid=template-preview-image]')?.dataset.version !== v", arg=first
    )
    second = preview.get_attribute("data-version")

    # A value out of bounds is named, in Chinese, instead of a picture; correcting it brings the picture back
    page.fill("input[name=heading_size]", "200")
    page.locator("input[name=heading_size]").dispatch_event("change")
    page.locator("[data-testid=template-preview-errors]").wait_for()
    assert "确保该值小于或等于64。" in page.locator("[data-testid=template-preview-errors]").inner_text()
    page.fill("input[name=heading_size]", "56")
    page.locator("input[name=heading_size]").dispatch_event("change")
    preview.wait_for()
    assert preview.get_attribute("data-version") not in {first, second}

    # Nothing is saved until staff press Save
    template.refresh_from_db()
    assert (template.border, template.heading_size) == ("ceremony", 44)
    page.click("[data-testid=template-form] button[type=submit]")
    page.wait_for_url(f"**/staff/certificates/templates/{template.pk}/")
    assert "模板已保存。" in page.locator("body").inner_text()
    template = CertificateTemplate.objects.get(pk=template.pk)
    assert (template.border, template.heading_size) == ("gold", 56)
    entry = AuditEntry.objects.get(action="certificates.template.changed")
    assert entry.data["changes"] == {"border": ["ceremony", "gold"], "heading_size": [44, 56]}
