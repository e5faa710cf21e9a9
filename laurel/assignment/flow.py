"""Total-affinity mode: an exact min-cost flow, built from numpy arrays in one call.

Network: item i -> expert e (capacity 1, cost -round(affinity x scale)) for every candidate pair; expert e
-> sink (capacity max load - min load; the min load is a lower bound, moved into the node supplies); items
supply their minimum reviews; a source feeds the optional reviews (k_max - k_min) with a bypass arc to the
sink. Forced pairs are taken out beforehand and counted in the bounds. Conflicts are not arcs at all, so no
solution can contain one. The flow polytope is integral, so the min-cost flow optimum is the LP optimum.

Pruning with a certificate (`solve_total`, dense affinities): the flow is first solved on each item's best
`width` candidate arcs only. Node potentials are then computed as shortest-path distances in that
solution's residual network (vectorised Bellman-Ford; the residual network of an optimal flow has no
negative cycle). If every left-out arc has a non-negative reduced cost under these potentials, the
potentials prove the same flow optimal for the whole network (the complementary-slackness condition of
min-cost flow), so the answer is the exact optimum of the full problem. Otherwise the violating arcs are
added and the flow re-solved, until the certificate holds; when the pruned network is infeasible, or the
potentials take too long, the full network is solved instead. Same integer costs either way.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from laurel.assignment.diagnosis import explain_flow_failure, forced_counts
from laurel.assignment.problem import Infeasible, Prepared, Reason

COST_RESOLUTION = 10**6
PRUNE_WIDTH = 4  # candidate arcs per item in the first pruned round: PRUNE_WIDTH x k_max ...
PRUNE_MINIMUM = 12  # ... but at least this many
CHUNK_CELLS = 1 << 22  # items x experts cells handled at once on dense matrices (bounds the memory)
POTENTIAL_ROUNDS = 5000  # Bellman-Ford passes before giving up on the certificate (then: full network)
PRUNE_ROUNDS = 5  # pruned rounds before the full network is solved instead ...
PRUNE_SHARE = 0.3  # ... or once the candidates are this share of all allowed pairs


def cost_scale(prepared: Prepared) -> float:
    """Integer costs are round(affinity x scale); scale is 10^6 for affinities up to 1."""
    return COST_RESOLUTION / max(1.0, prepared.largest_affinity())


def keep_bonus(prepared: Prepared) -> int:
    """Lexicographic: one more kept pair is worth more than any difference in affinity."""
    return (int(prepared.k_max.sum()) + 1) * COST_RESOLUTION + 1


def arc_costs(prepared: Prepared, affinity: np.ndarray, keep: np.ndarray, scale: float | None = None) -> np.ndarray:
    scale = cost_scale(prepared) if scale is None else scale
    costs = -np.rint(np.asarray(affinity, dtype=np.float64) * scale).astype(np.int64)
    if keep.any():
        costs[keep] -= keep_bonus(prepared)
    return costs


def integer_costs(prepared: Prepared) -> np.ndarray:
    return arc_costs(prepared, prepared.arc_affinity, prepared.arc_keep)


def _network(
    prepared: Prepared, items: np.ndarray, experts: np.ndarray, costs: np.ndarray, overflow: int | None = None
):
    """(tails, heads, capacities, costs, supplies); the candidate arcs come first, in the given order.

    With `overflow`, every item also gets an arc of that cost to an overflow node that drains into the sink,
    so that a pruned network always has a flow (see `_solve_pruned`).
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

    tails = [items, n_items + np.arange(n_experts, dtype=np.int32)]
    heads = [n_items + experts, np.full(n_experts, sink, dtype=np.int32)]
    capacities = [np.ones(len(items), dtype=np.int64), (expert_high - expert_low).astype(np.int64)]
    all_costs = [costs, np.zeros(n_experts, dtype=np.int64)]
    supplies = np.zeros(source + 1, dtype=np.int64)
    supplies[:n_items] = item_low
    supplies[n_items:sink] = -expert_low
    if optional.any():
        with_room = np.flatnonzero(optional > 0).astype(np.int32)
        tails += [np.full(len(with_room), source, dtype=np.int32), np.array([source], dtype=np.int32)]
        heads += [with_room, np.array([sink], dtype=np.int32)]
        total_optional = int(optional.sum())
        capacities += [optional[with_room].astype(np.int64), np.array([total_optional], dtype=np.int64)]
        all_costs += [np.zeros(len(with_room), dtype=np.int64), np.zeros(1, dtype=np.int64)]
        supplies[source] = total_optional
    if overflow is not None:
        spill = len(supplies)
        supplies = np.append(supplies, 0)
        tails += [np.arange(n_items, dtype=np.int32), np.array([spill], dtype=np.int32)]
        heads += [np.full(n_items, spill, dtype=np.int32), np.array([sink], dtype=np.int32)]
        capacities += [item_high.astype(np.int64), np.array([int(item_high.sum())], dtype=np.int64)]
        all_costs += [np.full(n_items, overflow, dtype=np.int64), np.zeros(1, dtype=np.int64)]
    supplies[sink] = -supplies.sum()
    return (
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(capacities),
        np.concatenate(all_costs).astype(np.int64),
        supplies,
    )


