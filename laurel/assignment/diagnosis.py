"""Explain infeasibility: cheap counting checks before solving, a min cut when the flow still fails."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow

from laurel.assignment.problem import Prepared, Reason


def forced_counts(prepared: Prepared) -> tuple[np.ndarray, np.ndarray]:
    forced = prepared.forced
    return (
        np.bincount(forced[:, 0], minlength=prepared.n_items) if forced.size else np.zeros(prepared.n_items, np.int64),
        np.bincount(forced[:, 1], minlength=prepared.n_experts)
        if forced.size
        else np.zeros(prepared.n_experts, np.int64),
    )


def precheck(prepared: Prepared) -> list[Reason]:
    """Every reason found by counting; an empty list does not prove feasibility."""
    reasons: list[Reason] = []
    n_experts = prepared.n_experts
    forced_items, forced_experts = forced_counts(prepared)

    if prepared.forced.size and prepared.conflicts.size:
        clash = _intersect(prepared.forced, prepared.conflicts, n_experts)
        if len(clash):
            reasons.append(
                Reason(
                    "forced_conflict",
                    "Forced pairs are also conflicts: %(pairs)s.",
                    {"pairs": ", ".join(f"{prepared.item_ids[i]}-{prepared.expert_ids[e]}" for i, e in clash[:10])},
                )
            )
    over_items = np.flatnonzero(forced_items > prepared.k_max)
    if over_items.size:
        reasons.append(
            Reason(
                "forced_over_k",
                "These items have more forced experts than reviews allowed: %(items)s.",
                {"items": prepared.show_items(over_items)},
            )
        )
    over_experts = np.flatnonzero(forced_experts > prepared.load_max)
    if over_experts.size:
        reasons.append(
            Reason(
                "forced_over_load",
                "These experts have more forced items than their maximum load: %(experts)s.",
                {"experts": prepared.show_experts(over_experts)},
            )
        )

    too_big = np.flatnonzero(prepared.k_min > n_experts)
    if too_big.size:
        reasons.append(
            Reason(
                "k_over_panel",
                "%(count)d items need more reviews (%(k)d) than there are experts on the panel (%(experts)d).",
                {"count": too_big.size, "k": int(prepared.k_min.max()), "experts": n_experts},
            )
        )
    available = prepared.candidates_per_item() + forced_items
    short = np.flatnonzero(available < prepared.k_min)
    short = np.setdiff1d(short, too_big)
    if short.size:
        reasons.append(
            Reason(
                "item_short",
                "These items have fewer experts without a conflict than the reviews they need: %(items)s.",
                {"items": prepared.show_items(short)},
            )
        )
    demand = int(prepared.k_min.sum())
    capacity = int(prepared.load_max.sum())
    if capacity < demand:
        reasons.append(
            Reason(
                "capacity_short",
                "The items need %(demand)d reviews in total but the experts' maximum loads allow only %(capacity)d.",
                {"demand": demand, "capacity": capacity},
            )
        )
    minimum_load = int(prepared.load_min.sum())
    most = int(prepared.k_max.sum())
    if minimum_load > most:
        reasons.append(
            Reason(
                "load_min_excess",
                "The experts' minimum loads add up to %(minimum)d reviews but the items can take only %(most)d.",
                {"minimum": minimum_load, "most": most},
            )
        )
    reachable = prepared.candidates_per_expert() + forced_experts
    idle = np.flatnonzero(reachable < prepared.load_min)
    if idle.size:
        reasons.append(
            Reason(
                "expert_short",
                "These experts cannot reach their minimum load without a conflict: %(experts)s.",
                {"experts": prepared.show_experts(idle)},
            )
        )
    reasons.extend(_group_checks(prepared))
    return reasons


def _intersect(pairs_a: np.ndarray, pairs_b: np.ndarray, n_experts: int) -> np.ndarray:
    codes_a = pairs_a[:, 0] * n_experts + pairs_a[:, 1]
    codes_b = pairs_b[:, 0] * n_experts + pairs_b[:, 1]
    common = np.intersect1d(codes_a, codes_b)
    return np.stack([common // n_experts, common % n_experts], axis=1)


def group_matrix(prepared: Prepared, group) -> tuple[np.ndarray, np.ndarray]:
    """(items the group applies to, per candidate arc: is the expert a member for that arc's item)."""
    members = np.asarray(group.members, dtype=bool)
    items = np.arange(prepared.n_items) if group.items is None else np.asarray(group.items, dtype=np.int64)
    if members.ndim == 1:
        arc_member = members[prepared.arc_experts]
    else:
        arc_member = members[prepared.arc_items, prepared.arc_experts]
    return items, arc_member


def _group_checks(prepared: Prepared) -> list[Reason]:
    reasons = []
    forced = prepared.forced
    for group in prepared.groups:
        items, arc_member = group_matrix(prepared, group)
        members = np.asarray(group.members, dtype=bool)
        usable = arc_member & (prepared.load_max[prepared.arc_experts] > 0)
        count = np.bincount(prepared.arc_items[usable], minlength=prepared.n_items)
        if forced.size:
            forced_member = members[forced[:, 1]] if members.ndim == 1 else members[forced[:, 0], forced[:, 1]]
            count = count + np.bincount(forced[forced_member, 0], minlength=prepared.n_items)
        short = items[count[items] < group.minimum]
        if short.size:
            reasons.append(
                Reason(
                    "group_short",
                    'Group "%(group)s": these items have fewer than %(minimum)d eligible experts without a conflict: %(items)s.',
                    {"group": group.name, "minimum": group.minimum, "items": prepared.show_items(short)},
                )
            )
        over = items[prepared.k_max[items] < group.minimum]
        if over.size:
            reasons.append(
                Reason(
                    "group_over_k",
                    'Group "%(group)s" asks for %(minimum)d experts but these items take fewer reviews: %(items)s.',
                    {"group": group.name, "minimum": group.minimum, "items": prepared.show_items(over)},
                )
            )
        if members.ndim == 1:
            need = group.minimum * len(items)
            room = int(prepared.load_max[members].sum())
        else:
            need, room = _group_flow(prepared, group, items, usable)
        if need > room:
            reasons.append(
                Reason(
                    "group_capacity",
                    'Group "%(group)s" needs %(need)d reviews from its members, whose maximum loads allow only %(room)d.',
                    {"group": group.name, "need": need, "room": room},
                )
            )
    return reasons


def _group_flow(prepared: Prepared, group, items: np.ndarray, usable: np.ndarray) -> tuple[int, int]:
    """(reviews the group still needs, most its members can give) when membership differs per item (e.g. "from
    outside the nominee's region"): a max flow items -> member experts -> sink, counting forced pairs as given."""
    members = np.asarray(group.members, dtype=bool)
    n_items, n_experts = prepared.n_items, len(prepared.load_max)
    demand = np.zeros(n_items, dtype=np.int64)
    demand[items] = group.minimum
    load = prepared.load_max.astype(np.int64).copy()
    forced = prepared.forced
    if forced.size:
        np.subtract.at(load, forced[:, 1], 1)
        given = forced[members[forced[:, 0], forced[:, 1]], 0]
        np.subtract.at(demand, given, 1)
    demand = np.maximum(demand, 0)
    load = np.maximum(load, 0)
    arc_items, arc_experts = prepared.arc_items[usable], prepared.arc_experts[usable]
    wanted = demand[arc_items] > 0
    arc_items, arc_experts = arc_items[wanted], arc_experts[wanted]
    source, sink = n_items + n_experts, n_items + n_experts + 1
    tails = np.concatenate([np.full(n_items, source), arc_items, n_items + np.arange(n_experts)])
    heads = np.concatenate([np.arange(n_items), n_items + arc_experts, np.full(n_experts, sink)])
    capacities = np.concatenate([demand, np.ones(len(arc_items), dtype=np.int64), load])
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64))
    solver.solve(source, sink)
    return int(demand.sum()), int(solver.optimal_flow())


