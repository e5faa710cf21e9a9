import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from laurel.assignment.problem import GroupConstraint, Infeasible, InvalidProblem, Problem
from laurel.assignment.solver import reassign, solve


def lp_optimum(affinity, conflicts, k, load_max):
    n_items, n_experts = affinity.shape
    allowed = ~conflicts
    index = np.flatnonzero(allowed.ravel())
    if not index.size:
        return None  # every pair conflicts and k >= 1
    items, experts = np.divmod(index, n_experts)
    equality = np.zeros((n_items, len(index)))
    equality[items, np.arange(len(index))] = 1
    upper = np.zeros((n_experts, len(index)))
    upper[experts, np.arange(len(index))] = 1
    result = linprog(
        -affinity.ravel()[index],
        A_ub=upper,
        b_ub=np.full(n_experts, load_max),
        A_eq=equality,
        b_eq=np.full(n_items, k),
        bounds=(0, 1),
        method="highs",
    )
    return None if result.status != 0 else -result.fun


@st.composite
def instances(draw):
    n_items = draw(st.integers(1, 7))
    n_experts = draw(st.integers(1, 6))
    k = draw(st.integers(1, 3))
    load_max = draw(st.integers(0, 5))
    cents = draw(st.lists(st.integers(0, 100), min_size=n_items * n_experts, max_size=n_items * n_experts))
    flags = draw(st.lists(st.booleans(), min_size=n_items * n_experts, max_size=n_items * n_experts))
    affinity = np.array(cents, dtype=float).reshape(n_items, n_experts) / 100
    conflicts = np.array(flags).reshape(n_items, n_experts) & (
        np.arange(n_items * n_experts).reshape(n_items, n_experts) % 3 == 0
    )
    return affinity, conflicts, k, load_max


@settings(max_examples=150, deadline=None)
@given(instances())
def test_solution_is_conflict_free_within_bounds_and_lp_optimal(instance):
    affinity, conflicts, k, load_max = instance
    optimum = lp_optimum(affinity, conflicts, k, load_max)
    problem = Problem(affinity=affinity, conflicts=conflicts, k=k, load_max=load_max)
    if optimum is None:
        with pytest.raises(Infeasible) as caught:
            solve(problem)
        assert caught.value.reasons
        return
    solution = solve(problem)
    items, experts = solution.pairs[:, 0], solution.pairs[:, 1]
    assert not conflicts[items, experts].any()
    assert np.bincount(items, minlength=affinity.shape[0]).tolist() == [k] * affinity.shape[0]
    assert np.bincount(experts, minlength=affinity.shape[1]).max() <= load_max
    assert len({tuple(pair) for pair in solution.pairs.tolist()}) == len(solution.pairs)
    assert solution.objective == pytest.approx(optimum, abs=1e-9)
    assert solution.exact


def test_sparse_affinity_only_uses_stored_pairs():
    affinity = sp.csr_array(np.array([[0.9, 0.0, 0.2], [0.0, 0.5, 0.4]]))
    solution = solve(Problem(affinity=affinity, k=1, load_max=1))
    assert solution.pairs.tolist() == [[0, 0], [1, 1]]


def test_load_min_and_k_range_hold():
    affinity = np.array([[0.9, 0.1], [0.8, 0.1], [0.7, 0.1]])
    solution = solve(Problem(affinity=affinity, k_min=1, k_max=2, load_min=[0, 2], load_max=3))
    loads = np.bincount(solution.pairs[:, 1], minlength=2)
    assert loads[1] >= 2
    assert solution.report.loads.tolist() == loads.tolist()


def test_forced_pairs_are_kept_and_counted():
    affinity = np.array([[0.9, 0.1], [0.8, 0.2]])
    solution = solve(Problem(affinity=affinity, k=1, load_max=2, forced=[(0, 1)]))
    assert solution.pairs.tolist() == [[0, 1], [1, 0]]
    assert solution.objective == pytest.approx(0.9)


