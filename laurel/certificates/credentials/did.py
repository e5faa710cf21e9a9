"""`did:web` for the association: its identifier from the site URL and its DID document."""

from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from laurel.certificates.credentials.multikey import KeyError_, multikey_to_public_key

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


def resolve_in_document(document: dict, verification_method: str) -> Ed25519PublicKey:
    """The public key a DID document lists for `verification_method` under assertionMethod."""
    if verification_method not in document.get("assertionMethod", []):
        raise KeyError_("the key is not listed for assertions")
    for method in document.get("verificationMethod", []):
        if method.get("id") == verification_method and method.get("type") == "Multikey":
            return multikey_to_public_key(method.get("publicKeyMultibase", ""))
    raise KeyError_("the key is not in the DID document")
