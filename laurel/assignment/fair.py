"""Fair mode without group constraints: lexicographic, first the worst item's total affinity, then the total.

All values are the flow's integer costs (affinity x scale, rounded) over COST_RESOLUTION, so both modes rank
solutions alike and every comparison below is between multiples of one unit.

1. Candidates S: each item's best arcs plus the total-affinity optimum (so S always has a solution).
2. Worst-item heuristic: rounds of min-cost flows on S with item weights (multiplicative weights: items
   below the mean weigh more), keeping the best (worst total, total). It gives a reachable worst value W.
3. Bound on the worst value: the linear relaxation of "maximise t, every item's total >= t" (HiGHS), with
   column generation: arcs outside S whose reduced cost under the LP's duals is negative join S until none
   is, so the LP's value U bounds every assignment on all arcs. W is proven the best worst value when no
   multiple of the unit lies in (W, U]; otherwise the integer program on S tries the thresholds up to U.
4. Total at the worst value: the integer program "maximise the total, every item >= W" on S (HiGHS; its
   linear relaxation is close to the flow polytope, so it closes fast). Its proof covers all arcs by reduced-
   cost fixing: the relaxation on all arcs (column generation again) has value Z; an arc with reduced cost d
   can be in a solution better than the incumbent only if Z - d beats it, and every such arc joins S before
   the integer program runs again. When none is left out and HiGHS proves its optimum, the total is exact.

`exact` is true only when both proofs hold; the heuristic's answer is returned (not exact) when the integer
program runs out of time. Minimum loads, k ranges and forced pairs are rows like any other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from laurel.assignment.diagnosis import forced_counts
from laurel.assignment.flow import COST_RESOLUTION, _row_chunks, _top_per_row, cost_scale, solve_flow, solve_total
from laurel.assignment.problem import Prepared

ROUNDS = 24  # weighted flows of the heuristic
STEP = 0.6
WIDTH = 4  # candidate arcs per item: WIDTH x k_max, at least 12
PRICE_LIMIT = 16  # arcs per item a pricing round adds
PRICE_ROUNDS = 12
TOLERANCE = 1e-7  # solver tolerance on values of order 1 (one unit is 1e-6)
UNIT = 1.0 / COST_RESOLUTION
FULL_ARCS = 25_000  # problems with at most this many arcs keep them all in S
BISECTIONS = 4  # thresholds tried on a partial S (each an integer program)


@dataclass
class Candidates:
    """The arcs of S with their values in units of COST_RESOLUTION (floats that are exact multiples)."""

    items: np.ndarray
    experts: np.ndarray
    values: np.ndarray


@dataclass
class FairResult:
    items: np.ndarray
    experts: np.ndarray
    exact: bool
    worst_bound: float  # the LP bound U on the worst item's total (affinity units / scale)


def _quantised(prepared: Prepared, scale: float, items: np.ndarray, experts: np.ndarray) -> np.ndarray:
    if prepared.blocked is not None:
        raw = prepared.affinity[items, experts].astype(np.float64)
    else:
        raw = np.asarray(prepared.affinity[items, experts]).ravel().astype(np.float64)
    return np.rint(raw * scale) * UNIT


def _floor_units(value: float) -> float:
    return np.floor(value * COST_RESOLUTION + 1e-3) * UNIT


class _Model:
    """Rows shared by the LPs and integer programs of both phases, on the candidates S."""

    def __init__(self, prepared: Prepared, scale: float, deadline: float):
        self.prepared = prepared
        self.deadline = deadline
        self.scale = scale
        forced_items, forced_experts = forced_counts(prepared)
        self.item_low = np.maximum(prepared.k_min - forced_items, 0).astype(float)
        self.item_high = (prepared.k_max - forced_items).astype(float)
        self.expert_low = np.maximum(prepared.load_min - forced_experts, 0).astype(float)
        self.expert_high = (prepared.load_max - forced_experts).astype(float)
        if prepared.forced.size:
            forced_values = np.rint(prepared.forced_affinity.astype(np.float64) * scale) * UNIT
            self.forced_totals = np.bincount(prepared.forced[:, 0], weights=forced_values, minlength=prepared.n_items)
        else:
            self.forced_totals = np.zeros(prepared.n_items)

    def matrices(self, arcs: Candidates):
        n_items, n_experts, count = self.prepared.n_items, self.prepared.n_experts, len(arcs.items)
        columns = np.arange(count)
        ones = np.ones(count)
        item_rows = sp.csr_array((ones, (arcs.items, columns)), shape=(n_items, count))
        expert_rows = sp.csr_array((ones, (arcs.experts, columns)), shape=(n_experts, count))
        fair_rows = sp.csr_array((arcs.values, (arcs.items, columns)), shape=(n_items, count))
        return item_rows, expert_rows, fair_rows

    def relaxation(self, arcs: Candidates, *, threshold: float | None):
        """The LP: phase 1 (threshold None) maximises t, phase 2 maximises the total with every item's total
        >= threshold. Returns (value, item duals, expert duals, per-item coefficient of the arc value in the
        reduced cost), in the form d(i, e) = value(i, e) * coefficient[i] - item[i] - expert[e] (a
        minimisation: d < 0 means the arc would improve the LP)."""
        item_rows, expert_rows, fair_rows = self.matrices(arcs)
        n_items, n_experts = self.prepared.n_items, self.prepared.n_experts
        count = len(arcs.items)
        if threshold is None:
            t_column = sp.csr_array(np.ones((n_items, 1)))
            zeros_items, zeros_experts = sp.csr_array((n_items, 1)), sp.csr_array((n_experts, 1))
            rows = sp.vstack(
                [
                    sp.hstack([-fair_rows, t_column]),
                    sp.hstack([item_rows, zeros_items]),
                    sp.hstack([-item_rows, zeros_items]),
                    sp.hstack([expert_rows, zeros_experts]),
                    sp.hstack([-expert_rows, zeros_experts]),
                ]
            ).tocsr()
            objective = np.zeros(count + 1)
            objective[-1] = -1.0
            bounds = [(0, 1)] * count + [(None, None)]
            fair_limit = self.forced_totals
        else:
            rows = sp.vstack([-fair_rows, item_rows, -item_rows, expert_rows, -expert_rows]).tocsr()
            objective = -arcs.values
            bounds = (0, 1)
            fair_limit = self.forced_totals - threshold
        limits = np.concatenate([fair_limit, self.item_high, -self.item_low, self.expert_high, -self.expert_low])
        seconds = self.deadline - time.monotonic()
        if seconds <= 0:
            return None
        result = linprog(
            objective, A_ub=rows, b_ub=limits, bounds=bounds, method="highs", options={"time_limit": seconds}
        )
        if result.status != 0:
            return None
        duals = result.ineqlin.marginals
        fair, item_high, item_low, expert_high, expert_low = np.split(
            duals, np.cumsum([n_items, n_items, n_items, n_experts])
        )
        # Column (i, e): objective c, entries -value in fair row i, +1/-1 in item rows, +1/-1 in expert rows.
        coefficient = fair - (1.0 if threshold is not None else 0.0)
        return result.fun, item_high - item_low, expert_high - expert_low, coefficient

    def integer(self, arcs: Candidates, threshold: float, seconds: float, *, best_total: bool = True):
        """(chosen mask, proven optimal) of "maximise the total, every item >= threshold" on S, or (None,
        proven infeasible). Without `best_total`, any assignment meeting the threshold (a quicker question)."""
        item_rows, expert_rows, fair_rows = self.matrices(arcs)
        constraints = [
            LinearConstraint(item_rows, self.item_low, self.item_high),
            LinearConstraint(expert_rows, self.expert_low, self.expert_high),
            LinearConstraint(fair_rows, threshold - self.forced_totals - UNIT / 2, np.inf),
        ]
        result = milp(
            -arcs.values if best_total else np.zeros(len(arcs.items)),
            constraints=constraints,
            integrality=np.ones(len(arcs.items)),
            bounds=Bounds(0, 1),
            options={"time_limit": max(seconds, 0.5), "mip_rel_gap": 1e-12, "disp": False},
        )
        if result.x is None:
            return None, result.status == 2  # status 2: proven infeasible (on S)
        return result.x > 0.5, result.status == 0


def _initial(prepared: Prepared, scale: float) -> Candidates:
    """Every arc of a small problem; else each item's best arcs and the total-affinity optimum."""
    if prepared.blocked is None or int(prepared.candidates_per_item().sum()) <= FULL_ARCS:
        items, experts = prepared.arc_items, prepared.arc_experts
    else:
        width = max(12, WIDTH * int(prepared.k_max.max(initial=0)))
        total_items, total_experts = solve_total(prepared)
        items, experts = [total_items], [total_experts]
        for start, end in _row_chunks(prepared):
            rows = np.where(prepared.blocked[start:end], -np.inf, prepared.affinity[start:end].astype(np.float64))
            row, column = _top_per_row(rows, min(width, prepared.n_experts))
            items.append(row.astype(np.int32) + start)
            experts.append(column.astype(np.int32))
        codes = np.unique(np.concatenate(items).astype(np.int64) * prepared.n_experts + np.concatenate(experts))
        items, experts = (codes // prepared.n_experts).astype(np.int32), (codes % prepared.n_experts).astype(np.int32)
    return Candidates(items, experts, _quantised(prepared, scale, items, experts))


def _add(prepared: Prepared, scale: float, arcs: Candidates, items: np.ndarray, experts: np.ndarray) -> Candidates:
    items = np.concatenate([arcs.items, items.astype(np.int32)])
    experts = np.concatenate([arcs.experts, experts.astype(np.int32)])
    return Candidates(items, experts, _quantised(prepared, scale, items, experts))


def _price(prepared: Prepared, scale: float, arcs: Candidates, duals, ceiling: float, limit: int):
    """Arcs outside S whose reduced cost is below `ceiling` (at most `limit` per item, the lowest first)."""
    _, item_dual, expert_dual, coefficient = duals
    if prepared.blocked is None:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)  # sparse problems: S holds every arc already
    outside = ~prepared.blocked
    outside[arcs.items, arcs.experts] = False
    found_items, found_experts = [], []
    for start, end in _row_chunks(prepared):
        values = np.rint(prepared.affinity[start:end].astype(np.float64) * scale) * UNIT
        reduced = values * coefficient[start:end, None] - item_dual[start:end, None] - expert_dual[None, :]
        reduced = np.where(outside[start:end] & (reduced < ceiling), -reduced, -np.inf)
        row, column = _top_per_row(reduced, min(limit, prepared.n_experts))
        found_items.append(row.astype(np.int32) + start)
        found_experts.append(column.astype(np.int32))
    return np.concatenate(found_items), np.concatenate(found_experts)


