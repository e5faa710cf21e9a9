"""RDFC-1.0 (URDNA2015) with a work limit: pyld's implementation, refusing a dataset whose blank nodes would
need more than `max_work` steps of the Hash N-Degree Quads algorithm.

That algorithm tries every permutation of the blank nodes that share a hash and recurses into each, so blank
nodes that all point to each other cost factorially many steps (RDFC-1.0 section 4.4 calls such inputs "poison
graphs" and tells implementations to bound them). A step here is one call of the algorithm or one permutation
it will try: the permutations of each group are counted before any is tried, so the limit holds before the
work is done, not after."""

import hashlib
from math import factorial

from pyld.canon import URDNA2015

from laurel.certificates.credentials.limits import LimitExceeded


class BoundedURDNA2015(URDNA2015):
    def __init__(self, *, max_work: int, hash_name: str = "sha256"):
        super().__init__()
        self.max_work = max_work
        self.work = 0
        self.hash_name = hash_name

    def create_hash(self):
        """RDFC-1.0's hash parameter: SHA-256 by default, SHA-384 where a cryptosuite asks for it."""
        return hashlib.new(self.hash_name)

    def _spend(self, steps: int) -> None:
        self.work += steps
        if self.work > self.max_work:
            raise LimitExceeded("canonicalization_too_costly", self.max_work)

    def create_hash_to_related(self, id_, issuer):
        """Called once at the start of each Hash N-Degree Quads run, with the groups it will permute."""
        hash_to_related = super().create_hash_to_related(id_, issuer)
        steps = 1
        for blank_nodes in hash_to_related.values():
            # factorial(n) for n past the budget is astronomically past it: stop before computing it.
            if len(blank_nodes) > 12:
                self._spend(self.max_work + 1)
            steps += factorial(len(blank_nodes))
        self._spend(steps)
        return hash_to_related
