"""Scores per nomination for a campaign, every method side by side, and the campaign's ranking (blended with the
public vote's tally, `Nomination.public_votes`, by the campaign's weight when it has a public vote)."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils import formats

from laurel.core.services import log_action
from laurel.honors.aggregation import aggregate, with_public_vote
from laurel.honors.models import Campaign, Nomination, Review

RANKED_STATUSES = (Nomination.Status.ELIGIBLE, Nomination.Status.SELECTED)


@dataclass
class Row:
    nomination: Nomination
    count: int
    mean: float
    median: float
    trimmed: float
    zscore: float
    spread: float
    votes: int
    score: float
    rank: int | None

    # The table's figures as `{{ value|floatformat:N }}` writes them, for a page of hundreds of rows.
    @property
    def mean_text(self) -> str:
        return fixed(self.mean, 2)

    @property
    def median_text(self) -> str:
        return fixed(self.median, 2)

    @property
    def trimmed_text(self) -> str:
        return fixed(self.trimmed, 2)

    @property
    def zscore_text(self) -> str:
        return fixed(self.zscore, 3)

    @property
    def spread_text(self) -> str:
        return fixed(self.spread, 2)

    @property
    def score_text(self) -> str:
        return fixed(self.score, 2)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(1, 7)}


def fixed(value: float, places: int) -> str:
    """The text `{{ value|floatformat:places }}` gives (rounded half up from the float's shortest repr; "nan" for
    nan; no grouping; the language's decimal separator), without the filter's cost, which a table of hundreds of
    rows pays thousands of times. Values the shortcut is not sure of go to the filter itself."""
    if not math.isfinite(value) or abs(value) >= 1e15 or places not in _QUANTA:
        return floatformat(value, places)
    rounded = Decimal(repr(value)).quantize(_QUANTA[places], ROUND_HALF_UP)
    text = f"{rounded if rounded else rounded.copy_abs():f}"  # floatformat writes no "-0.00"
    separator = formats.get_format("DECIMAL_SEPARATOR")
    return text if separator == "." else text.replace(".", separator)


def _reviews(campaign: Campaign):
    # A review whose assignment was recused (its expert's unit turned out to conflict) no longer counts.
    reviews = Review.objects.filter(assignment__nomination__campaign=campaign, assignment__recused_at__isnull=True)
    last_round = reviews.order_by("-assignment__round").values_list("assignment__round", flat=True).first()
    return reviews.filter(assignment__round=last_round or 1).values_list(
        "assignment__nomination_id", "assignment__expert_id", "total"
    )


def score_table(campaign: Campaign, nominations=None) -> list[Row]:
    """Rows in ranking order (unscored last). `nominations` defaults to the eligible and selected ones."""
    if nominations is None:
        nominations = list(campaign.nominations.filter(status__in=RANKED_STATUSES).select_related("unit", "person"))
    position = {nomination.pk: index for index, nomination in enumerate(nominations)}
    rows = [row for row in _reviews(campaign) if row[0] in position]
    experts = {expert: index for index, expert in enumerate(sorted({row[1] for row in rows}))}
    aggregates = aggregate(
        [position[row[0]] for row in rows],
        [experts[row[1]] for row in rows],
        [row[2] for row in rows],
        nominations=len(nominations),
        experts=len(experts),
    )
    jury = aggregates.by(campaign.ranking_method)
    votes = np.array([nomination.public_votes for nomination in nominations], dtype=np.float64)
    weight = campaign.public_vote_weight if campaign.public_vote else 0
    scores = with_public_vote(jury, votes, weight) if len(nominations) else jury
    order = np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
    table = []
    for rank, index in enumerate(order, start=1):
        scored = bool(np.isfinite(scores[index]))
        table.append(
            Row(
                nomination=nominations[index],
                count=int(aggregates.count[index]),
                mean=float(aggregates.mean[index]),
                median=float(aggregates.median[index]),
                trimmed=float(aggregates.trimmed[index]),
                zscore=float(aggregates.zscore[index]),
                spread=float(aggregates.spread[index]),
                votes=nominations[index].public_votes,
                score=float(scores[index]),
                rank=rank if scored else None,
            )
        )
    return table


def recompute_ranking(campaign: Campaign, *, actor) -> list[Row]:
    table = score_table(campaign)
    for row in table:
        row.nomination.score = row.score if np.isfinite(row.score) else None
        row.nomination.rank = row.rank
    with transaction.atomic():
        Nomination.objects.bulk_update([row.nomination for row in table], ["score", "rank"], batch_size=500)
        log_action(
            "honors.campaign.ranked",
            actor=actor,
            obj=campaign,
            data={"method": campaign.ranking_method, "public_vote_weight": campaign.public_vote_weight},
        )
    return table
