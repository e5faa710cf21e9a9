import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laurel.certificates import services
from laurel.certificates.models import Certificate
from laurel.people.services import create_api_token

pytestmark = pytest.mark.django_db


def test_verification_page_shows_valid_banner_and_facts(client, certificate):
    response = client.get(certificate.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "有效" in content and "Valid: this certificate is authentic" in content
    assert "王䶮" in content and certificate.pdf_sha256 in content and certificate.credential_sha256 in content


def test_verification_page_shows_revocation_at_once_and_keeps_the_reason_private(client, certificate, staff):
    services.revoke(certificate, reason="事迹不实", actor=staff)
    content = client.get(certificate.get_absolute_url()).content.decode()
    assert "已撤销" in content and "Revoked" in content and "事迹不实" not in content


def test_verification_page_shows_the_reason_staff_made_public(client, certificate, staff):
    services.revoke(certificate, reason="本人申请撤销", reason_public=True, actor=staff)
    content = client.get(certificate.get_absolute_url()).content.decode()
    assert "已撤销" in content and "本人申请撤销" in content


def test_revoke_form_records_whether_the_reason_is_public(client, certificate, staff):
    client.force_login(staff)
    url = reverse("certificates:revoke", kwargs={"pk": certificate.pk})
    client.post(url, {"reason": "事迹不实", "reason_public": "on"})
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revocation_reason_public) == ("revoked", True)
    detail = client.get(reverse("certificates:certificate_detail", kwargs={"pk": certificate.pk})).content.decode()
    assert "事迹不实" in detail


def test_credential_with_several_proofs_is_not_called_unsigned(client, certificate):
    """A proof set is checked proof by proof, each listed; it used to be "carries no signature"."""
    document = json.loads(services.credential_bytes(certificate))
    document["proof"] = [document["proof"][0], {**document["proof"][0], "cryptosuite": "bbs-2023"}]
    content = _upload(client, "c.json", json.dumps(document).encode())
    assert "carries no signature" not in content
    assert "Valid: this certificate" in content
    assert "eddsa-rdfc-2022: verified" in content and "bbs-2023: not verified" in content
    assert "uses a method Laurel does not check; the others verified" in content


