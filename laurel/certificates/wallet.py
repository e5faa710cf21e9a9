"""Into a wallet: OpenID for Verifiable Credential Issuance 1.0 (OID4VCI), pre-authorized code flow.

The honoree asks on the desk; `make_offer` answers with a credential offer (shown as a QR code) holding a
single-use pre-authorized code valid CODE_MINUTES and a PIN (the transaction code) shown beside it, not in the
QR, so a camera over the shoulder gets the code but not the PIN. The wallet reads this site's metadata, exchanges
code and PIN at the token endpoint (`exchange_code`) for an access token valid TOKEN_MINUTES and a `c_nonce`,
signs a key proof (a JWT of type `openid4vci-proof+jwt` over the nonce, with the key in `jwk` or a did:key `kid`)
and gets the credential at the credential endpoint (`pick_up`).

Holder binding. OID4VCI 1.0 pairs the key proof with cryptographic key binding: an issuer that asks for proofs
advertises `cryptographic_binding_methods_supported` and binds the credential to the proven key (its
implementation considerations, "Binding of the Credential without Cryptographic Key Binding": without binding,
the issuer advertises no proof types and wallets send no proofs). So the wallet gets the certificate's own
credential (same id, number, texts, dates and status entry, so revoking the certificate revokes it too) with
one addition, `credentialSubject.id` = the holder's DID, signed afresh by the association's current key. The
PDF keeps the unbound credential it was issued with.

Codes, PINs and access tokens are stored only as SHA-256 hashes (the PIN as an HMAC keyed by the site's secret
and its code); nonces are signed timestamps, so the nonce endpoint keeps no state. Error answers are OAuth's
(`invalid_grant`, `invalid_proof`, ...) with an ASCII description, as the specification requires."""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from laurel.certificates import badges
from laurel.certificates.credentials import jsonld
from laurel.certificates.models import Certificate, WalletOffer
from laurel.certificates.wallet_proofs import (
    MAX_PROOF_CHARS,
    NONCE_SECONDS,
    PROOF_ALGORITHMS,
    OAuthError,
    issuer_id,
    new_nonce,
    verify_proof,
)
from laurel.core.services import log_action

CONFIGURATION_ID = "LaurelCertificate_ldp_vc"
FORMAT = "ldp_vc"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CODE_MINUTES = 10
TOKEN_MINUTES = 5  # OID4VCI 1.0, "Protecting the Access Token": bearer access tokens living longer than 5 minutes count as long-lived
PIN_LENGTH = 6
MAX_WRONG_PINS = 5
BINDING_METHODS = ("did:key", "did:jwk")

TRANSITIONS = {
    WalletOffer.Status.OFFERED: {WalletOffer.Status.REDEEMED, WalletOffer.Status.LOCKED},
    WalletOffer.Status.REDEEMED: {WalletOffer.Status.PICKED_UP},
    WalletOffer.Status.PICKED_UP: set(),
    WalletOffer.Status.LOCKED: set(),
}