def _relax_all(model: _Model, arcs: Candidates, threshold: float | None):
    """The LP over all arcs by column generation: (LP value and duals, the candidates grown, whether the LP
    covers all arcs). When the rounds run out, the last LP (on S only) comes back, not converged."""
    prepared, scale = model.prepared, model.scale
    duals = None
    for _ in range(PRICE_ROUNDS):
        duals = model.relaxation(arcs, threshold=threshold)
        if duals is None:
            return None, arcs, False
        items, experts = _price(prepared, scale, arcs, duals, -TOLERANCE, PRICE_LIMIT)
        if not len(items):
            return duals, arcs, True
        arcs = _add(prepared, scale, arcs, items, experts)
    return duals, arcs, False


def _totals(model: _Model, arcs: Candidates, chosen: np.ndarray) -> np.ndarray:
    return model.forced_totals + np.bincount(
        arcs.items[chosen], weights=arcs.values[chosen], minlength=model.prepared.n_items
    )


def _heuristic(model: _Model, arcs: Candidates, deadline: float) -> np.ndarray:
    """The best (worst total, total) over weighted min-cost flows on S."""
    prepared = model.prepared
    restricted = replace(
        prepared,
        arcs=(arcs.items, arcs.experts, arcs.values, np.zeros(len(arcs.items), dtype=bool)),
        blocked=None,
    )
    weights = np.ones(prepared.n_items)
    best, best_key = None, None
    for _ in range(ROUNDS):
        costs = -np.rint(arcs.values * weights[arcs.items] * COST_RESOLUTION).astype(np.int64)
        chosen = solve_flow(restricted, costs)
        totals = _totals(model, arcs, chosen)
        key = (round(float(totals.min()), 9), round(float(totals.sum()), 9))
        if best_key is None or key > best_key:
            best, best_key = chosen, key
        spread = float(totals.std())
        if spread <= 1e-12 or time.monotonic() > deadline:
            break
        weights = weights * np.exp(STEP * (totals.mean() - totals) / spread)
        weights = np.clip(weights / weights.max(), 1e-3, 1.0)
    return best


