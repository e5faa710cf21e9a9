"""The VC API (W3C VC API): how much of a request body is read, what `/credentials/issue` agrees to sign, and
how `/credentials/status` revokes.

The issuer signs only what its own verifier would accept as this site's credential: a VC 2.0 VerifiableCredential
with a subject, well-formed and ordered dates, this site as its issuer, no status entry of the caller's (this site
adds its own), and nothing its contexts leave undefined (that part would not be signed). Of the issue options it
honours `credentialId` and `created`, and refuses any other by name. Each credential it signs is stored with an
index in the site's status list, so it can be revoked like a certificate."""

import json
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from laurel.certificates import badges, keys, services, verification
from laurel.certificates.credentials import limits
from laurel.certificates.credentials.jsonld import UndefinedTerm
from laurel.certificates.credentials.verification import data_model, parse_time
from laurel.certificates.models import ApiCredential, Certificate
from laurel.core.services import log_action

# The issue options this site honours (VC API, IssueCredentialOptions); any other is refused by name.
SUPPORTED_OPTIONS = {"credentialId", "created"}
MAX_CREDENTIAL_ID_CHARS = 500


class Refused(ValueError):
    """A request the VC API answers with 400. `code` is stable; `term` names what it is about, if anything."""

    def __init__(self, code: str, term: str = ""):
        super().__init__(code)
        self.code = code
        self.term = term

    def as_json(self) -> dict:
        problem = {
            "code": self.code,
            "check": verification.failed_check(self.code),
            "detail": message(self.code, self.term),
        }
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
    "unsupported_option": _("This site does not support the option “%(term)s”: it honours credentialId and created."),
    "malformed_option": _("The option “%(term)s” is malformed."),
    "conflicting_id": _("The credential's id and the credentialId option differ: give one, or the same in both."),
    "duplicate_id": _("A credential with the id “%(term)s” was already issued here: give a new id."),
    "issue_v2_only": _(
        "This site issues credentials of the VC Data Model 2.0 only: the first context must be "
        "https://www.w3.org/ns/credentials/v2."
    ),
    "unsupported_status_update": _(
        'Send {"credentialId": "...", "credentialStatus": [{"type": "BitstringStatusListCredential", '
        '"status": "revoked"}]}: this site only revokes, and a revocation is final.'
    ),
    "credential_not_found": _("No credential issued here has the id “%(term)s”."),
    "already_revoked": _("This credential is already revoked."),
}
# Codes whose message names what they are about.
_TERM_CODES = {"foreign_issuer", "unsupported_option", "malformed_option", "duplicate_id", "credential_not_found"}


def message(code: str, term: str = "") -> str:
    """The message for a code in the current language, naming the term or limit it is about."""
    text = ISSUE_MESSAGES.get(code)
    if text is None:
        return verification.message(code, term)
    return str(text) % {"term": term} if code in _TERM_CODES else str(text)


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


def _options(options) -> dict:
    """The issue options, checked: unknown ones refused by name."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise Refused("malformed_request")
    for name in options:
        if name not in SUPPORTED_OPTIONS:
            raise Refused("unsupported_option", str(name)[:100])
    credential_id = options.get("credentialId")
    if credential_id is not None and not _is_identifier(credential_id):
        raise Refused("malformed_option", "credentialId")
    created = options.get("created")
    if created is not None and (parse_time(created) is None or parse_time(created) > timezone.now()):
        raise Refused("malformed_option", "created")
    return options


def _is_identifier(value) -> bool:
    """An absolute URI (urn:uuid:..., https://...) of a sensible length, without whitespace."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_CREDENTIAL_ID_CHARS
        and ":" in value
        and value.split(":", 1)[0].isascii()
        and value.split(":", 1)[0].isalpha()
        and not any(char.isspace() for char in value)
    )