class InvalidTransition(Exception):
    pass


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _pin_hash(code: str, pin: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{code}\n{pin}".encode(), hashlib.sha256).hexdigest()


def endpoint(name: str) -> str:
    return issuer_id() + reverse(f"certificates:{name}")


def transition(offer: WalletOffer, new: str, *, condition: dict | None = None, **fields) -> None:
    """The offer's one state machine, with a conditional write: two wallets sending the same code (or access
    token) at once cannot both win. `condition`: more lookups the row must still match."""
    old = offer.status
    if new not in TRANSITIONS[old]:
        raise InvalidTransition(f"{old} -> {new}")
    updated = WalletOffer.objects.filter(pk=offer.pk, status=old, **(condition or {})).update(status=new, **fields)
    if updated != 1:
        raise InvalidTransition(f"{old} -> {new}: changed meanwhile")
    offer.status = new
    for name, value in fields.items():
        setattr(offer, name, value)
    if any(hasattr(value, "resolve_expression") for value in fields.values()):
        offer.refresh_from_db(fields=[name for name, value in fields.items() if hasattr(value, "resolve_expression")])


# The desk: an offer.


@dataclass(frozen=True)
class Offer:
    """What the desk shows once: the offer URI (for the QR code and a same-device link), the PIN, the deadline."""

    offer: WalletOffer
    uri: str
    pin: str

    @property
    def expires_at(self):
        return self.offer.expires_at


def offer_document(code: str) -> dict:
    return {
        "credential_issuer": issuer_id(),
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {
            PRE_AUTHORIZED_GRANT: {
                "pre-authorized_code": code,
                "tx_code": {
                    "input_mode": "numeric",
                    "length": PIN_LENGTH,
                    "description": "Enter the 6-digit PIN shown beside the QR code on your Laurel desk.",
                },
            }
        },
    }


def offer_uri(code: str) -> str:
    document = json.dumps(offer_document(code), separators=(",", ":"))
    return "openid-credential-offer://?credential_offer=" + quote(document, safe="")


def make_offer(certificate: Certificate, *, actor) -> Offer:
    """A new offer of `certificate` to its honoree's wallet. The caller checked `permissions.can_take_to_wallet`."""
    if certificate.status != Certificate.Status.VALID:
        raise OAuthError("credential_request_denied", "The certificate is not valid.")
    code = secrets.token_urlsafe(32)
    pin = "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))
    expires_at = timezone.now() + timedelta(minutes=CODE_MINUTES)
    with transaction.atomic():
        offer = WalletOffer.objects.create(
            certificate=certificate,
            code_hash=_sha256(code),
            pin_hash=_pin_hash(code, pin),
            expires_at=expires_at,
            created_by=actor,
        )
        log_action(
            "certificates.wallet.offered",
            actor=actor,
            obj=certificate,
            data={"offer": offer.pk, "expires_at": expires_at.isoformat()},
        )
    return Offer(offer=offer, uri=offer_uri(code), pin=pin)


# The token endpoint.


def exchange_code(*, grant_type, code, pin) -> dict:
    """The token response for a pre-authorized code and its PIN. Raises OAuthError."""
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise OAuthError("unsupported_grant_type", f"Only {PRE_AUTHORIZED_GRANT} is supported.")
    if not code or not isinstance(code, str) or len(code) > 200:
        raise OAuthError("invalid_request", "Send the pre-authorized_code of the offer.")
    offer = WalletOffer.objects.select_related("certificate").filter(code_hash=_sha256(code)).first()
    if offer is None:
        raise OAuthError("invalid_grant", "Unknown pre-authorized code.")
    if offer.status != WalletOffer.Status.OFFERED:
        raise OAuthError("invalid_grant", "This pre-authorized code was used already or is locked.")
    if offer.expires_at <= timezone.now():
        raise OAuthError("invalid_grant", "This pre-authorized code has expired: ask for a new QR code.")
    if offer.certificate.status != Certificate.Status.VALID:
        raise OAuthError("invalid_grant", "The certificate is no longer valid.")
    if not pin or not isinstance(pin, str):
        raise OAuthError("invalid_request", "This offer needs the tx_code (the PIN shown on the desk).")
    # The attempt is reserved before the PIN is compared, in one conditional write, so guesses sent at once cannot
    # all read "not locked yet" and all be compared: at most MAX_WRONG_PINS comparisons are ever made for a code.
    # failed_pins counts reserved attempts; a right PIN gives its attempt back as it redeems, so once nothing is
    # in flight failed_pins is the number of wrong PINs.
    reserved = WalletOffer.objects.filter(
        pk=offer.pk, status=WalletOffer.Status.OFFERED, failed_pins__lt=MAX_WRONG_PINS
    ).update(failed_pins=F("failed_pins") + 1)
    if not reserved:
        raise OAuthError("invalid_grant", "This pre-authorized code was used already or is locked.")
    if not hmac.compare_digest(_pin_hash(code, pin[:20]), offer.pin_hash):
        _lock_if_spent(offer)
        raise OAuthError("invalid_grant", "Wrong tx_code (PIN).")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    try:
        # failed_pins__lte: this attempt's own reservation is in the count (the fifth guess may be the right one)
        transition(
            offer,
            WalletOffer.Status.REDEEMED,
            condition={"failed_pins__lte": MAX_WRONG_PINS},
            failed_pins=F("failed_pins") - 1,
            access_token_hash=_sha256(token),
            access_expires_at=now + timedelta(minutes=TOKEN_MINUTES),
            redeemed_at=now,
        )
    except InvalidTransition as error:
        raise OAuthError("invalid_grant", "This pre-authorized code was used already or is locked.") from error
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": TOKEN_MINUTES * 60,
        # Draft-13 wallets read the nonce here; 1.0 wallets ask the nonce endpoint.
        "c_nonce": new_nonce(),
        "c_nonce_expires_in": NONCE_SECONDS,
    }


