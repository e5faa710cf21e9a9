"""Other issuers: their `did:web` documents and status lists, read over HTTPS and kept in the shared cache.

Successes are kept for five minutes and failures for one, so a burst of uploads naming one issuer makes one
request, and an unreachable issuer costs one timeout a minute, not one per upload."""

import hashlib

from django.conf import settings
from django.core.cache import cache

from laurel.certificates.credentials import did, web
from laurel.certificates.credentials.multikey import KeyError_

KEPT_SECONDS = 300
FAILURE_KEPT_SECONDS = 60
MAX_DID_DOCUMENT_BYTES = 64 * 1024
MAX_STATUS_LIST_BYTES = 1024 * 1024


def _timeout() -> float:
    return settings.LAUREL_DID_WEB_TIMEOUT_MS / 1000


def _cached(kind: str, address: str, fetch):
    """`fetch()` once per KEPT_SECONDS for the same address; its WebError once per FAILURE_KEPT_SECONDS."""
    key = f"certificates:{kind}:" + hashlib.sha256(address.encode()).hexdigest()
    kept = cache.get(key)
    if kept is None:
        try:
            kept = {"document": fetch()}
            cache.set(key, kept, KEPT_SECONDS)
        except web.WebError as error:
            kept = {"error": error.code, "detail": str(error)}
            cache.set(key, kept, FAILURE_KEPT_SECONDS)
    if "error" in kept:
        raise web.WebError(kept["error"], kept["detail"])
    return kept["document"]


def did_document(issuer: str) -> dict:
    """Another issuer's DID document. Raises WebError."""
    if _timeout() <= 0:
        raise web.WebError("issuer_not_resolved", "this site does not read other issuers' keys")
    return _cached(
        "did-web",
        issuer,
        lambda: web.fetch_did_document(issuer, timeout=_timeout(), max_bytes=MAX_DID_DOCUMENT_BYTES),
    )


def resolve_key(verification_method: str):
    """The public key of another issuer's `did:web` verification method. Raises ValueError with a `code`."""
    issuer = verification_method.partition("#")[0]
    if not issuer.startswith("did:web:"):
        raise KeyError_("only did:web and did:key issuers are resolved", code="unsupported_did_method")
    return did.resolve_in_document(did_document(issuer), verification_method)


def status_list(url: str) -> dict:
    """Another issuer's status list credential (its signature and issuer are checked by the verifier)."""
    if _timeout() <= 0:
        raise web.WebError("issuer_not_resolved", "this site does not read other issuers' status lists")
    return _cached("status-list", url, lambda: web.fetch_json(url, timeout=_timeout(), max_bytes=MAX_STATUS_LIST_BYTES))


def document_url(issuer: str) -> str:
    """Where a `did:web` issuer publishes its keys, for the verdict page ("" for other methods)."""
    try:
        return web.did_web_url(issuer)
    except web.WebError:
        return ""
