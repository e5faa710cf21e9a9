"""Credentials crafted to stall a JSON-LD verifier, each built on a genuine one; shared by the tests in this folder
and bench/verify_abuse.py. Each is small enough to send (all but the oversize one under 256 KB) and costs a verifier
without limits far more than a genuine credential does: most of them minutes of CPU."""

import copy
import signal
from contextlib import contextmanager

# An absolute IRI is a defined property without any context, so these poisons pass the undefined-term check and
# reach the JSON-LD processor.
KNOWS = "https://example.org/vocab#knows"


def blank_node_clique(credential: dict, size: int = 8) -> dict:
    """`size` blank nodes each pointing to all the others (1.8 KB for eight): every one hashes alike, so RDFC-1.0
    tries every permutation of the others, recursively."""
    poisoned = copy.deepcopy(credential)
    nodes = [
        {"id": f"_:n{index}", KNOWS: [{"id": f"_:n{other}"} for other in range(size) if other != index]}
        for index in range(size)
    ]
    poisoned["credentialSubject"] = {**poisoned["credentialSubject"], KNOWS: nodes}
    return poisoned


def look_alike_tree(credential: dict, parents: int = 2, children: int = 4) -> dict:
    """`parents` objects without an id, each with `children` alike objects without an id: no blank-node identifier
    is written, yet their blank nodes share hashes, so RDFC-1.0 permutes them (436 steps for two parents of four
    children, 1002 for five)."""
    poisoned = copy.deepcopy(credential)
    parent = {KNOWS: [{KNOWS: "alike"} for _child in range(children)]}
    poisoned["credentialSubject"] = {
        **poisoned["credentialSubject"],
        KNOWS: [copy.deepcopy(parent) for _parent in range(parents)],
    }
    return poisoned


def long_name_list(credential: dict, size: int = 200 * 1024) -> dict:
    """A `name` array of distinct strings, `size` bytes of JSON: pyld merges it with a quadratic duplicate check."""
    poisoned = copy.deepcopy(credential)
    count = size // 12
    poisoned["name"] = [f"{index:09d}" for index in range(count)]
    return poisoned


def long_proof_value(credential: dict, length: int = 200 * 1024) -> dict:
    """A proofValue of `length` base58 characters: decoding base58 costs the square of the length."""
    poisoned = copy.deepcopy(credential)
    proof = poisoned["proof"][0] if isinstance(poisoned["proof"], list) else poisoned["proof"]
    proof["proofValue"] = "z" + "2" * length
    return poisoned


def deep_nesting(credential: dict, depth: int = 500) -> dict:
    """Objects nested `depth` levels deep under the subject."""
    poisoned = copy.deepcopy(credential)
    node: dict = {KNOWS: "the bottom"}
    for _level in range(depth):
        node = {KNOWS: node}
    poisoned["credentialSubject"] = {**poisoned["credentialSubject"], KNOWS: node}
    return poisoned


def oversize(credential: dict, size: int = 300 * 1024) -> dict:
    """A genuine credential with a description of `size` bytes."""
    poisoned = copy.deepcopy(credential)
    poisoned["description"] = "长" * (size // 3)
    return poisoned


POISONS = {
    "blank_node_clique": blank_node_clique,
    "look_alike_tree": look_alike_tree,
    "long_name_list": long_name_list,
    "long_proof_value": long_proof_value,
    "deep_nesting": deep_nesting,
    "oversize": oversize,
}


class Stalled(BaseException):
    """Raised in the test's thread when the code under test is still busy at the deadline. A BaseException, so
    that the `except Exception` around pyld cannot swallow it."""


@contextmanager
def deadline(seconds: float):
    """Fail rather than hang: a verifier without limits spends minutes on these poisons, the limits a few ms.
    The deadline is generous so that it never decides a test on a slow machine: it only ends a stall."""

    def stalled(_signum, _frame):
        raise Stalled(f"still busy after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stalled)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