def _run(network) -> tuple[int, np.ndarray | None]:
    """(status, flow on every arc when optimal)."""
    tails, heads, capacities, costs, supplies = network
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    solver.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        return status, None
    return status, np.asarray(solver.flows(np.arange(len(tails), dtype=np.int32)))


def _raise_for(prepared: Prepared, status) -> None:
    solver = min_cost_flow.SimpleMinCostFlow
    if status in (solver.INFEASIBLE, solver.UNBALANCED):
        raise Infeasible(explain_flow_failure(prepared))
    raise Infeasible(
        [Reason("solver_failed", "The flow solver stopped with status %(status)s.", {"status": str(status)})]
    )


def solve_flow(prepared: Prepared, costs: np.ndarray | None = None) -> np.ndarray:
    """Solve on every candidate arc; return the boolean vector of chosen candidate arcs (forced pairs excluded).

    `costs` (int64 per candidate arc) replaces `integer_costs(prepared)`, e.g. for weighted fair rounds.
    """
    costs = integer_costs(prepared) if costs is None else costs
    status, flows = _run(_network(prepared, prepared.arc_items, prepared.arc_experts, costs))
    if flows is None:
        _raise_for(prepared, status)
    return flows[: len(prepared.arc_items)] > 0


def potentials(network, flows: np.ndarray, rounds: int = POTENTIAL_ROUNDS) -> np.ndarray | None:
    """Shortest-path distances from a virtual root (0-cost arc to every node) in the residual network.

    Every residual arc (u, v) then has cost + d[u] - d[v] >= 0. None when `rounds` passes do not settle.
    """
    tails, heads, capacities, costs, supplies = network
    forward = flows < capacities
    backward = flows > 0
    starts = np.concatenate([tails[forward], heads[backward]])
    ends = np.concatenate([heads[forward], tails[backward]])
    lengths = np.concatenate([costs[forward], -costs[backward]])
    order = np.argsort(ends, kind="stable")
    starts, ends, lengths = starts[order], ends[order], lengths[order]
    targets, first = np.unique(ends, return_index=True)
    distance = np.zeros(len(supplies), dtype=np.int64)
    for _ in range(rounds):
        best = np.minimum.reduceat(distance[starts] + lengths, first)
        improved = best < distance[targets]
        if not improved.any():
            return distance
        distance[targets[improved]] = best[improved]
    return None


