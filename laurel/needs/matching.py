"""Experts suggested for technical needs: affinity of texts, field, region, availability and load.

`rank` is the engine, numpy/scipy only and vectorised: every need is scored against every expert block by block
(a dense block of 1,000 needs x all experts at a time, so 10,000 x 5,000 never holds 50 million floats at once)
and the best `top` per need are kept with `argpartition`. The numeric libraries are imported inside the
functions, so importing this module (the URL map does, through the views) costs nothing.

Score = 0.5 affinity (cosine of character n-gram TF-IDF, `laurel.assignment.affinity`) + 0.2 field (the expert
follows the need's field) + 0.15 region (1 for a region the expert follows, 0.5 for an expert who follows the
whole city, 0 otherwise) + 0.15 load (1 - matches in progress / the expert's limit). Experts who are not
available, or at their limit, are never suggested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from laurel.needs.models import Need, NeedField, Subscription

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = {"affinity": 0.5, "field": 0.2, "region": 0.15, "load": 0.15}
WHOLE_CITY = 0.5
FIELDS = list(NeedField.values)


@dataclass
class ExpertTable:
    """The experts as arrays (row i is expert i): what `rank` needs and nothing of Django."""

    texts: list[str]
    fields: np.ndarray  # bool, experts x len(FIELDS)
    regions: np.ndarray  # bool, experts x regions; a row of False follows the whole city
    load: np.ndarray  # float, matches in progress / the expert's limit
    available: np.ndarray  # bool


@dataclass
class Ranked:
    experts: np.ndarray  # int, needs x top, best first; -1 where fewer experts qualify
    scores: np.ndarray  # float32, needs x top
    affinity: np.ndarray  # float32, needs x top (the text part, for the explanation)


def rank(
    need_texts: list[str], need_fields: np.ndarray, need_regions: np.ndarray, table: ExpertTable, *, top: int = 5,
    block: int = 1000, excluded: dict[int, set[int]] | None = None, terms_per_need: int | None = None,
) -> Ranked:  # fmt: skip
    """The `top` experts for each need. `need_fields`/`need_regions` hold column indexes into the table's
    field and region matrices; `excluded` maps a need's row to expert rows never to suggest for it.
    `terms_per_need` keeps only each need's strongest TF-IDF terms (batch runs over thousands of needs: the
    product's cost is proportional to it); None keeps them all (one need's suggestions are exact)."""
    import numpy as np

    from laurel.assignment.affinity import text_vectors

    needs, experts = len(need_texts), len(table.texts)
    top = min(top, experts)
    result = Ranked(
        experts=np.full((needs, top), -1, dtype=np.int64),
        scores=np.zeros((needs, top), dtype=np.float32),
        affinity=np.zeros((needs, top), dtype=np.float32),
    )
    if not needs or not experts or top == 0:
        return result
    need_vectors, expert_vectors, _vectorizer = text_vectors(need_texts, table.texts)
    if terms_per_need is not None:
        need_vectors = strongest_terms(need_vectors, terms_per_need)
    # Experts dense (vocabulary x experts): every need shares some character with almost every expert, so the
    # product is dense anyway, and a sparse block times a dense matrix is the fastest way to it.
    expert_matrix = np.ascontiguousarray(expert_vectors.T.toarray(), dtype=np.float32)
    whole_city = ~table.regions.any(axis=1)
    # The parts that do not depend on the need: load, and -inf for experts who cannot take a need.
    constant = (WEIGHTS["load"] * (1 - np.clip(table.load, 0, 1))).astype(np.float32)
    constant[~table.available | (table.load >= 1)] = -np.inf
    # Field and region parts, weighted once: row c of `field_part` is what following field c adds per expert.
    field_part = np.ascontiguousarray(table.fields.T, dtype=np.float32) * np.float32(WEIGHTS["field"])
    region_part = np.ascontiguousarray(table.regions.T, dtype=np.float32)
    region_part[:, whole_city] = WHOLE_CITY
    region_part *= np.float32(WEIGHTS["region"])
    for start in range(0, needs, block):
        stop = min(start + block, needs)
        affinity = np.asarray(need_vectors[start:stop] @ expert_matrix, dtype=np.float32)
        np.clip(affinity, 0, 1, out=affinity)
        score = affinity * np.float32(WEIGHTS["affinity"])
        score += constant
        score += field_part[need_fields[start:stop]]
        score += region_part[need_regions[start:stop]]
        for row, rows_excluded in (excluded or {}).items():
            if start <= row < stop and rows_excluded:
                score[row - start, list(rows_excluded)] = -np.inf
        best = np.argpartition(score, experts - top, axis=1)[:, experts - top :]
        best_scores = np.take_along_axis(score, best, axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")
        best = np.take_along_axis(best, order, axis=1)
        best_scores = np.take_along_axis(best_scores, order, axis=1)
        usable = np.isfinite(best_scores)
        result.experts[start:stop] = np.where(usable, best, -1)
        result.scores[start:stop] = np.where(usable, best_scores, 0)
        result.affinity[start:stop] = np.where(usable, np.take_along_axis(affinity, best, axis=1), 0)
    return result


def strongest_terms(vectors, keep: int):
    """Each row's `keep` largest weights (ties by column), the rest dropped; rows are not renormalised, so the
    dot product stays the exact contribution of the kept terms to the cosine."""
    import numpy as np
    import scipy.sparse as sp

    vectors = sp.csr_array(vectors)
    vectors.sort_indices()
    counts = np.diff(vectors.indptr)
    rows = np.repeat(np.arange(vectors.shape[0]), counts)
    # One sort by (row, -weight): weights are in [0, 1], so row * 2 - weight orders rows and weights at once.
    order = np.argsort(rows * 2.0 - vectors.data, kind="stable")
    position = np.arange(len(order)) - np.repeat(vectors.indptr[:-1], counts)
    kept = order[position < keep]
    kept.sort()  # back to the original (row, column) order
    kept_counts = np.minimum(counts, keep)
    indptr = np.concatenate([[0], np.cumsum(kept_counts)])
    return sp.csr_array((vectors.data[kept], vectors.indices[kept], indptr), shape=vectors.shape)


# Django: one need's suggestions, with their reasons --------------------------------------------------------


@dataclass
class Suggestion:
    user: object
    score: float
    affinity: float
    follows_field: bool
    region_score: float
    in_progress: int
    limit: int
    interested: bool
    terms: list[str] = field(default_factory=list)


def expert_text(subscription: Subscription) -> str:
    person = getattr(subscription.user, "person", None)
    parts = [*subscription.field_labels(), subscription.expertise]
    if person is not None:
        parts += [person.field, person.title, person.bio]
    return " ".join(part for part in parts if part)


def load_table(subscriptions: list[Subscription]) -> tuple[ExpertTable, dict[int, int], list]:
    """The subscribed experts as an `ExpertTable`, with each region's column, in a constant number of queries."""
    import numpy as np
    from django.db.models import Count

    from laurel.outreach.models import District

    regions = list(District.objects.values_list("pk", flat=True))
    region_column = {pk: index for index, pk in enumerate(regions)}
    users = [subscription.user_id for subscription in subscriptions]
    active = dict(
        Need.objects.filter(expert_id__in=users, status__in=[Need.Status.INTRODUCED, Need.Status.MET])
        .values("expert_id")
        .annotate(total=Count("pk"))
        .values_list("expert_id", "total")
    )
    field_matrix = np.zeros((len(subscriptions), len(FIELDS)), dtype=bool)
    region_matrix = np.zeros((len(subscriptions), len(regions)), dtype=bool)
    for row, subscription in enumerate(subscriptions):
        for code in subscription.fields:
            if code in FIELDS:
                field_matrix[row, FIELDS.index(code)] = True
        for region in subscription.regions.all():
            region_matrix[row, region_column[region.pk]] = True
    table = ExpertTable(
        texts=[expert_text(subscription) for subscription in subscriptions],
        fields=field_matrix,
        regions=region_matrix,
        load=np.array(
            [
                active.get(user, 0) / subscription.max_active
                for user, subscription in zip(users, subscriptions, strict=True)
            ]
        ),
        available=np.array([subscription.is_available for subscription in subscriptions], dtype=bool),
    )
    return table, region_column, [active.get(user, 0) for user in users]


def suggest(need: Need, *, limit: int = 8) -> list[Suggestion]:
    """Ranked experts for one need, with the shared terms that explain the text affinity."""
    import numpy as np

    from laurel.assignment.affinity import Vectorizer, explain
    from laurel.people.roles import RoleKind

    subscriptions = list(
        Subscription.objects.filter(user__is_active=True, user__roles__kind=RoleKind.EXPERT)
        .distinct()
        .select_related("user__person__organization")
        .prefetch_related("regions")
        .order_by("pk")
    )
    if not subscriptions:
        return []
    table, region_column, in_progress = load_table(subscriptions)
    rows = {subscription.user_id: row for row, subscription in enumerate(subscriptions)}
    excluded = {rows[user] for user in need.passed_over if user in rows}
    if need.expert_id in rows:
        excluded.add(rows[need.expert_id])
    ranked = rank(
        [need.text()],
        np.array([FIELDS.index(need.field)]),
        np.array([region_column[need.region_id]]),
        table,
        top=limit,
        excluded={0: excluded},
    )
    interested = set(need.interests.values_list("user_id", flat=True))
    vectorizer = Vectorizer.fit([need.text(), *table.texts])
    suggestions = []
    for column, row in enumerate(ranked.experts[0].tolist()):
        if row < 0:
            continue
        subscription = subscriptions[row]
        regions = table.regions[row]
        region_score = 1.0 if regions[region_column[need.region_id]] else (WHOLE_CITY if not regions.any() else 0.0)
        terms = [term.strip() for term, _weight in explain(table.texts[row], need.text(), vectorizer, top=5)]
        suggestions.append(
            Suggestion(
                user=subscription.user,
                score=round(float(ranked.scores[0, column]), 3),
                affinity=round(float(ranked.affinity[0, column]), 3),
                follows_field=bool(table.fields[row, FIELDS.index(need.field)]),
                region_score=region_score,
                in_progress=in_progress[row],
                limit=subscription.max_active,
                interested=subscription.user_id in interested,
                terms=terms,
            )
        )
    return suggestions
