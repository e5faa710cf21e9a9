"""The W3C VC API: /credentials/issue with its options, stored and revocable credentials, /credentials/status,
/credentials/verify's problem details, and the credential media type."""

import json

import pytest
from django.urls import reverse

from laurel.certificates import vc_api
from laurel.certificates.credentials import jsonld, limits
from laurel.certificates.models import ApiCredential, Certificate
from laurel.core.models import AuditEntry
from laurel.people.services import create_api_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(staff):
    return create_api_token(user=staff, name="vc-api", scope="write")


def _credential(**extra):
    return {
        "@context": [jsonld.CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "credentialSubject": {"id": "did:example:abc", "alumniOf": "云州大学"},
        **extra,
    }


def _post(client, name, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(reverse(f"certificates:{name}"), body, content_type="application/json", **headers)


def _revoke_body(credential_id):
    return {
        "credentialId": credential_id,
        "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}],
    }


def test_issue_honours_credential_id_and_created_and_stores_the_credential(client, token, staff):
    options = {"credentialId": "urn:uuid:2f0b7a4e-5c1d-4a8e-9f3b-1d2c3e4f5a6b", "created": "2026-05-30T08:00:00Z"}
    response = _post(client, "api_issue", {"credential": _credential(), "options": options}, token)
    assert (response.status_code, response["Content-Type"]) == (201, "application/json")
    signed = response.json()["verifiableCredential"]
    assert (signed["id"], signed["proof"][0]["created"]) == (options["credentialId"], options["created"])
    stored = ApiCredential.objects.get()
    assert (stored.credential, stored.issued_by, stored.status) == (signed, staff, "valid")
    assert signed["credentialStatus"]["statusListIndex"] == str(stored.status_index)
    answer = _post(client, "api_verify", {"verifiableCredential": signed}).json()
    assert (answer["verified"], answer["checks"]) == (True, ["proof", "validity_period", "status"])


@pytest.mark.parametrize(
    ("options", "code", "term"),
    [
        ({"challenge": "abc"}, "unsupported_option", "challenge"),
        ({"mandatoryPointers": ["/issuer"]}, "unsupported_option", "mandatoryPointers"),
        ({"created": "2999-01-01T00:00:00Z"}, "malformed_option", "created"),
        ({"created": "yesterday"}, "malformed_option", "created"),
        ({"credentialId": "not an id"}, "malformed_option", "credentialId"),
        ({"credentialId": "urn:x:" + "1" * 600}, "malformed_option", "credentialId"),
        ({"credentialId": "urn:uuid:other"}, "conflicting_id", ""),
        ("options", "malformed_request", ""),
    ],
)
def test_issue_refuses_options_it_does_not_support_and_stores_nothing(client, token, options, code, term):
    credential = _credential(id="urn:uuid:given") if code == "conflicting_id" else _credential()
    response = _post(client, "api_issue", {"credential": credential, "options": options}, token)
    assert (response.status_code, response.json()["code"], response.json().get("term", "")) == (400, code, term)
    assert not ApiCredential.objects.exists()


def test_issue_refuses_a_duplicate_id_and_a_1_1_credential(client, token):
    assert _post(client, "api_issue", {"credential": _credential(id="urn:uuid:once")}, token).status_code == 201
    again = _post(client, "api_issue", {"credential": _credential(id="urn:uuid:once")}, token)
    assert (again.status_code, again.json()["code"]) == (400, "duplicate_id")
    old_model = {**_credential(), "@context": [jsonld.CREDENTIALS_V1, jsonld.DATA_INTEGRITY_V2]}
    refused = _post(client, "api_issue", {"credential": old_model}, token)
    assert (refused.status_code, refused.json()["code"]) == (400, "issue_v2_only")
    assert ApiCredential.objects.count() == 1


def test_status_revokes_an_issued_credential_once(client, token):
    signed = _post(client, "api_issue", {"credential": _credential()}, token).json()["verifiableCredential"]
    response = _post(client, "api_status", _revoke_body(signed["id"]), token)
    assert (response.status_code, response.json()) == (200, {})
    assert ApiCredential.objects.get().status == "revoked"
    assert AuditEntry.objects.filter(action="certificates.credential.revoked_by_api").count() == 1
    answer = _post(client, "api_verify", {"verifiableCredential": signed}).json()
    assert (answer["verified"], answer["errors"], answer["problems"][0]["check"]) == (False, ["revoked"], "status")
    twice = _post(client, "api_status", _revoke_body(signed["id"]), token)
    assert (twice.status_code, twice.json()["code"]) == (409, "already_revoked")


def test_status_revokes_a_certificate_by_its_credential_id_keeping_the_reason_private(client, token, certificate):
    response = _post(client, "api_status", _revoke_body(certificate.credential["id"]), token)
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revocation_reason_public) == (Certificate.Status.REVOKED, False)


@pytest.mark.parametrize(
    "body",
    [
        {"credentialId": "urn:uuid:x"},
        {"credentialId": "urn:uuid:x", "credentialStatus": [{"status": "valid"}]},
        {"credentialId": "urn:uuid:x", "credentialStatus": [{"type": "StatusList2021Credential", "status": "revoked"}]},
        {"credentialId": ["x"], "credentialStatus": [{"status": "revoked"}]},
        {"credentialId": "urn:uuid:x", "credentialStatus": [{"status": "revoked"}] * 2},
    ],
)
def test_status_refuses_what_it_does_not_do(client, token, body):
    response = _post(client, "api_status", body, token)
    assert (response.status_code, response.json()["code"]) == (400, "unsupported_status_update")


def test_status_of_an_unknown_credential_is_not_found(client, token):
    response = _post(client, "api_status", _revoke_body("urn:uuid:nobody"), token)
    assert (response.status_code, response.json()["code"], response.json()["term"]) == (
        404, "credential_not_found", "urn:uuid:nobody"
    )  # fmt: skip


def test_status_needs_a_staff_token(client, certificate, nominator):
    body = _revoke_body(certificate.credential["id"])
    assert _post(client, "api_status", body).status_code == 401
    other = create_api_token(user=nominator, name="t", scope="write")
    assert _post(client, "api_status", body, other).status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_status_body_over_the_cap_is_refused_unread(client, token):
    body = json.dumps({"credentialId": "x" * (limits.MAX_CREDENTIAL_BYTES + 10)})
    response = client.post(
        reverse("certificates:api_status"), body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert (response.status_code, response.json()["code"]) == (400, "credential_too_large")


def test_verify_names_the_failing_check_in_its_problem_details(client, certificate):
    expired = {**certificate.credential, "credentialSubject": {**certificate.credential["credentialSubject"]}}
    expired["credentialSubject"]["name"] = "王岩"
    answer = _post(client, "api_verify", {"verifiableCredential": expired}).json()
    assert answer["problems"] == [
        {"code": "invalid_signature", "check": "proof", "detail": vc_api.message("invalid_signature")}
    ]


def test_credential_download_is_served_as_application_vc(client, certificate):
    response = client.get(reverse("certificates:credential_download", kwargs={"token": certificate.token}))
    assert response["Content-Type"] == "application/vc"


def test_openapi_schema_documents_the_three_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/credentials/issue", "/credentials/verify", "/credentials/status"):
        assert "post" in schema["paths"][path], path
    issue = schema["paths"]["/credentials/issue"]["post"]
    assert set(
        issue["requestBody"]["content"]["application/json"]["schema"]["properties"]["options"]["properties"]
    ) == {
        "credentialId",
        "created",
    }
    assert issue["security"] == [{"TokenAuth": []}]
