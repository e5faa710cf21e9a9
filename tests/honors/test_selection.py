import numpy as np
import pytest

from laurel.honors.selection import Constraint, Infeasible, greedy, holds, select

SCORES = np.array([95, 90, 88, 85, 80, 70, 60, 50], dtype=float)
FRONT_LINE = np.array([0, 0, 0, 0, 0, 1, 1, 1], dtype=bool)


def test_greedy_breaks_a_hard_minimum_that_the_programme_keeps():
    rule = Constraint(key="front-line at least 50%", members=FRONT_LINE, bound="min", limit=2)
    top = greedy(SCORES, 4)
    assert top.tolist() == [0, 1, 2, 3]
    assert not holds(rule, top)
    chosen = select(SCORES, 4, [rule])
    assert chosen.tolist() == [0, 1, 5, 6]
    assert holds(rule, chosen)


def test_maximum_rule_caps_a_group():
    academicians = np.array([1, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
    chosen = select(SCORES, 3, [Constraint(key="max", members=academicians, bound="max", limit=1)])
    assert chosen.tolist() == [0, 3, 4]


def test_fixed_candidates_stay_and_the_best_fitting_one_joins():
    rule = Constraint(key="min", members=FRONT_LINE, bound="min", limit=1)
    chosen = select(SCORES, 3, [rule], fixed=[0, 1])
    assert chosen.tolist() == [0, 1, 5]


def test_no_solution_is_reported():
    with pytest.raises(Infeasible):
        select(SCORES, 4, [Constraint(key="min", members=FRONT_LINE, bound="min", limit=4)])


def test_ties_are_broken_towards_the_earlier_candidate():
    assert select(np.array([5.0, 5.0, 5.0]), 2).tolist() == [0, 1]
