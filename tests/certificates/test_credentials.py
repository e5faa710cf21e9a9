"""The crypto core without Django: Multikeys, did:key, eddsa-rdfc-2022 and status lists."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from laurel.certificates.credentials import did, jsonld, limits, multikey, proofs, status_list
from laurel.certificates.credentials.verification import Verdict, verify_credential

VECTORS = Path(__file__).parent / "vectors"


def vector(name):
    text = (VECTORS / name).read_text()
    return json.loads(text) if name.endswith(".json") else text


def test_multikey_round_trips_the_published_key_pair():
    pair = vector("keyPair.json")
    private_key = multikey.multikey_to_private_key(pair["privateKeyMultibase"])
    assert multikey.public_key_to_multikey(private_key.public_key()) == pair["publicKeyMultibase"]
    assert multikey.private_key_to_multikey(private_key) == pair["privateKeyMultibase"]


def test_canonical_form_matches_the_published_vector():
    assert jsonld.canonicalize(vector("unsigned.json")) == vector("canonDocDataInt.txt")


def test_signing_reproduces_the_published_eddsa_rdfc_2022_vector_byte_for_byte():
    pair = vector("keyPair.json")
    config = vector("proofConfigDataInt.json")
    private_key = multikey.multikey_to_private_key(pair["privateKeyMultibase"])
    unsigned = vector("unsigned.json")
    combined = (
        hashlib.sha256(jsonld.canonicalize(config).encode()).digest()
        + hashlib.sha256(jsonld.canonicalize(unsigned).encode()).digest()
    )
    assert combined.hex() == vector("combinedHashDataInt.txt").strip()
    signed = proofs.sign(
        unsigned,
        private_key=private_key,
        verification_method=config["verificationMethod"],
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
    )
    assert signed["proof"]["proofValue"] == vector("sigBTC58DataInt.txt").strip()
    assert signed == vector("signedDataInt.json")


def test_published_signed_vector_verifies_with_did_key():
    proof = proofs.verify(vector("signedDataInt.json"), resolve_key=multikey.resolve_did_key)
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"


def test_one_changed_character_breaks_the_signature():
    signed = vector("signedDataInt.json")
    signed["credentialSubject"]["alumniOf"] = "The School of Exampled"
    with pytest.raises(proofs.ProofError) as error:
        proofs.verify(signed, resolve_key=multikey.resolve_did_key)
    assert error.value.code == "invalid_signature"


def test_unbundled_context_is_refused_not_fetched():
    signed = vector("signedDataInt.json")
    signed["@context"].append("https://evil.example/context.json")
    with pytest.raises(proofs.ProofError) as error:
        proofs.verify(signed, resolve_key=multikey.resolve_did_key)
    assert (error.value.code, error.value.detail) == ("unknown_context", "https://evil.example/context.json")
    with pytest.raises(jsonld.UnknownContext) as unknown:
        jsonld.canonicalize({"@context": "https://evil.example/c", "name": "x"})
    assert unknown.value.url == "https://evil.example/c"


def test_did_web_from_site_url():
    assert did.did_web("https://kx.example.org") == "did:web:kx.example.org"
    assert did.did_web("http://127.0.0.1:8000") == "did:web:127.0.0.1%3A8000"


def test_did_document_resolves_only_listed_keys():
    key = Ed25519PrivateKey.generate()
    document = did.did_document(
        "did:web:kx.example.org", [("key-1", multikey.public_key_to_multikey(key.public_key()))]
    )
    assert did.resolve_in_document(document, "did:web:kx.example.org#key-1") is not None
    with pytest.raises(ValueError):
        did.resolve_in_document(document, "did:web:kx.example.org#key-2")


def test_status_list_round_trip():
    encoded = status_list.encode({0, 7, 130_000})
    bits = status_list.decode(encoded)
    assert [status_list.is_set(bits, index) for index in (0, 1, 7, 130_000, 130_001)] == [
        True, False, True, True, False,
    ]  # fmt: skip


def _issuer():
    key = Ed25519PrivateKey.generate()
    issuer = multikey.did_key(key.public_key())
    method = f"{issuer}#{issuer.removeprefix('did:key:')}"
    return key, issuer, method


def _status_list_credential(key, issuer, method, revoked):
    return proofs.sign(
        {
            "@context": [jsonld.CREDENTIALS_V2],
            "id": "https://kx.example.org/status/1",
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "https://kx.example.org/status/1#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": status_list.encode(revoked),
            },
        },
        private_key=key,
        verification_method=method,
    )


def _credential(key, issuer, method, *, index=3):
    return proofs.sign(
        {
            "@context": [jsonld.CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "issuer": issuer,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"alumniOf": "云州大学"},
            "credentialStatus": {
                "id": f"https://kx.example.org/status/1#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": "https://kx.example.org/status/1",
            },
        },
        private_key=key,
        verification_method=method,
    )


NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(("revoked", "verdict"), [(set(), Verdict.VALID), ({3}, Verdict.REVOKED)])
def test_verify_credential_reads_the_signed_status_list(revoked, verdict):
    key, issuer, method = _issuer()
    lists = {"https://kx.example.org/status/1": _status_list_credential(key, issuer, method, revoked)}
    result = verify_credential(
        _credential(key, issuer, method),
        resolve_key=multikey.resolve_did_key,
        load_status_list=lists.__getitem__,
        now=NOW,
    )
    assert (result.verdict, result.checks, result.errors) == (verdict, ["proof", "validity_period", "status"], [])


def test_status_list_signed_by_another_issuer_is_refused():
    key, issuer, method = _issuer()
    other_key, other_issuer, other_method = _issuer()
    lists = {"https://kx.example.org/status/1": _status_list_credential(other_key, other_issuer, other_method, set())}
    result = verify_credential(
        _credential(key, issuer, method),
        resolve_key=multikey.resolve_did_key,
        load_status_list=lists.__getitem__,
        now=NOW,
    )
    assert (result.verdict, result.errors) == (Verdict.INVALID, ["status_list_other_issuer"])


def test_key_of_another_issuer_is_refused():
    key, issuer, method = _issuer()
    _other_key, other_issuer, _other_method = _issuer()
    credential = _credential(key, issuer, method)
    credential["issuer"] = other_issuer
    credential = proofs.sign(credential, private_key=key, verification_method=method)
    result = verify_credential(credential, resolve_key=multikey.resolve_did_key, load_status_list={}.get, now=NOW)
    assert (result.verdict, result.errors) == (Verdict.INVALID, ["key_not_issuers"])


def _plain_pyld(document):
    """Canonicalization by stock pyld with no shared caches: what the cached processor must reproduce."""
    from pyld import jsonld as pyld
    from pyld.context_resolver import ContextResolver

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": jsonld.document_loader}
    options["contextResolver"] = ContextResolver({}, jsonld.document_loader)
    return pyld.JsonLdProcessor().normalize(document, options)


def test_cached_canonicalization_equals_stock_pyld_cold_and_warm():
    key, issuer, method = _issuer()
    documents = [
        vector("unsigned.json"),
        _credential(key, issuer, method),
        _status_list_credential(key, issuer, method, {5}),
        _open_badge(),
    ]
    resolved, processed = jsonld._caches()  # this thread's
    resolved.clear()
    processed.clear()
    for _round in range(2):  # the second round runs entirely from the caches
        for document in documents:
            assert jsonld.canonicalize(document) == _plain_pyld(document)
    assert len(processed) > 0


def _open_badge(name="王䶮"):
    return {
        "@context": [jsonld.CREDENTIALS_V2, jsonld.OPEN_BADGES_V3],
        "id": "https://kx.example.org/verify/t/",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:kx.example.org", "type": ["Profile"], "name": "云州市科协"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": name,
            "achievement": {
                "id": "https://kx.example.org/verify/t/#achievement",
                "type": ["Achievement"],
                "name": "最美科技工作者",
                "criteria": {"narrative": "事迹"},
            },
        },
    }


def test_cached_contexts_still_tell_documents_apart():
    assert jsonld.canonicalize(_open_badge("王䶮")) != jsonld.canonicalize(_open_badge("王彦"))
    assert '"王彦"' in jsonld.canonicalize(_open_badge("王彦"))


def test_status_list_proof_is_checked_once_per_version(monkeypatch):
    key, issuer, method = _issuer()
    listed = _status_list_credential(key, issuer, method, set())
    lists = {"https://kx.example.org/status/1": listed}
    calls = []
    real_verify = proofs.verify
    monkeypatch.setattr(
        proofs, "verify", lambda document, **kw: calls.append(document.get("id")) or real_verify(document, **kw)
    )
    for _ in range(3):
        result = verify_credential(
            _credential(key, issuer, method),
            resolve_key=multikey.resolve_did_key,
            load_status_list=lists.__getitem__,
            now=NOW,
        )
        assert result.verdict == Verdict.VALID
    assert calls.count("https://kx.example.org/status/1") == 1
    # A forged version of a list already verified (one bit flipped, same proof) is checked afresh and refused.
    lists["https://kx.example.org/status/1"] = {
        **listed,
        "credentialSubject": {**listed["credentialSubject"], "encodedList": status_list.encode({3})},
    }
    result = verify_credential(
        _credential(key, issuer, method),
        resolve_key=multikey.resolve_did_key,
        load_status_list=lists.__getitem__,
        now=NOW,
    )
    assert (result.verdict, result.errors) == (Verdict.INVALID, ["status_list_signature_invalid"])


def test_huge_inline_contexts_are_refused_before_they_are_processed_or_kept():
    document = _open_badge()
    document["@context"] = [
        *document["@context"],
        {f"term{index}": f"https://kx.example.org/{'t' * 100}{index}" for index in range(200)},
    ]
    resolved, processed = jsonld._caches()
    resolved.clear()
    processed.clear()
    with pytest.raises(limits.LimitExceeded) as refused:
        jsonld.canonicalize(document)
    assert refused.value.code == "inline_context_too_large"
    assert not [key for key in resolved if key.startswith("inline:")] and not processed


def test_canonicalization_from_many_threads_agrees():
    from concurrent.futures import ThreadPoolExecutor

    key, issuer, method = _issuer()
    documents = [_open_badge(f"王{index}") for index in range(12)] + [_credential(key, issuer, method)] * 12
    expected = [_plain_pyld(document) for document in documents]
    with ThreadPoolExecutor(max_workers=8) as pool:  # each thread with its own caches, none waiting for another
        assert list(pool.map(jsonld.canonicalize, documents)) == expected
