"""The report that goes with a solution: loads, per-item affinity, conflicts avoided."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from laurel.assignment.problem import Prepared, Reason, Report


def _top_k_conflicts(prepared: Prepared) -> int:
    """Conflicted pairs a naive "best k experts per item" choice would have picked."""
    conflicts = prepared.conflicts  # sorted by item
    if not conflicts.size:
        return 0
    affinity = prepared.affinity
    values = np.asarray(affinity[conflicts[:, 0], conflicts[:, 1]]).ravel().astype(np.float64)
    items, starts = np.unique(conflicts[:, 0], return_index=True)
    ends = np.append(starts[1:], len(conflicts))
    avoided = 0
    for item, start, end in zip(items.tolist(), starts.tolist(), ends.tolist(), strict=True):
        k = int(prepared.k_max[item])
        row = affinity[[item]].toarray().ravel() if sp.issparse(affinity) else np.asarray(affinity[item])
        if k <= 0:
            continue
        if k >= row.size:
            avoided += end - start
            continue
        cutoff = np.partition(row, row.size - k)[row.size - k]
        avoided += int(np.count_nonzero(values[start:end] >= cutoff))
    return avoided


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
    reachable = np.bincount(prepared.arc_experts, minlength=n_experts)
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
