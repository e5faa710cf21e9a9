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

Where experts' loads bind (topic-model affinities: a few experts everybody wants), an item's arcs in the
optimum are not its best by affinity but its best after the experts' dual prices, and candidates by
affinity alone take many rounds to repair. Large problems therefore first solve a sample (every n-th item,
loads scaled down alike) and take its expert potentials as price estimates: the first round's candidates
are each item's best arcs by affinity x scale minus the price. Arcs within MARGIN of violating join with
the violators, so the next round's potentials need fewer repairs. The estimate only chooses candidates;
the certificate alone decides optimality.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from ortools.graph.python import min_cost_flow

from laurel.assignment.diagnosis import explain_flow_failure, forced_counts
from laurel.assignment.problem import Infeasible, Prepared, Reason

COST_RESOLUTION = 10**6  # integer cost units per unit of affinity: every score is kept to 10^-6
INT_BUDGET = 2**60  # largest arc cost x nodes (OR-Tools refuses past 2^63 / nodes; kept 8x below)
TOTAL_BUDGET = 2**62  # largest arc cost x units of flow: the total cost stays in int64
FLOAT_EXACT = 2**52  # potentials compared in float64 stay integers below this
PRUNE_WIDTH = 4  # candidate arcs per item in the first pruned round: PRUNE_WIDTH x k_max ...
PRUNE_MINIMUM = 12  # ... but at least this many
CHUNK_CELLS = 1 << 22  # items x experts cells handled at once on dense matrices (bounds the memory)
POTENTIAL_ROUNDS = 5000  # Bellman-Ford passes before giving up on the certificate (then: full network)
PRUNE_ROUNDS = 5  # pruned rounds before the full network is solved instead ...
PRUNE_SHARE = 0.3  # ... or once the candidates are this share of all allowed pairs
MARGIN = 0.005  # affinity: arcs this close to violating the certificate join with the violators
SAMPLE_ITEMS = 1000  # problems of SAMPLE_STEP x this many items or more first solve a sample of this many ...
SAMPLE_STEP = 4  # ... items (every n-th), to estimate the experts' prices


def cost_scale(prepared: Prepared, *, pruned: bool = False) -> float:
    """Integer costs are round(affinity x scale): scale is COST_RESOLUTION (every score kept to 10^-6),
    lowered only as far as int64 arithmetic requires, so that one outlying score (say 10^6 among scores
    in [0, 1]) costs the others no precision.

    The limits: OR-Tools refuses an arc cost whose product with the number of nodes leaves int64 (the keep
    bonus multiplies the largest cost by the number of reviews), and the total cost must fit too; the
    pruned network (`pruned`) also has overflow arcs (nodes x the largest cost) and compares potentials
    of up to nodes x that in float64, exact only below 2^52. Below COST_RESOLUTION the result is not
    claimed exact (see `solver.solve`)."""
    largest = prepared.largest_affinity()
    if largest <= 0:
        return float(COST_RESOLUTION)
    nodes = prepared.n_items + prepared.n_experts + 4
    flow = int(prepared.k_max.sum()) + 1
    bonus = flow + 1 if prepared.keep.size else 1
    limit = min(INT_BUDGET / nodes, TOTAL_BUDGET / flow) / bonus
    if pruned:
        limit = min(limit, FLOAT_EXACT / (nodes * (nodes + 1)))
    return min(float(COST_RESOLUTION), limit / largest)


def keep_bonus(prepared: Prepared, scale: float) -> int:
    """Lexicographic: one more kept pair is worth more than any difference in affinity."""
    return (int(prepared.k_max.sum()) + 1) * (int(np.ceil(prepared.largest_affinity() * scale)) + 1) + 1


def arc_costs(prepared: Prepared, affinity: np.ndarray, keep: np.ndarray, scale: float | None = None) -> np.ndarray:
    scale = cost_scale(prepared) if scale is None else scale
    costs = -np.rint(np.asarray(affinity, dtype=np.float64) * scale).astype(np.int64)
    if keep.any():
        costs[keep] -= keep_bonus(prepared, scale)
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


