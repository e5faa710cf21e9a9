"""Delphi round statistics, no Django: per statement median, quartiles, IQR, the share rating 7-9, consensus and
stability; Kendall's W over the experts with its chi-square p-value.

numpy and scipy are imported inside the functions: views and URL maps import this module, and a worker or a web
process that never closes a round should not pay for loading them.

Quartiles are numpy's default (linear interpolation between order statistics, "type 7"): the one most Delphi
tools and spreadsheets report. Consensus is judged on importance (the RAND/UCLA appropriateness rule: IQR at most
1 and at least 70 % of ratings in 7-9, both configurable); feasibility is reported beside it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

SCALE = 9  # ratings run 1..9


@dataclass(frozen=True)
class Rule:
    iqr: float = 1.0
    share: float = 0.70  # of ratings in 7-9
    stability: float = 0.15  # at most this share of experts changed their rating between rounds


def _quantiles(matrix, counts, qs):
    """Column quantiles of `matrix` (rows sorted ascending, NaN last) with `counts` valid rows per column."""
    import numpy as np

    result = []
    columns = np.arange(matrix.shape[1])
    last = np.maximum(counts - 1, 0)
    for q in qs:
        position = q * last
        lower = np.floor(position).astype(np.int64)
        upper = np.ceil(position).astype(np.int64)
        low_values = matrix[lower, columns]
        high_values = matrix[upper, columns]
        result.append(low_values + (position - lower) * (high_values - low_values))
    return result


def kendall_w(matrix) -> tuple[float | None, float | None, float | None, int]:
    """Kendall's W (tie-corrected) over the experts who rated every statement: (W, chi-square, p, experts).

    `matrix` holds experts x statements ratings 1..9 with NaN where an expert gave none."""
    import numpy as np

    complete = matrix[~np.isnan(matrix).any(axis=1)]
    experts, statements = complete.shape
    if experts < 2 or statements < 2:
        return None, None, None, int(experts)
    values = complete.astype(np.int64) - 1
    # Average ranks from counts: a rating's rank is the number of smaller ratings + (ties + 1) / 2.
    cells = (np.arange(experts)[:, None] * SCALE + values).ravel()
    counts = np.bincount(cells, minlength=experts * SCALE).reshape(experts, SCALE)
    before = np.cumsum(counts, axis=1) - counts
    rank_of_value = before + (counts + 1) / 2
    ranks = np.take_along_axis(rank_of_value, values, axis=1)
    totals = ranks.sum(axis=0)
    spread = float(((totals - totals.mean()) ** 2).sum())
    ties = float((counts**3 - counts).sum())
    denominator = experts**2 * (statements**3 - statements) - experts * ties
    if denominator <= 0:  # every expert gave every statement the same rating: no ranking to agree on
        return None, None, None, int(experts)
    w = 12 * spread / denominator
    from scipy.stats import chi2

    chi_square = experts * (statements - 1) * w
    return float(w), float(chi_square), float(chi2.sf(chi_square, statements - 1)), int(experts)


def round_statistics(
    *,
    statements: list[int],
    seats: list[int],
    ratings: list[tuple[int, int, int, int]],
    previous: list[tuple[int, int, int, int]] | None = None,
    rule: Rule = Rule(),
) -> dict:
    """`ratings` and `previous` (the round before, if any): rows of (seat, statement, importance, feasibility),
    as tuples or as an n x 4 integer array.

    Returns {"statements": {str(pk): {...}}, "kendall_w", "chi_square", "p_value", "experts_complete",
    "all_consensus", "all_stable"}; JSON-ready (floats, ints, booleans, None)."""
    import numpy as np

    statement_keys = np.asarray(statements, dtype=np.int64)
    seat_keys = np.asarray(seats, dtype=np.int64)
    statement_order = np.argsort(statement_keys, kind="stable")
    seat_order = np.argsort(seat_keys, kind="stable")

    def positions(keys, order, wanted):
        """Index of each wanted key in `keys` (-1 when absent), vectorised: a Python loop over 60,000 ratings
        costs more than all the statistics."""
        if not len(keys):
            return np.full(len(wanted), -1)
        sorted_keys = keys[order]
        where = np.minimum(np.searchsorted(sorted_keys, wanted), len(keys) - 1)
        return np.where(sorted_keys[where] == wanted, order[where], -1)

    def to_matrices(rows):
        importance = np.full((len(seats), len(statements)), np.nan)
        feasibility = np.full((len(seats), len(statements)), np.nan)
        if len(rows):
            if isinstance(rows, np.ndarray):  # as `delphi.compute` reads them
                data = rows.astype(np.int64, copy=False).reshape(-1, 4)
            else:
                # fromiter over the flattened tuples: half the time of np.array on a list of tuples.
                flat = itertools.chain.from_iterable(rows)
                data = np.fromiter(flat, dtype=np.int64, count=4 * len(rows)).reshape(-1, 4)
            row = positions(seat_keys, seat_order, data[:, 0])
            column = positions(statement_keys, statement_order, data[:, 1])
            known = (row >= 0) & (column >= 0)
            importance[row[known], column[known]] = data[known, 2]
            feasibility[row[known], column[known]] = data[known, 3]
        return importance, feasibility

    importance, feasibility = to_matrices(ratings)
    counts = (~np.isnan(importance)).sum(axis=0)
    ordered = np.sort(importance, axis=0)
    q1, median, q3 = _quantiles(ordered, counts, (0.25, 0.5, 0.75))
    feasibility_counts = (~np.isnan(feasibility)).sum(axis=0)
    f_q1, f_median, f_q3 = _quantiles(np.sort(feasibility, axis=0), feasibility_counts, (0.25, 0.5, 0.75))
    present = ~np.isnan(importance)
    values = np.where(present, importance, 0).astype(np.int64)  # 0 where nobody rated: dropped below
    cells = (np.arange(len(statements))[None, :] * (SCALE + 1) + values).ravel()
    histogram = np.bincount(cells, minlength=len(statements) * (SCALE + 1)).reshape(-1, SCALE + 1)[:, 1:]
    high = histogram[:, 6:].sum(axis=1)
    share_high = np.divide(high, counts, out=np.zeros(len(statements)), where=counts > 0)
    iqr = q3 - q1
    consensus = (counts > 0) & (iqr <= rule.iqr + 1e-9) & (share_high >= rule.share - 1e-9)

    changed_share = np.full(len(statements), np.nan)
    if previous is not None:
        before, _unused = to_matrices(previous)
        both = present & ~np.isnan(before)
        compared = both.sum(axis=0)
        changed = (both & (importance != before)).sum(axis=0)
        np.divide(changed, compared, out=changed_share, where=compared > 0)
    stable = ~np.isnan(changed_share) & (changed_share <= rule.stability + 1e-9)

    w, chi_square, p_value, complete = kendall_w(importance)
    per_statement = {}
    for index, pk in enumerate(statements):
        rated = int(counts[index]) > 0
        per_statement[str(pk)] = {
            "n": int(counts[index]),
            "median": float(median[index]) if rated else None,
            "q1": float(q1[index]) if rated else None,
            "q3": float(q3[index]) if rated else None,
            "iqr": float(iqr[index]) if rated else None,
            "share_high": round(float(share_high[index]), 4),
            "consensus": bool(consensus[index]),
            "changed_share": None if np.isnan(changed_share[index]) else round(float(changed_share[index]), 4),
            "stable": bool(stable[index]),
            "feasibility_median": float(f_median[index]) if feasibility_counts[index] else None,
            "feasibility_iqr": float(f_q3[index] - f_q1[index]) if feasibility_counts[index] else None,
            "histogram": histogram[index].tolist(),
        }
    return {
        "statements": per_statement,
        "kendall_w": w,
        "chi_square": chi_square,
        "p_value": p_value,
        "experts_complete": complete,
        "all_consensus": bool(len(statements) and consensus.all()),
        # Statements already in consensus need not be stable: the others must have settled.
        "all_stable": bool(previous is not None and len(statements) and (stable | consensus).all()),
    }
