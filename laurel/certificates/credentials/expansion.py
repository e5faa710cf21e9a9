"""pyld's JSON-LD processor made strict (see `jsonld`), in a module of its own so that pyld loads with the first
credential, not with the URL map."""

import json

from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.resolved_context import ResolvedContext

from laurel.certificates.credentials.jsonld import UndefinedTerm, _check_property_lengths


class _Resolver(ContextResolver):
    """pyld's resolver, with inline contexts keyed by `json.dumps(sort_keys=True)` (C speed)."""

    def resolve(self, active_ctx, context, base, cycles=None):
        if isinstance(context, dict) and "@context" not in context:
            key = "inline:" + json.dumps(context, sort_keys=True, ensure_ascii=False)
            resolved = self._get(key)
            if not resolved:
                resolved = self._cache_resolved_context(key, ResolvedContext(context), "static")
            return [resolved]
        return super().resolve(active_ctx, context, base, cycles)


# Keywords whose content never reaches RDF, so a signature could not cover what they carry.
_UNSIGNABLE_KEYWORDS = {"@index", "@direction"}


class _Processor(jsonld.JsonLdProcessor):
    def __init__(self, processed: LRUCache):
        super().__init__()
        self._processed = processed

    def _process_context(self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
                         validate_scoped=True, cycles=None):  # fmt: skip
        arguments = (override_protected, propagate, validate_scoped)
        if not isinstance(active_ctx, frozendict) or "_uuid" not in active_ctx or cycles:
            return super()._process_context(active_ctx, local_ctx, options, *arguments, cycles=cycles)
        try:
            dumped = json.dumps(local_ctx, sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError):
            dumped = None
        if dumped is None:
            return super()._process_context(active_ctx, local_ctx, options, *arguments)
        key = (active_ctx["_uuid"], dumped, *arguments)
        processed = self._processed.get(key)
        if processed is None:
            processed = super()._process_context(active_ctx, local_ctx, options, *arguments)
            if isinstance(processed, frozendict):  # only immutable results may be shared
                self._processed[key] = processed
        return processed

    def expand(self, input_, options):
        expanded = super().expand(input_, options)
        _check_property_lengths(expanded)
        return expanded

    # Strict expansion. pyld drops a key that expands to no absolute IRI, and resolves an undefined type or a
    # relative identifier against a made-up base; jsonld.js in "safe mode" (which the reference verifiers use)
    # refuses both, and so do we. pyld 3.3's own `safe` option does not exist: it was silently ignored.
    def _expand_object(self, active_ctx, active_property, expanded_active_property, element, expanded_parent,
                       options, inside_list=False, type_key=None, type_scoped_ctx=None):  # fmt: skip
        for key in element:
            if key == "@context":
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            if (
                expanded is None
                or expanded in _UNSIGNABLE_KEYWORDS
                or not (jsonld._is_keyword(expanded) or jsonld._is_absolute_iri(expanded))
                or expanded.startswith("_:")  # a blank-node property: RDF drops it
                or "@index"
                in jsonld.JsonLdProcessor.arrayify(
                    jsonld.JsonLdProcessor.get_context_value(active_ctx, key, "@container")
                )  # an index map's keys are not RDF
            ):
                raise UndefinedTerm(key)
        return super()._expand_object(
            active_ctx, active_property, expanded_active_property, element, expanded_parent, options,
            inside_list=inside_list, type_key=type_key, type_scoped_ctx=type_scoped_ctx,
        )  # fmt: skip

    def _expand_iri(self, active_ctx, value, base=None, vocab=False, local_ctx=None, defined=None):
        expanded = super()._expand_iri(active_ctx, value, base=base, vocab=vocab, local_ctx=local_ctx, defined=defined)
        # `base == ""` marks the document-relative expansions (identifiers, types, @vocab-typed values); the
        # document has no base of its own, so a relative value there is an undefined term or a relative IRI.
        if base == "" and local_ctx is None and isinstance(expanded, str) and not jsonld._is_keyword(expanded):
            resolved_by_default_base = (
                expanded.startswith(jsonld.DEFAULT_BASE_IRI)
                and not value.startswith(jsonld.DEFAULT_BASE_IRI)
                and "@base" not in active_ctx
            )
            if resolved_by_default_base or not jsonld._is_absolute_iri(expanded):
                raise UndefinedTerm(value)
        return expanded
