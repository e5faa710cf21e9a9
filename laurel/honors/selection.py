"""Choose the N honorees that rank best while every hard representation rule holds (no Django here).

The exact method is an integer linear programme solved by scipy's `milp` (HiGHS, branch and bound):
maximise the sum of the chosen nominations' scores subject to choosing exactly N, and for each hard rule
on honorees, at least (or at most) its bound among the chosen. A greedy top-N can break a minimum share
that the programme then satisfies by swapping the weakest unneeded pick for the best one that is needed.
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
    size = scores.size
    if count > size:
        raise Infeasible(constraints)
    if size == 0 or count == 0:
        return np.array([], dtype=np.int64)
    objective = -scores
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
    low_bounds = np.zeros(size)
    low_bounds[list(fixed)] = 1
    result = milp(
        objective,
        constraints=LinearConstraint(np.vstack(rows), lower, upper),
        integrality=np.ones(size),
        bounds=Bounds(low_bounds, np.ones(size)),
    )
    if result.status != 0 or result.x is None:
        raise Infeasible(constraints)
    chosen = _earliest_among_equals(result.x > 0.5, scores, constraints, fixed)
    return chosen[np.argsort(-scores[chosen], kind="stable")]


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