def explain_flow_failure(prepared: Prepared) -> list[Reason]:
    """After the flow found no solution: find, by a minimum cut, items whose experts cannot cover them."""
    n_items, n_experts = prepared.n_items, prepared.n_experts
    forced_items, forced_experts = forced_counts(prepared)
    need = np.maximum(prepared.k_min - forced_items, 0)
    room = np.maximum(prepared.load_max - forced_experts, 0)
    source, sink = n_items + n_experts, n_items + n_experts + 1
    tails = np.concatenate([np.full(n_items, source), prepared.arc_items, n_items + np.arange(n_experts)])
    heads = np.concatenate([np.arange(n_items), n_items + prepared.arc_experts, np.full(n_experts, sink)])
    capacities = np.concatenate([need, np.ones(len(prepared.arc_items), np.int64), room])
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64))
    solver.solve(source, sink)
    if solver.optimal_flow() < need.sum():
        side = np.asarray(solver.get_source_side_min_cut())
        items = np.sort(side[side < n_items])
        on_source = np.zeros(n_items, dtype=bool)
        on_source[items] = True
        room_value = int(solver.optimal_flow() - need[~on_source].sum())
        return [
            Reason(
                "hall_violation",
                "Items %(items)s need %(need)d reviews together, but the only experts free of conflicts with them can take %(room)d.",
                {"items": prepared.show_items(items), "need": int(need[items].sum()), "room": room_value},
            )
        ]
    return [
        Reason(
            "bounds_clash",
            "The minimum loads, reviews per item and conflicts cannot all hold at once; loosen the minimum loads.",
        )
    ]