def _top_per_row(values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each row's `width` largest values that are above -inf (argpartition: linear time)."""
    columns = values.shape[1]
    if width < columns:
        top = np.argpartition(values, columns - width, axis=1)[:, columns - width :]
    else:
        top = np.broadcast_to(np.arange(columns), values.shape)
    usable = np.take_along_axis(values, top, axis=1) > -np.inf
    return np.nonzero(usable)[0], top[usable]


def _best_candidates(
    prepared: Prepared, width: int, prices: np.ndarray | None = None, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Each item's `width` best candidate experts, and each expert's best items (twice the average load), so
    that the pruned network can usually carry the whole demand.

    "Best" is by affinity, or with `prices` (an estimate of each expert's dual price, in cost units) by
    affinity x scale minus the price: where loads bind, an item's arcs in the optimum are its best ones after
    the price of popular experts, and those are what the first round needs.
    """
    affinity, blocked, n_items, n_experts = prepared.affinity, prepared.blocked, prepared.n_items, prepared.n_experts
    items, experts = [], []
    for start, end in _row_chunks(prepared):
        rows = affinity[start:end].astype(np.float64)
        if prices is not None:
            rows = rows * scale - prices[None, :]
        rows[blocked[start:end]] = -np.inf
        row, column = _top_per_row(rows, width)
        items.append(row.astype(np.int32) + start)
        experts.append(column.astype(np.int32))
    depth = min(n_items, 2 * -(-int(prepared.k_max.sum()) // max(1, n_experts)))
    if 0 < depth < n_items and prices is None:
        step = max(1, CHUNK_CELLS // max(1, n_items))
        for start in range(0, n_experts, step):
            end = min(n_experts, start + step)
            columns = np.where(blocked[:, start:end], -np.inf, affinity[:, start:end]).T
            expert, item = _top_per_row(columns, depth)
            experts.append(expert.astype(np.int32) + start)
            items.append(item.astype(np.int32))
    items, experts = np.concatenate(items), np.concatenate(experts)
    unique = np.unique(items.astype(np.int64) * n_experts + experts)
    return (unique // n_experts).astype(np.int32), (unique % n_experts).astype(np.int32)


def _violations(
    prepared: Prepared, distance: np.ndarray, scale: float, allowed: np.ndarray, limit: int, margin: float = 0.0
) -> tuple[np.ndarray, np.ndarray, int]:
    """Left-out candidate arcs with a negative reduced cost: round(affinity x scale) > d[item] - d[expert].

    `allowed` marks the candidate pairs not yet in the network. With `margin` (cost units), arcs that
    come within that much of violating join too, so that the next round's potentials need fewer repairs. At most `limit` arcs per item, the
    most negative first (the next round brings in any others still needed); and how many arcs truly violate
    (the certificate holds when none does).
    """
    n_items = prepared.n_items
    item_distance = distance[:n_items].astype(np.float64)
    expert_distance = distance[n_items : n_items + prepared.n_experts].astype(np.float64)
    items, experts, violated = [], [], 0
    for start, end in _row_chunks(prepared):
        # round(x) > n for integers n exactly when x > n + 0.5, or x = n + 0.5 rounded up: ">=" keeps both,
        # and the exact test on the arcs found drops the ties that round down.
        value = np.multiply(prepared.affinity[start:end], scale, dtype=np.float64)
        value += expert_distance[None, :]
        found = np.greater_equal(value, item_distance[start:end, None] + (0.5 - margin))
        found &= allowed[start:end]
        if np.count_nonzero(found) > 2 * limit * (end - start):  # a flood (early rounds): the best per item
            value[~found] = -np.inf
            rows, columns = _top_per_row(value, limit)
        else:
            rows, columns = np.nonzero(found)
        if not len(rows):
            continue
        excess = np.rint(prepared.affinity[rows + start, columns].astype(np.float64) * scale)
        excess += expert_distance[columns] - item_distance[rows + start]
        violated += int(np.count_nonzero(excess > 0))
        keep = excess + margin > 0
        rows, columns, excess = rows[keep], columns[keep], excess[keep]
        if len(rows) and np.bincount(rows).max() > limit:
            order = np.lexsort((-excess, rows))
            rows, columns = rows[order], columns[order]
            rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
            rows, columns = rows[rank < limit], columns[rank < limit]
        items.append(rows.astype(np.int32) + start)
        experts.append(columns.astype(np.int32))
    if not items:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), violated
    return np.concatenate(items), np.concatenate(experts), violated


def solve_total(prepared: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """The exact total-affinity optimum as (items, experts) of the chosen candidate arcs (forced pairs excluded).

    Dense problems go through the pruned network and its optimality certificate (see the module docstring).
    """
    width = max(PRUNE_MINIMUM, PRUNE_WIDTH * int(prepared.k_max.max(initial=0)))
    if (
        prepared.blocked is None
        or width >= prepared.n_experts
        or prepared.keep.size
        or prepared.load_min.any()
        or cost_scale(prepared, pruned=True) < cost_scale(prepared)  # the full network keeps more precision
    ):
        chosen = solve_flow(prepared)
        return prepared.arc_items[chosen], prepared.arc_experts[chosen]
    return _solve_pruned(prepared, width)


def _sample_prices(prepared: Prepared, width: int, scale: float) -> np.ndarray | None:
    """Estimated expert prices (cost units) from the same problem on every `step`-th item, with the experts'
    loads scaled down alike; None for small problems or when the sample has no certified answer."""
    step = prepared.n_items // SAMPLE_ITEMS
    if step < SAMPLE_STEP:
        return None
    rows = np.arange(0, prepared.n_items, step)
    share = len(rows) / prepared.n_items
    sample = replace(
        prepared,
        n_items=len(rows),
        k_min=prepared.k_min[rows],
        k_max=prepared.k_max[rows],
        load_min=np.zeros_like(prepared.load_min),
        load_max=np.ceil(prepared.load_max * share).astype(np.int64),
        forced=np.zeros((0, 2), dtype=np.int64),
        forced_affinity=np.zeros(0),
        conflicts=np.zeros((0, 2), dtype=np.int64),
        keep=np.zeros((0, 2), dtype=np.int64),
        item_ids=prepared.item_ids[: len(rows)],
        affinity=prepared.affinity[rows],
        blocked=prepared.blocked[rows],
        arcs=None,
    )
    seen: list[np.ndarray] = []
    _pruned_rounds(sample, width, scale, _sample_prices(sample, width, scale), seen)
    if not seen:
        return None
    return -seen[-1][sample.n_items : sample.n_items + sample.n_experts].astype(np.float64)


def _solve_pruned(prepared: Prepared, width: int) -> tuple[np.ndarray, np.ndarray]:
    scale = cost_scale(prepared, pruned=True)
    found = _pruned_rounds(prepared, width, scale, _sample_prices(prepared, width, scale))
    if found is None:
        chosen = solve_flow(prepared)  # the whole network decides
        return prepared.arc_items[chosen], prepared.arc_experts[chosen]
    return found[0], found[1]


def _pruned_rounds(
    prepared: Prepared, width: int, scale: float, prices: np.ndarray | None, seen: list | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Rounds of: min-cost flow on the candidate arcs (plus costly overflow arcs, so there is always a flow),
    potentials, then the left-out arcs that break the certificate join the candidates.

    Returns the certified optimum (items, experts, potentials), or None when the rounds do not settle (or
    the problem is infeasible): then only the full network can decide. `seen` collects each round's potentials.
    """
    items, experts = _best_candidates(prepared, width, prices, scale)
    allowed = ~prepared.blocked
    allowed[items, experts] = False
    n_nodes = prepared.n_items + prepared.n_experts + 3
    # Dearer than any path of real arcs, so the flow overflows only where the real arcs cannot carry it.
    overflow = (n_nodes + 1) * (int(np.rint(prepared.largest_affinity() * scale)) + 1)
    allowed_count = int(prepared.candidates_per_item().sum())
    for _ in range(PRUNE_ROUNDS):
        if len(items) > PRUNE_SHARE * allowed_count:
            return None
        costs = arc_costs(prepared, prepared.affinity[items, experts], np.zeros(len(items), dtype=bool), scale)
        network = _network(prepared, items, experts, costs, overflow)
        status, flows = _run(network)
        distance = None if flows is None else potentials(network, flows)
        if distance is None:  # no flow even with overflow, or no certificate in time
            return None
        if seen is not None:  # the sample's estimate: the latest potentials, certified or not
            seen.append(distance)
        more_items, more_experts, violated = _violations(prepared, distance, scale, allowed, width, MARGIN * scale)
        if not violated:
            if flows[network[1] == len(network[4]) - 1].any():  # certified, yet overflowing: infeasible
                return None  # the full network raises Infeasible with the reasons
            chosen = flows[: len(items)] > 0
            return items[chosen], experts[chosen], distance
        allowed[more_items, more_experts] = False
        items, experts = np.concatenate([items, more_items]), np.concatenate([experts, more_experts])
    return None
