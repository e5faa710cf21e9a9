"""The Data Integrity suites besides eddsa-rdfc-2022, proof sets and chains, the VC 1.1 data model, and each new
path's bounds (no Django, no node)."""

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from laurel.certificates.credentials import jcs, jsonld, limits, multikey, proofs
from laurel.certificates.credentials.verification import Verdict, verify_credential

NOW = datetime(2026, 6, 1, tzinfo=UTC)
INTEROP = Path(__file__).resolve().parent.parent / "interop"
KEYS = {
    "eddsa-rdfc-2022": Ed25519PrivateKey.generate,
    "eddsa-jcs-2022": Ed25519PrivateKey.generate,
    "ecdsa-rdfc-2019-P-256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "ecdsa-rdfc-2019-P-384": lambda: ec.generate_private_key(ec.SECP384R1()),
}


def _key(kind):
    key = KEYS[kind]()
    issuer = multikey.did_key(key.public_key())
    return key, issuer, f"{issuer}#{issuer.removeprefix('did:key:')}"


def _credential(issuer, model="2.0", **extra):
    if model == "1.1":
        dated = {"issuanceDate": "2026-01-01T00:00:00Z"}
        contexts = [jsonld.CREDENTIALS_V1, jsonld.DATA_INTEGRITY_V2, "https://www.w3.org/ns/credentials/examples/v2"]
    else:
        dated = {"validFrom": "2026-01-01T00:00:00Z"}
        contexts = [jsonld.CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2"]
    return {
        "@context": contexts,
        "id": "urn:uuid:00000000-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        **dated,
        "credentialSubject": {"alumniOf": "云州大学"},
        **extra,
    }


def _sign(document, kind, key, method, **options):
    suite = kind.removesuffix("-P-256").removesuffix("-P-384")
    return proofs.add_proof(document, private_key=key, verification_method=method, cryptosuite=suite, **options)


def _verify(document):
    return verify_credential(document, resolve_key=multikey.resolve_did_key, load_status_list={}.get, now=NOW)


@pytest.mark.parametrize("model", ["2.0", "1.1"])
@pytest.mark.parametrize("kind", list(KEYS))
def test_each_suite_verifies_and_a_changed_credential_fails(kind, model):
    key, issuer, method = _key(kind)
    signed = _sign(_credential(issuer, model), kind, key, method)
    result = _verify(signed)
    assert (result.verdict, result.checks, result.proofs) == (
        Verdict.VALID,
        ["proof", "validity_period"],
        [{"cryptosuite": signed["proof"]["cryptosuite"], "verificationMethod": method, "verified": True}],
    )
    changed = json.loads(json.dumps(signed, ensure_ascii=False).replace("云州大学", "云州太学"))
    assert _verify(changed).errors == ["invalid_signature"]


def test_p384_signs_with_sha384_throughout():
    """ecdsa-rdfc-2019 with a P-384 key: 96-byte signatures over two SHA-384 hashes (133-character proofValue,
    within the limit), not the P-256 layout."""
    key, issuer, method = _key("ecdsa-rdfc-2019-P-384")
    signed = _sign(_credential(issuer), "ecdsa-rdfc-2019-P-384", key, method)
    assert len(multikey.multibase_decode(signed["proof"]["proofValue"])) == 96
    assert issuer.startswith("did:key:z82")
    assert len(signed["proof"]["proofValue"]) <= limits.MAX_PROOF_VALUE_CHARS


@pytest.mark.parametrize(
    ("changes", "verdict", "errors"),
    [
        ({"expirationDate": "2026-05-01T00:00:00Z"}, Verdict.EXPIRED, []),
        ({"issuanceDate": "2026-07-01T00:00:00Z"}, Verdict.NOT_YET_VALID, []),
        ({"issuanceDate": "yesterday"}, Verdict.INVALID, ["malformed_dates"]),
        ({"issuanceDate": None}, Verdict.INVALID, ["malformed_dates"]),  # 1.1 requires it
    ],
)
def test_vc_1_1_dates(changes, verdict, errors):
    key, issuer, method = _key("eddsa-rdfc-2022")
    credential = _credential(issuer, "1.1")
    for name, value in changes.items():
        if value is None:
            credential.pop(name)
        else:
            credential[name] = value
    result = _verify(_sign(credential, "eddsa-rdfc-2022", key, method))
    assert (result.verdict, result.errors) == (verdict, errors)


def test_vc_1_1_credential_that_signs_a_validuntil_expires_by_it():
    """The 1.1 context defines validFrom/validUntil too; signed there, they bound the period as well."""
    key, issuer, method = _key("eddsa-rdfc-2022")
    credential = {**_credential(issuer, "1.1"), "validUntil": "2026-05-01T00:00:00Z"}
    assert _verify(_sign(credential, "eddsa-rdfc-2022", key, method)).verdict == Verdict.EXPIRED


def test_term_the_1_1_contexts_do_not_define_is_refused_by_name():
    key, issuer, method = _key("eddsa-rdfc-2022")
    credential = {**_credential(issuer, "1.1"), "type": ["VerifiableCredential"], "nickname": "x"}
    credential["@context"] = credential["@context"][:2]  # without the examples context's catch-all @vocab
    credential["credentialSubject"] = {"id": "did:example:honoree"}
    with pytest.raises(jsonld.UndefinedTerm) as refused:
        _sign(credential, "eddsa-rdfc-2022", key, method)
    assert refused.value.term == "nickname"


def test_credential_of_neither_model_is_invalid():
    key, issuer, method = _key("eddsa-jcs-2022")
    credential = _credential(issuer)
    credential["@context"] = list(reversed(credential["@context"]))
    assert _verify(_sign(credential, "eddsa-jcs-2022", key, method)).errors == ["unsupported_data_model"]


def test_proof_set_checks_and_reports_each_proof():
    (key, issuer, method), (other, _did, other_method) = _key("eddsa-rdfc-2022"), _key("ecdsa-rdfc-2019-P-384")
    signed = _sign(_credential(issuer), "eddsa-rdfc-2022", key, method)
    signed = _sign(signed, "ecdsa-rdfc-2019-P-384", other, other_method)
    signed = _sign(signed, "eddsa-jcs-2022", key, method)
    result = _verify(signed)
    assert result.verdict == Verdict.VALID
    assert [(proof["cryptosuite"], proof["verified"]) for proof in result.proofs] == [
        ("eddsa-rdfc-2022", True),
        ("ecdsa-rdfc-2019", True),
        ("eddsa-jcs-2022", True),
    ]
    signed["proof"][1]["created"] = "2026-01-02T00:00:00Z"  # the cosigner's proof, altered
    result = _verify(signed)
    assert (result.verdict, result.errors) == (Verdict.INVALID, ["invalid_signature"])
    assert [proof["verified"] for proof in result.proofs] == [True, False, True]


def test_proof_set_needs_one_proof_by_the_issuer():
    issuer = _key("eddsa-rdfc-2022")[1]
    other, _did, other_method = _key("eddsa-rdfc-2022")
    signed = _sign(_credential(issuer), "eddsa-rdfc-2022", other, other_method)
    assert _verify(signed).errors == ["key_not_issuers"]


def test_proof_of_an_unknown_suite_is_reported_unchecked_beside_a_verified_one():
    key, issuer, method = _key("eddsa-rdfc-2022")
    signed = _sign(_credential(issuer), "eddsa-rdfc-2022", key, method)
    foreign = {**signed["proof"], "cryptosuite": "bbs-2023", "proofValue": "u2V0"}
    signed["proof"] = [signed["proof"], foreign]
    result = _verify(signed)
    assert (result.verdict, result.warnings) == (Verdict.VALID, ["proof_not_checked"])
    assert [proof.get("error") for proof in result.proofs] == [None, "unsupported_cryptosuite"]
    signed["proof"] = [foreign]
    assert _verify(signed).errors == ["unsupported_cryptosuite"]


def test_proof_chain_signs_the_previous_proof():
    (key, issuer, method), (notary, _did, notary_method) = _key("eddsa-rdfc-2022"), _key("ecdsa-rdfc-2019-P-256")
    signed = _sign(_credential(issuer), "eddsa-rdfc-2022", key, method, proof_id="urn:uuid:proof-1")
    chained = _sign(signed, "ecdsa-rdfc-2019-P-256", notary, notary_method, previous_proof="urn:uuid:proof-1")
    assert _verify(chained).verdict == Verdict.VALID
    # The chained proof covers the first one: swapping it for another valid proof breaks the chain.
    resigned = _sign(_credential(issuer), "eddsa-rdfc-2022", key, method, proof_id="urn:uuid:proof-1",
                     created=datetime(2026, 2, 1, tzinfo=UTC))  # fmt: skip
    swapped = {**chained, "proof": [resigned["proof"], chained["proof"][1]]}
    result = _verify(swapped)
    assert (result.errors, [proof["verified"] for proof in result.proofs]) == (["invalid_signature"], [True, False])
    dangling = {**chained, "proof": [{**chained["proof"][0], "id": "urn:uuid:other"}, chained["proof"][1]]}
    assert _verify(dangling).errors == ["invalid_signature", "previous_proof_missing"]


def test_jcs_canonicalization_matches_the_reference_package():
    """RFC 8785 as the npm `canonicalize` package (which eddsa-jcs-2022-cryptosuite uses) writes it: key order by
    UTF-16 code units (an astral character sorts before U+FB33), escapes, and ECMAScript numbers."""
    value = {
        "\u20ac": 1,
        "\r": [1e21, 1e-7, 0.000001, -0.0, 333333333.33333329, 4.5, 2e-3, 1e30, 5e-324, 9007199254740993],
        "\ufb33": '\u0000\u001f\u2028"\\/ \U0001f600 䶮',
        "1": None,
        "\U0001f600": [True, False, {}],
        "\u0080": 1.7976931348623157e308,
    }
    script = "import c from 'canonicalize'; let s=''; process.stdin.on('data', d => s += d);" \
             "process.stdin.on('end', () => process.stdout.write(c(JSON.parse(s))));"  # fmt: skip
    run = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(value), capture_output=True, text=True, cwd=INTEROP, timeout=60, check=True,
    )  # fmt: skip
    assert jcs.canonicalize(value) == run.stdout


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 10**400, "\ud800", {1: 2}])
def test_jcs_refuses_what_i_json_has_no_place_for(value):
    with pytest.raises(jcs.NotCanonicalizable):
        jcs.canonicalize({"value": value})


