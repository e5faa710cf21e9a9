"""What the solver is asked and what it answers. Pure numpy/scipy: no Django here.

A problem has `n_items` items (nominations) and `n_experts` experts. Pairs are `(item index, expert index)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Reason:
    """Why a problem is invalid or infeasible: a stable code, an English template and its parameters.

    `str(reason)` is the English sentence; `laurel.assignment.texts.translate_reason` renders it in the
    user's language from the same code and parameters.
    """

    code: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template % self.params


class AssignmentError(Exception):
    """Base of the engine's errors; carries a list of `Reason`."""

    def __init__(self, reasons: list[Reason]):
        self.reasons = list(reasons)
        super().__init__("; ".join(str(reason) for reason in self.reasons))


class InvalidProblem(AssignmentError):
    """The input itself is wrong (NaN or negative affinities, indices out of range, bad bounds)."""


class Infeasible(AssignmentError):
    """The input is well-formed but no assignment satisfies every constraint."""


@dataclass(frozen=True)
class GroupConstraint:
    """Every listed item gets at least `minimum` experts for which `members` is true.

    `members` is a boolean vector over experts (e.g. senior experts) or a boolean items x experts matrix
    (e.g. "from outside the nominee's region", which differs per item). `items` defaults to every item.
    """

    name: str
    members: Any
    minimum: int = 1
    items: Any = None


@dataclass
class Problem:
    """An assignment problem.

    affinity: items x experts, dense numpy array or scipy.sparse matrix, finite and non-negative. With a
        dense matrix every pair is a candidate; with a sparse matrix only the stored entries are.
    conflicts: pairs never to assign: a boolean items x experts matrix (dense or sparse) or (item, expert) pairs.
    k: reviews per item (int or per-item array); or give `k_min`/`k_max` instead for a range.
    load_min, load_max: per-expert bounds on the number of items (int or per-expert array).
    forced: (item, expert) pairs that must be in the assignment (e.g. submitted reviews).
    keep: (item, expert) pairs to keep when possible: the solver first maximises how many of them stay,
        then the objective (used by incremental reassignment).
    groups: `GroupConstraint`s; these need the MILP solver.
    fair: maximise the worst item's total affinity first, then the total.
    item_ids, expert_ids: labels used in reasons and reports (default: indices).
    time_limit: seconds for the MILP solver (fair mode, group constraints).
    """

    affinity: Any
    k: Any = None
    k_min: Any = None
    k_max: Any = None
    load_min: Any = 0
    load_max: Any = None
    conflicts: Any = None
    forced: Any = None
    keep: Any = None
    groups: list[GroupConstraint] = field(default_factory=list)
    fair: bool = False
    item_ids: list | None = None
    expert_ids: list | None = None
    time_limit: float = 60.0


@dataclass
class Report:
    loads: np.ndarray
    item_affinity_min: np.ndarray
    item_affinity_mean: np.ndarray
    item_affinity_total: np.ndarray
    conflicts_excluded: int
    conflicts_avoided: int
    kept: int | None = None
    warnings: list[Reason] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        return {
            "load_min": int(self.loads.min()) if self.loads.size else 0,
            "load_max": int(self.loads.max()) if self.loads.size else 0,
            "item_affinity_min": float(self.item_affinity_min.min()) if self.item_affinity_min.size else 0.0,
            "item_affinity_mean": float(self.item_affinity_mean.mean()) if self.item_affinity_mean.size else 0.0,
            "worst_item_total": float(self.item_affinity_total.min()) if self.item_affinity_total.size else 0.0,
            "conflicts_excluded": self.conflicts_excluded,
            "conflicts_avoided": self.conflicts_avoided,
        }


@dataclass
class Solution:
    """The assignment: `pairs` is an (n, 2) int array of (item, expert) indices, sorted."""

    pairs: np.ndarray
    objective: float
    worst_item_total: float
    method: str
    exact: bool
    seconds: float
    report: Report
    item_ids: list
    expert_ids: list

    def labelled_pairs(self) -> list[tuple]:
        return [(self.item_ids[item], self.expert_ids[expert]) for item, expert in self.pairs.tolist()]


def _per(value, size: int, name: str, default=None) -> np.ndarray:
    if value is None:
        value = default
    array = np.asarray(value)
    if array.ndim == 0:
        array = np.full(size, array)
    if array.shape != (size,):
        raise InvalidProblem(
            [Reason("bad_shape", "%(name)s must have %(size)d entries.", {"name": name, "size": size})]
        )
    if not np.all(np.isfinite(array.astype(float))) or np.any(array < 0) or np.any(array != np.round(array)):
        raise InvalidProblem([Reason("bad_bound", "%(name)s must be whole numbers of at least 0.", {"name": name})])
    return array.astype(np.int64)


