"""Verify a credential: its proofs, its issuer's key, its validity period and its status list entry.

Both data models are read: VC 2.0 (`validFrom`/`validUntil`) and VC 1.1 (`issuanceDate`, required, and
`expirationDate`), told apart by the first context as each specifies. Every proof of a proof set is checked and
reported; proofs of a suite Laurel does not know are reported unchecked (a warning), any checked proof that fails
makes the credential invalid, and at least one verified proof must be the issuer's."""

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cachetools import LRUCache

from laurel.certificates.credentials import limits, proofs, status_list
from laurel.certificates.credentials.jsonld import CREDENTIALS_V1, CREDENTIALS_V2
from laurel.certificates.credentials.multikey import PublicKey, public_key_bytes


class Verdict:
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    INVALID = "invalid"


@dataclass
class Result:
    verdict: str
    checks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    issuer: str = ""
    credential: dict | None = None
    # What an error is about, by its code: the undefined term, the value of the limit exceeded, the context.
    details: dict[str, str] = field(default_factory=dict)
    # Each proof as checked (proofs.ProofOutcome.as_json), and what did not stop the verdict but should be said.
    proofs: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.verdict == Verdict.VALID


# Refusals of a credential too costly to check or not wholly covered by its signature; their detail names the
# limit's value or the term.
REFUSALS = {
    "too_many_values",
    "too_many_objects",
    "inline_context_too_large",
    "array_too_long",
    "lists_too_long",
    "too_deep",
    "too_many_blank_node_labels",
    "too_many_quads",
    "too_many_blank_nodes",
    "canonicalization_too_costly",
    "proof_value_too_long",
    "too_many_status_entries",
    "too_many_proofs",
    "undefined_term",
    "unknown_context",
}


def issuer_id(document: dict) -> str:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def data_model(document: dict) -> str:
    """ "2.0", "1.1", or "" when the first context is neither (both models require theirs first)."""
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    return {CREDENTIALS_V2: "2.0", CREDENTIALS_V1: "1.1"}.get(first, "") if isinstance(first, str) else ""


# The names of the validity period's ends in each data model, and whether the start is required. The 1.1 context
# also defines validFrom and validUntil (as the 2.0 names, announced early): where a 1.1 credential signs them,
# they bound its period too.
_PERIOD = {
    "2.0": [("validFrom", "validUntil", False)],
    "1.1": [("issuanceDate", "expirationDate", True), ("validFrom", "validUntil", False)],
}


def _check_proofs(document: dict, result: Result, resolve_key) -> Result | None:
    """Check every proof into `result`; a Result to return at once when the credential fails or is refused."""
    try:
        outcomes = proofs.verify_proofs(document, resolve_key=resolve_key)
    except proofs.ProofError as error:
        details = {error.code: error.detail} if error.code in REFUSALS else {}
        return Result(Verdict.INVALID, errors=[error.code], issuer=result.issuer, details=details)
    result.proofs = [outcome.as_json() for outcome in outcomes]
    refused = next((outcome for outcome in outcomes if outcome.error in REFUSALS), None)
    if refused is not None:
        result.verdict, result.errors = Verdict.INVALID, [refused.error]
        result.details = {refused.error: refused.detail}
        return result
    checked = [outcome for outcome in outcomes if outcome.error != "unsupported_cryptosuite"]
    failed = list(dict.fromkeys(outcome.error for outcome in checked if not outcome.verified))
    if not checked or failed:
        result.verdict, result.errors = Verdict.INVALID, failed or ["unsupported_cryptosuite"]
        return result
    if not any(outcome.verification_method.split("#")[0] == result.issuer for outcome in checked):
        result.verdict, result.errors = Verdict.INVALID, ["key_not_issuers"]
        return result
    if len(checked) < len(outcomes):
        result.warnings.append("proof_not_checked")
    result.checks.append("proof")
    return None