def issue(credential, options=None, *, actor) -> dict:
    """The credential signed by this site, stored with a status entry. Raises Refused naming the problem; signs
    and stores nothing then."""
    if not isinstance(credential, dict):
        raise Refused("malformed_request")
    options = _options(options)
    credential = _check_shape(credential)
    if data_model(credential) != "2.0":
        raise Refused("issue_v2_only")
    given_id = credential.get("id")
    if given_id is not None and not _is_identifier(given_id):
        raise Refused("malformed_option", "id")
    if given_id is not None and options.get("credentialId") not in (None, given_id):
        raise Refused("conflicting_id")
    credential_id = given_id or options.get("credentialId") or f"urn:uuid:{uuid.uuid4()}"
    if ApiCredential.objects.filter(credential_id=credential_id).exists():
        raise Refused("duplicate_id", credential_id)
    index = services.allocate_status_indexes(1).start  # an index lost to a refusal below is only a gap
    url = badges.status_list_url()
    credential = {
        **credential,
        "id": credential_id,
        "credentialStatus": {
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": url,
        },
    }
    created = parse_time(options["created"]) if "created" in options else None
    try:
        signed = badges.sign(credential, created=created)
    except UndefinedTerm as error:
        raise Refused("undefined_term", error.term) from error
    except limits.LimitExceeded as error:
        raise Refused(error.code) from error
    except Exception as error:  # pyld rejects malformed JSON-LD with many exception types
        raise Refused("not_json_ld") from error
    try:
        with transaction.atomic():
            stored = ApiCredential.objects.create(
                credential_id=credential_id, credential=signed, status_index=index, issued_by=actor
            )
            log_action("certificates.credential.issued_by_api", actor=actor, obj=stored, data={"id": credential_id})
    except IntegrityError as error:  # the same id sent twice at once
        raise Refused("duplicate_id", credential_id) from error
    return signed


def _revocation_requested(body: dict) -> str:
    """The credential id of a well-formed revocation request. Raises Refused."""
    credential_id = body.get("credentialId")
    entries = body.get("credentialStatus")
    if not isinstance(credential_id, str) or not isinstance(entries, list) or len(entries) != 1:
        raise Refused("unsupported_status_update")
    entry = entries[0]
    if (
        not isinstance(entry, dict)
        or entry.get("status") != "revoked"
        or entry.get("type", "BitstringStatusListCredential") != "BitstringStatusListCredential"
        or entry.get("statusPurpose", "revocation") != "revocation"
    ):
        raise Refused("unsupported_status_update")
    return credential_id[:MAX_CREDENTIAL_ID_CHARS]


class NotFound(Refused):
    """The credential is not one this site issued: a 404."""


class Conflict(Refused):
    """The credential is already revoked: a 409."""


def update_status(body: dict, *, actor) -> None:
    """Revoke the credential `body` names (VC API, update status): one issued through the API, or a certificate
    (by its credential's id). Raises Refused, NotFound or Conflict."""
    credential_id = _revocation_requested(body)
    stored = ApiCredential.objects.filter(credential_id=credential_id).first()
    if stored is not None:
        with transaction.atomic():
            updated = ApiCredential.objects.filter(pk=stored.pk, status=ApiCredential.Status.VALID).update(
                status=ApiCredential.Status.REVOKED, status_changed_at=timezone.now()
            )
            if updated != 1:
                raise Conflict("already_revoked")
            services.refresh_status_list()
            log_action("certificates.credential.revoked_by_api", actor=actor, obj=stored, data={"id": credential_id})
        return
    certificate = Certificate.objects.filter(credential__id=credential_id).first()
    if certificate is None:
        raise NotFound("credential_not_found", credential_id[:200])
    if certificate.status != Certificate.Status.VALID:
        raise Conflict("already_revoked")
    try:
        services.revoke(certificate, reason=gettext("Revoked through the VC API."), actor=actor)
    except services.InvalidTransition as error:
        raise Conflict("already_revoked") from error
