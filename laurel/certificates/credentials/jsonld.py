"""JSON-LD canonicalization (RDFC-1.0, a.k.a. URDNA2015) with bundled contexts; never a network fetch.

Untrusted input is bounded before and during the work (`limits.py`): the JSON's shape first, then the number of
blank nodes and statements after expansion to RDF, then the canonicalization's own steps. Expansion is strict, in
the spirit of jsonld.js's "safe mode": a property or type the contexts do not define, which plain JSON-LD would
drop without a word (so a signature never covers it), is refused by name (`UndefinedTerm`).

Processing the contexts dominates the cost of canonicalizing a credential, so the bundled contexts are tagged
"static" (pyld then keeps them, and the active contexts processed from them, between calls) and inline contexts
(the Open Badges context's type-scoped ones) are keyed by a fast JSON dump instead of pyld's pure-Python JCS.
pyld never reuses a processed type-scoped context (it clones the active context under a fresh id first), so
`_Processor` memoizes context processing on (active context id, local context): active contexts are frozen and
their ids unique, so equal keys always mean equal results. These caches are per thread: they are not thread-safe,
and a lock around them would let one slow request hold up every other."""

import json
import threading
from functools import cache
from pathlib import Path

from cachetools import LRUCache

from laurel.certificates.credentials import limits

CONTEXT_DIR = Path(__file__).resolve().parent.parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
# VC Data Model 1.1: most issuers in the world still sign with it (Blockcerts v3, most Open Badges 3.0 issuers).
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
# Each file is the published document, byte for byte (the credentials and data integrity ones are the copies the
# reference libraries ship, compared in tests/certificates/test_independent_verifier.py).
BUNDLED = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    CREDENTIALS_V1: "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-context-3.0.1.json",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "vc-bitstring-status-list-v1.jsonld",
}


class UnknownContext(ValueError):
    """A document names a JSON-LD context that is not bundled; we never fetch one. `url` is the context named."""

    def __init__(self, url):
        super().__init__(f"this context is not bundled: {url}")
        self.url = url if isinstance(url, str) else repr(url)[:200]


def check_contexts(document) -> None:
    """Raise UnknownContext naming the first context the document (or any object in it) names that is not
    bundled. Run after limits.check_structure (so the walk is bounded) and before any expansion: a suite that
    never expands (JCS) refuses the same credentials, and the refusal names the context, not a loader error."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            for key, child in value.items():
                if key == "@context":
                    _check_context_value(child)
                else:
                    stack.append(child)


def _check_context_value(context) -> None:
    stack = [context]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if value not in BUNDLED:
                raise UnknownContext(value)
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            # An inline context may import one (`@import`) or scope one to a term or type (`@context`).
            for key, child in value.items():
                if key in ("@import", "@context"):
                    stack.append(child)
                elif isinstance(child, dict) and "@context" in child:
                    stack.append(child["@context"])


class UndefinedTerm(ValueError):
    """A property, type or identifier that the document's contexts do not define, or that RDF has no place for:
    JSON-LD would drop it (or keep it as a relative IRI, which RDF drops), so no signature could cover it."""

    def __init__(self, term: str):
        super().__init__(f"not defined by the credential's contexts: {term}")
        self.term = term


@cache
def _bundled(url: str) -> dict:
    return json.loads((CONTEXT_DIR / BUNDLED[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options=None) -> dict:
    if url not in BUNDLED:
        raise UnknownContext(url)
    return {"contextUrl": None, "documentUrl": url, "document": _bundled(url), "tag": "static"}


# Kept between calls of one thread; keyed by context URL or by an inline context's content, so a hostile document
# can only add entries (bounded in number here, in size by limits.MAX_INLINE_CONTEXT_CHARS), never change what a
# key means.
RESOLVED_CACHE_SIZE = 256
PROCESSED_CACHE_SIZE = 1024
_THREAD = threading.local()


def _caches() -> tuple[LRUCache, LRUCache]:
    """This thread's (resolved contexts, processed contexts)."""
    caches = getattr(_THREAD, "caches", None)
    if caches is None:
        caches = _THREAD.caches = (LRUCache(maxsize=RESOLVED_CACHE_SIZE), LRUCache(maxsize=PROCESSED_CACHE_SIZE))
    return caches