def test_fair_mode_raises_the_worst_item():
    affinity = np.array([[1.0, 0.9, 0.0], [0.95, 0.2, 0.1]])
    total = solve(Problem(affinity=affinity, k=1, load_max=1))
    fair = solve(Problem(affinity=affinity, k=1, load_max=1, fair=True))
    assert total.pairs.tolist() == [[0, 1], [1, 0]]
    assert fair.worst_item_total >= total.worst_item_total
    assert fair.report.item_affinity_total.min() == pytest.approx(0.9)


def test_fair_mode_prefers_the_worst_item_over_the_total():
    affinity = np.array([[1.0, 0.3], [0.2, 0.0]])
    total = solve(Problem(affinity=affinity, k=1, load_max=1))
    fair = solve(Problem(affinity=affinity, k=1, load_max=1, fair=True))
    assert total.pairs.tolist() == [[0, 0], [1, 1]]
    assert total.worst_item_total == pytest.approx(0.0)
    assert fair.pairs.tolist() == [[0, 1], [1, 0]]
    assert fair.worst_item_total == pytest.approx(0.2)
    assert fair.objective == pytest.approx(0.5)
    assert fair.method == "fair-lexicographic"
    assert fair.exact


def test_fair_mode_is_exact_when_it_reaches_the_bound():
    affinity = np.array([[0.9, 0.1], [0.1, 0.8]])
    fair = solve(Problem(affinity=affinity, k=1, load_max=1, fair=True))
    assert fair.exact
    assert fair.pairs.tolist() == [[0, 0], [1, 1]]


def test_group_constraint_puts_a_senior_on_every_item():
    affinity = np.array([[0.9, 0.8, 0.1], [0.9, 0.7, 0.2]])
    senior = np.array([False, False, True])
    solution = solve(Problem(affinity=affinity, k=2, load_max=2, groups=[GroupConstraint("senior", senior, 1)]))
    assert solution.method == "milp"
    for item in range(2):
        assert 2 in solution.pairs[solution.pairs[:, 0] == item, 1].tolist()


def test_group_constraint_that_cannot_hold_is_explained():
    affinity = np.ones((3, 3))
    senior = np.array([True, False, False])
    with pytest.raises(Infeasible) as caught:
        solve(
            Problem(
                affinity=affinity, k=1, load_max=3, conflicts=[(0, 0)], groups=[GroupConstraint("senior", senior, 1)]
            )
        )
    assert [reason.code for reason in caught.value.reasons] == ["group_short"]
    assert (
        str(caught.value.reasons[0])
        == 'Group "senior": these items have fewer than 1 eligible experts without a conflict: 0.'
    )


def test_per_item_group_puts_an_outsider_on_every_item():
    """Membership that differs per item: "from outside the nominee's region"."""
    affinity = np.array([[0.9, 0.8, 0.1, 0.1], [0.9, 0.8, 0.1, 0.1], [0.1, 0.1, 0.9, 0.8]])
    regions_of_items, regions_of_experts = np.array(["东", "东", "西"]), np.array(["东", "东", "西", "西"])
    outside = regions_of_items[:, None] != regions_of_experts[None, :]
    solution = solve(Problem(affinity=affinity, k=2, load_max=3, groups=[GroupConstraint("outside", outside, 1)]))
    for item in range(3):
        chosen = solution.pairs[solution.pairs[:, 0] == item, 1]
        assert outside[item, chosen].any()


def test_per_item_group_without_enough_outsiders_is_explained_by_a_flow():
    affinity = np.ones((4, 3))
    outside = np.zeros((4, 3), dtype=bool)
    outside[:, 2] = True  # one outsider for four items, who can take two
    with pytest.raises(Infeasible) as caught:
        solve(Problem(affinity=affinity, k=1, load_max=2, groups=[GroupConstraint("outside", outside, 1)]))
    capacity = [reason for reason in caught.value.reasons if reason.code == "group_capacity"]
    assert str(capacity[0]) == 'Group "outside" needs 4 reviews from its members, whose maximum loads allow only 2.'