def _lock_if_spent(offer: WalletOffer) -> None:
    """A wrong PIN keeps its reserved attempt; once MAX_WRONG_PINS are reserved the code is locked for good (OID4VCI
    1.0, "Transaction Code Guessing"). A right PIN still being compared then may lose the race to the lock: the
    honoree asks the desk for a new QR code; what matters is that no sixth PIN is ever compared."""
    offer.refresh_from_db(fields=["failed_pins", "status"])
    if offer.failed_pins >= MAX_WRONG_PINS and offer.status == WalletOffer.Status.OFFERED:
        try:
            with transaction.atomic():
                transition(offer, WalletOffer.Status.LOCKED)
                log_action(
                    "certificates.wallet.locked",
                    obj=offer.certificate,
                    data={"offer": offer.pk, "wrong": MAX_WRONG_PINS},
                )
        except InvalidTransition:
            pass  # redeemed or locked by another request meanwhile


# The credential endpoint.


def offer_for_token(authorization: str) -> WalletOffer:
    """The redeemed offer an `Authorization: Bearer` header's access token opens. Raises OAuthError (401)."""
    token = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else ""
    if not token or len(token) > 200:
        raise OAuthError("invalid_token", "Send the access token as Authorization: Bearer.", status=401)
    offer = (
        WalletOffer.objects.select_related("certificate", "certificate__template")
        .filter(access_token_hash=_sha256(token))
        .first()
    )
    if offer is None or offer.status != WalletOffer.Status.REDEEMED:
        raise OAuthError("invalid_token", "Unknown or spent access token.", status=401)
    if offer.access_expires_at is None or offer.access_expires_at <= timezone.now():
        raise OAuthError("invalid_token", "The access token has expired.", status=401)
    return offer


def _requested_proof(body: dict) -> str:
    """The one JWT key proof of a credential request (OID4VCI 1.0 `proofs`, or draft 13's `proof`)."""
    proofs, proof = body.get("proofs"), body.get("proof")
    if proofs is not None and proof is not None:
        raise OAuthError("invalid_credential_request", "Send proofs or proof, not both.")
    if proofs is not None:
        if not isinstance(proofs, dict) or set(proofs) != {"jwt"}:
            raise OAuthError("invalid_proof", 'Send proofs as {"jwt": ["<key proof>"]}.')
        jwts = proofs["jwt"]
        if not isinstance(jwts, list) or not jwts:
            raise OAuthError("invalid_proof", "proofs.jwt must be a non-empty array.")
        if len(jwts) > 1:
            raise OAuthError("invalid_credential_request", "Batch issuance is not supported: send one proof.")
        candidate = jwts[0]
    elif proof is not None:
        if not isinstance(proof, dict) or proof.get("proof_type") != "jwt":
            raise OAuthError("invalid_proof", "Only the jwt proof type is supported.")
        candidate = proof.get("jwt")
    else:
        raise OAuthError("invalid_proof", "A key proof is required (proofs.jwt).")
    if not isinstance(candidate, str) or not candidate or len(candidate) > MAX_PROOF_CHARS:
        raise OAuthError("invalid_proof", "The key proof must be a compact JWT.")
    return candidate


