"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa, section 3.3)."""

import copy
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from laurel.certificates.credentials import limits
from laurel.certificates.credentials.jsonld import UndefinedTerm, canonicalize
from laurel.certificates.credentials.multikey import base58_encode, multibase_decode

CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(ValueError):
    """The proof is missing, malformed or does not verify. `code` is a stable machine-readable reason; `detail`
    names what the reason is about when there is such a thing (the undefined term, the limit's value)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


def _refusal(error: Exception) -> ProofError | None:
    """The ProofError for a credential refused before its signature is checked: too costly or not all signed."""
    if isinstance(error, limits.LimitExceeded):
        return ProofError(error.code, str(error.limit))
    if isinstance(error, UndefinedTerm):
        return ProofError("undefined_term", error.term)
    return None


def _hash_data(document: dict, proof_config: dict) -> bytes:
    proof_hash = hashlib.sha256(canonicalize(proof_config).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(document).encode()).digest()
    return proof_hash + document_hash


def sign(
    document: dict,
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
) -> dict:
    """Return a copy of `document` with a DataIntegrityProof attached."""
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    created = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    proof_config = {**proof, "@context": unsigned["@context"]}
    signature = private_key.sign(_hash_data(unsigned, proof_config))
    return {**copy.deepcopy(unsigned), "proof": {**proof, "proofValue": "z" + base58_encode(signature)}}


def verify(document: dict, *, resolve_key: Callable[[str], Ed25519PublicKey]) -> dict:
    """Check the document's proof; return the proof on success, raise ProofError otherwise.

    `resolve_key(verification_method)` returns the public key or raises ValueError."""
    if not isinstance(document, dict):
        raise ProofError("not_an_object")
    try:
        limits.check_structure(document)  # before anything reads the document further
    except limits.LimitExceeded as error:
        raise _refusal(error) from error
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("missing_proof")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
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
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    proof_config = {key: value for key, value in proof.items() if key != "proofValue"}
    proof_config["@context"] = unsigned.get("@context")
    try:
        data = _hash_data(unsigned, proof_config)
    except (limits.LimitExceeded, UndefinedTerm) as error:
        raise _refusal(error) from error
    except Exception as error:  # pyld raises many kinds of errors on hostile JSON-LD
        raise ProofError("canonicalization_failed", str(error)[:200]) from error
    try:
        public_key.verify(signature, data)
    except InvalidSignature as error:
        raise ProofError("invalid_signature") from error
    return proof
