"""Credentials of every kind the world issues, signed by Digital Bazaar's reference libraries (tests/interop/
sign.mjs), verified by Laurel through `/credentials/verify`; their tampered copies fail. Needs node and the
pinned packages (`npm ci --prefix tests/interop`); fails, never skips, without them."""

import json

import pytest

from laurel.certificates.credentials import jsonld
from tests.certificates.test_independent_verifier import sign_independently

pytestmark = pytest.mark.django_db

SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019-P-256", "ecdsa-rdfc-2019-P-384"]


def _open_badge(model: str, **dates) -> dict:
    """An Open Badges 3.0 credential as its issuers write it in each data model."""
    if model == "1.1":
        contexts = [jsonld.CREDENTIALS_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
                    jsonld.DATA_INTEGRITY_V2]  # fmt: skip
        dates = dates or {"issuanceDate": "2025-05-30T00:00:00Z"}
    else:
        contexts = [jsonld.CREDENTIALS_V2, jsonld.OPEN_BADGES_V3]
        dates = dates or {"validFrom": "2025-05-30T00:00:00Z"}
    return {
        "@context": contexts,
        "id": "urn:uuid:9d0c1b5e-33a4-4c1e-8f65-0c8a2a6d7e10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "青年科技创新奖",
        "issuer": {"id": "did:key:placeholder", "type": ["Profile"], "name": "云岭省青年科技工作者协会"},
        **dates,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "王䶮",
            "achievement": {
                "id": "urn:uuid:1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                "type": ["Achievement"],
                "name": "青年科技创新奖",
                "criteria": {"narrative": "在关键核心技术攻关中作出突出贡献。"},
            },
        },
    }


def _verify(client, credential):
    response = client.post(
        "/credentials/verify", {"verifiableCredential": credential, "options": {}}, content_type="application/json"
    )
    return response.status_code, response.json()


@pytest.mark.parametrize("model", ["1.1", "2.0"])
@pytest.mark.parametrize("suite", SUITES)
def test_reference_signed_credential_verifies_and_its_tampered_copy_fails(client, tmp_path, suite, model):
    signed = sign_independently(tmp_path, _open_badge(model), [suite])
    status, answer = _verify(client, signed)
    assert (status, answer["verified"], answer["checks"], answer["errors"]) == (
        200, True, ["proof", "validity_period"], []
    )  # fmt: skip
    assert answer["proofs"][0]["cryptosuite"] == suite.removesuffix("-P-256").removesuffix("-P-384")
    tampered = json.loads(json.dumps(signed, ensure_ascii=False).replace("王䶮", "王岩"))
    assert _verify(client, tampered) == (
        400,
        {**answer, "verified": False, "checks": [], "errors": ["invalid_signature"],
         "proofs": [{**answer["proofs"][0], "verified": False, "error": "invalid_signature"}],
         "problems": [{"code": "invalid_signature", "check": "proof", "detail": "签名不匹配：凭证已被篡改。"}]},
    )  # fmt: skip


def test_reference_signed_proof_set_reports_each_proof(client, tmp_path):
    signed = sign_independently(tmp_path, _open_badge("2.0"), ["eddsa-rdfc-2022", "ecdsa-rdfc-2019-P-384",
                                                               "eddsa-jcs-2022"])  # fmt: skip
    status, answer = _verify(client, signed)
    assert (status, answer["verified"]) == (200, True)
    assert [(proof["cryptosuite"], proof["verified"]) for proof in answer["proofs"]] == [
        ("eddsa-rdfc-2022", True),
        ("ecdsa-rdfc-2019", True),
        ("eddsa-jcs-2022", True),
    ]
    signed["proof"][2]["created"] = "2020-01-01T00:00:00Z"  # one proof of the set altered
    status, answer = _verify(client, signed)
    assert (status, answer["errors"], [proof["verified"] for proof in answer["proofs"]]) == (
        400, ["invalid_signature"], [True, True, False]
    )  # fmt: skip


def test_reference_signed_1_1_credential_past_its_expiration_date_is_expired(client, tmp_path):
    signed = sign_independently(
        tmp_path,
        _open_badge("1.1", issuanceDate="2024-05-30T00:00:00Z", expirationDate="2025-05-30T00:00:00Z"),
        ["ecdsa-rdfc-2019-P-256"],
    )
    status, answer = _verify(client, signed)
    assert (status, answer["verified"], answer["errors"]) == (400, False, ["expired"])


def test_unknown_context_is_refused_naming_it(client, tmp_path):
    signed = sign_independently(tmp_path, _open_badge("2.0"), ["eddsa-jcs-2022"])
    signed["@context"].append("https://w3id.org/blockcerts/v3")
    status, answer = _verify(client, signed)
    assert (status, answer["errors"]) == (400, ["unknown_context"])
    assert answer["problems"][0]["term"] == "https://w3id.org/blockcerts/v3"
    assert "https://w3id.org/blockcerts/v3" in answer["problems"][0]["detail"]
