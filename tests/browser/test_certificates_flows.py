import pytest

from laurel.certificates import services
from laurel.certificates.models import Certificate
from tests.conftest import login
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_issues_a_batch_and_revokes_one(page, staff):
    CertificateTemplateFactory(name="荣誉证书模板")
    PersonFactory(name="王䶮")
    PersonFactory(name="李明")
    login(page, staff)
    page.goto("/staff/certificates/batches/new/")
    page.select_option("select[name=template]", label="荣誉证书模板")
    page.fill("input[name=batch_key]", "2026-最美")
    page.fill("input[name=title]", "云州市最美科技工作者")
    page.fill("input[name=valid_until]", "2031-05-30")  # the term: the credentials' validUntil
    for box in page.locator("input[name=recipients]").all():
        box.check()
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/certificates/batches/*/")
    page.locator("[data-testid=batch-progress]").get_by_text("2 / 2").wait_for()
    assert Certificate.objects.count() == 2
    first = Certificate.objects.get(recipient_name="王䶮")
    assert first.credential["validUntil"] == "2031-05-29T16:00:00Z"
    with page.expect_download() as download:
        page.click("[data-testid=batch-download]")
    assert download.value.suggested_filename.endswith(".zip")
    page.goto(f"/staff/certificates/{first.pk}/")
    # The form says who will see the reason: unticked, only staff.
    assert "仅在勾选下方选项时" in page.locator("main form").inner_text()
    page.fill("textarea[name=reason]", "事迹不实")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text() == "已撤销"
    page.goto(first.get_absolute_url())
    assert "已撤销" in page.locator("[data-testid=verdict]").inner_text()
    assert "事迹不实" not in page.locator("main").inner_text()
    second = Certificate.objects.get(recipient_name="李明")
    page.goto(f"/staff/certificates/{second.pk}/")
    page.fill("textarea[name=reason]", "本人申请撤销")
    page.check("input[name=reason_public]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(second.get_absolute_url())
    assert "本人申请撤销" in page.locator("[data-testid=verdict]").inner_text()


def test_public_opens_the_qr_link_and_uploads_the_credential(page, staff, tmp_path):
    certificate = services.issue_one(
        template=CertificateTemplateFactory(),
        recipient=PersonFactory(name="王䶮"),
        title="云州市最美科技工作者",
        batch_key="2026",
        actor=staff,
    )
    page.goto(certificate.get_absolute_url())
    assert "有效" in page.locator("[data-testid=verdict]").inner_text()
    assert "王䶮" in page.content()
    linkedin = page.locator("[data-testid=linkedin]").get_attribute("href")
    assert linkedin.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME")
    with page.expect_download() as download:
        page.click("[data-testid=credential-download]")
    assert download.value.suggested_filename == f"{certificate.number}.json"
    credential = tmp_path / "credential.json"
    credential.write_bytes(services.credential_bytes(certificate))
    page.goto("/verify/")
    page.set_input_files("input[name=file]", str(credential))
    page.click("main form button[type=submit]")
    assert "有效" in page.locator("[data-testid=verdict]").inner_text()


def test_public_uploads_a_credential_of_another_association(page, tmp_path, monkeypatch):
    """Another association's credential: its keys and status list are read from its own HTTPS site."""
    import functools
    import json

    from laurel.certificates.credentials import web
    from tests.certificates.https_site import HttpsSite, OtherIssuer

    with HttpsSite(tmp_path) as site:
        monkeypatch.setattr(
            web, "fetch_json", functools.partial(web.fetch_json, allow_private=True, ssl_context=site.client_context())
        )
        credential = tmp_path / "credential.json"
        credential.write_text(json.dumps(OtherIssuer(site).credential(), ensure_ascii=False), encoding="utf-8")
        page.goto("/verify/")
        page.set_input_files("input[name=file]", str(credential))
        page.click("main form button[type=submit]")
        assert "有效" in page.locator("[data-testid=verdict]").inner_text()
        note = page.locator("[data-testid=other-issuer]").inner_text()
        assert "此凭证不是本站颁发的" in note and site.url("/.well-known/did.json") in note
        assert "云岭省科学技术协会" in page.content()
        assert site.requests == ["/.well-known/did.json", "/status/1"]
