"""W3C Data Integrity proofs: the `eddsa-rdfc-2022` and `eddsa-jcs-2022` cryptosuites (vc-di-eddsa) with Ed25519
keys, and `ecdsa-rdfc-2019` (vc-di-ecdsa) with P-256 or P-384 keys; proof sets (several proofs, each checked and
reported) and proof chains (`previousProof`: a proof signs the document with the proofs it names).

Each proof signs hash(proof options) + hash(document), both transformed by the suite: RDFC-1.0 canonical N-Quads
(SHA-256, or SHA-384 for P-384 keys, in the canonicalization too) or RFC 8785 JSON (SHA-256). Every bound of
limits.py holds for every suite: the document's shape and its contexts are checked once, before any proof is
looked at; the JCS suite never expands the document, the RDFC suites expand it within the same limits; each
canonical form is computed at most once per verification."""

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from laurel.certificates.credentials import jcs, limits
from laurel.certificates.credentials.jsonld import UndefinedTerm, UnknownContext, canonicalize, check_contexts
from laurel.certificates.credentials.multikey import PublicKey, base58_encode, multibase_decode

EDDSA_RDFC = "eddsa-rdfc-2022"
EDDSA_JCS = "eddsa-jcs-2022"
ECDSA_RDFC = "ecdsa-rdfc-2019"
CRYPTOSUITE = EDDSA_RDFC  # what Laurel signs its own credentials with
CRYPTOSUITES = (EDDSA_RDFC, EDDSA_JCS, ECDSA_RDFC)
# The curve of each ECDSA key size: its hash, and the length of one half of an IEEE P1363 (r || s) signature.
_EC_PARAMETERS = {"secp256r1": (hashes.SHA256, "sha256", 32), "secp384r1": (hashes.SHA384, "sha384", 48)}


