"""Key proofs and nonces of OpenID for Verifiable Credential Issuance 1.0 (`wallet.py` runs the flow): the
stateless `c_nonce` (a signed random value with its time) and the check of a `jwt` key proof (Appendix F.1 and
F.4): explicitly typed, an asymmetric algorithm this site accepts, signed by the public key its header names (a
`jwk`, or a did:key / did:jwk `kid`), for this issuer, fresh, over a nonce this site handed out. Refusals are
OAuth errors with ASCII descriptions."""

import base64
import json
import math
import secrets
import time

from django.conf import settings
from django.core import signing

from laurel.certificates.credentials import multikey

PROOF_TYPE = "openid4vci-proof+jwt"
NONCE_SECONDS = 300
# A key proof: a compact JWT with a public key in its header. Anything longer is not one.
MAX_PROOF_CHARS = 4000
# How old a key proof may be (its `iat`); the nonce bounds its age too.
MAX_PROOF_AGE_SECONDS = 300
# Clock skew allowed on a proof's `iat` ahead of this server's clock.
FUTURE_SKEW_SECONDS = 60
# JOSE algorithms accepted for key proofs: Ed25519 (named EdDSA until RFC 9864) and P-256.
PROOF_ALGORITHMS = ("Ed25519", "EdDSA", "ES256")


class OAuthError(Exception):
    """An OAuth-style refusal: `error` is the code the specification names, `description` plain ASCII English."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def as_json(self) -> dict:
        return {"error": self.error, "error_description": self.description}


def issuer_id() -> str:
    """The Credential Issuer Identifier: the site's address, with no path, query or fragment."""
    return settings.SITE_URL.rstrip("/")


# The nonce endpoint: stateless, a signed random value with its time.

_NONCE_SALT = "laurel.certificates.wallet.nonce"


def new_nonce() -> str:
    return signing.TimestampSigner(salt=_NONCE_SALT).sign(secrets.token_urlsafe(16))


def nonce_is_fresh(nonce) -> bool:
    if not isinstance(nonce, str) or len(nonce) > 200:
        return False
    try:
        signing.TimestampSigner(salt=_NONCE_SALT).unsign(nonce, max_age=NONCE_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one
        return False
    return True


def _b64url_json(segment: str) -> dict:
    try:
        data = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, RecursionError) as error:
        raise OAuthError("invalid_proof", "The key proof is not a JWT.") from error
    if not isinstance(data, dict):
        raise OAuthError("invalid_proof", "The key proof is not a JWT.")
    return data


def did_jwk(public_jwk: dict) -> str:
    """did:jwk for a public JWK (its members in a fixed order, as did:jwk asks)."""
    members = {name: public_jwk[name] for name in ("crv", "kty", "x", "y") if name in public_jwk}
    encoded = base64.urlsafe_b64encode(json.dumps(members, separators=(",", ":")).encode()).decode().rstrip("=")
    return "did:jwk:" + encoded


def _holder_key(header: dict):
    """(the joserfc key, the holder's DID) named by the proof's header: `jwk`, or a did:key / did:jwk `kid`."""
    from joserfc.errors import JoseError
    from joserfc.jwk import ECKey, OKPKey

    named = [name for name in ("jwk", "kid", "x5c") if name in header]
    if len(named) != 1:
        raise OAuthError("invalid_proof", "The key proof header needs exactly one of jwk or kid.")
    try:
        if "jwk" in header:
            public_jwk = header["jwk"]
            if not isinstance(public_jwk, dict) or "d" in public_jwk:
                raise OAuthError("invalid_proof", "The jwk must be a public key.")
            kty = public_jwk.get("kty")
            if kty == "OKP" and public_jwk.get("crv") == "Ed25519":
                return OKPKey.import_key(public_jwk), did_jwk(public_jwk)
            if kty == "EC" and public_jwk.get("crv") == "P-256":
                return ECKey.import_key(public_jwk), did_jwk(public_jwk)
            raise OAuthError("invalid_proof", "The jwk must be an Ed25519 or P-256 public key.")
        kid = header.get("kid")
        if not isinstance(kid, str) or len(kid) > 1000:
            raise OAuthError("invalid_proof", "The kid must be a did:key or did:jwk URL.")
        if kid.startswith("did:jwk:"):
            return _holder_key({"jwk": _b64url_json(kid.removeprefix("did:jwk:").partition("#")[0])})
        if kid.startswith("did:key:"):
            public_key = multikey.resolve_did_key(kid)
            imported = ECKey.import_key(public_key) if hasattr(public_key, "curve") else OKPKey.import_key(public_key)
            return imported, kid.partition("#")[0]
        raise OAuthError("invalid_proof", "The kid must be a did:key or did:jwk URL; x5c is not supported.")
    except (JoseError, multikey.KeyError_, ValueError, TypeError) as error:
        raise OAuthError("invalid_proof", "The key in the proof header cannot be read.") from error


def verify_proof(proof: str) -> str:
    """The holder's DID, after checking the key proof as OID4VCI 1.0 Appendix F.4 says. Raises OAuthError."""
    from joserfc import jwt
    from joserfc.errors import JoseError

    parts = proof.split(".")
    if len(parts) != 3:
        raise OAuthError("invalid_proof", "The key proof is not a compact JWT.")
    header = _b64url_json(parts[0])
    if header.get("typ") != PROOF_TYPE:
        raise OAuthError("invalid_proof", f"The key proof's typ must be {PROOF_TYPE}.")
    if header.get("alg") not in PROOF_ALGORITHMS:
        raise OAuthError("invalid_proof", "The key proof's alg must be one of " + ", ".join(PROOF_ALGORITHMS) + ".")
    key, holder = _holder_key(header)
    try:
        claims = jwt.decode(proof, key, algorithms=[header["alg"]]).claims
    except (JoseError, ValueError, TypeError) as error:
        raise OAuthError("invalid_proof", "The key proof's signature does not verify.") from error
    if claims.get("aud") != issuer_id():
        raise OAuthError("invalid_proof", f"The key proof's aud must be {issuer_id()}.")
    issued_at = claims.get("iat")
    # Python's JSON reads NaN and Infinity; NaN compares false with both bounds below and would pass for fresh
    # (an int is always finite; math.isfinite would overflow on a huge one)
    finite = isinstance(issued_at, int) or (isinstance(issued_at, float) and math.isfinite(issued_at))
    if not finite or isinstance(issued_at, bool):
        raise OAuthError("invalid_proof", "The key proof needs iat, a finite number of seconds.")
    if issued_at > time.time() + FUTURE_SKEW_SECONDS or issued_at < time.time() - MAX_PROOF_AGE_SECONDS:
        raise OAuthError("invalid_proof", "The key proof's iat is too far from now.")
    if "nonce" not in claims:
        raise OAuthError("invalid_proof", "The key proof needs the c_nonce as nonce.")
    if not nonce_is_fresh(claims["nonce"]):
        raise OAuthError("invalid_nonce", "The c_nonce is unknown or expired: ask the nonce endpoint for a new one.")
    return holder