# Each new path keeps the bounds: refused before any key is resolved or any expansion starts.
def _counting_resolver(calls):
    def resolve(method):
        calls.append(method)
        return multikey.resolve_did_key(method)

    return resolve


def test_more_proofs_than_the_limit_are_refused_before_any_key_is_read():
    key, issuer, method = _key("eddsa-jcs-2022")
    signed = _sign(_credential(issuer), "eddsa-jcs-2022", key, method)
    signed["proof"] = [signed["proof"]] * (limits.MAX_PROOFS + 1)
    calls = []
    with pytest.raises(proofs.ProofError) as refused:
        proofs.verify_proofs(signed, resolve_key=_counting_resolver(calls))
    assert (refused.value.code, refused.value.detail, calls) == ("too_many_proofs", str(limits.MAX_PROOFS), [])


@pytest.mark.parametrize("kind", ["eddsa-jcs-2022", "ecdsa-rdfc-2019-P-384"])
def test_unknown_context_is_refused_by_name_before_any_key_is_read(kind):
    key, issuer, method = _key(kind)
    signed = _sign(_credential(issuer), kind, key, method)
    signed["credentialSubject"]["@context"] = {"@import": "https://evil.example/ctx"}
    calls = []
    with pytest.raises(proofs.ProofError) as refused:
        proofs.verify_proofs(signed, resolve_key=_counting_resolver(calls))
    assert (refused.value.code, refused.value.detail, calls) == ("unknown_context", "https://evil.example/ctx", [])


