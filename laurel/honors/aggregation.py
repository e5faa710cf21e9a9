"""Aggregate experts' scores per nomination, vectorized with numpy (no Django here).

Methods shown side by side: raw mean, median, trimmed mean (drop one highest and one lowest when there are
at least three scores), and the mean of per-expert z-scores (each expert's scores centred on their own mean
and divided by their own standard deviation; an expert whose scores are all equal contributes 0). The
spread is the population standard deviation of the raw scores.
"""

from dataclasses import dataclass

import numpy as np

METHODS = ("mean", "median", "trimmed", "zscore")


@dataclass(frozen=True)
class Aggregates:
    count: np.ndarray
    mean: np.ndarray
    median: np.ndarray
    trimmed: np.ndarray
    zscore: np.ndarray
    spread: np.ndarray

    def by(self, method: str) -> np.ndarray:
        if method not in METHODS:
            raise ValueError(f"unknown ranking method {method!r}")
        return getattr(self, method)


def aggregate(nomination_index, expert_index, scores, *, nominations: int, experts: int) -> Aggregates:
    """`nomination_index[k]`, `expert_index[k]` and `scores[k]` describe review k. Unscored nominations get NaN."""
    nomination_index = np.asarray(nomination_index, dtype=np.int64)
    expert_index = np.asarray(expert_index, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)

    count = np.bincount(nomination_index, minlength=nominations).astype(np.float64)
    total = np.bincount(nomination_index, weights=scores, minlength=nominations)
    squares = np.bincount(nomination_index, weights=scores * scores, minlength=nominations)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        spread = np.sqrt(np.maximum(squares / count - mean * mean, 0.0))

    order = np.lexsort((scores, nomination_index))
    ordered = scores[order]
    starts = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    counts = count.astype(np.int64)
    has = counts > 0
    low = np.where(has, starts + (counts - 1) // 2, 0)
    high = np.where(has, starts + counts // 2, 0)
    median = np.full(nominations, np.nan)
    trimmed = np.full(nominations, np.nan)
    if ordered.size:
        median[has] = (ordered[low[has]] + ordered[high[has]]) / 2
        smallest = ordered[np.where(has, starts, 0)]
        largest = ordered[np.where(has, starts + counts - 1, 0)]
        with np.errstate(invalid="ignore", divide="ignore"):
            trimmed = np.where(counts >= 3, (total - smallest - largest) / (count - 2), mean)
        trimmed[~has] = np.nan

    expert_count = np.bincount(expert_index, minlength=experts).astype(np.float64)
    expert_total = np.bincount(expert_index, weights=scores, minlength=experts)
    expert_squares = np.bincount(expert_index, weights=scores * scores, minlength=experts)
    with np.errstate(invalid="ignore", divide="ignore"):
        expert_mean = expert_total / expert_count
        expert_sd = np.sqrt(np.maximum(expert_squares / expert_count - expert_mean * expert_mean, 0.0))
        z = np.where(
            expert_sd[expert_index] > 1e-9, (scores - expert_mean[expert_index]) / expert_sd[expert_index], 0.0
        )
        zscore = np.bincount(nomination_index, weights=z, minlength=nominations) / count
    return Aggregates(count=counts, mean=mean, median=median, trimmed=trimmed, zscore=zscore, spread=spread)


def with_public_vote(jury: np.ndarray, votes: np.ndarray, weight_percent: int) -> np.ndarray:
    """Blend the jury's ranking score with the public vote: both scaled to 0-100 over the field, then weighted."""
    if weight_percent <= 0:
        return jury
    jury = np.asarray(jury, dtype=np.float64)
    votes = np.asarray(votes, dtype=np.float64)

    def scaled(values):
        finite = values[np.isfinite(values)]
        if finite.size == 0 or finite.max() == finite.min():
            return np.where(np.isfinite(values), 100.0, np.nan)
        return (values - finite.min()) / (finite.max() - finite.min()) * 100

    weight = weight_percent / 100
    return (1 - weight) * scaled(jury) + weight * scaled(votes)
