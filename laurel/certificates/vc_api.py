"""The VC API's rules: how much of a request body is read, and what `/credentials/issue` agrees to sign.

The issuer signs only what its own verifier would accept as this site's credential: a VerifiableCredential with a
subject, well-formed and ordered dates, this site as its issuer, no status entry (revocation is managed for
certificates only, so a caller's status entry would point at a list that says nothing about it), and nothing its
contexts leave undefined (that part would not be signed)."""

import json
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.certificates import badges, keys, verification
from laurel.certificates.credentials import limits
from laurel.certificates.credentials.jsonld import UndefinedTerm
from laurel.certificates.credentials.verification import parse_time


class Refused(ValueError):
    """A request the VC API answers with 400. `code` is stable; `term` names what it is about, if anything."""

    def __init__(self, code: str, term: str = ""):
        super().__init__(code)
        self.code = code
        self.term = term

    def as_json(self) -> dict:
        problem = {"code": self.code, "detail": message(self.code, self.term)}
        if self.code in verification.LIMIT_VALUES:
            problem["limit"] = verification.LIMIT_VALUES[self.code]
        if self.term:
            problem["term"] = self.term
        return problem


ISSUE_MESSAGES = {
    "malformed_request": _(
        'Send a JSON object: {"credential": {...}} to issue, {"verifiableCredential": {...}} to verify.'
    ),
    "has_proof": _("The credential already carries a proof: send it without one."),
    "foreign_issuer": _(
        "This site signs only as itself: leave out the issuer's id or give this site's, not “%(term)s”."
    ),
    "missing_subject": _("The credential has no credentialSubject."),
    "dates_out_of_order": _("The credential's validUntil is not after its validFrom."),
    "status_not_allowed": _(
        "The credential carries a credentialStatus: this site keeps status lists for its certificates only."
    ),
    "not_json_ld": _("The credential is not valid JSON-LD with the bundled contexts."),
}


def message(code: str, term: str = "") -> str:
    """The message for a code in the current language, naming the term or limit it is about."""
    text = ISSUE_MESSAGES.get(code)
    if text is None:
        return verification.message(code, term)
    return str(text) % {"term": term} if code == "foreign_issuer" else str(text)


def read_json_body(request) -> dict:
    """The request's JSON object, read only if it is at most limits.MAX_CREDENTIAL_BYTES. Raises Refused."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limits.MAX_CREDENTIAL_BYTES:
        raise Refused("credential_too_large")
    data = request.read(limits.MAX_CREDENTIAL_BYTES + 1)
    if len(data) > limits.MAX_CREDENTIAL_BYTES:
        raise Refused("credential_too_large")
    try:
        body = json.loads(data.decode("utf-8"))
    # ValueError covers JSONDecodeError and an integer of more digits than Python converts.
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Refused("malformed_request") from error
    if not isinstance(body, dict):
        raise Refused("malformed_request")
    return body


def _issuer(issuer):
    """This site as the issuer, keeping a caller's issuer profile (name, url) if it names no other id."""
    own = keys.issuer_did()
    given = issuer.get("id") if isinstance(issuer, dict) else issuer
    if given not in (None, own):
        raise Refused("foreign_issuer", str(given)[:200])
    return {**issuer, "id": own} if isinstance(issuer, dict) else own


def _check_shape(credential: dict) -> dict:
    """The credential to sign, with this site as issuer and validFrom now unless given. Raises Refused."""
    try:
        limits.check_structure(credential)
    except limits.LimitExceeded as error:
        raise Refused(error.code) from error
    if "proof" in credential:
        raise Refused("has_proof")
    types = credential.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise Refused("not_a_verifiable_credential")
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects or not all(isinstance(item, dict) and item for item in subjects):
        raise Refused("missing_subject")
    if "credentialStatus" in credential:
        raise Refused("status_not_allowed")
    credential = {**credential, "issuer": _issuer(credential.get("issuer"))}
    credential.setdefault("validFrom", timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    valid_from: datetime | None = parse_time(credential["validFrom"])
    valid_until = parse_time(credential["validUntil"]) if "validUntil" in credential else None
    if valid_from is None or "validUntil" in credential and valid_until is None:
        raise Refused("malformed_dates")
    if valid_until is not None and valid_until <= valid_from:
        raise Refused("dates_out_of_order")
    return credential


def issue(credential) -> dict:
    """The credential signed by this site. Raises Refused naming the problem; signs nothing then."""
    if not isinstance(credential, dict):
        raise Refused("malformed_request")
    credential = _check_shape(credential)
    try:
        return badges.sign(credential)
    except UndefinedTerm as error:
        raise Refused("undefined_term", error.term) from error
    except limits.LimitExceeded as error:
        raise Refused(error.code) from error
    except Exception as error:  # pyld rejects malformed JSON-LD with many exception types
        raise Refused("not_json_ld") from error
