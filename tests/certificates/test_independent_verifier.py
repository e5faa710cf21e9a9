"""Laurel's credentials checked by an independent verifier: Digital Bazaar's JavaScript libraries, the reference
implementation of the W3C interop suites (tests/interop/verify.mjs), fed only what Laurel serves. `make test`
installs them (`npm ci --prefix tests/interop`); without node or them these tests fail, they never skip."""

import copy
import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

from laurel.certificates import badges, keys, services, verification
from laurel.certificates.credentials import jsonld, proofs
from laurel.certificates.credentials import status_list as bitstring_status_list
from laurel.people.services import create_api_token
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db

INTEROP = Path(__file__).resolve().parent.parent / "interop"
SCRIPT = INTEROP / "verify.mjs"
NODE_MODULES = INTEROP / "node_modules"
# Laurel's bundled contexts. verify.mjs prefers its libraries' own copies, so only the contexts no library ships
# (Open Badges 3.0, the VC examples) come from these files.
CONTEXTS = {url: str(jsonld.CONTEXT_DIR / name) for url, name in jsonld.BUNDLED.items()}


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: run `make test` (scripts/system-deps installs Debian's nodejs and npm)")
    if not (NODE_MODULES / "@digitalbazaar" / "vc").is_dir():
        pytest.fail("the verifier's npm packages are missing: run `npm ci --prefix tests/interop` (`make test` does)")
    return node


def verify_independently(tmp_path, credential, *, did_document, status_list=None, now=None) -> dict:
    """Run verify.mjs on `credential`; its printed result, with the exit code checked against it."""
    node = _node()
    data = {"credential": credential, "didDocument": did_document, "contexts": CONTEXTS}
    if status_list is not None:
        data["statusListCredential"] = status_list
    if now is not None:
        data["now"] = now
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([node, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=120, check=False)
    assert run.stdout, f"verify.mjs printed nothing (exit {run.returncode}): {run.stderr}"
    result = json.loads(run.stdout)
    assert run.returncode == (0 if result["verified"] else 1), (run.returncode, result, run.stderr)
    return result


def served(client) -> dict:
    """The DID document and the status list, as Laurel serves them to the world."""
    return {
        "did_document": client.get(reverse("certificates:did_document")).json(),
        "status_list": client.get(reverse("certificates:status_list", kwargs={"pk": badges.STATUS_LIST_ID})).json(),
    }


def test_issued_certificate_verifies_independently(client, tmp_path, certificate):
    assert certificate.credential["credentialSubject"]["name"] == "王䶮"
    result = verify_independently(tmp_path, certificate.credential, **served(client))
    assert result == {"verified": True, "proofVerified": True, "revoked": False, "errors": []}


def test_supplementary_plane_name_verifies_independently(client, tmp_path, template, staff):
    # 𠮷 (U+20BB7) is one code point in Python and two UTF-16 units in JavaScript, and ～ (U+FF5E) sorts on the
    # other side of it in each (see the divergence below); in a certificate no two values of one property meet
    # in the sort, so they agree.
    person = PersonFactory(name="𠮷田䶮", name_en="Yoshida Yan")
    certificate = services.issue_one(
        template=template,
        recipient=person,
        title="云州市最美科技工作者",
        citation="在𠮷林的材料科学领域取得突出成就。\uff5e",
        batch_key="2026-最美",
        actor=staff,
    )
    result = verify_independently(tmp_path, certificate.credential, **served(client))
    assert (result["verified"], result["errors"]) == (True, [])


def test_one_changed_character_of_the_name_fails_independently(client, tmp_path, certificate):
    tampered = copy.deepcopy(certificate.credential)
    tampered["credentialSubject"]["name"] = "王岩"
    result = verify_independently(tmp_path, tampered, **served(client))
    assert (result["verified"], result["proofVerified"]) == (False, False)
    assert "Invalid signature." in result["errors"]


def test_credential_signed_by_another_key_fails_independently(client, tmp_path, certificate):
    unsigned = {name: value for name, value in certificate.credential.items() if name != "proof"}
    forged = proofs.sign(
        unsigned,
        private_key=Ed25519PrivateKey.generate(),
        verification_method=keys.verification_method(keys.current_key()),
    )
    result = verify_independently(tmp_path, forged, **served(client))
    assert (result["verified"], result["proofVerified"]) == (False, False)
    assert "Invalid signature." in result["errors"]


def test_key_missing_from_the_did_document_fails_independently(client, tmp_path, certificate):
    documents = served(client)
    documents["did_document"]["assertionMethod"] = []
    result = verify_independently(tmp_path, certificate.credential, **documents)
    assert (result["verified"], result["proofVerified"]) == (False, False)
    assert any("not authorized by controller" in error for error in result["errors"]), result["errors"]


def test_revoked_certificate_shows_revoked_independently(client, tmp_path, certificate, staff):
    services.revoke(certificate, reason="事迹不实", actor=staff)
    result = verify_independently(tmp_path, certificate.credential, **served(client))
    assert result == {"verified": False, "proofVerified": True, "revoked": True, "errors": ["revoked"]}


def test_status_list_with_a_flipped_bit_fails_independently(client, tmp_path, certificate):
    documents = served(client)
    documents["status_list"]["credentialSubject"]["encodedList"] = bitstring_status_list.encode(
        {certificate.status_index}
    )
    result = verify_independently(tmp_path, certificate.credential, **documents)
    assert (result["verified"], result["proofVerified"], result["revoked"]) == (False, True, None)
    assert '"BitstringStatusListCredential" not verified; reason: Verification error(s).' in result["errors"]


def test_validity_period_is_checked_independently(client, tmp_path, template, honoree, staff):
    certificate = services.issue_one(
        template=template,
        recipient=honoree,
        title="云州市科普讲师团成员",
        batch_key="2026-讲师团",
        issued_on=datetime.date(2026, 5, 30),
        valid_until=datetime.date(2028, 5, 29),
        actor=staff,
    )
    documents = served(client)
    inside = verify_independently(tmp_path, certificate.credential, **documents, now="2027-01-01T00:00:00Z")
    assert (inside["verified"], inside["errors"]) == (True, [])
    after = verify_independently(tmp_path, certificate.credential, **documents, now="2028-06-01T00:00:00Z")
    assert after["verified"] is False
    assert any('"validUntil" (2028-05-28T16:00:00Z)' in error for error in after["errors"]), after["errors"]


def test_credential_issued_through_the_vc_api_verifies_independently(client, tmp_path, staff):
    token = create_api_token(user=staff, name="interop", scope="write")
    body = {
        "credential": {
            "@context": [jsonld.CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:uuid:6f1c2c1e-8d4b-4f4e-9a53-0c5e1f2a7b10",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "issuer": {"name": "云州市科学技术协会"},
            "credentialSubject": {"id": "did:example:abc", "alumniOf": "云州大学 王䶮"},
        }
    }
    response = client.post(
        reverse("certificates:api_issue"), body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201
    signed = response.json()["verifiableCredential"]
    assert signed["credentialStatus"]["statusListCredential"] == badges.status_list_url()
    result = verify_independently(tmp_path, signed, **served(client))
    assert result == {"verified": True, "proofVerified": True, "revoked": False, "errors": []}
    # Stored with its status entry: revoked through the VC API, it is revoked for the reference verifier too.
    response = client.post(
        reverse("certificates:api_status"),
        {
            "credentialId": signed["id"],
            "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    result = verify_independently(tmp_path, signed, **served(client))
    assert (result["verified"], result["revoked"]) == (False, True)


def test_reference_libraries_order_n_quads_by_utf16_units_unlike_rdfc_1_0(client, tmp_path, staff):
    """A known divergence of the reference libraries, not of Laurel (digitalbazaar/rdf-canonize#52, open):
    RDFC-1.0 section 5 sorts canonical N-Quads "into code point order", as pyld does; rdf-canonize sorts
    JavaScript strings, i.e. by UTF-16 units, so a character beyond U+FFFF (a surrogate pair, 0xD8xx) sorts
    before U+E000-U+FFFF there. Only two values of one property of one node that differ first at such characters
    are affected: Laurel's certificates have no such pair, a credential sent to the VC API may."""
    token = create_api_token(user=staff, name="interop", scope="write")
    credential = {
        "@context": [jsonld.CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:abc", "alumniOf": ["𠮷", "～"]},
    }
    response = client.post(
        reverse("certificates:api_issue"),
        {"credential": credential},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201
    signed = response.json()["verifiableCredential"]
    canonical = jsonld.canonicalize({name: value for name, value in signed.items() if name != "proof"})
    assert canonical.index('"～"') < canonical.index('"𠮷"')  # U+FF5E before U+20BB7
    assert verification.verify_document(signed).verified
    result = verify_independently(tmp_path, signed, **served(client))
    assert (result["verified"], result["errors"]) == (False, ["Verification error(s).", "Invalid signature."])


def test_context_that_is_not_on_this_machine_is_never_fetched(client, tmp_path, certificate):
    credential = copy.deepcopy(certificate.credential)
    credential["@context"].append("https://example.org/not-bundled/v1")
    result = verify_independently(tmp_path, credential, **served(client))
    assert result["verified"] is False
    assert any("https://example.org/not-bundled/v1 is not available on this machine" in e for e in result["errors"])


@pytest.mark.parametrize(
    ("bundled", "shipped"),
    [
        ("credentials-v2.jsonld", "@digitalbazaar/credentials-context/contexts/v2.jsonld"),
        ("data-integrity-v2.jsonld", "@digitalbazaar/data-integrity-context/contexts/data-integrity-v2.jsonld"),
        (
            "vc-bitstring-status-list-v1.jsonld",
            "@digitalbazaar/vc-bitstring-status-list-context/contexts/vc-bitstring-status-list-v1.jsonld",
        ),
    ],
)
def test_bundled_context_equals_the_one_the_reference_libraries_ship(bundled, shipped):
    _node()
    ours = json.loads((jsonld.CONTEXT_DIR / bundled).read_text(encoding="utf-8"))
    assert ours == json.loads((NODE_MODULES / shipped).read_text(encoding="utf-8"))


# The other direction: credentials the reference libraries sign, checked by Laurel's verifier.
def sign_independently(tmp_path, credential, suites=("eddsa-rdfc-2022",)) -> dict:
    """`credential` signed by sign.mjs: one proof per suite, the first by the issuer."""
    node = _node()
    path = tmp_path / "unsigned.json"
    data = {"credential": credential, "contexts": CONTEXTS, "suites": list(suites)}
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    run = subprocess.run(
        [node, str(INTEROP / "sign.mjs"), str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _open_badge_from_elsewhere(name="王䶮"):
    return {
        "@context": [jsonld.CREDENTIALS_V2, jsonld.OPEN_BADGES_V3],
        "id": "urn:uuid:9d0c1b5e-33a4-4c1e-8f65-0c8a2a6d7e10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "青年科技创新奖",
        "issuer": {"id": "did:key:placeholder", "type": ["Profile"], "name": "云岭省青年科技工作者协会"},
        "validFrom": "2025-05-30T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": name,
            "achievement": {
                "id": "urn:uuid:1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                "type": ["Achievement"],
                "name": "青年科技创新奖",
                "criteria": {"narrative": "在关键核心技术攻关中作出突出贡献。"},
            },
        },
    }


def _laurel_verifies(client, credential) -> dict:
    response = client.post(
        "/credentials/verify", {"verifiableCredential": credential, "options": {}}, content_type="application/json"
    )
    return response.json()


def test_credential_signed_by_the_reference_libraries_verifies_in_laurel(client, tmp_path):
    signed = sign_independently(tmp_path, _open_badge_from_elsewhere())
    assert signed["issuer"]["id"].startswith("did:key:z6Mk")
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert _laurel_verifies(client, signed) == {
        "verified": True,
        "checks": ["proof", "validity_period"],
        "warnings": [],
        "errors": [],
        "proofs": [{"cryptosuite": "eddsa-rdfc-2022", "verificationMethod": signed["proof"]["verificationMethod"],
                    "verified": True}],
    }  # fmt: skip


def test_changed_credential_signed_by_the_reference_libraries_fails_in_laurel(client, tmp_path):
    signed = sign_independently(tmp_path, _open_badge_from_elsewhere())
    tampered = json.loads(json.dumps(signed, ensure_ascii=False).replace("王䶮", "王岩"))
    assert _laurel_verifies(client, tampered)["errors"] == ["invalid_signature"]
