"""`did:web` for the association: its identifier from the site URL and its DID document."""

import base64
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from laurel.certificates.credentials.multikey import KeyError_, PublicKey, multikey_to_public_key

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def did_web(site_url: str) -> str:
    """`https://kx.example.org` -> `did:web:kx.example.org`; a port is percent-encoded as the spec says."""
    parts = urlsplit(site_url)
    did = "did:web:" + quote(parts.netloc, safe="")
    path = parts.path.strip("/")
    if path:
        did += ":" + ":".join(quote(segment, safe="") for segment in path.split("/"))
    return did


def did_document(did: str, keys: list[tuple[str, str]]) -> dict:
    """`keys` are (fragment, public Multikey), the current key first; every key may assert."""
    methods = [
        {"id": f"{did}#{fragment}", "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        for fragment, multikey in keys
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


# Verification method types whose `publicKeyMultibase` is a Multikey (Ed25519 z6Mk..., P-256 zDn..., P-384 z82...).
MULTIBASE_TYPES = {"Multikey", "Ed25519VerificationKey2020"}
JWK_TYPES = {"JsonWebKey", "JsonWebKey2020"}
# JWK curves of the ecdsa cryptosuites and the length of one coordinate.
JWK_EC_CURVES = {"P-256": (ec.SECP256R1, 32), "P-384": (ec.SECP384R1, 48)}


def _b64url(value) -> bytes:
    if not isinstance(value, str) or len(value) > 128:
        return b""
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return b""


def _absolute(document_id: str, method_id) -> str:
    """Method ids may be relative to the document ("#key-1")."""
    if isinstance(method_id, str) and method_id.startswith("#"):
        return f"{document_id}{method_id}"
    return method_id if isinstance(method_id, str) else ""


def _public_key(method: dict) -> PublicKey:
    if method.get("type") in MULTIBASE_TYPES:
        return multikey_to_public_key(method.get("publicKeyMultibase", ""))
    jwk = method.get("publicKeyJwk")
    if method.get("type") in JWK_TYPES and isinstance(jwk, dict):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            raw = _b64url(jwk.get("x"))
            if len(raw) == 32:
                return Ed25519PublicKey.from_public_bytes(raw)
        curve_and_length = JWK_EC_CURVES.get(jwk.get("crv")) if jwk.get("kty") == "EC" else None
        if curve_and_length is not None:
            curve, length = curve_and_length
            x, y = _b64url(jwk.get("x")), _b64url(jwk.get("y"))
            if len(x) == length and len(y) == length:
                try:
                    return ec.EllipticCurvePublicKey.from_encoded_point(curve(), b"\x04" + x + y)
                except ValueError as error:
                    raise KeyError_("the key is not a point on its curve") from error
    raise KeyError_("the key is not an Ed25519, P-256 or P-384 key Laurel can read")


def resolve_in_document(document: dict, verification_method: str) -> PublicKey:
    """The public key a DID document lists for `verification_method` under assertionMethod: referenced by id
    (absolute or relative) or embedded there, as a Multikey, an Ed25519VerificationKey2020 or a JWK."""
    document_id = document.get("id", "")
    methods = {}
    for method in document.get("verificationMethod", []) or []:
        if isinstance(method, dict):
            methods[_absolute(document_id, method.get("id"))] = method
    for entry in document.get("assertionMethod", []) or []:
        if isinstance(entry, dict) and _absolute(document_id, entry.get("id")) == verification_method:
            return _public_key(entry)
        if isinstance(entry, str) and _absolute(document_id, entry) == verification_method:
            if verification_method not in methods:
                raise KeyError_("the key is not in the DID document")
            return _public_key(methods[verification_method])
    raise KeyError_("the key is not listed for assertions")
