"""JSON-LD canonicalization (RDFC-1.0, a.k.a. URDNA2015) with bundled contexts; never a network fetch."""

import json
from functools import cache
from pathlib import Path

from pyld import jsonld

CONTEXT_DIR = Path(__file__).resolve().parent.parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
BUNDLED = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "vc-bitstring-status-list-v1.jsonld",
}


class UnknownContext(ValueError):
    """A document names a JSON-LD context that is not bundled; we never fetch one."""


@cache
def _bundled(url: str) -> dict:
    return json.loads((CONTEXT_DIR / BUNDLED[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options=None) -> dict:
    if url not in BUNDLED:
        raise UnknownContext(url)
    return {"contextUrl": None, "documentUrl": url, "document": _bundled(url)}


def canonicalize(document: dict) -> str:
    """The document's canonical N-Quads. Raises UnknownContext or jsonld.JsonLdError on bad input."""
    try:
        return jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
                "safe": True,
            },
        )
    except jsonld.JsonLdError as error:
        cause = error
        while cause is not None:
            if isinstance(cause, UnknownContext):
                raise cause from error
            cause = getattr(cause, "cause", None) or cause.__cause__
        raise
