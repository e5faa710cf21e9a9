"""JSON-LD canonicalization (RDFC-1.0, a.k.a. URDNA2015) with bundled contexts; never a network fetch.

Processing the contexts dominates the cost of canonicalizing a credential, so the bundled contexts are tagged
"static" (pyld then keeps them, and the active contexts processed from them, between calls) and inline contexts
(the Open Badges context's type-scoped ones) are keyed by a fast JSON dump instead of pyld's pure-Python JCS.
pyld never reuses a processed type-scoped context (it clones the active context under a fresh id first), so
`_Processor` memoizes context processing on (active context id, local context): active contexts are frozen and
their ids unique, so equal keys always mean equal results."""

import json
import threading
from functools import cache
from pathlib import Path

from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.resolved_context import ResolvedContext

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
    return {"contextUrl": None, "documentUrl": url, "document": _bundled(url), "tag": "static"}


# Shared between calls; keyed by context URL or by an inline context's content, so a hostile document can only
# add entries (bounded), never change what a key means.
_RESOLVED = LRUCache(maxsize=256)
# Inline contexts larger than this (only hostile uploads have them: the bundled ones are under 16 KB) are not
# kept between calls, so a few 5 MB uploads cannot fill the memory.
MAX_SHARED_CONTEXT_CHARS = 64 * 1024


class _Resolver(ContextResolver):
    """pyld's resolver, with inline contexts keyed by `json.dumps(sort_keys=True)` (C speed)."""

    def resolve(self, active_ctx, context, base, cycles=None):
        if isinstance(context, dict) and "@context" not in context:
            key = "inline:" + json.dumps(context, sort_keys=True, ensure_ascii=False)
            resolved = self._get(key)
            if not resolved:
                tag = "static" if len(key) <= MAX_SHARED_CONTEXT_CHARS else None
                resolved = self._cache_resolved_context(key, ResolvedContext(context), tag)
            return [resolved]
        return super().resolve(active_ctx, context, base, cycles)


_PROCESSED = LRUCache(maxsize=1024)
# These caches and pyld's own are not thread-safe (an LRUCache reorders itself even on reads), and a threaded
# server canonicalizes in several threads: one at a time. The work is pure Python, so the GIL serialized it anyway.
_LOCK = threading.Lock()


class _Processor(jsonld.JsonLdProcessor):
    def _process_context(self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
                         validate_scoped=True, cycles=None):  # fmt: skip
        arguments = (override_protected, propagate, validate_scoped)
        if not isinstance(active_ctx, frozendict) or "_uuid" not in active_ctx or cycles:
            return super()._process_context(active_ctx, local_ctx, options, *arguments, cycles=cycles)
        try:
            dumped = json.dumps(local_ctx, sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError):
            dumped = None
        if dumped is None or len(dumped) > MAX_SHARED_CONTEXT_CHARS:
            return super()._process_context(active_ctx, local_ctx, options, *arguments)
        key = (active_ctx["_uuid"], dumped, *arguments)
        processed = _PROCESSED.get(key)
        if processed is None:
            processed = super()._process_context(active_ctx, local_ctx, options, *arguments)
            if isinstance(processed, frozendict):  # only immutable results may be shared
                _PROCESSED[key] = processed
        return processed


def canonicalize(document: dict) -> str:
    """The document's canonical N-Quads. Raises UnknownContext or jsonld.JsonLdError on bad input."""
    try:
        with _LOCK:
            return _Processor().normalize(
                document,
                {
                    "algorithm": "URDNA2015",
                    "format": "application/n-quads",
                    "documentLoader": document_loader,
                    "contextResolver": _Resolver(_RESOLVED, document_loader),
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