class ProofError(ValueError):
    """The proof is missing, malformed or does not verify. `code` is a stable machine-readable reason; `detail`
    names what the reason is about when there is such a thing (the undefined term, the limit's value, the
    context)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


@dataclass
class ProofOutcome:
    """One proof of a document and what its check found: `error` is "" when it verified."""

    proof: dict
    error: str = ""
    detail: str = ""

    @property
    def verified(self) -> bool:
        return not self.error

    @property
    def cryptosuite(self) -> str:
        value = self.proof.get("cryptosuite") if isinstance(self.proof, dict) else None
        return value if isinstance(value, str) else ""

    @property
    def verification_method(self) -> str:
        value = self.proof.get("verificationMethod") if isinstance(self.proof, dict) else None
        return value if isinstance(value, str) else ""

    def as_json(self) -> dict:
        report = {"cryptosuite": self.cryptosuite[:64], "verificationMethod": self.verification_method[:300]}
        if isinstance(self.proof, dict) and isinstance(self.proof.get("id"), str):
            report["id"] = self.proof["id"][:300]
        report["verified"] = self.verified
        if self.error:
            report["error"] = self.error
        return report


def _refusal(error: Exception) -> ProofError | None:
    """The ProofError for a credential refused before its signature is checked: too costly, not all signed, or
    naming a context this site does not hold."""
    if isinstance(error, limits.LimitExceeded):
        return ProofError(error.code, str(error.limit))
    if isinstance(error, UndefinedTerm):
        return ProofError("undefined_term", error.term)
    if isinstance(error, UnknownContext):
        return ProofError("unknown_context", error.url)
    return None


def _suite_hash(cryptosuite: str, public_key) -> str:
    if cryptosuite == ECDSA_RDFC and isinstance(public_key, ec.EllipticCurvePublicKey):
        return _EC_PARAMETERS[public_key.curve.name][1]
    return "sha256"


class _Transformer:
    """The canonical forms of one document, each computed once: proofs of one set share them."""

    def __init__(self):
        self._documents = {}

    def document(self, unsecured: dict, *, cryptosuite: str, hash_name: str, key) -> bytes:
        cache_key = (cryptosuite == EDDSA_JCS, hash_name, key)
        if cache_key not in self._documents:
            self._documents[cache_key] = _hash(_transform(unsecured, cryptosuite, hash_name), hash_name)
        return self._documents[cache_key]


def _transform(document: dict, cryptosuite: str, hash_name: str) -> str:
    if cryptosuite == EDDSA_JCS:
        return jcs.canonicalize(document)
    return canonicalize(document, hash_name=hash_name)


def _hash(text: str, hash_name: str) -> bytes:
    return hashlib.new(hash_name, text.encode("utf-8")).digest()


def _proof_config(proof: dict, unsecured: dict, cryptosuite: str) -> dict:
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    if cryptosuite != EDDSA_JCS:
        # The RDFC suites canonicalize the proof options in the document's contexts (vc-di-eddsa 3.3.5).
        config.setdefault("@context", unsecured.get("@context"))
    return config


def _jcs_document(unsecured: dict, proof: dict) -> dict:
    """eddsa-jcs-2022 (3.3.2): the proof's @context must begin the document's, and replaces it."""
    proof_context = proof.get("@context")
    if proof_context is None:
        return unsecured
    ours = proof_context if isinstance(proof_context, list) else [proof_context]
    theirs = unsecured.get("@context")
    theirs = theirs if isinstance(theirs, list) else [theirs]
    if theirs[: len(ours)] != ours:
        raise ProofError("proof_context_mismatch")
    return {**unsecured, "@context": proof_context}


def _sign_data(unsecured: dict, proof: dict, *, cryptosuite: str, hash_name: str, transformer, chain_key) -> bytes:
    if cryptosuite == EDDSA_JCS:
        unsecured = _jcs_document(unsecured, proof)
        chain_key = (chain_key, jcs.canonicalize(unsecured.get("@context")))
    config = _proof_config(proof, unsecured, cryptosuite)
    proof_hash = _hash(_transform(config, cryptosuite, hash_name), hash_name)
    document_hash = transformer.document(unsecured, cryptosuite=cryptosuite, hash_name=hash_name, key=chain_key)
    return proof_hash + document_hash


def add_proof(
    document: dict,
    *,
    private_key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey,
    verification_method: str,
    cryptosuite: str | None = None,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
) -> dict:
    """A copy of `document` with one more DataIntegrityProof: the proofs it already has stay (a proof set), and
    those named in `previous_proof` are signed with it (a proof chain). The suite follows the key unless given."""
    if cryptosuite is None:
        cryptosuite = ECDSA_RDFC if isinstance(private_key, ec.EllipticCurvePrivateKey) else EDDSA_RDFC
    existing = document.get("proof")
    existing = [] if existing is None else existing if isinstance(existing, list) else [existing]
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    created = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    proof = {"type": "DataIntegrityProof", "cryptosuite": cryptosuite}
    if proof_id is not None:
        proof["id"] = proof_id
    proof.update(
        created=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        verificationMethod=verification_method,
        proofPurpose=proof_purpose,
    )
    if previous_proof is not None:
        proof["previousProof"] = previous_proof
    if cryptosuite == EDDSA_JCS and "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    covered = _covered(unsecured, proof, existing)
    hash_name = _suite_hash(cryptosuite, private_key.public_key())
    data = _sign_data(covered, proof, cryptosuite=cryptosuite, hash_name=hash_name, transformer=_Transformer(),
                      chain_key=None)  # fmt: skip
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        hash_class, _name, half = _EC_PARAMETERS[private_key.curve.name]
        r, s = decode_dss_signature(private_key.sign(data, ec.ECDSA(hash_class())))
        signature = r.to_bytes(half, "big") + s.to_bytes(half, "big")
    else:
        signature = private_key.sign(data)
    signed = {**proof, "proofValue": "z" + base58_encode(signature)}
    proofs = [*copy.deepcopy(existing), signed]
    return {**copy.deepcopy(unsecured), "proof": proofs[0] if len(proofs) == 1 else proofs}


def sign(
    document: dict,
    *,
    private_key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey,
    verification_method: str,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    cryptosuite: str | None = None,
) -> dict:
    """Return a copy of `document` with (only) a DataIntegrityProof attached."""
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    return add_proof(
        unsigned, private_key=private_key, verification_method=verification_method, created=created,
        proof_purpose=proof_purpose, cryptosuite=cryptosuite,
    )  # fmt: skip


def _previous_ids(proof: dict) -> list:
    previous = proof.get("previousProof")
    if previous is None:
        return []
    return previous if isinstance(previous, list) else [previous]


def _covered(unsecured: dict, proof: dict, all_proofs: list) -> dict:
    """The document a proof signs: without proofs, or with the proofs its `previousProof` names (VC Data
    Integrity, "verify proof sets and chains"). Raises ProofError if one is not there."""
    previous = _previous_ids(proof)
    if not previous:
        return unsecured
    if not all(isinstance(item, str) for item in previous):
        raise ProofError("malformed_previous_proof")
    by_id = {item.get("id"): item for item in all_proofs if isinstance(item, dict) and item is not proof}
    missing = [item for item in previous if item not in by_id]
    if missing:
        raise ProofError("previous_proof_missing", missing[0][:200])
    return {**unsecured, "proof": [by_id[item] for item in previous]}


def _check_one(proof, *, unsecured: dict, all_proofs: list, resolve_key, transformer) -> ProofOutcome:
    """Check one proof; a ProofError about the proof is its outcome, a refusal of the document propagates."""
    try:
        _verify_one(proof, unsecured=unsecured, all_proofs=all_proofs, resolve_key=resolve_key,
                    transformer=transformer)  # fmt: skip
    except ProofError as error:
        if error.code in _DOCUMENT_REFUSALS:
            raise
        return ProofOutcome(proof if isinstance(proof, dict) else {}, error.code, error.detail)
    return ProofOutcome(proof)


_DOCUMENT_REFUSALS = {"undefined_term", "unknown_context", "canonicalization_failed"} | set(limits.CODES)


def _verify_one(proof, *, unsecured: dict, all_proofs: list, resolve_key, transformer) -> None:
    if not isinstance(proof, dict):
        raise ProofError("missing_proof")
    cryptosuite = proof.get("cryptosuite")
    if proof.get("type") != "DataIntegrityProof" or cryptosuite not in CRYPTOSUITES:
        raise ProofError("unsupported_cryptosuite")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("unsupported_proof_purpose")
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        raise ProofError("missing_verification_method")
    proof_value = proof.get("proofValue", "")
    if isinstance(proof_value, str) and len(proof_value) > limits.MAX_PROOF_VALUE_CHARS:
        raise ProofError("proof_value_too_long", str(limits.MAX_PROOF_VALUE_CHARS))
    try:
        signature = multibase_decode(proof_value)
    except ValueError as error:
        raise ProofError("malformed_proof_value", str(error)) from error
    try:
        public_key = resolve_key(method)
    except ValueError as error:
        raise ProofError(getattr(error, "code", "unresolvable_key"), str(error)) from error
    wants_ec = cryptosuite == ECDSA_RDFC
    if wants_ec != isinstance(public_key, ec.EllipticCurvePublicKey) or (
        not wants_ec and not isinstance(public_key, Ed25519PublicKey)
    ):
        raise ProofError("key_not_for_cryptosuite")
    covered = _covered(unsecured, proof, all_proofs)
    hash_name = _suite_hash(cryptosuite, public_key)
    chain_key = tuple(_previous_ids(proof))
    try:
        data = _sign_data(covered, proof, cryptosuite=cryptosuite, hash_name=hash_name, transformer=transformer,
                          chain_key=chain_key)  # fmt: skip
    except ProofError:
        raise
    except (limits.LimitExceeded, UndefinedTerm, UnknownContext) as error:
        raise _refusal(error) from error
    except jcs.NotCanonicalizable as error:
        raise ProofError("canonicalization_failed", str(error)) from error
    except Exception as error:  # pyld raises many kinds of errors on hostile JSON-LD
        raise ProofError("canonicalization_failed", str(error)[:200]) from error
    _check_signature(public_key, signature, data)


def _check_signature(public_key: PublicKey, signature: bytes, data: bytes) -> None:
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            hash_class, _name, half = _EC_PARAMETERS[public_key.curve.name]
            if len(signature) != 2 * half:
                raise ProofError("invalid_signature")
            der = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
            public_key.verify(der, data, ec.ECDSA(hash_class()))
        else:
            public_key.verify(signature, data)
    except InvalidSignature as error:
        raise ProofError("invalid_signature") from error


def verify_proofs(document: dict, *, resolve_key: Callable[[str], PublicKey]) -> list[ProofOutcome]:
    """Check every proof of the document; one outcome per proof, in order. Raises ProofError when the document
    itself is refused: not an object, beyond a limit, no proof, too many proofs, an unknown context, a term its
    contexts do not define.

    `resolve_key(verification_method)` returns the public key or raises ValueError."""
    if not isinstance(document, dict):
        raise ProofError("not_an_object")
    try:
        limits.check_structure(document)  # before anything reads the document further
        check_contexts(document)
    except (limits.LimitExceeded, UnknownContext) as error:
        raise _refusal(error) from error
    proof = document.get("proof")
    all_proofs = proof if isinstance(proof, list) else [proof]
    if proof is None or not all_proofs:
        raise ProofError("missing_proof")
    if len(all_proofs) > limits.MAX_PROOFS:
        raise ProofError("too_many_proofs", str(limits.MAX_PROOFS))
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    transformer = _Transformer()
    return [
        _check_one(item, unsecured=unsecured, all_proofs=all_proofs, resolve_key=resolve_key, transformer=transformer)
        for item in all_proofs
    ]


def verify(document: dict, *, resolve_key: Callable[[str], PublicKey]) -> dict:
    """Check every proof of the document; return the first on success, raise ProofError for the first that fails
    (or for a refused document)."""
    outcomes = verify_proofs(document, resolve_key=resolve_key)
    for outcome in outcomes:
        if not outcome.verified:
            raise ProofError(outcome.error, outcome.detail)
    return outcomes[0].proof