def _row_chunks(prepared: Prepared):
    step = max(1, CHUNK_CELLS // max(1, prepared.n_experts))
    for start in range(0, prepared.n_items, step):
        yield start, min(prepared.n_items, start + step)


def _best_candidates(prepared: Prepared, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Each item's `width` candidate experts of highest affinity, and each expert's best items (twice the
    average load), so that the pruned network can usually carry the whole demand."""
    affinity, blocked, n_items, n_experts = prepared.affinity, prepared.blocked, prepared.n_items, prepared.n_experts
    items, experts = [], []
    for start, end in _row_chunks(prepared):
        rows = np.where(blocked[start:end], -1.0, affinity[start:end])
        top = np.argpartition(rows, n_experts - width, axis=1)[:, n_experts - width :]
        usable = np.take_along_axis(rows, top, axis=1) >= 0
        items.append(np.nonzero(usable)[0].astype(np.int32) + start)
        experts.append(top[usable].astype(np.int32))
    depth = min(n_items, 2 * -(-int(prepared.k_max.sum()) // max(1, n_experts)))
    if 0 < depth < n_items:
        step = max(1, CHUNK_CELLS // max(1, n_items))
        for start in range(0, n_experts, step):
            end = min(n_experts, start + step)
            columns = np.where(blocked[:, start:end], -1.0, affinity[:, start:end]).T
            top = np.argpartition(columns, n_items - depth, axis=1)[:, n_items - depth :]
            usable = np.take_along_axis(columns, top, axis=1) >= 0
            experts.append(np.nonzero(usable)[0].astype(np.int32) + start)
            items.append(top[usable].astype(np.int32))
    items, experts = np.concatenate(items), np.concatenate(experts)
    unique = np.unique(items.astype(np.int64) * n_experts + experts)
    return (unique // n_experts).astype(np.int32), (unique % n_experts).astype(np.int32)


def _violations(
    prepared: Prepared, distance: np.ndarray, scale: float, included: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray]:
    """Left-out candidate arcs with a negative reduced cost: round(affinity x scale) > d[item] - d[expert].

    At most `limit` per item, the most negative first (the next round brings in any others still needed).
    """
    n_items = prepared.n_items
    item_distance = distance[:n_items].astype(np.float64)
    expert_distance = distance[n_items : n_items + prepared.n_experts].astype(np.float64)
    items, experts = [], []
    for start, end in _row_chunks(prepared):
        excess = np.rint(prepared.affinity[start:end].astype(np.float64) * scale)
        excess -= item_distance[start:end, None] - expert_distance[None, :]
        bad = excess > 0
        bad &= ~prepared.blocked[start:end]
        bad &= ~included[start:end]
        rows, columns = np.nonzero(bad)
        if len(rows) > limit * (end - start):
            order = np.lexsort((-excess[rows, columns], rows))
            rows, columns = rows[order], columns[order]
            rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
            rows, columns = rows[rank < limit], columns[rank < limit]
        items.append(rows.astype(np.int32) + start)
        experts.append(columns.astype(np.int32))
    return np.concatenate(items), np.concatenate(experts)


def solve_total(prepared: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """The exact total-affinity optimum as (items, experts) of the chosen candidate arcs (forced pairs excluded).

    Dense problems go through the pruned network and its optimality certificate (see the module docstring).
    """
    width = max(PRUNE_MINIMUM, PRUNE_WIDTH * int(prepared.k_max.max(initial=0)))
    if prepared.blocked is None or width >= prepared.n_experts or prepared.keep.size or prepared.load_min.any():
        chosen = solve_flow(prepared)
        return prepared.arc_items[chosen], prepared.arc_experts[chosen]
    return _solve_pruned(prepared, width)


def _solve_pruned(prepared: Prepared, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Rounds of: min-cost flow on the candidate arcs (plus costly overflow arcs, so there is always a flow),
    potentials, then the left-out arcs that break the certificate join the candidates."""
    scale = cost_scale(prepared)
    items, experts = _best_candidates(prepared, width)
    included = np.zeros((prepared.n_items, prepared.n_experts), dtype=bool)
    included[items, experts] = True
    n_nodes = prepared.n_items + prepared.n_experts + 3
    # Dearer than any path of real arcs, so the flow overflows only where the real arcs cannot carry it.
    overflow = (n_nodes + 1) * (int(np.rint(prepared.largest_affinity() * scale)) + 1)
    allowed = int(prepared.candidates_per_item().sum())
    for _ in range(PRUNE_ROUNDS):
        if len(items) > PRUNE_SHARE * allowed:
            break
        costs = arc_costs(prepared, prepared.affinity[items, experts], np.zeros(len(items), dtype=bool), scale)
        network = _network(prepared, items, experts, costs, overflow)
        status, flows = _run(network)
        distance = None if flows is None else potentials(network, flows)
        if distance is None:  # no flow even with overflow, or no certificate in time
            break
        more_items, more_experts = _violations(prepared, distance, scale, included, width)
        if not len(more_items):
            if flows[network[1] == len(network[4]) - 1].any():  # certified, yet overflowing: infeasible
                break  # the full network raises Infeasible with the reasons
            chosen = flows[: len(items)] > 0
            return items[chosen], experts[chosen]
        included[more_items, more_experts] = True
        items, experts = np.concatenate([items, more_items]), np.concatenate([experts, more_experts])
    del included
    chosen = solve_flow(prepared)  # the whole network decides
    return prepared.arc_items[chosen], prepared.arc_experts[chosen]
