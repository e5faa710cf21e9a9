"""Verify a credential the way an outside verifier would: signature, issuer key, dates, status list."""

import datetime
import json

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.certificates import badges, issuers, keys, pdf, services
from laurel.certificates.credentials import limits
from laurel.certificates.credentials.verification import REFUSALS, Result, Verdict, verify_credential

# A certificate's PDF (fonts, seal and the credential inside) may be this large; a credential, alone or inside the
# PDF, at most limits.MAX_CREDENTIAL_BYTES.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The multipart envelope around the uploaded file.
MAX_UPLOAD_ENVELOPE_BYTES = 64 * 1024

ERROR_MESSAGES = {
    "not_an_object": _("The file is not a JSON object."),
    "not_a_verifiable_credential": _("This is not a verifiable credential."),
    "missing_proof": _("The credential carries no signature."),
    "unsupported_cryptosuite": _(
        "The credential's signature uses a method Laurel does not check (it checks eddsa-rdfc-2022, eddsa-jcs-2022 "
        "and ecdsa-rdfc-2019)."
    ),
    "key_not_for_cryptosuite": _("The signature's key is not of the kind its signing method uses."),
    "previous_proof_missing": _(
        "A signature says it signs over another signature (“%(term)s”) that the credential does not carry."
    ),
    "malformed_previous_proof": _("A signature names the signatures it signs over in a malformed way."),
    "proof_context_mismatch": _("A signature's contexts do not begin the credential's: the credential was altered."),
    "unsupported_data_model": _(
        "The credential follows neither version 1.1 nor version 2.0 of the W3C Verifiable Credentials Data Model "
        "(its first context must name one)."
    ),
    "too_many_proofs": _("The credential carries more than %(limit)s signatures, the most this site checks."),
    "unknown_context": _(
        "The credential uses the context “%(term)s”, which this site does not hold; it never fetches contexts, so "
        "it cannot check this credential."
    ),
    "unsupported_proof_purpose": _("The signature was not made to assert a credential."),
    "missing_verification_method": _("The signature does not say which key made it."),
    "malformed_proof_value": _("The signature value is malformed."),
    "unresolvable_key": _("The issuer does not publish the key that made this signature."),
    "unsupported_did_method": _(
        "The issuer is identified in a way Laurel cannot check: only did:web and did:key issuers are verified."
    ),
    "unsupported_did": _("The issuer's identifier is not a well-formed did:web address."),
    "issuer_address_refused": _("The issuer's address is not on the public internet, so its keys were not read."),
    "issuer_unreachable": _(
        "The issuer's published keys could not be read in time (its site did not answer): try again later."
    ),
    "issuer_document_invalid": _("The issuer's site does not publish a valid DID document for this issuer."),
    "issuer_not_resolved": _(
        "This site checks only its own credentials and did:key issuers; it does not read other issuers' keys."
    ),
    "canonicalization_failed": _("The credential's content is malformed or uses unknown vocabularies."),
    "invalid_signature": _("The signature does not match: the credential has been altered."),
    "key_not_issuers": _("The credential was signed with a key that does not belong to its issuer."),
    "malformed_dates": _("The credential's dates are malformed."),
    "unsupported_status": _("The credential's status entry is of an unknown kind."),
    "status_list_signature_invalid": _("The status list's signature does not verify."),
    "status_list_unavailable": _("The status list could not be read."),
    "status_list_other_issuer": _("The status list was issued by someone else."),
    "status_list_malformed": _("The status list is malformed."),
    "credential_too_large": _("The credential is larger than %(limit)s KB, the most this site checks."),
    "too_many_values": _("The credential holds more than %(limit)s values, the most this site checks."),
    "too_many_objects": _("The credential holds more than %(limit)s objects, the most this site checks."),
    "inline_context_too_large": _(
        "The contexts written out in the credential are larger than %(limit)s KB, the most this site checks."
    ),
    "array_too_long": _("The credential has a list of more than %(limit)s items, the most this site checks."),
    "lists_too_long": _(
        "The credential's lists are too long together: merging their values would take more than %(limit)s "
        "comparisons, the most this site makes."
    ),
    "too_deep": _("The credential nests objects more than %(limit)s levels deep, the most this site checks."),
    "too_many_status_entries": _(
        "The credential names more than %(limit)s status lists, the most this site reads for one credential."
    ),
    "too_many_blank_node_labels": _(
        "The credential names objects by blank-node identifiers (“_:…”) more than %(limit)s times, the most this "
        "site checks."
    ),
    "too_many_quads": _("The credential makes more than %(limit)s statements, the most this site checks."),
    "too_many_blank_nodes": _(
        "The credential has more than %(limit)s objects without an identifier (blank nodes), the most this site checks."
    ),
    "canonicalization_too_costly": _(
        "The credential's objects without an identifier (blank nodes) are linked so that checking its signature "
        "would take more than %(limit)s steps, the most this site takes."
    ),
    "proof_value_too_long": _("The signature value is longer than %(limit)s characters: it cannot be a signature."),
    "undefined_term": _(
        "The credential contains “%(term)s”, which its contexts do not define, so its signature does not cover it."
    ),
    "not_json": _("The file is neither valid JSON nor a PDF."),
    "too_large": _("The file is too large (at most 5 MB)."),
    "pdf_unreadable": _("The PDF cannot be read."),
    "pdf_without_credential": _("This PDF carries no embedded credential."),
    "rate_limited": _("Too many verifications from your address in the last minute: please wait a minute."),
}
WARNING_MESSAGES = {
    "proof_not_checked": _(
        "One of the credential's signatures uses a method Laurel does not check; the others verified."
    ),
}
CHECK_LABELS = {
    "proof": _("Signatures (W3C Data Integrity) and the issuer's key"),
    "validity_period": _("Validity period"),
    "status": _("Revocation status list, itself signed"),
}


