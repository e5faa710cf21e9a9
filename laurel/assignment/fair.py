"""Fair mode without group constraints: maximise the worst item's total affinity, then the total.

Method (a Lagrangian / multiplicative-weights scheme over exact min-cost flows): round 0 is the exact
total-affinity optimum; each later round solves the min-cost flow with item weights w_i (arc cost
-round(affinity x w_i x scale)), raising the weight of items whose total is below the mean and lowering the
others. The answer is the round with the best (worst item total, total) pair, so it is never worse for the
worst item than the total-affinity optimum. Max-min assignment is NP-hard in general, so the result is
only reported exact when it is provably so: when round 0 (the total optimum) already reaches the upper
bound "smallest, over items, of the sum of the item's best k_max allowed affinities". Rounds stop at that
bound or at the problem's time limit.
"""

from __future__ import annotations

import time

import numpy as np

from laurel.assignment.flow import cost_scale, solve_flow
from laurel.assignment.problem import Prepared

ROUNDS = 40
STEP = 0.6


def worst_item_bound(prepared: Prepared, forced_totals: np.ndarray) -> float:
    """No assignment gives every item more than this: each item's best k_min allowed pairs, at most."""
    if not prepared.n_items:
        return 0.0
    forced_counts = np.bincount(prepared.forced[:, 0], minlength=prepared.n_items) if prepared.forced.size else 0
    need = np.maximum(prepared.k_max - forced_counts, 0)
    affinity = prepared.arc_affinity.astype(np.float64)
    order = np.lexsort((-affinity, prepared.arc_items))
    items = prepared.arc_items[order]
    starts = np.searchsorted(items, np.arange(prepared.n_items))
    rank = np.arange(len(items)) - starts[items]
    best = np.bincount(
        items[rank < need[items]], weights=affinity[order][rank < need[items]], minlength=prepared.n_items
    )
    return float((forced_totals + best).min())


def solve_fair_flow(prepared: Prepared) -> tuple[np.ndarray, bool]:
    """Return (chosen arcs, whether the answer is proven lexicographically optimal)."""
    started = time.perf_counter()
    scale = cost_scale(prepared)
    affinity = prepared.arc_affinity.astype(np.float64)
    forced_totals = (
        np.bincount(prepared.forced[:, 0], weights=prepared.forced_affinity, minlength=prepared.n_items)
        if prepared.forced.size
        else np.zeros(prepared.n_items)
    )
    bound = worst_item_bound(prepared, forced_totals)
    weights = np.ones(prepared.n_items)
    best, best_key = None, None
    for round_number in range(ROUNDS):
        costs = -np.rint(affinity * weights[prepared.arc_items] * scale).astype(np.int64)
        chosen = solve_flow(prepared, costs)
        totals = forced_totals + np.bincount(
            prepared.arc_items[chosen], weights=affinity[chosen], minlength=prepared.n_items
        )
        key = (round(float(totals.min()), 9), round(float(totals.sum()), 9))
        if best_key is None or key > best_key:
            best, best_key = chosen, key
        if key[0] >= bound - 1e-9:
            return best, round_number == 0
        spread = float(totals.std())
        if spread <= 1e-12 or time.perf_counter() - started > prepared.time_limit:
            break
        weights = weights * np.exp(STEP * (totals.mean() - totals) / spread)
        weights = np.clip(weights / weights.max(), 1e-3, 1.0)
    return best, False
