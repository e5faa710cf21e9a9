import numpy as np
import pytest

from laurel.honors.aggregation import aggregate, with_public_vote


def test_every_method_side_by_side():
    # nomination 0: 60, 70, 80, 100 (experts 0-3); nomination 1: 50 (expert 0); nomination 2: unscored
    result = aggregate([0, 0, 0, 0, 1], [0, 1, 2, 3, 0], [60, 70, 80, 100, 50], nominations=3, experts=4)
    assert result.count.tolist() == [4, 1, 0]
    assert result.mean[:2].tolist() == [77.5, 50.0]
    assert result.median[:2].tolist() == [75.0, 50.0]
    assert result.trimmed[:2].tolist() == [75.0, 50.0]
    assert result.spread[0] == pytest.approx(np.std([60, 70, 80, 100]))
    assert np.isnan(result.mean[2]) and np.isnan(result.median[2]) and np.isnan(result.trimmed[2])


def test_zscore_removes_a_harsh_experts_bias():
    # Expert 0 is harsh (scores 40 and 50), expert 1 generous (90 and 95); each reviews a different pair.
    result = aggregate([0, 1, 2, 3], [0, 0, 1, 1], [50, 40, 95, 90], nominations=4, experts=2)
    assert result.mean.tolist() == [50, 40, 95, 90]
    assert result.zscore.tolist() == [1.0, -1.0, 1.0, -1.0]


def test_an_expert_who_gives_one_score_to_all_contributes_zero():
    result = aggregate([0, 1], [0, 0], [70, 70], nominations=2, experts=1)
    assert result.zscore.tolist() == [0.0, 0.0]


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        aggregate([0], [0], [1], nominations=1, experts=1).by("mode")


def test_public_vote_weight_blends_scaled_scores():
    blended = with_public_vote(np.array([80.0, 60.0]), np.array([0.0, 100.0]), 30)
    assert blended.tolist() == [70.0, 30.0]
    assert with_public_vote(np.array([80.0]), np.array([5.0]), 0).tolist() == [80.0]
