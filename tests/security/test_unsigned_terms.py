"""Nothing unsigned passes as signed: a property or type that a credential's contexts do not define is dropped by
JSON-LD expansion (or made a relative IRI, which RDF drops), so its signature never covers it. Such a credential is
refused at verification and at issue, naming the term.

Before, `"honorLevel": "国家级特等奖"` added to a genuine certificate still verified, and the VC API signed
undefined types and terms, foreign issuers and status entries of the caller's."""

import copy
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyld import jsonld as pyld

from laurel.certificates import keys, services, verification
from laurel.certificates.credentials import jsonld, multikey
from laurel.core.models import AuditEntry
from laurel.people.services import create_api_token
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.people import PersonFactory

HONOR_LEVEL = "国家级特等奖"


@pytest.fixture
def credential(db, staff) -> dict:
    certificate = services.issue_one(
        template=CertificateTemplateFactory(),
        recipient=PersonFactory(name="王䶮", name_en="Wang Yan"),
        title="云州市最美科技工作者",
        citation="在材料科学领域取得突出成就。",
        batch_key="2026-最美",
        actor=staff,
    )
    return certificate.credential


def _with_subject(credential: dict, **fields) -> dict:
    changed = copy.deepcopy(credential)
    changed["credentialSubject"].update(fields)
    return changed


# Additions to a genuine certificate that JSON-LD drops before the signature is computed: each verified before.
ADDITIONS = [
    ("honorLevel", lambda credential: {**credential, "honorLevel": HONOR_LEVEL}),
    ("honorLevel", lambda credential: _with_subject(credential, honorLevel=HONOR_LEVEL)),
    ("@index", lambda credential: _with_subject(credential, **{"@index": HONOR_LEVEL})),
    ("_:honorLevel", lambda credential: {**credential, "_:honorLevel": HONOR_LEVEL}),
    ("@direction", lambda credential: {**credential, "name": {"@value": credential["name"], "@direction": "rtl"}}),
]


@pytest.mark.parametrize(("term", "add"), ADDITIONS, ids=["top", "subject", "index", "blank-node", "direction"])
def test_genuine_certificate_with_an_added_undefined_term_is_refused_naming_it(credential, term, add):
    assert verification.verify_document(credential).verified
    result = verification.verify_document(add(credential))
    assert (result.verified, result.errors) == (False, ["undefined_term"])
    assert result.details == {"undefined_term": term}