def solve_fair(prepared: Prepared) -> FairResult:
    """The lexicographic optimum (worst item's total, then total) as chosen (items, experts), forced pairs
    excluded; `exact` when both values are proven optimal over all arcs (see the module docstring)."""
    started = time.monotonic()
    deadline = started + prepared.time_limit
    scale = cost_scale(prepared)
    model = _Model(prepared, scale, deadline)
    arcs = _initial(prepared, scale)
    chosen = _heuristic(model, arcs, started + prepared.time_limit / 4)
    fallback = (arcs.items[chosen], arcs.experts[chosen])
    worst = float(_totals(model, arcs, chosen).min())

    # Phase 1: the LP bound over all arcs; thresholds above the heuristic's worst value, up to the bound.
    duals, arcs, converged = _relax_all(model, arcs, None)
    bound = -duals[0] if duals is not None else np.inf  # an upper bound only when `converged`
    proven_worst = converged and _floor_units(bound + TOLERANCE) <= worst + UNIT / 2
    # Infeasible on S proves infeasible on all arcs only when S holds every arc (small problems).
    complete = len(arcs.items) == int(prepared.candidates_per_item().sum())
    best = None
    if not proven_worst and duals is not None:
        low, high = worst, _floor_units(bound + TOLERANCE)
        search_deadline = started + 0.6 * prepared.time_limit  # the rest is the total's
        exhaustive = True  # every threshold refused so far was proven infeasible on all arcs
        for attempt in range(40 if complete else BISECTIONS):
            if high < low + UNIT / 2 or time.monotonic() > search_deadline:
                break
            # The bound first (often reached), then halves, and at the end the next unit above `low`.
            target = high if attempt == 0 else max(_floor_units((low + high) / 2), low + UNIT)
            found, infeasible = model.integer(arcs, target, search_deadline - time.monotonic())
            if found is not None:
                best = found
                low = max(target, float(_totals(model, arcs, found).min()))
            else:
                exhaustive = exhaustive and complete and infeasible
                high = target - UNIT
        proven_worst = converged and exhaustive and high < low + UNIT / 2
        worst = low

    # Phase 2: the best total with every item at the worst value, proven over all arcs by reduced costs.
    proven_total = False
    if best is not None:
        best = (arcs.items[best], arcs.experts[best])
    found, optimal = model.integer(arcs, worst, deadline - time.monotonic())
    if found is not None:
        best = (arcs.items[found], arcs.experts[found])
        relaxed, grown, converged_total = _relax_all(model, arcs, worst)
        if relaxed is not None and converged_total:
            # Reduced-cost fixing with the duals D of the LP over all arcs: a solution using an arc of reduced
            # cost d is worth at most LP + d, so only arcs with d below the gap can beat the incumbent; with
            # them all in S, an optimum on S is one on all arcs (a better incumbent only shrinks the gap).
            gap = -float(arcs.values[found].sum()) - relaxed[0]
            more_items, more_experts = _price(prepared, scale, grown, relaxed, gap + 10 * TOLERANCE, prepared.n_experts)
            if len(grown.items) == len(arcs.items) and not len(more_items):
                proven_total = optimal
            else:
                arcs = _add(prepared, scale, grown, more_items, more_experts) if len(more_items) else grown
                found, optimal = model.integer(arcs, worst, deadline - time.monotonic())
                if found is not None:
                    best = (arcs.items[found], arcs.experts[found])
                    proven_total = optimal
    if best is None:
        return FairResult(*fallback, exact=False, worst_bound=bound if converged else np.inf)
    heuristic_totals = _pair_totals(model, *fallback)
    chosen_totals = _pair_totals(model, *best)
    if (round(chosen_totals.min(), 9), round(chosen_totals.sum(), 9)) < (
        round(heuristic_totals.min(), 9),
        round(heuristic_totals.sum(), 9),
    ):
        return FairResult(*fallback, exact=False, worst_bound=bound)
    return FairResult(*best, exact=bool(proven_worst and proven_total), worst_bound=bound)


def _pair_totals(model: _Model, items: np.ndarray, experts: np.ndarray) -> np.ndarray:
    values = _quantised(model.prepared, model.scale, items, experts)
    return model.forced_totals + np.bincount(items, weights=values, minlength=model.prepared.n_items)