def _check_property_lengths(expanded) -> None:
    """Refuse a node with more than limits.MAX_ARRAY_LENGTH values for one property once expanded, or more than
    limits.MAX_VALUE_PAIRS pairs of values of one property in all: aliases of a property and node objects sharing an
    @id pool their values there, and pyld then merges them with a duplicate check that costs the square of their
    number."""
    counts = {}
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict) or "@value" in item:
            continue
        node = item.get("@id", id(item))
        for key, value in item.items():
            if key == "@id":
                continue
            if key == "@reverse" and isinstance(value, dict):
                stack.extend(value.values())
                continue
            values = value if isinstance(value, list) else [value]
            if key not in ("@list", "@graph", "@included"):
                count = counts[node, key] = counts.get((node, key), 0) + len(values)
                if count > limits.MAX_ARRAY_LENGTH:
                    raise limits.LimitExceeded("array_too_long", limits.MAX_ARRAY_LENGTH)
            stack.extend(values)
    if sum(count * (count - 1) // 2 for count in counts.values()) > limits.MAX_VALUE_PAIRS:
        raise limits.LimitExceeded("lists_too_long", limits.MAX_VALUE_PAIRS)


def _check_dataset(dataset: dict) -> None:
    """Refuse a dataset with more statements or blank nodes than an honest credential has, before the
    canonicalization, whose cost grows with both."""
    quads = sum(len(triples) for triples in dataset.values())
    if quads > limits.MAX_QUADS:
        raise limits.LimitExceeded("too_many_quads", limits.MAX_QUADS)
    blank_nodes = {name for name in dataset if name.startswith("_:")}
    for triples in dataset.values():
        for triple in triples:
            for position in ("subject", "object"):
                if triple[position]["type"] == "blank node":
                    blank_nodes.add(triple[position]["value"])
    if len(blank_nodes) > limits.MAX_BLANK_NODES:
        raise limits.LimitExceeded("too_many_blank_nodes", limits.MAX_BLANK_NODES)


def _ours(error: BaseException) -> BaseException | None:
    """Our own exception under pyld's wrappers, if any."""
    cause = error
    while cause is not None:
        if isinstance(cause, (UnknownContext, UndefinedTerm, limits.LimitExceeded)):
            return cause
        cause = getattr(cause, "cause", None) or cause.__cause__
    return None


def canonicalize(document: dict, *, hash_name: str = "sha256") -> str:
    """The document's canonical N-Quads. Raises LimitExceeded, UndefinedTerm, UnknownContext or
    jsonld.JsonLdError on bad input, each before the work grows past the limits. `hash_name` is the hash RDFC-1.0
    labels blank nodes with: SHA-384 for ecdsa-rdfc-2019 with P-384 keys, as that suite specifies."""
    # pyld (28 MB) loads with the first credential, not with the URL map.
    from pyld import jsonld

    from laurel.certificates.credentials.canon import BoundedURDNA2015
    from laurel.certificates.credentials.expansion import _Processor, _Resolver

    limits.check_structure(document)
    check_contexts(document)
    resolved, processed = _caches()
    options = {
        "base": "",
        "documentLoader": document_loader,
        "contextResolver": _Resolver(resolved, document_loader),
        "produceGeneralizedRdf": False,
    }
    try:
        dataset = _Processor(processed).to_rdf(document, options)
    except jsonld.JsonLdError as error:
        ours = _ours(error)
        if ours is not None:
            raise ours from error
        raise
    _check_dataset(dataset)
    canonicalizer = BoundedURDNA2015(max_work=limits.MAX_CANONICALIZATION_WORK, hash_name=hash_name)
    return canonicalizer.main(dataset, {"format": "application/n-quads"})


def __getattr__(name: str):
    """`_Processor` and `_Resolver` live in `expansion`, with pyld (tests reach them here)."""
    if name in ("_Processor", "_Resolver"):
        from laurel.certificates.credentials import expansion

        return getattr(expansion, name)
    raise AttributeError(name)
