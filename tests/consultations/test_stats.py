import numpy as np
import pytest

from laurel.consultations.stats import Rule, kendall_w, round_statistics


def _rows(matrix):
    return [
        (seat, statement, int(value), int(value))
        for seat, row in enumerate(matrix)
        for statement, value in enumerate(row)
        if value == value  # not NaN
    ]


def test_round_statistics_match_numpy_quartiles_and_the_rand_rule():
    matrix = [[8, 2, 7], [9, 5, 7], [7, 9, 8], [8, 1, 7], [7, 6, 9]]
    result = round_statistics(statements=[0, 1, 2], seats=list(range(5)), ratings=_rows(matrix))
    first, second, third = (result["statements"][key] for key in ("0", "1", "2"))
    column = np.array(matrix)[:, 0]
    assert (first["median"], first["q1"], first["q3"]) == (8.0, 7.0, 8.0)
    assert first["q3"] - first["q1"] == np.percentile(column, 75) - np.percentile(column, 25)
    assert (first["share_high"], first["consensus"]) == (1.0, True)
    assert (second["iqr"], second["consensus"]) == (4.0, False)
    assert (third["median"], third["iqr"], third["consensus"]) == (7.0, 1.0, True)
    assert first["histogram"] == [0, 0, 0, 0, 0, 0, 2, 2, 1]
    assert result["all_consensus"] is False


def test_consensus_needs_seventy_percent_in_seven_to_nine_even_with_small_iqr():
    # IQR 1 but only 3 of 5 ratings in 7-9: 60 % < 70 %.
    result = round_statistics(statements=[0], seats=list(range(5)), ratings=_rows([[6], [6], [7], [7], [7]]))
    assert (result["statements"]["0"]["iqr"], result["statements"]["0"]["consensus"]) == (1.0, False)
    looser = round_statistics(
        statements=[0], seats=list(range(5)), ratings=_rows([[6], [6], [7], [7], [7]]), rule=Rule(share=0.6)
    )
    assert looser["statements"]["0"]["consensus"] is True


def test_stability_counts_changed_ratings_between_rounds():
    before = _rows([[5], [6], [7], [8], [9], [4], [5], [6], [7], [8]])
    after = _rows([[5], [6], [7], [8], [9], [4], [5], [6], [7], [9]])  # 1 of 10 changed
    result = round_statistics(statements=[0], seats=list(range(10)), ratings=after, previous=before)
    assert (result["statements"]["0"]["changed_share"], result["statements"]["0"]["stable"]) == (0.1, True)
    assert result["all_stable"] is True
    moved = _rows([[9], [9], [9], [8], [9], [4], [5], [6], [7], [9]])  # 4 of 10 changed
    result = round_statistics(statements=[0], seats=list(range(10)), ratings=moved, previous=before)
    assert result["statements"]["0"]["stable"] is False


def _reference_w(matrix):
    """Kendall's W with tie correction, written out from the textbook formula."""
    from scipy.stats import rankdata

    matrix = np.asarray(matrix, dtype=float)
    m, n = matrix.shape
    ranks = np.vstack([rankdata(row) for row in matrix])
    totals = ranks.sum(axis=0)
    s = ((totals - totals.mean()) ** 2).sum()
    ties = sum(((counts**3) - counts).sum() for row in matrix for counts in [np.unique(row, return_counts=True)[1]])
    return 12 * s / (m**2 * (n**3 - n) - m * ties)


def test_kendall_w_matches_the_textbook_formula_and_perfect_agreement_is_one():
    rng = np.random.default_rng(7)
    matrix = rng.integers(1, 10, size=(12, 8)).astype(float)
    w, chi_square, p_value, experts = kendall_w(matrix)
    assert w == pytest.approx(_reference_w(matrix))
    assert chi_square == pytest.approx(12 * 7 * w)
    assert experts == 12 and 0 <= p_value <= 1
    agreed = np.tile(np.arange(1, 9, dtype=float), (5, 1))
    w, _chi, p_value, _experts = kendall_w(agreed)
    assert w == pytest.approx(1.0) and p_value < 0.01


def test_kendall_w_uses_only_experts_who_rated_everything_and_refuses_too_few():
    matrix = np.array([[1, 2, 3], [1, 2, np.nan], [3, 2, 1]], dtype=float)
    assert kendall_w(matrix)[3] == 2
    assert kendall_w(np.array([[1, 2, 3]], dtype=float))[0] is None


def test_statement_nobody_rated_has_no_figures():
    result = round_statistics(statements=[1, 2], seats=[10], ratings=[(10, 1, 8, 7)])
    assert result["statements"]["2"] == {
        "n": 0, "median": None, "q1": None, "q3": None, "iqr": None, "share_high": 0.0, "consensus": False,
        "changed_share": None, "stable": False, "feasibility_median": None, "feasibility_iqr": None,
        "histogram": [0] * 9,
    }  # fmt: skip