def load_status_list(url) -> dict:
    """This site's status list from the database; another issuer's over HTTPS (`issuers.status_list`)."""
    if url == badges.status_list_url():
        return services.current_status_list()
    if not isinstance(url, str):
        raise ValueError("the status list's address is not text")
    return issuers.status_list(url)


def verify_document(document) -> Result:
    return verify_credential(
        document, resolve_key=keys.resolve_key, load_status_list=load_status_list, now=timezone.now()
    )


# A certificate of our own that verified is verified again only when something it depends on changes.
VERIFIED_SECONDS = 600


def verified_key(certificate) -> str:
    """The cache key of a certificate's verified result. It names what the result depends on: the credential (its
    hash) and the certificate's status with the time it changed, so a revocation or a correction (which supersedes
    the certificate) is a new key that every process reads at once: the old result is never read again."""
    changed = certificate.status_changed_at.timestamp() if certificate.status_changed_at else 0
    return f"certificates:verified:{certificate.pk}:{certificate.status}:{changed}:{certificate.credential_sha256[:16]}"


def verify_certificate(certificate) -> Result:
    """`verify_document` for one of our certificates, the verified result cached until its status changes (a key
    rotation reaches the page within VERIFIED_SECONDS; a certificate past its last valid day is checked again).
    Results that did not verify are never cached: a passing failure must not stick."""
    key = verified_key(certificate)
    result = cache.get(key)
    if result is not None:
        return result
    result = verify_document(certificate.credential)
    if result.verified:
        timeout = VERIFIED_SECONDS
        if certificate.valid_until is not None:
            end = timezone.make_aware(datetime.datetime.combine(certificate.valid_until, datetime.time.max))
            timeout = int(min(timeout, (end - timezone.now()).total_seconds()))
        if timeout > 0:
            cache.set(key, result, timeout=timeout)
    return result