def test_infeasibility_reasons_name_items_and_capacity():
    affinity = np.ones((4, 3))
    conflicts = np.zeros((4, 3), dtype=bool)
    conflicts[2, :2] = True
    with pytest.raises(Infeasible) as caught:
        solve(Problem(affinity=affinity, conflicts=conflicts, k=2, load_max=2, item_ids=list("abcd")))
    assert {reason.code for reason in caught.value.reasons} == {"item_short", "capacity_short"}
    assert "c" in str(caught.value)
    assert "need 8 reviews in total but the experts' maximum loads allow only 6" in str(caught.value)


def test_k_larger_than_panel_is_explained():
    with pytest.raises(Infeasible) as caught:
        solve(Problem(affinity=np.ones((2, 2)), k=3, load_max=5))
    assert [reason.code for reason in caught.value.reasons] == ["k_over_panel"]


def test_hall_violation_found_by_min_cut():
    # Items 0 and 1 may only use expert 0, who takes one item: counting alone does not see it.
    affinity = np.ones((3, 3))
    conflicts = np.array([[False, True, True], [False, True, True], [False, False, False]])
    with pytest.raises(Infeasible) as caught:
        solve(Problem(affinity=affinity, conflicts=conflicts, k=1, load_max=1))
    assert [reason.code for reason in caught.value.reasons] == ["hall_violation"]
    assert caught.value.reasons[0].params == {"items": "0, 1", "need": 2, "room": 1}


def test_nan_and_negative_affinities_are_refused():
    affinity = np.array([[np.nan, -0.5], [0.2, 0.3]])
    with pytest.raises(InvalidProblem) as caught:
        solve(Problem(affinity=affinity, k=1, load_max=2))
    assert [reason.code for reason in caught.value.reasons] == ["affinity_not_finite", "affinity_negative"]


def test_expert_in_conflict_with_everything_is_reported():
    affinity = np.ones((2, 3))
    solution = solve(Problem(affinity=affinity, conflicts=[(0, 2), (1, 2)], k=1, load_max=2, expert_ids=list("xyz")))
    assert 2 not in solution.pairs[:, 1].tolist()
    assert [warning.code for warning in solution.report.warnings] == ["expert_unusable"]
    assert solution.report.warnings[0].params == {"experts": "z"}


def test_report_counts_conflicts_avoided():
    affinity = np.array([[0.9, 0.1, 0.2]])
    solution = solve(Problem(affinity=affinity, conflicts=[(0, 0)], k=1, load_max=1))
    assert solution.pairs.tolist() == [[0, 2]]
    assert solution.report.conflicts_excluded == 1
    assert solution.report.conflicts_avoided == 1
    assert solution.report.item_affinity_min.tolist() == [0.2]


def test_reassign_keeps_submitted_and_open_pairs():
    rng = np.random.default_rng(3)
    affinity = rng.random((6, 4))
    problem = Problem(affinity=affinity, k=2, load_max=4)
    first = solve(problem)
    dropped = int(first.pairs[0, 1])
    submitted = [tuple(pair) for pair in first.pairs.tolist() if pair[1] == dropped][:1]
    second = reassign(problem, current=first.pairs.tolist(), submitted=submitted, dropped=[dropped])
    after = {tuple(pair) for pair in second.pairs.tolist()}
    before = {tuple(pair) for pair in first.pairs.tolist()}
    assert set(submitted) <= after
    assert [pair for pair in after if pair[1] == dropped] == submitted
    lost = {pair for pair in before if pair[1] == dropped} - set(submitted)
    assert len(after) == len(before)
    assert before - lost <= after
    assert second.report.kept == len(before - lost - set(submitted))


def test_reassign_prefers_keeping_pairs_over_affinity():
    affinity = np.array([[0.1, 0.9, 0.5], [0.9, 0.1, 0.5]])
    problem = Problem(affinity=affinity, k=1, load_max=1)
    second = reassign(problem, current=[(0, 0), (1, 2)], dropped=[])
    assert second.pairs.tolist() == [[0, 0], [1, 2]]