def _check_request(body: dict) -> None:
    configuration, identifier, fmt = (
        body.get("credential_configuration_id"),
        body.get("credential_identifier"),
        body.get("format"),
    )
    if identifier is not None:
        raise OAuthError("unknown_credential_identifier", "This issuer returns no credential identifiers.")
    if configuration is not None and fmt is not None:
        raise OAuthError("invalid_credential_request", "Send credential_configuration_id or format, not both.")
    if configuration is None and fmt is None:
        raise OAuthError("invalid_credential_request", "Send credential_configuration_id.")
    if configuration is not None and configuration != CONFIGURATION_ID:
        raise OAuthError("unknown_credential_configuration", f"Only {CONFIGURATION_ID} is offered.")
    if fmt is not None and fmt != FORMAT:
        raise OAuthError("unknown_credential_configuration", f"Only the {FORMAT} format is offered.")
    if body.get("credential_response_encryption") is not None:
        raise OAuthError("invalid_encryption_parameters", "Encrypted responses are not supported.")


def bound_credential(certificate: Certificate, holder: str) -> dict:
    """The certificate's credential with `credentialSubject.id` = the holder's DID, signed afresh (see above)."""
    unsigned = {name: value for name, value in certificate.credential.items() if name != "proof"}
    unsigned["credentialSubject"] = {"id": holder, **unsigned["credentialSubject"]}
    return badges.sign(unsigned)


def pick_up(*, authorization: str, body) -> dict:
    """The credential response for a credential request. Raises OAuthError."""
    offer = offer_for_token(authorization)
    if not isinstance(body, dict):
        raise OAuthError("invalid_credential_request", "Send a JSON object.")
    _check_request(body)
    holder = verify_proof(_requested_proof(body))
    certificate = offer.certificate
    if certificate.status != Certificate.Status.VALID:
        raise OAuthError("credential_request_denied", "The certificate is no longer valid.")
    with transaction.atomic():
        try:
            transition(offer, WalletOffer.Status.PICKED_UP, picked_up_at=timezone.now(), holder=holder[:1000])
        except InvalidTransition as error:
            raise OAuthError("invalid_token", "Unknown or spent access token.", status=401) from error
        credential = bound_credential(certificate, holder)
        log_action(
            "certificates.wallet.picked_up",
            obj=certificate,
            data={"offer": offer.pk, "holder": holder[:200], "number": certificate.number},
        )
    return {"credentials": [{"credential": credential}]}


# Metadata.


def issuer_metadata(identity) -> dict:
    """The Credential Issuer Metadata (OID4VCI 1.0, "Credential Issuer Metadata Parameters"), in both languages."""
    names = [(identity.name, "zh-Hans"), (identity.name_en, "en")]
    return {
        "credential_issuer": issuer_id(),
        "credential_endpoint": endpoint("wallet_credential"),
        "nonce_endpoint": endpoint("wallet_nonce"),
        # Where draft-13 wallets look for it; 1.0 wallets read the authorization server metadata.
        "token_endpoint": endpoint("wallet_token"),
        "display": [{"name": name, "locale": locale} for name, locale in names if name],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": FORMAT,
                "cryptographic_binding_methods_supported": list(BINDING_METHODS),
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
                "credential_definition": {
                    "@context": [jsonld.CREDENTIALS_V2, jsonld.OPEN_BADGES_V3],
                    "type": ["VerifiableCredential", "OpenBadgeCredential"],
                },
                "credential_metadata": {
                    "display": [
                        {"name": "证书", "locale": "zh-Hans", "background_color": "#b22222", "text_color": "#ffffff"},
                        {"name": "Certificate", "locale": "en", "background_color": "#b22222", "text_color": "#ffffff"},
                    ],
                    "claims": [
                        {
                            "path": ["credentialSubject", "name"],
                            "display": [{"name": "获评者", "locale": "zh-Hans"}, {"name": "Honoree", "locale": "en"}],
                        },
                        {
                            "path": ["name"],
                            "display": [{"name": "称号", "locale": "zh-Hans"}, {"name": "Title", "locale": "en"}],
                        },
                    ],
                },
            }
        },
    }


def authorization_server_metadata() -> dict:
    """RFC 8414 metadata of the authorization server, which is the issuer itself (no `authorization_servers`)."""
    return {
        "issuer": issuer_id(),
        "token_endpoint": endpoint("wallet_token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }
