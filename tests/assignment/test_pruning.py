"""The pruned network with its optimality certificate gives exactly the full network's optimum."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laurel.assignment import flow
from laurel.assignment.diagnosis import precheck
from laurel.assignment.problem import Infeasible, Problem, prepare
from laurel.assignment.report import _top_k_conflicts
from laurel.assignment.solver import solve


@st.composite
def instances(draw):
    n_items = draw(st.integers(1, 25))
    n_experts = draw(st.integers(2, 12))
    k_min = draw(st.integers(0, 3))
    k_max = draw(st.integers(max(k_min, 1), 4))
    load_max = draw(st.integers(0, 8))
    load_min = draw(st.integers(0, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Few distinct values: many ties, and popular experts that the load caps push items away from.
    affinity = rng.integers(0, draw(st.integers(1, 50)), size=(n_items, n_experts)) / 10
    affinity[:, : draw(st.integers(0, n_experts))] += 5
    conflicts = rng.random((n_items, n_experts)) < draw(st.sampled_from([0.0, 0.1, 0.4]))
    forced = None
    if draw(st.booleans()):
        allowed = np.argwhere(~conflicts)
        forced = allowed[rng.choice(len(allowed), size=min(len(allowed), 2), replace=False)] if len(allowed) else None
    return Problem(
        affinity=affinity,
        conflicts=conflicts,
        k_min=k_min,
        k_max=k_max,
        load_min=min(load_min, load_max),
        load_max=load_max,
        forced=forced,
    )


def full_objective(problem):
    prepared = prepare(problem)
    if precheck(prepared):
        raise Infeasible(precheck(prepared))
    chosen = flow.solve_flow(prepared)
    return int(-flow.integer_costs(prepared)[chosen].sum()), prepared


@settings(max_examples=200, deadline=None)
@given(instances(), st.integers(1, 4), st.sampled_from([None, 2, 5]))
def test_pruned_and_full_networks_reach_the_same_optimum(problem, width, sample):
    """Also with the experts' prices estimated from a sample of every n-th item (as large problems do)."""
    sample_items, sample_step = flow.SAMPLE_ITEMS, flow.SAMPLE_STEP
    if sample is not None:
        flow.SAMPLE_ITEMS, flow.SAMPLE_STEP = sample, 2
    try:
        check_pruned_optimum(problem, width)
    finally:
        flow.SAMPLE_ITEMS, flow.SAMPLE_STEP = sample_items, sample_step


def check_pruned_optimum(problem, width):
    try:
        expected, prepared = full_objective(problem)
    except Infeasible:
        with pytest.raises(Infeasible):
            solve(problem)
        return
    items, experts = flow._solve_pruned(prepare(problem), width)
    assert not problem.conflicts[items, experts].any()
    scale = flow.cost_scale(prepared)
    assert int(np.rint(problem.affinity[items, experts] * scale).sum()) == expected
    counts = np.bincount(items, minlength=prepared.n_items) + np.bincount(
        prepared.forced[:, 0], minlength=prepared.n_items
    )
    assert (prepared.k_min <= counts).all() and (counts <= prepared.k_max).all()


@pytest.mark.parametrize(
    ("load_max", "width", "rounds", "route"),
    [(3, 2, 5, "certificate adds arcs"), (3, 2, 1, "round limit: full network")],
)
def test_pruned_network_repairs_itself(monkeypatch, load_max, width, rounds, route):
    # Every item's favourite is expert 0, who cannot take them all: the first pruned round overflows and is
    # not certified, so arcs are added (or, past the round limit, the full network is solved).
    rng = np.random.default_rng(3)
    affinity = rng.random((40, 30))
    affinity[:, 0] += 1
    seen = {"added": 0, "full": 0}
    violations, solve_flow = flow._violations, flow.solve_flow

    def counting_violations(*args):
        found = violations(*args)
        seen["added"] += len(found[0])
        return found

    def counting_solve_flow(*args):
        seen["full"] += 1
        return solve_flow(*args)

    problem = Problem(affinity=affinity, k=2, load_max=load_max)
    expected, _ = full_objective(problem)
    monkeypatch.setattr(flow, "PRUNE_MINIMUM", width)
    monkeypatch.setattr(flow, "PRUNE_WIDTH", 1)
    monkeypatch.setattr(flow, "PRUNE_ROUNDS", rounds)
    monkeypatch.setattr(flow, "_violations", counting_violations)
    monkeypatch.setattr(flow, "solve_flow", counting_solve_flow)
    solution = solve(problem)
    assert solution.exact and solution.method == "min-cost-flow"
    assert np.bincount(solution.pairs[:, 1], minlength=30).max() <= load_max
    scale = flow.cost_scale(prepare(problem))
    assert int(np.rint(affinity[solution.pairs[:, 0], solution.pairs[:, 1]] * scale).sum()) == expected
    if route == "certificate adds arcs":
        assert seen["added"] > 0 and seen["full"] == 0
    else:
        assert seen["full"] == 1


def test_potentials_certify_the_residual_network():
    rng = np.random.default_rng(7)
    prepared = prepare(Problem(affinity=rng.random((30, 10)), k=2, load_max=7))
    costs = flow.integer_costs(prepared)
    network = flow._network(prepared, prepared.arc_items, prepared.arc_experts, costs)
    status, flows = flow._run(network)
    distance = flow.potentials(network, flows)
    tails, heads, capacities, all_costs, _ = network
    reduced = all_costs + distance[tails] - distance[heads]
    assert (reduced[flows < capacities] >= 0).all()
    assert (reduced[flows > 0] <= 0).all()


def test_conflicts_avoided_counts_each_items_top_k():
    affinity = np.array([[0.9, 0.8, 0.1], [0.1, 0.2, 0.3], [0.5, 0.5, 0.5]])
    conflicts = np.array([[True, False, True], [True, False, False], [False, False, False]])
    prepared = prepare(Problem(affinity=affinity, conflicts=conflicts, k=[1, 2, 3], load_max=3))
    # item 0 (k=1) picks expert 0: avoided; expert 2 not; item 1 (k=2) picks experts 2 and 1: expert 0 not.
    assert _top_k_conflicts(prepared) == 1