def test_unknown_token_is_a_clear_not_found(client, db):
    response = client.get(reverse("certificates:verify", kwargs={"token": "nope"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "Not found" in response.content.decode()


def test_did_document_lists_the_current_key(client, certificate):
    document = client.get("/.well-known/did.json").json()
    assert document["id"] == "did:web:127.0.0.1%3A8000"
    assert document["assertionMethod"] == [certificate.credential["proof"][0]["verificationMethod"]]


def _upload(client, name, data):
    response = client.post(
        reverse("certificates:verify_upload"), {"file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    return response.content.decode()


def test_uploaded_credential_and_pdf_are_verified(client, certificate):
    assert "Valid: this certificate" in _upload(client, "c.json", services.credential_bytes(certificate))
    assert "Valid: this certificate" in _upload(client, "c.pdf", services.pdf_bytes(certificate))


def test_uploaded_tampered_credential_is_not_valid(client, certificate):
    tampered = services.credential_bytes(certificate).decode().replace("王䶮", "王岩").encode()
    content = _upload(client, "c.json", tampered)
    assert "Not valid" in content and "has been altered" in content


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("c.json", b"{not json", "neither valid JSON nor a PDF"),
        ("c.pdf", b"%PDF-1.7 broken", "cannot be read"),
        ("big.json", b" " * (50 * 1024 * 1024), "too large"),
        ("c.json", b"[1, 2]", "not a JSON object"),
    ],
)
def test_bad_uploads_get_clear_messages(client, db, name, data, message):
    assert message in _upload(client, name, data)


def test_pdf_without_credential_is_explained(client, certificate):
    from laurel.certificates import pdf
    from laurel.certificates.views import SAMPLE

    plain = pdf.render(template=certificate.template, data=SAMPLE)
    assert "carries no embedded credential" in _upload(client, "p.pdf", plain)


def test_credential_of_an_unreachable_issuer_is_not_valid(client, certificate):
    document = json.loads(services.credential_bytes(certificate))
    document["issuer"]["id"] = "did:web:elsewhere.example"
    document["proof"][0]["verificationMethod"] = "did:web:elsewhere.example#key"
    content = _upload(client, "c.json", json.dumps(document).encode())
    assert "Not valid" in content and "could not be read in time" in content
    assert "Issuer named in the credential: <code>did:web:elsewhere.example</code>" in content


def test_api_verify(client, certificate, staff):
    url = "/credentials/verify"
    body = {"verifiableCredential": certificate.credential, "options": {}}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200
    proof = certificate.credential["proof"]
    proof = proof[0] if isinstance(proof, list) else proof
    assert response.json() == {
        "verified": True,
        "checks": ["proof", "validity_period", "status"],
        "warnings": [],
        "errors": [],
        "proofs": [
            {"cryptosuite": "eddsa-rdfc-2022", "verificationMethod": proof["verificationMethod"], "verified": True}
        ],
    }
    services.revoke(certificate, reason="x", actor=staff)
    response = client.post(url, body, content_type="application/json")
    assert (response.status_code, response.json()["errors"]) == (400, ["revoked"])
    assert client.post(url, "nonsense", content_type="application/json").status_code == 400


def test_api_issue_needs_a_staff_token(client, staff, stranger):
    body = {
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:abc", "alumniOf": "云州大学"},
        },
        "options": {},
    }
    url = "/credentials/issue"
    assert client.post(url, body, content_type="application/json").status_code == 401
    other = create_api_token(user=stranger, name="t", scope="write")
    assert (
        client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
    )
    token = create_api_token(user=staff, name="t", scope="write")
    response = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201
    signed = response.json()["verifiableCredential"]
    verify = client.post("/credentials/verify", {"verifiableCredential": signed}, content_type="application/json")
    assert verify.json()["verified"] is True


def test_staff_pages_refuse_others(client, stranger, certificate):
    client.force_login(stranger)
    for url in (
        reverse("certificates:certificate_list"),
        reverse("certificates:batch_create"),
        reverse("certificates:template_preview", kwargs={"pk": certificate.template.pk}),
    ):
        assert client.get(url).status_code == 403
    response = client.post(reverse("certificates:revoke", kwargs={"pk": certificate.pk}), {"reason": "x"})
    assert response.status_code == 403
    assert Certificate.objects.get().status == "valid"


def test_staff_revokes_with_a_reason(staff_client, certificate):
    staff_client.post(reverse("certificates:revoke", kwargs={"pk": certificate.pk}), {"reason": "事迹不实"})
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revocation_reason) == ("revoked", "事迹不实")


def test_template_preview_renders_sample_pdf(staff_client, template):
    response = staff_client.get(reverse("certificates:template_pdf", kwargs={"pk": template.pk}))
    from pypdf import PdfReader

    assert "王䶮" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


def test_honoree_downloads_own_certificate_but_not_others(client, certificate, stranger):
    certificate.recipient.user = stranger
    certificate.recipient.save()
    client.force_login(stranger)
    desk = client.get(reverse("core:dashboard")).content.decode()
    assert certificate.title in desk
    url = reverse("certificates:my_download", kwargs={"pk": certificate.pk, "file_format": "pdf"})
    response = client.get(url)
    assert (response.status_code, b"".join(response.streaming_content)[:4]) == (200, b"%PDF")
    certificate.recipient.user = None
    certificate.recipient.save()
    assert client.get(url).status_code == 403


def test_upload_page_is_rate_limited_per_address_with_a_clear_message(client, certificate, monkeypatch):
    from laurel.certificates import views
    from laurel.core import ratelimit

    monkeypatch.setattr(views, "VERIFICATIONS_PER_ADDRESS", ratelimit.Limit("certificates.verify", count=2, seconds=60))
    data = services.credential_bytes(certificate)
    assert "Valid: this certificate" in _upload(client, "c.json", data)
    assert "Valid: this certificate" in _upload(client, "c.json", data)
    response = client.post(
        reverse("certificates:verify_upload"), {"file": SimpleUploadedFile("c.json", data)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429 and "please wait a minute" in response.content.decode()
    assert client.get(reverse("certificates:verify_upload")).status_code == 200  # reading the page is not counted