def verify_credential(
    document,
    *,
    resolve_key: Callable[[str], PublicKey],
    load_status_list: Callable[[str], dict],
    now: datetime,
) -> Result:
    """`resolve_key(verification_method)` and `load_status_list(url)` raise ValueError when they cannot."""
    if not isinstance(document, dict):
        return Result(Verdict.INVALID, errors=["not_an_object"])
    result = Result(Verdict.VALID, issuer=issuer_id(document), credential=document)
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        return Result(Verdict.INVALID, errors=["not_a_verifiable_credential"], issuer=result.issuer)
    failed = _check_proofs(document, result, resolve_key)
    if failed is not None:
        return failed
    model = data_model(document)
    if not model:
        result.verdict, result.errors = Verdict.INVALID, ["unsupported_data_model"]
        return result
    for start_name, end_name, start_required in _PERIOD[model]:
        valid_from, valid_until = parse_time(document.get(start_name)), parse_time(document.get(end_name))
        if (
            (start_name in document or start_required) and valid_from is None
            or end_name in document and valid_until is None
        ):  # fmt: skip
            result.verdict, result.errors = Verdict.INVALID, ["malformed_dates"]
            return result
        if valid_from and valid_from > now:
            result.verdict = Verdict.NOT_YET_VALID
        if valid_until and valid_until < now:
            result.verdict = Verdict.EXPIRED
    result.checks.append("validity_period")
    status = document.get("credentialStatus")
    if status is not None:
        revoked, error = _check_status(status, issuer=result.issuer, resolve_key=resolve_key, load=load_status_list)
        if error:
            result.verdict = Verdict.INVALID
            result.errors.append(error)
            if error == "too_many_status_entries":
                result.details[error] = str(limits.MAX_STATUS_ENTRIES)
            return result
        result.checks.append("status")
        if revoked:
            result.verdict = Verdict.REVOKED
    return result


# Status lists whose proof already verified, keyed by the SHA-256 of their JSON and the key that signed them:
# a status list changes only when a status does, so it is checked once per version, not once per credential.
_VERIFIED_STATUS_LISTS = LRUCache(maxsize=64)
_VERIFIED_STATUS_LISTS_LOCK = threading.Lock()


def _verify_status_list(list_credential, resolve_key) -> None:
    """Raise ProofError (or ValueError) unless the status list's proof verifies."""
    if not isinstance(list_credential, dict):
        raise proofs.ProofError("not_an_object")
    proof = list_credential.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    if not isinstance(method, str):
        return proofs.verify(list_credential, resolve_key=resolve_key)  # raises the precise error
    try:
        public_key = resolve_key(method)
    except ValueError as error:
        raise proofs.ProofError(getattr(error, "code", "unresolvable_key"), str(error)) from error
    digest = hashlib.sha256(json.dumps(list_credential, sort_keys=True, ensure_ascii=False).encode()).digest()
    cache_key = (digest, method, public_key_bytes(public_key))
    with _VERIFIED_STATUS_LISTS_LOCK:
        verified = _VERIFIED_STATUS_LISTS.get(cache_key, False)
    if not verified:
        proofs.verify(list_credential, resolve_key=lambda _method: public_key)
        with _VERIFIED_STATUS_LISTS_LOCK:
            _VERIFIED_STATUS_LISTS[cache_key] = True


def _check_status(status, *, issuer: str, resolve_key, load) -> tuple[bool, str]:
    entries = status if isinstance(status, list) else [status]
    if len(entries) > limits.MAX_STATUS_ENTRIES:
        # Checked after the proof (the signer chose these entries) and before any status list is read.
        return False, "too_many_status_entries"
    revoked = False
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return False, "unsupported_status"
        if entry.get("statusPurpose") != "revocation":
            continue
        try:
            index = int(entry.get("statusListIndex"))
            list_credential = load(entry.get("statusListCredential"))
            _verify_status_list(list_credential, resolve_key)
        except proofs.ProofError:
            return False, "status_list_signature_invalid"
        except (TypeError, ValueError):
            return False, "status_list_unavailable"
        if issuer_id(list_credential) != issuer:
            return False, "status_list_other_issuer"
        subject = list_credential.get("credentialSubject")
        if not isinstance(subject, dict) or subject.get("statusPurpose") != "revocation":
            return False, "status_list_malformed"
        try:
            revoked = revoked or status_list.is_set(status_list.decode(subject.get("encodedList")), index)
        except status_list.StatusListError:
            return False, "status_list_malformed"
    return revoked, ""