def upload_too_large(request) -> bool:
    """Whether the request declares a body larger than any upload we read: checked before Django parses it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return declared > MAX_UPLOAD_BYTES + MAX_UPLOAD_ENVELOPE_BYTES


def parse_upload(data: bytes) -> tuple[object | None, str]:
    """(document, "") or (None, error code) for an uploaded JSON or PDF file."""
    if len(data) > MAX_UPLOAD_BYTES:
        return None, "too_large"
    if data.startswith(b"%PDF"):
        try:
            data = pdf.extract_credential(data)
        except ValueError:
            return None, "pdf_unreadable"
        if data is None:
            return None, "pdf_without_credential"
    if len(data) > limits.MAX_CREDENTIAL_BYTES:
        return None, "credential_too_large"
    try:
        return json.loads(data.decode("utf-8-sig")), ""
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: JSONDecodeError, or an integer too long
        return None, "not_json"


# The value each limit's message names.
LIMIT_VALUES = {
    "credential_too_large": limits.MAX_CREDENTIAL_BYTES // 1024,
    "too_many_values": limits.MAX_VALUES,
    "too_many_objects": limits.MAX_OBJECTS,
    "inline_context_too_large": limits.MAX_INLINE_CONTEXT_CHARS // 1024,
    "array_too_long": limits.MAX_ARRAY_LENGTH,
    "lists_too_long": limits.MAX_VALUE_PAIRS,
    "too_deep": limits.MAX_DEPTH,
    "too_many_status_entries": limits.MAX_STATUS_ENTRIES,
    "too_many_blank_node_labels": limits.MAX_BLANK_NODE_LABELS,
    "too_many_quads": limits.MAX_QUADS,
    "too_many_blank_nodes": limits.MAX_BLANK_NODES,
    "canonicalization_too_costly": limits.MAX_CANONICALIZATION_WORK,
    "proof_value_too_long": limits.MAX_PROOF_VALUE_CHARS,
    "too_many_proofs": limits.MAX_PROOFS,
}
# Codes whose message names what they are about (the term, the context, the proof).
TERM_CODES = {"undefined_term", "unknown_context", "previous_proof_missing"}


def message(code: str, term: str = "") -> str:
    """The message for an error code in the current language, naming its limit or the `term` it is about."""
    text = ERROR_MESSAGES.get(code)
    if text is None:
        return code
    if code in LIMIT_VALUES or code in TERM_CODES:
        return str(text) % {"limit": LIMIT_VALUES.get(code, ""), "term": term}
    return str(text)


_VALIDITY_CODES = {"expired", "not_yet_valid", "malformed_dates"}


def failed_check(code: str) -> str:
    """The check a failure belongs to, as `checks` names them: "proof", "validity_period" or "status"; "request"
    for a request refused before any check."""
    if code in _VALIDITY_CODES:
        return "validity_period"
    if code == "revoked" or code.startswith("status_") or code in {"unsupported_status", "too_many_status_entries"}:
        return "status"
    if code in vc_api_request_codes():
        return "request"
    return "proof"


def vc_api_request_codes() -> set[str]:
    return {"malformed_request", "credential_too_large", "rate_limited", "not_json", "too_large"}


def refused(result: Result) -> bool:
    """Whether the credential was refused unchecked (too costly, or not all of it signed): a 400, not a verdict."""
    return any(code in REFUSALS for code in result.errors)


def messages_for(result: Result) -> list:
    return [message(code, result.details.get(code, "")) for code in result.errors]


def warnings_for(result: Result) -> list:
    return [str(WARNING_MESSAGES.get(code, code)) for code in result.warnings]


def signatures_for(result: Result) -> list[dict]:
    """Each proof of the credential as the page lists it: its suite, its key, and what its check found."""
    return [
        {
            "cryptosuite": proof["cryptosuite"],
            "key": proof["verificationMethod"],
            "verified": proof["verified"],
            "problem": "" if proof["verified"] else message(proof["error"]),
        }
        for proof in result.proofs
    ]


def checks_for(result: Result) -> list:
    return [CHECK_LABELS.get(code, code) for code in result.checks]


__all__ = ["Result", "Verdict", "message", "parse_upload", "refused", "verify_document"]
