"""Total-affinity mode: an exact min-cost flow, built from numpy arrays in one call.

Network: item i -> expert e (capacity 1, cost -round(affinity x scale)) for every candidate pair; expert e
-> sink (capacity max load - min load; the min load is a lower bound, moved into the node supplies); items
supply their minimum reviews; a source feeds the optional reviews (k_max - k_min) with a bypass arc to the
sink. Forced pairs are taken out beforehand and counted in the bounds. Conflicts are not arcs at all, so no
solution can contain one. The flow polytope is integral, so the min-cost flow optimum is the LP optimum.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from laurel.assignment.diagnosis import explain_flow_failure, forced_counts
from laurel.assignment.problem import Infeasible, Prepared, Reason

COST_RESOLUTION = 10**6


def cost_scale(prepared: Prepared) -> float:
    """Integer costs are round(affinity x scale); scale is 10^6 for affinities up to 1."""
    largest = float(prepared.arc_affinity.max()) if prepared.arc_affinity.size else 1.0
    return COST_RESOLUTION / max(1.0, largest)


def integer_costs(prepared: Prepared) -> np.ndarray:
    scale = cost_scale(prepared)
    costs = -np.rint(prepared.arc_affinity.astype(np.float64) * scale).astype(np.int64)
    if prepared.arc_keep.any():
        # Lexicographic: one more kept pair is worth more than any difference in affinity.
        bonus = (int(prepared.k_max.sum()) + 1) * COST_RESOLUTION + 1
        costs[prepared.arc_keep] -= bonus
    return costs


def solve_flow(prepared: Prepared, costs: np.ndarray | None = None) -> np.ndarray:
    """Return the boolean vector of chosen candidate arcs (forced pairs excluded).

    `costs` (int64 per candidate arc) replaces `integer_costs(prepared)`, e.g. for weighted fair rounds.
    """
    n_items, n_experts = prepared.n_items, prepared.n_experts
    forced_items, forced_experts = forced_counts(prepared)
    item_low = np.maximum(prepared.k_min - forced_items, 0)
    item_high = prepared.k_max - forced_items
    expert_low = np.maximum(prepared.load_min - forced_experts, 0)
    expert_high = prepared.load_max - forced_experts
    optional = item_high - item_low
    sink = n_items + n_experts
    source = sink + 1
    n_arcs = len(prepared.arc_items)

    tails = [prepared.arc_items, n_items + np.arange(n_experts, dtype=np.int32)]
    heads = [n_items + prepared.arc_experts, np.full(n_experts, sink, dtype=np.int32)]
    capacities = [np.ones(n_arcs, dtype=np.int64), (expert_high - expert_low).astype(np.int64)]
    costs = [integer_costs(prepared) if costs is None else costs, np.zeros(n_experts, dtype=np.int64)]
    supplies = np.zeros(source + 1, dtype=np.int64)
    supplies[:n_items] = item_low
    supplies[n_items:sink] = -expert_low
    if optional.any():
        with_room = np.flatnonzero(optional > 0).astype(np.int32)
        tails += [np.full(len(with_room), source, dtype=np.int32), np.array([source], dtype=np.int32)]
        heads += [with_room, np.array([sink], dtype=np.int32)]
        total_optional = int(optional.sum())
        capacities += [optional[with_room].astype(np.int64), np.array([total_optional], dtype=np.int64)]
        costs += [np.zeros(len(with_room), dtype=np.int64), np.zeros(1, dtype=np.int64)]
        supplies[source] = total_optional
    supplies[sink] = -supplies.sum()

    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(capacities),
        np.concatenate(costs),
    )
    solver.set_nodes_supplies(np.arange(source + 1, dtype=np.int32), supplies)
    status = solver.solve()
    if status == solver.OPTIMAL:
        return np.asarray(solver.flows(np.arange(n_arcs, dtype=np.int32))) > 0
    if status in (solver.INFEASIBLE, solver.UNBALANCED):
        raise Infeasible(explain_flow_failure(prepared))
    raise Infeasible(
        [Reason("solver_failed", "The flow solver stopped with status %(status)s.", {"status": str(status)})]
    )