@pytest.mark.parametrize("kind", ["eddsa-jcs-2022", "ecdsa-rdfc-2019-P-256"])
def test_deep_credential_is_refused_before_any_key_is_read(kind):
    key, issuer, method = _key(kind)
    signed = _sign(_credential(issuer), kind, key, method)
    deep = "x"
    for _level in range(limits.MAX_DEPTH + 5):
        deep = [deep]
    signed["credentialSubject"]["alumniOf"] = deep
    calls = []
    with pytest.raises(proofs.ProofError) as refused:
        proofs.verify_proofs(signed, resolve_key=_counting_resolver(calls))
    assert (refused.value.code, calls) == ("too_deep", [])


def test_blank_node_clique_is_refused_by_the_sha384_canonicalization_too():
    key, issuer, method = _key("ecdsa-rdfc-2019-P-384")
    signed = _sign(_credential(issuer), "ecdsa-rdfc-2019-P-384", key, method)
    names = [f"_:b{index}" for index in range(8)]
    signed["credentialSubject"]["alumniOf"] = [
        {"id": name, "alumniOf": [other for other in names if other != name]} for name in names
    ]
    with pytest.raises(proofs.ProofError) as refused:
        proofs.verify_proofs(signed, resolve_key=multikey.resolve_did_key)
    assert refused.value.code in {"too_many_blank_node_labels", "canonicalization_too_costly"}


def test_lone_surrogate_under_jcs_is_invalid_not_an_error():
    key, issuer, method = _key("eddsa-jcs-2022")
    signed = _sign(_credential(issuer), "eddsa-jcs-2022", key, method)
    signed["credentialSubject"]["alumniOf"] = "\ud800"
    result = _verify(signed)
    assert (result.verdict, result.errors) == (Verdict.INVALID, ["canonicalization_failed"])


def test_p384_proof_value_beyond_the_limit_is_refused_before_decoding():
    key, issuer, method = _key("ecdsa-rdfc-2019-P-384")
    signed = _sign(_credential(issuer), "ecdsa-rdfc-2019-P-384", key, method)
    signed["proof"]["proofValue"] = "z" + "2" * limits.MAX_PROOF_VALUE_CHARS
    assert _verify(signed).errors == ["proof_value_too_long"]


def test_key_of_the_wrong_kind_for_the_suite_is_refused():
    key, issuer, method = _key("eddsa-rdfc-2022")
    signed = _sign(_credential(issuer), "eddsa-rdfc-2022", key, method)
    signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert _verify(signed).errors == ["key_not_for_cryptosuite"]


def test_p256_multikey_off_the_curve_is_refused():
    bad = "z" + multikey.base58_encode(b"\x80\x24\x02" + b"\xff" * 32)
    with pytest.raises(multikey.KeyError_):
        multikey.multikey_to_public_key(bad)
