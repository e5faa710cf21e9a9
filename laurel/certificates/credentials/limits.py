"""Bounds on the work one untrusted credential may cause, checked before any canonicalization.

Canonicalizing JSON-LD (RDFC-1.0) is exponential in the worst case: a 1.8 KB credential whose eight blank nodes
all point to each other kept a worker busy for minutes, and a 200 KB array took pyld's quadratic duplicate check
344 s. So a credential is refused, naming the limit, when its JSON is too large, too deep, has too long a list, too
many values or names blank nodes too often (`check_structure`, on the parsed JSON, before anything else), when its
RDF has too many blank nodes or statements (checked in `jsonld.canonicalize` between expansion and
canonicalization), and when the canonicalization itself needs more than MAX_CANONICALIZATION_WORK steps (the "deep
iterations" limit RDFC-1.0 section 4.4 tells implementations to set; Digital Bazaar's rdf-canonize has one too).

Refusing early is what keeps a refusal cheap: expanding a credential is most of the cost of verifying it, so a
poison refused only after expansion costs as much as a genuine verification (the clique of eight blank nodes cost
7.5 ms of a worker, a genuine credential 5.7 ms) and four clients sending it keep the workers as busy as honest
traffic would. Refused by `check_structure`, it costs what the request itself costs (about 2 ms through gunicorn
and Django).

The values leave ample room for honest credentials: Laurel's own have about 60 JSON values in 10 objects, 30
statements, six blank nodes, write no blank-node identifier and need no deep iteration at all; Open Badges 3.0
credentials with alignments and results have a few hundred values. Within them, the costliest input found is a
credential of 900 short strings (about 40 ms of CPU, answered "invalid signature"; a genuine credential about 4 ms,
an Open Badge of 240 objects 28 ms): expansion costs about 40 us a value, so MAX_VALUES and MAX_OBJECTS bound it."""

import json

# The serialized credential (a request's body, an uploaded JSON file, the file inside a PDF).
MAX_CREDENTIAL_BYTES = 256 * 1024
# Objects and arrays nested inside each other.
MAX_DEPTH = 20
# Items of one array, and values of one property of one node once expanded (aliases of a property, and objects
# sharing an id, pool their values there, and pyld merges them with a duplicate check costing their square).
MAX_ARRAY_LENGTH = 256
# Pairs of values pyld compares when it merges a property's values into its node (about 1 us a pair): a list of n
# costs n(n-1)/2. The lists of one credential together may cost what one list of MAX_ARRAY_LENGTH does (and the few
# short lists around it); three such lists, within every other limit, took 109 ms (25 genuine verifications)
# before this limit.
MAX_VALUE_PAIRS = MAX_ARRAY_LENGTH**2 // 2
# Objects, arrays and scalars in all, and objects alone (each may become a node to expand, hash and compare).
MAX_VALUES = 1000
MAX_OBJECTS = 256
# Contexts written out in the credential (all of them together, as JSON): honest credentials name their contexts
# by URL, and each node of a type with a scoped context makes the processor look its context up again.
MAX_INLINE_CONTEXT_CHARS = 16 * 1024
# Blank-node identifiers ("_:b0") written in the credential, definitions and references together. They are what
# lets blank nodes point to each other, the shape that makes canonicalization costly (a clique of eight needs 64);
# honest credentials write none (their blank nodes are objects without an id). Counted on the parsed JSON, so such
# a credential is refused before expansion; the canonicalization's own limit below still bounds what this count
# cannot see (identifiers spelled through a context's prefix, trees of look-alike objects).
MAX_BLANK_NODE_LABELS = 16
# After expansion to RDF.
MAX_BLANK_NODES = 64
MAX_QUADS = 2000
# Calls of the Hash N-Degree Quads algorithm plus the permutations they try; a clique of eight blank nodes
# needs millions, an honest credential none (all of Laurel's and the test suite's need 0). One step costs 15-30 us
# of CPU: 1000 steps let a ring of 32 blank nodes cost 30 ms, 100 cap the canonicalization below 1 ms. Digital
# Bazaar's rdf-canonize, which the reference verifiers use, allows by default as many deep iterations as there are
# blank nodes sharing a hash (at most MAX_BLANK_NODES here).
MAX_CANONICALIZATION_WORK = 100
# A proofValue is "z" + base58 of a signature: 64 bytes (Ed25519, P-256) take at most 89 characters, 96 (P-384)
# at most 133.
MAX_PROOF_VALUE_CHARS = 136
# Proofs of one credential (a proof set or chain): each costs a signature check, and its key may have to be read
# from its signer's site. Honest credentials carry one; an endorsed or countersigned one two or three.
MAX_PROOFS = 4
# Status entries of one credential: each may make the verifier read a status list from another site, under its own
# deadline. An honest credential has one (revocation), at most two (revocation and suspension).
MAX_STATUS_ENTRIES = 2


# The codes of the refusals above (and of the caller's own body cap), each naming its limit.
CODES = (
    "too_many_values",
    "too_many_objects",
    "inline_context_too_large",
    "array_too_long",
    "lists_too_long",
    "too_deep",
    "too_many_blank_node_labels",
    "too_many_quads",
    "too_many_blank_nodes",
    "canonicalization_too_costly",
)


class LimitExceeded(ValueError):
    """A credential that would cost too much to check. `code` names the limit, `limit` is its value."""

    def __init__(self, code: str, limit: int):
        super().__init__(f"{code} (limit {limit})")
        self.code = code
        self.limit = limit


def check_structure(document) -> None:
    """Raise LimitExceeded if the parsed JSON is deeper, wider or larger than the limits. Iterative, so a hostile
    depth cannot exhaust the stack; stops at the first excess, so the walk is bounded by MAX_VALUES."""
    values = objects = context_chars = blank_node_labels = value_pairs = 0
    stack = [(document, 1, False)]
    while stack:
        value, depth, in_context = stack.pop()
        values += 1
        if values > MAX_VALUES:
            raise LimitExceeded("too_many_values", MAX_VALUES)
        if isinstance(value, dict):
            objects += 1
            if objects > MAX_OBJECTS:
                raise LimitExceeded("too_many_objects", MAX_OBJECTS)
            if not in_context and isinstance(value.get("@context"), (dict, list)):
                context_chars += len(json.dumps(value["@context"], ensure_ascii=False))
                if context_chars > MAX_INLINE_CONTEXT_CHARS:
                    raise LimitExceeded("inline_context_too_large", MAX_INLINE_CONTEXT_CHARS // 1024)
            children = [(child, in_context or key == "@context") for key, child in value.items()]
        elif isinstance(value, list):
            if len(value) > MAX_ARRAY_LENGTH:
                raise LimitExceeded("array_too_long", MAX_ARRAY_LENGTH)
            if not in_context:
                value_pairs += len(value) * (len(value) - 1) // 2
                if value_pairs > MAX_VALUE_PAIRS:
                    raise LimitExceeded("lists_too_long", MAX_VALUE_PAIRS)
            children = [(child, in_context) for child in value]
        else:
            if isinstance(value, str) and value.startswith("_:"):
                blank_node_labels += 1
                if blank_node_labels > MAX_BLANK_NODE_LABELS:
                    raise LimitExceeded("too_many_blank_node_labels", MAX_BLANK_NODE_LABELS)
            continue
        if depth > MAX_DEPTH:
            raise LimitExceeded("too_deep", MAX_DEPTH)
        stack.extend((child, depth + 1, inside) for child, inside in children)
