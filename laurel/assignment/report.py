"""The report that goes with a solution: loads, per-item affinity, conflicts avoided."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from laurel.assignment.problem import Prepared, Reason, Report


def _top_k_conflicts(prepared: Prepared, chunk: int = 2048) -> int:
    """Conflicted pairs a naive "best k experts per item" choice would have picked."""
    conflicts = prepared.conflicts  # sorted by item
    if not conflicts.size:
        return 0
    affinity = prepared.affinity
    values = np.asarray(affinity[conflicts[:, 0], conflicts[:, 1]]).ravel().astype(np.float64)
    items = np.unique(conflicts[:, 0])
    cutoff = np.full(prepared.n_items, np.inf)  # k <= 0: nothing picked
    k = prepared.k_max
    size = prepared.n_experts
    cutoff[items[k[items] >= size]] = -np.inf  # k covers the panel: everything picked
    ranked = items[(k[items] > 0) & (k[items] < size)]
    for start in range(0, len(ranked), chunk):
        batch = ranked[start : start + chunk]
        rows = affinity[batch].toarray() if sp.issparse(affinity) else np.asarray(affinity[batch])
        for value in np.unique(k[batch]).tolist():
            same = k[batch] == value
            cutoff[batch[same]] = np.partition(rows[same], size - value, axis=1)[:, size - value]
    return int(np.count_nonzero(values >= cutoff[conflicts[:, 0]]))


def build_report(prepared: Prepared, pairs: np.ndarray, pair_affinity: np.ndarray, kept: int | None) -> Report:
    n_items, n_experts = prepared.n_items, prepared.n_experts
    loads = np.bincount(pairs[:, 1], minlength=n_experts) if pairs.size else np.zeros(n_experts, np.int64)
    counts = np.bincount(pairs[:, 0], minlength=n_items) if pairs.size else np.zeros(n_items, np.int64)
    totals = np.bincount(pairs[:, 0], weights=pair_affinity, minlength=n_items) if pairs.size else np.zeros(n_items)
    minimum = np.full(n_items, np.inf)
    if pairs.size:
        np.minimum.at(minimum, pairs[:, 0], pair_affinity)
    minimum[counts == 0] = 0.0
    mean = np.divide(totals, counts, out=np.zeros(n_items), where=counts > 0)
    warnings = []
    reachable = prepared.candidates_per_expert()
    if prepared.forced.size:
        reachable = reachable + np.bincount(prepared.forced[:, 1], minlength=n_experts)
    shut_out = np.flatnonzero(reachable == 0)
    if shut_out.size:
        warnings.append(
            Reason(
                "expert_unusable",
                "These experts conflict with every item (or have no capacity) and get nothing: %(experts)s.",
                {"experts": prepared.show_experts(shut_out)},
            )
        )
    return Report(
        loads=loads,
        item_affinity_min=minimum,
        item_affinity_mean=mean,
        item_affinity_total=totals,
        conflicts_excluded=len(prepared.conflicts),
        conflicts_avoided=_top_k_conflicts(prepared),
        kept=kept,
        warnings=warnings,
    )
