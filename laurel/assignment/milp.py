"""Fair mode and group constraints: a mixed-integer program solved by HiGHS (`scipy.optimize.milp`).

One binary variable per candidate pair (conflicts have none); rows for reviews per item, expert loads,
group minimums. Fair mode is lexicographic: phase 1 maximises t subject to "every item's total affinity
>= t"; phase 2 fixes t at the phase-1 optimum and maximises the total. Each phase is exact when HiGHS
proves optimality (relative gap 1e-9) within the time limit; otherwise the best solution found is returned
with `exact=False`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from laurel.assignment.diagnosis import forced_counts, group_matrix
from laurel.assignment.flow import cost_scale, keep_bonus
from laurel.assignment.problem import Infeasible, Prepared, Reason

GAP = 1e-9


@dataclass
class MilpResult:
    chosen: np.ndarray
    exact: bool


def _rows(prepared: Prepared, include_t: bool) -> list[LinearConstraint]:
    n_arcs = len(prepared.arc_items)
    columns = np.arange(n_arcs)
    width = n_arcs + (1 if include_t else 0)
    forced_items, forced_experts = forced_counts(prepared)
    ones = np.ones(n_arcs)
    item_rows = sp.csr_array((ones, (prepared.arc_items, columns)), shape=(prepared.n_items, width))
    expert_rows = sp.csr_array((ones, (prepared.arc_experts, columns)), shape=(prepared.n_experts, width))
    constraints = [
        LinearConstraint(item_rows, prepared.k_min - forced_items, prepared.k_max - forced_items),
        LinearConstraint(expert_rows, prepared.load_min - forced_experts, prepared.load_max - forced_experts),
    ]
    for group in prepared.groups:
        items, arc_member = group_matrix(prepared, group)
        applies = np.zeros(prepared.n_items, dtype=bool)
        applies[items] = True
        selected = arc_member & applies[prepared.arc_items]
        matrix = sp.csr_array(
            (np.ones(selected.sum()), (prepared.arc_items[selected], columns[selected])),
            shape=(prepared.n_items, width),
        )[items]
        members = np.asarray(group.members, dtype=bool)
        already = np.zeros(prepared.n_items)
        if prepared.forced.size:
            forced = prepared.forced
            forced_member = members[forced[:, 1]] if members.ndim == 1 else members[forced[:, 0], forced[:, 1]]
            already = np.bincount(forced[forced_member, 0], minlength=prepared.n_items).astype(float)
        constraints.append(LinearConstraint(matrix, group.minimum - already[items], np.inf))
    return constraints


def _scaled(prepared: Prepared) -> np.ndarray:
    # The same integer resolution as the flow, so both modes rank solutions alike.
    return np.rint(prepared.arc_affinity.astype(np.float64) * cost_scale(prepared))


def _forced_totals(prepared: Prepared) -> np.ndarray:
    if not prepared.forced.size:
        return np.zeros(prepared.n_items)
    scaled = np.rint(prepared.forced_affinity.astype(np.float64) * cost_scale(prepared))
    return np.bincount(prepared.forced[:, 0], weights=scaled, minlength=prepared.n_items)


def _run(objective, constraints, integrality, bounds, time_limit):
    return milp(
        objective,
        constraints=constraints,
        integrality=integrality,
        bounds=bounds,
        options={"time_limit": time_limit, "mip_rel_gap": GAP, "disp": False},
    )


def _infeasible(result, time_limit: float) -> Infeasible:
    if result.status == 1:
        return Infeasible(
            [
                Reason(
                    "time_limit",
                    "No assignment was found within the time limit of %(seconds)g seconds.",
                    {"seconds": time_limit},
                )
            ]
        )
    return Infeasible(
        [
            Reason(
                "groups_clash",
                "The group constraints cannot all hold together with the loads, reviews per item and conflicts.",
            )
        ]
    )


def solve_milp(prepared: Prepared) -> MilpResult:
    n_arcs = len(prepared.arc_items)
    scaled = _scaled(prepared)
    if prepared.arc_keep.any():
        scaled = scaled + prepared.arc_keep * float(keep_bonus(prepared, cost_scale(prepared)))
    if not prepared.fair:
        result = _run(-scaled, _rows(prepared, False), np.ones(n_arcs), Bounds(0, 1), prepared.time_limit)
        if result.x is None:
            raise _infeasible(result, prepared.time_limit)
        return MilpResult(chosen=result.x > 0.5, exact=result.status == 0)

    # Phase 1: maximise t, the worst item's total (in integer units).
    forced_totals = _forced_totals(prepared)
    constraints = _rows(prepared, True)
    columns = np.arange(n_arcs)
    totals = sp.csr_array(
        (
            np.concatenate([_scaled(prepared), -np.ones(prepared.n_items)]),
            (
                np.concatenate([prepared.arc_items, np.arange(prepared.n_items)]),
                np.concatenate([columns, np.full(prepared.n_items, n_arcs)]),
            ),
        ),
        shape=(prepared.n_items, n_arcs + 1),
    )
    fair_row = LinearConstraint(totals, -forced_totals, np.inf)
    objective = np.zeros(n_arcs + 1)
    objective[-1] = -1.0
    integrality = np.concatenate([np.ones(n_arcs), [0]])
    upper = np.concatenate([np.ones(n_arcs), [np.inf]])
    first = _run(objective, [*constraints, fair_row], integrality, Bounds(0, upper), prepared.time_limit)
    if first.x is None:
        raise _infeasible(first, prepared.time_limit)
    threshold = np.floor(first.x[-1] + 1e-6)
    # Phase 2: keep every item at or above the threshold, maximise the total.
    lower = np.concatenate([np.zeros(n_arcs), [threshold]])
    second = _run(
        np.concatenate([-scaled, [0.0]]),
        [*constraints, fair_row],
        integrality,
        Bounds(lower, upper),
        prepared.time_limit,
    )
    if second.x is None:
        return MilpResult(chosen=first.x[:-1] > 0.5, exact=False)
    return MilpResult(chosen=second.x[:-1] > 0.5, exact=first.status == 0 and second.status == 0)