def test_honor_level_injection_is_refused_by_the_verify_api_naming_the_term(client, credential):
    response = client.post(
        reverse("certificates:api_verify"),
        {"verifiableCredential": {**credential, "honorLevel": HONOR_LEVEL}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == ["undefined_term"]
    problem = response.json()["problems"][0]
    assert (problem["code"], problem["term"]) == ("undefined_term", "honorLevel")
    assert "“honorLevel”" in problem["detail"] and "does not cover it" in problem["detail"]


@pytest.mark.parametrize(
    ("language", "words"), [("en", "which its contexts do not define"), ("zh-hans", "上下文未定义")]
)
def test_honor_level_injection_is_refused_on_the_upload_page_naming_the_term(client, credential, language, words):
    data = json.dumps({**credential, "honorLevel": HONOR_LEVEL}, ensure_ascii=False).encode()
    response = client.post(
        reverse("certificates:verify_upload"),
        {"file": SimpleUploadedFile("credential.json", data)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "“honorLevel”" in content and words in content
    assert 'data-testid="verdict"' not in content


def _laxly_signed(credential: dict, **changes) -> dict:
    """Signed by another issuer (a did:key) whose software canonicalizes with plain pyld: undefined types and
    relative identifiers are resolved against pyld's made-up base, undefined properties dropped."""
    private_key = Ed25519PrivateKey.generate()
    did = multikey.did_key(private_key.public_key())
    document = {name: value for name, value in credential.items() if name not in {"proof", "credentialStatus"}}
    document = {**document, "issuer": {**document["issuer"], "id": did}, **changes}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-05-30T00:00:00Z",
        "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
    }

    def digest(value: dict) -> bytes:
        options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": jsonld.document_loader}
        return hashlib.sha256(pyld.JsonLdProcessor().normalize(value, options).encode()).digest()

    signature = private_key.sign(digest({**proof, "@context": document["@context"]}) + digest(document))
    return {**document, "proof": {**proof, "proofValue": "z" + multikey.base58_encode(signature)}}


@pytest.mark.parametrize(
    ("changes", "term"),
    [
        ({"type": ["VerifiableCredential", "OpenBadgeCredential", "HonorCredential"]}, "HonorCredential"),
        ({"id": "honors/2026/1"}, "honors/2026/1"),
        ({"honorLevel": HONOR_LEVEL}, "honorLevel"),
    ],
)
def test_credential_signed_over_an_undefined_type_or_identifier_is_refused_naming_it(credential, changes, term):
    assert verification.verify_document(_laxly_signed(credential)).verified  # the same signer, nothing undefined
    result = verification.verify_document(_laxly_signed(credential, **changes))
    assert (result.verified, result.errors) == (False, ["undefined_term"])
    assert result.details == {"undefined_term": term}


# The VC API's issue.
def _unsigned(**changes) -> dict:
    return {
        "@context": [jsonld.CREDENTIALS_V2, jsonld.OPEN_BADGES_V3],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "青年科技创新奖",
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
        **changes,
    }


def _issue(client, staff, credential):
    token = create_api_token(user=staff, name="issuer", scope="write")
    return client.post(
        reverse("certificates:api_issue"),
        {"credential": credential},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_issue_signs_a_well_formed_credential_as_this_site(client, staff):
    response = _issue(client, staff, _unsigned(issuer={"name": "云州市科学技术协会"}))
    assert response.status_code == 201
    signed = response.json()["verifiableCredential"]
    assert signed["issuer"] == {"name": "云州市科学技术协会", "id": keys.issuer_did()}
    assert verification.verify_document(signed).verified


@pytest.mark.parametrize(
    ("credential", "term"),
    [
        (_unsigned(honorLevel=HONOR_LEVEL), "honorLevel"),
        (_unsigned(type=["VerifiableCredential", "OpenBadgeCredential", "HonorCredential"]), "HonorCredential"),
        (
            _unsigned(credentialSubject={"type": ["AchievementSubject"], "name": "王䶮", "honorLevel": "特等"}),
            "honorLevel",
        ),
    ],
)
def test_issue_refuses_an_undefined_term_naming_it(client, staff, credential, term):
    response = _issue(client, staff, credential)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["term"]) == ("undefined_term", term)
    assert f"“{term}”" in response.json()["detail"]
    assert not AuditEntry.objects.filter(action="certificates.credential.issued_by_api").exists()


@pytest.mark.parametrize(
    ("credential", "code", "words"),
    [
        ({key: value for key, value in _unsigned().items() if key != "type"}, "not_a_verifiable_credential", "not a"),
        (_unsigned(type=["OpenBadgeCredential"]), "not_a_verifiable_credential", "not a verifiable credential"),
        (_unsigned(validFrom="30 May 2026"), "malformed_dates", "dates are malformed"),
        (_unsigned(validFrom="2026-05-30T00:00:00"), "malformed_dates", "dates are malformed"),
        (_unsigned(validUntil="2026-13-01T00:00:00Z"), "malformed_dates", "dates are malformed"),
        (
            _unsigned(validFrom="2026-05-30T00:00:00Z", validUntil="2026-05-29T00:00:00Z"),
            "dates_out_of_order",
            "not after its validFrom",
        ),
        ({key: value for key, value in _unsigned().items() if key != "credentialSubject"}, "missing_subject", "no"),
        (_unsigned(credentialSubject={}), "missing_subject", "has no credentialSubject"),
        (_unsigned(issuer="did:web:elsewhere.example"), "foreign_issuer", "did:web:elsewhere.example"),
        (
            _unsigned(issuer={"id": "did:key:z6MkElsewhere", "name": "别的协会"}),
            "foreign_issuer",
            "did:key:z6MkElsewhere",
        ),
        (
            _unsigned(
                credentialStatus={
                    "id": "https://elsewhere.example/status/1#5",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": "5",
                    "statusListCredential": "https://elsewhere.example/status/1",
                }
            ),
            "status_not_allowed",
            "credentialStatus",
        ),
    ],
)
def test_issue_refuses_what_its_verifier_would_not_accept(client, staff, credential, code, words):
    response = _issue(client, staff, credential)
    assert response.status_code == 400
    assert response.json()["code"] == code and words in response.json()["detail"]
    assert not AuditEntry.objects.filter(action="certificates.credential.issued_by_api").exists()


def test_issue_accepts_this_sites_own_issuer_and_ordered_dates(client, staff):
    credential = _unsigned(
        issuer=keys.issuer_did(), validFrom="2026-05-30T00:00:00Z", validUntil="2031-05-30T00:00:00Z"
    )
    response = _issue(client, staff, credential)
    assert response.status_code == 201
    assert verification.verify_document(response.json()["verifiableCredential"]).verified