def _pairs(value, n_items: int, n_experts: int, name: str) -> np.ndarray:
    """Normalise a boolean matrix or an iterable of pairs to a unique (n, 2) int64 array."""
    if value is None:
        return np.zeros((0, 2), dtype=np.int64)
    if sp.issparse(value):
        coo = sp.coo_array(value)
        coo.sum_duplicates()
        keep = coo.data != 0
        pairs = np.stack([coo.row[keep], coo.col[keep]], axis=1).astype(np.int64)
    else:
        array = np.asarray(value)
        if array.dtype == bool:
            if array.shape != (n_items, n_experts):
                raise InvalidProblem(
                    [Reason("bad_shape", "%(name)s must be an items x experts matrix.", {"name": name})]
                )
            return np.argwhere(array).astype(np.int64)  # sorted and unique already
        else:
            pairs = array.reshape(-1, 2).astype(np.int64) if array.size else np.zeros((0, 2), dtype=np.int64)
    if pairs.size and (
        pairs[:, 0].min() < 0 or pairs[:, 1].min() < 0 or pairs[:, 0].max() >= n_items or pairs[:, 1].max() >= n_experts
    ):
        raise InvalidProblem(
            [Reason("pair_out_of_range", "%(name)s names an item or expert that does not exist.", {"name": name})]
        )
    if not pairs.size:
        return pairs
    codes = np.unique(pairs[:, 0] * n_experts + pairs[:, 1])
    return np.stack([codes // n_experts, codes % n_experts], axis=1)


def _labels(ids, size: int) -> list:
    return list(range(size)) if ids is None else list(ids)


def _show(labels: list, indices, limit: int = 10) -> str:
    names = [str(labels[index]) for index in list(indices)[:limit]]
    more = len(list(indices)) - limit
    return ", ".join(names) + (f" (+{more})" if more > 0 else "")


@dataclass
class Prepared:
    """A validated problem with candidate pairs as flat arrays (the solvers' common input)."""

    n_items: int
    n_experts: int
    k_min: np.ndarray
    k_max: np.ndarray
    load_min: np.ndarray
    load_max: np.ndarray
    forced: np.ndarray  # (n, 2)
    forced_affinity: np.ndarray
    conflicts: np.ndarray  # (n, 2)
    keep: np.ndarray  # (n, 2)
    item_ids: list
    expert_ids: list
    affinity: Any
    groups: list[GroupConstraint]
    fair: bool
    time_limit: float
    # Candidate pairs (excluding conflicts, forced pairs and experts without capacity), either as flat arrays
    # (sparse affinity) or, for a dense affinity, as the items x experts mask `blocked` of the pairs that are
    # NOT candidates; the flat arrays are then built only when a solver asks for them.
    arcs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    blocked: np.ndarray | None = None
    largest: float | None = None

    def show_items(self, indices) -> str:
        return _show(self.item_ids, indices)

    def show_experts(self, indices) -> str:
        return _show(self.expert_ids, indices)

    def _flat_arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if self.arcs is None:
            arc_items, arc_experts = np.nonzero(~self.blocked)
            arc_items, arc_experts = arc_items.astype(np.int32), arc_experts.astype(np.int32)
            self.arcs = (
                arc_items,
                arc_experts,
                self.affinity[arc_items, arc_experts],
                self.keep_mask(arc_items, arc_experts),
            )
        return self.arcs

    @property
    def arc_items(self) -> np.ndarray:
        return self._flat_arcs()[0]

    @property
    def arc_experts(self) -> np.ndarray:
        return self._flat_arcs()[1]

    @property
    def arc_affinity(self) -> np.ndarray:
        return self._flat_arcs()[2]

    @property
    def arc_keep(self) -> np.ndarray:
        """Bool per candidate arc: is the pair one to keep (incremental reassignment)."""
        return self._flat_arcs()[3]

    def keep_mask(self, items: np.ndarray, experts: np.ndarray) -> np.ndarray:
        if not self.keep.size:
            return np.zeros(len(items), dtype=bool)
        keep_codes = self.keep[:, 0] * self.n_experts + self.keep[:, 1]
        return np.isin(items.astype(np.int64) * self.n_experts + experts, keep_codes)

    def candidates_per_item(self) -> np.ndarray:
        if self.arcs is None:
            return self.n_experts - np.count_nonzero(self.blocked, axis=1)
        usable = self.load_max[self.arc_experts] > 0
        return np.bincount(self.arc_items[usable], minlength=self.n_items)

    def candidates_per_expert(self) -> np.ndarray:
        if self.arcs is None:
            return self.n_items - np.count_nonzero(self.blocked, axis=0)
        return np.bincount(self.arc_experts, minlength=self.n_experts)

    def largest_affinity(self) -> float:
        """The largest candidate affinity (1.0 when there is none); computed once."""
        if self.largest is None:
            self.largest = self._largest_affinity()
        return self.largest

    def _largest_affinity(self) -> float:
        if self.arcs is None:
            if not self.blocked.size or self.blocked.all():
                return 1.0
            return float(np.max(self.affinity, where=~self.blocked, initial=0.0))
        return float(self.arc_affinity.max()) if self.arc_affinity.size else 1.0


def _check_affinity(affinity) -> tuple[Any, np.ndarray]:
    values = affinity.data if sp.issparse(affinity) else affinity
    if not np.issubdtype(np.asarray(values).dtype, np.number):
        raise InvalidProblem([Reason("affinity_not_numeric", "Affinities must be numbers.")])
    reasons = []
    nan_count = int(np.count_nonzero(~np.isfinite(values)))
    if nan_count:
        reasons.append(
            Reason("affinity_not_finite", "%(count)d affinities are missing or not finite (NaN).", {"count": nan_count})
        )
    negative = int(np.count_nonzero(values < 0))
    if negative:
        reasons.append(
            Reason(
                "affinity_negative",
                "%(count)d affinities are negative; affinities must be 0 or more.",
                {"count": negative},
            )
        )
    if reasons:
        raise InvalidProblem(reasons)
    return affinity, values


def prepare(problem: Problem) -> Prepared:
    affinity = problem.affinity
    if not sp.issparse(affinity):
        affinity = np.asarray(affinity)
        if affinity.ndim != 2:
            raise InvalidProblem([Reason("affinity_shape", "The affinity must be an items x experts matrix.")])
    else:
        affinity = sp.csr_array(affinity)
        affinity.sum_duplicates()
    _check_affinity(affinity)
    n_items, n_experts = affinity.shape
    if problem.k is not None:
        k_min = k_max = _per(problem.k, n_items, "k")
    else:
        if problem.k_min is None and problem.k_max is None:
            raise InvalidProblem([Reason("k_missing", "Give k, or k_min and k_max.")])
        k_min = _per(problem.k_min, n_items, "k_min", default=0)
        k_max = _per(problem.k_max, n_items, "k_max", default=n_experts)
    load_min = _per(problem.load_min, n_experts, "load_min", default=0)
    load_max = _per(problem.load_max, n_experts, "load_max", default=n_items)
    bad = []
    if np.any(k_min > k_max):
        bad.append(Reason("k_range", "k_min is larger than k_max for some items."))
    if np.any(load_min > load_max):
        bad.append(Reason("load_range", "The minimum load is larger than the maximum load for some experts."))
    if bad:
        raise InvalidProblem(bad)

    conflicts = _pairs(problem.conflicts, n_items, n_experts, "conflicts")
    forced = _pairs(problem.forced, n_items, n_experts, "forced pairs")
    keep = _pairs(problem.keep, n_items, n_experts, "kept pairs")

    arcs, blocked = None, None
    if sp.issparse(affinity):
        coo = affinity.tocoo()
        mask = sp.csr_array((np.ones(coo.nnz, dtype=bool), (coo.row, coo.col)), shape=affinity.shape)
        exclude = np.concatenate([conflicts, forced])
        if exclude.size:
            off = sp.csr_array(
                (np.ones(len(exclude), dtype=bool), (exclude[:, 0], exclude[:, 1])), shape=affinity.shape
            )
            mask = mask > off
        mask = mask.tocoo()
        arc_items, arc_experts = mask.row.astype(np.int32), mask.col.astype(np.int32)
        arc_affinity = np.asarray(affinity[arc_items, arc_experts]).ravel().astype(np.float64)
        forced_affinity = np.asarray(affinity[forced[:, 0], forced[:, 1]]).ravel() if forced.size else np.zeros(0)
        arcs = (arc_items, arc_experts, arc_affinity, None)
    else:
        conflict_matrix = problem.conflicts
        if isinstance(conflict_matrix, np.ndarray) and conflict_matrix.dtype == bool:
            blocked = conflict_matrix.copy()
        else:
            blocked = np.zeros(affinity.shape, dtype=bool)
            if conflicts.size:
                blocked[conflicts[:, 0], conflicts[:, 1]] = True
        if forced.size:
            blocked[forced[:, 0], forced[:, 1]] = True
        blocked[:, load_max == 0] = True
        forced_affinity = affinity[forced[:, 0], forced[:, 1]].astype(np.float64) if forced.size else np.zeros(0)
    prepared = Prepared(
        n_items=n_items,
        n_experts=n_experts,
        k_min=k_min,
        k_max=k_max,
        load_min=load_min,
        load_max=load_max,
        forced=forced,
        forced_affinity=forced_affinity,
        conflicts=conflicts,
        keep=keep,
        item_ids=_labels(problem.item_ids, n_items),
        expert_ids=_labels(problem.expert_ids, n_experts),
        affinity=affinity,
        groups=list(problem.groups),
        fair=problem.fair,
        time_limit=problem.time_limit,
        arcs=arcs,
        blocked=blocked,
    )
    if arcs is not None:
        prepared.arcs = (*arcs[:3], prepared.keep_mask(arcs[0], arcs[1]))
    return prepared
