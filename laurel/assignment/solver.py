"""The engine's entry points: `solve(problem)` and `reassign(...)`. No Django here."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from laurel.assignment.diagnosis import precheck
from laurel.assignment.fair import solve_fair
from laurel.assignment.flow import COST_RESOLUTION, cost_scale, solve_total
from laurel.assignment.milp import solve_milp
from laurel.assignment.problem import Infeasible, Prepared, Problem, Reason, Solution, prepare
from laurel.assignment.report import build_report

# Fair mode and group rules prove optimality through HiGHS, whose tolerances (1e-7) are sized for values of
# order 1 with a unit of 1e-6: past this largest score their proofs are not claimed.
PROOF_RANGE = 10.0


def precision_warnings(prepared: Prepared) -> list[Reason]:
    """Why a result cannot be claimed exact at the engine's resolution of 10^-6 (empty when it can)."""
    largest = prepared.largest_affinity()
    scale = cost_scale(prepared)
    if scale < COST_RESOLUTION:
        return [
            Reason(
                "scores_rescaled",
                "The largest score (%(largest)g) is too far above the others to keep every score to 0.000001; "
                "scores are kept to %(resolution)g, so the result is not proven optimal.",
                {"largest": largest, "resolution": 1.0 / scale},
            )
        ]
    if (prepared.fair or prepared.groups) and largest > PROOF_RANGE:
        return [
            Reason(
                "scores_range",
                "The largest score is %(largest)g: fair mode and group rules prove optimality only for scores "
                "up to %(limit)g, so the result is not proven optimal.",
                {"largest": largest, "limit": PROOF_RANGE},
            )
        ]
    return []


def solve(problem: Problem) -> Solution:
    """Solve; raise `InvalidProblem` for bad input and `Infeasible` (with reasons) when nothing fits.

    Total-affinity mode (no groups, not fair) is an exact min-cost flow. Fair mode and group constraints
    use the HiGHS MILP (see `milp`). Conflicts are never candidate pairs, in any mode.
    """
    started = time.perf_counter()
    prepared = prepare(problem)
    reasons = precheck(prepared)
    if reasons:
        raise Infeasible(reasons)
    if prepared.fair and not prepared.groups:
        fair = solve_fair(prepared)
        return _solution(
            prepared, fair.items, fair.experts, method="fair-lexicographic", exact=fair.exact, started=started
        )
    if prepared.groups:
        result = solve_milp(prepared)
        chosen, exact = result.chosen, result.exact
        method = "milp-fair" if prepared.fair else "milp"
    else:
        items, experts = solve_total(prepared)
        return _solution(prepared, items, experts, method="min-cost-flow", exact=True, started=started)
    items, experts = prepared.arc_items[chosen], prepared.arc_experts[chosen]
    return _solution(prepared, items, experts, method=method, exact=exact, started=started)


def _pair_affinity(prepared: Prepared, items: np.ndarray, experts: np.ndarray) -> np.ndarray:
    if prepared.blocked is not None:
        return prepared.affinity[items, experts].astype(np.float64)
    return np.asarray(prepared.affinity[items, experts]).ravel().astype(np.float64)


def _solution(
    prepared: Prepared, items: np.ndarray, experts: np.ndarray, *, method: str, exact: bool, started: float
) -> Solution:
    """The chosen candidate arcs (items[i], experts[i]) plus the forced pairs, as a sorted `Solution`."""
    pairs = np.concatenate([np.stack([items, experts], axis=1), prepared.forced])
    affinity = np.concatenate([_pair_affinity(prepared, items, experts), prepared.forced_affinity])
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    pairs, affinity = pairs[order].astype(np.int64), affinity[order]
    kept = int(prepared.keep_mask(items, experts).sum()) if prepared.keep.size else None
    report = build_report(prepared, pairs, affinity, kept)
    caveats = precision_warnings(prepared)
    report.warnings.extend(caveats)
    return Solution(
        pairs=pairs,
        objective=float(affinity.sum()),
        worst_item_total=float(report.item_affinity_total.min()) if prepared.n_items else 0.0,
        method=method,
        exact=exact and not caveats,
        seconds=time.perf_counter() - started,
        report=report,
        item_ids=prepared.item_ids,
        expert_ids=prepared.expert_ids,
    )


def reassign(problem: Problem, *, current, submitted=(), dropped=()) -> Solution:
    """Re-solve after experts drop out or recuse.

    current: the (item, expert) pairs assigned so far; submitted: those whose review is in (always kept,
    even when their expert has dropped out); dropped: expert indices that take no further items.
    The result keeps every submitted pair, then as many other current pairs as possible (lexicographic:
    one more kept pair beats any gain in affinity), then maximises the objective of the problem's mode.
    """
    n_experts = np.asarray(problem.affinity.shape)[1]
    submitted = np.asarray(list(submitted), dtype=np.int64).reshape(-1, 2)
    current = np.asarray(list(current), dtype=np.int64).reshape(-1, 2)
    dropped = np.asarray(list(dropped), dtype=np.int64)
    load_max = np.asarray(problem.load_max if problem.load_max is not None else problem.affinity.shape[0])
    load_max = np.broadcast_to(load_max, (n_experts,)).astype(np.int64).copy()
    load_min = np.broadcast_to(np.asarray(problem.load_min), (n_experts,)).astype(np.int64).copy()
    submitted_per_expert = (
        np.bincount(submitted[:, 1], minlength=n_experts) if submitted.size else np.zeros(n_experts, np.int64)
    )
    if dropped.size:
        load_max[dropped] = submitted_per_expert[dropped]
        load_min[dropped] = np.minimum(load_min[dropped], submitted_per_expert[dropped])
    forced = (
        submitted if problem.forced is None else np.concatenate([submitted, np.asarray(problem.forced).reshape(-1, 2)])
    )
    open_pairs = current[~np.isin(current[:, 1], dropped)] if current.size else current
    return solve(replace(problem, forced=forced, keep=open_pairs, load_max=load_max, load_min=load_min))
