"""Scores outside [0, 1]: one outlying score costs the other pairs no precision, and `exact` means exact."""

import numpy as np
import pytest
import scipy.sparse as sp
from django.core.management import call_command
from django.utils import translation
from scipy.optimize import linprog

from laurel.assignment import flow
from laurel.assignment.problem import Problem, prepare
from laurel.assignment.solver import solve


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def topic_problem(n_items=60, n_experts=15, seed=3):
    rng = np.random.default_rng(seed)
    items = rng.dirichlet(np.full(20, 0.3), n_items)
    experts = rng.dirichlet(np.full(20, 0.3), n_experts)
    affinity = np.round(items @ experts.T, 6)
    conflicts = rng.random(affinity.shape) < 0.02
    conflicts[0, 0] = False
    return affinity, conflicts


def highs_rest(affinity, conflicts, k, cap, pair):
    """HiGHS's LP optimum of every pair but `pair`, with `pair` forced (the flow polytope is integral)."""
    n_items, n_experts = affinity.shape
    rest = affinity.copy()
    rest[pair] = 0.0
    items, experts = np.nonzero(~conflicts)
    columns = np.arange(len(items))
    lower = ((items == pair[0]) & (experts == pair[1])).astype(float)
    result = linprog(
        -rest[items, experts],
        A_ub=sp.csr_array((np.ones(len(items)), (experts, columns)), shape=(n_experts, len(items))),
        b_ub=np.full(n_experts, cap),
        A_eq=sp.csr_array((np.ones(len(items)), (items, columns)), shape=(n_items, len(items))),
        b_eq=np.full(n_items, k),
        bounds=np.stack([lower, np.ones(len(items))], axis=1),
        method="highs",
    )
    return -result.fun


@pytest.mark.parametrize("n_items", [60, 400])
def test_one_score_of_a_million_costs_the_other_pairs_nothing(n_items):
    affinity, conflicts = topic_problem(n_items, n_items // 4)
    affinity[0, 0] = 1e6
    solution = solve(Problem(affinity=affinity, conflicts=conflicts, k=3, load_max=14))
    assert [0, 0] in solution.pairs.tolist()
    rest = solution.objective - 1e6
    # Each pair is rounded to 1e-6 at most by half a unit: the rest is HiGHS's optimum to that precision.
    assert rest == pytest.approx(highs_rest(affinity, conflicts, 3, 14, (0, 0)), abs=len(solution.pairs) * 5e-7)
    assert solution.exact
    assert solution.report.warnings == []


def test_the_pruned_network_is_left_when_it_would_cost_precision():
    affinity, conflicts = topic_problem(400, 100)
    prepared = prepare(Problem(affinity=affinity, conflicts=conflicts, k=3, load_max=14))
    assert flow.cost_scale(prepared) == flow.cost_scale(prepared, pruned=True) == flow.COST_RESOLUTION
    affinity[0, 0] = 1e6
    prepared = prepare(Problem(affinity=affinity, conflicts=conflicts, k=3, load_max=14))
    assert flow.cost_scale(prepared) == flow.COST_RESOLUTION
    assert flow.cost_scale(prepared, pruned=True) < flow.COST_RESOLUTION


def test_a_score_too_large_for_int64_costs_is_said_and_not_claimed_exact():
    affinity, conflicts = topic_problem()
    affinity[0, 0] = 1e17
    solution = solve(Problem(affinity=affinity, conflicts=conflicts, k=3, load_max=14))
    assert [0, 0] in solution.pairs.tolist()
    assert not solution.exact
    assert [reason.code for reason in solution.report.warnings] == ["scores_rescaled"]
    costs = flow.integer_costs(prepare(Problem(affinity=affinity, conflicts=conflicts, k=3, load_max=14)))
    assert costs.min() >= -(2**62)


def test_fair_mode_does_not_claim_a_proof_beyond_its_tolerances():
    affinity, conflicts = topic_problem()
    affinity[0, 0] = 1e6
    solution = solve(Problem(affinity=affinity, conflicts=conflicts, k=3, load_max=14, fair=True, time_limit=20))
    assert not solution.exact
    assert [reason.code for reason in solution.report.warnings] == ["scores_range"]
    plain = solve(Problem(affinity=np.minimum(affinity, 1.0), conflicts=conflicts, k=3, load_max=14, fair=True))
    assert plain.report.warnings == []


def write_matrix(path, affinity, conflicts):
    rows = [f"p{i},r{e},{float(affinity[i, e])!r}" for i, e in np.ndindex(*affinity.shape)]
    (path / "A.csv").write_text("\n".join(rows) + "\n", encoding="ascii")
    pairs = [f"p{i},r{e},-1" for i, e in np.argwhere(conflicts).tolist()]
    (path / "C.csv").write_text("\n".join(pairs) + "\n", encoding="ascii")


@pytest.mark.parametrize(("outlier", "exact"), [(1e6, True), (1e17, False)])
def test_assign_csv_says_exact_only_when_it_is(tmp_path, capsys, outlier, exact):
    affinity, conflicts = topic_problem()
    affinity[0, 0] = outlier
    write_matrix(tmp_path, affinity, conflicts)
    call_command("assign_csv", "--affinity", str(tmp_path / "A.csv"), "--conflicts", str(tmp_path / "C.csv"),
                 "--k", "3", "--max-load", "14", "--out", str(tmp_path / "O.csv"))  # fmt: skip
    captured = capsys.readouterr()
    assert ("min-cost-flow, exact)" in captured.out) is exact
    assert ("not proven optimal" in captured.err) is not exact
    pairs = [tuple(line.split(",")) for line in (tmp_path / "O.csv").read_text().splitlines()]
    assert ("p0", "r0") in pairs
    if exact:
        rest = sum(affinity[int(i[1:]), int(e[1:])] for i, e in pairs) - outlier
        assert rest == pytest.approx(highs_rest(affinity, conflicts, 3, 14, (0, 0)), abs=len(pairs) * 5e-7)
