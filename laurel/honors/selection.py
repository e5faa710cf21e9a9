"""Choose the N honorees that rank best while every hard representation rule holds (no Django here).

The exact method is an integer linear programme solved by scipy's `milp` (HiGHS, branch and bound):
maximise the sum of the chosen nominations' scores subject to choosing exactly N, and for each hard rule
on honorees, at least (or at most) its bound among the chosen. A greedy top-N can break a minimum share
that the programme then satisfies by swapping the weakest unneeded pick for the best one that is needed.

Before solving, candidates are grouped by which rules count them; within a group any chosen member can be
exchanged for a better-scoring one without changing a rule's count, so only each group's best N (plus the
fixed candidates) can appear in an optimal choice. The programme is solved over those few, which keeps it
exact and fast (2,000 candidates and three rules leave at most 8 x N variables). A group rule ("at most 3 from
one unit") is one constraint per group; the groups are disjoint, so they add few distinct memberships.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True)
class Constraint:
    """`members[i]` is true when candidate i has the trait; the chosen count of members is at least/at most `limit`."""

    key: object
    members: np.ndarray
    bound: str  # "min" or "max"
    limit: int


class Infeasible(Exception):
    def __init__(self, constraints: Sequence[Constraint]):
        super().__init__("no selection satisfies every hard rule")
        self.constraints = list(constraints)


def select(
    scores: np.ndarray, count: int, constraints: Sequence[Constraint] = (), *, fixed: Sequence[int] = ()
) -> np.ndarray:
    """Indices of the chosen candidates, best score first. `fixed` candidates must be chosen."""
    scores = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=-1e6)
    if count > scores.size:
        raise Infeasible(constraints)
    if scores.size == 0 or count == 0:
        return np.array([], dtype=np.int64)
    keep = _contenders(scores, count, constraints, fixed)
    chosen = keep[_solve(scores[keep], count, [_restrict(c, keep) for c in constraints], np.isin(keep, fixed))]
    return chosen[np.argsort(-scores[chosen], kind="stable")]


def _restrict(constraint: Constraint, keep: np.ndarray) -> Constraint:
    return Constraint(constraint.key, np.asarray(constraint.members)[keep], constraint.bound, constraint.limit)


def _contenders(scores: np.ndarray, count: int, constraints, fixed) -> np.ndarray:
    """The fixed candidates and, in each group of candidates the rules treat alike, the best `count`."""
    is_fixed = np.zeros(scores.size, dtype=bool)
    is_fixed[list(fixed)] = True
    # Candidates are alike when every rule counts them the same way. A rule per unit adds one constraint per unit,
    # so there can be more rules than bits in an integer: the membership rows are compared whole.
    if constraints:
        membership = np.column_stack([np.asarray(constraint.members, dtype=bool) for constraint in constraints])
        _rows, signature = np.unique(membership, axis=0, return_inverse=True)
        signature = signature.ravel()
    else:
        signature = np.zeros(scores.size, dtype=np.int64)
    order = np.lexsort((np.arange(scores.size), -scores, signature))
    ordered_signature = signature[order]
    starts = np.searchsorted(ordered_signature, ordered_signature, side="left")
    position_in_group = np.arange(scores.size) - starts
    keep = np.zeros(scores.size, dtype=bool)
    keep[order[position_in_group < count]] = True
    return np.flatnonzero(keep | is_fixed)


def _solve(scores: np.ndarray, count: int, constraints, fixed_mask: np.ndarray) -> np.ndarray:
    size = scores.size
    rows = [np.ones(size)]
    lower = [count]
    upper = [count]
    for constraint in constraints:
        rows.append(np.asarray(constraint.members, dtype=np.float64))
        if constraint.bound == "min":
            lower.append(constraint.limit)
            upper.append(np.inf)
        else:
            lower.append(-np.inf)
            upper.append(constraint.limit)
    result = milp(
        -scores,
        constraints=LinearConstraint(np.vstack(rows), lower, upper),
        integrality=np.ones(size),
        bounds=Bounds(fixed_mask.astype(np.float64), np.ones(size)),
    )
    if result.status != 0 or result.x is None:
        raise Infeasible(constraints)
    return _earliest_among_equals(result.x > 0.5, scores, constraints, np.flatnonzero(fixed_mask))


def _earliest_among_equals(picked: np.ndarray, scores: np.ndarray, constraints, fixed) -> np.ndarray:
    """Ties go to the earlier candidate, whatever the solver returned: among candidates alike in score, rule
    membership and being fixed, the same number are chosen, the earliest ones. Score and rules are unchanged."""
    is_fixed = np.zeros(scores.size, dtype=bool)
    is_fixed[list(fixed)] = True
    columns = [scores, is_fixed] + [np.asarray(constraint.members, dtype=float) for constraint in constraints]
    keys = np.column_stack(columns)
    _unique, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.ravel()
    result = np.zeros(scores.size, dtype=bool)
    for label in np.unique(group[picked]):
        members = np.flatnonzero(group == label)
        result[members[: int(picked[members].sum())]] = True
    return np.flatnonzero(result)


def greedy(scores: np.ndarray, count: int) -> np.ndarray:
    """The plain top-N, for comparison: it ignores the rules."""
    scores = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=-1e6)
    return np.argsort(-scores, kind="stable")[:count]


def holds(constraint: Constraint, chosen: np.ndarray) -> bool:
    members = int(np.asarray(constraint.members)[chosen].sum())
    return members >= constraint.limit if constraint.bound == "min" else members <= constraint.limit
