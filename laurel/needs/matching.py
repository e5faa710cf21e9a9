"""Experts suggested for technical needs: affinity of texts, field, region, availability and load.

`rank` is the engine, numpy/scipy only and vectorised, and exact (every term of every text counts): every need
is scored against every expert block by block (1,000 needs x all experts at a time, so 10,000 x 5,000 never holds
50 million floats at once) and the best `top` per need are kept with `argpartition`. The numeric libraries are
imported inside the functions, so importing this module (the URL map does, through the views) costs nothing.
`load_experts` reads the experts as plain values (a need's page with 5,000 experts: 4 queries, no model
instances but the suggested experts').

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
DENSE_CELLS = 8_000_000  # floats in one dense block of need vectors (32 MB)
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
    vectorizer: object = None  # the TF-IDF fitted on needs and experts, for `explain`


def rank(
    need_texts: list[str], need_fields: np.ndarray, need_regions: np.ndarray, table: ExpertTable, *, top: int = 5,
    block: int = 1000, excluded: dict[int, set[int]] | None = None,
) -> Ranked:  # fmt: skip
    """The `top` experts for each need, exact (every TF-IDF term counts). `need_fields`/`need_regions` hold
    column indexes into the table's field and region matrices; `excluded` maps a need's row to expert rows
    never to suggest for it."""
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
    need_vectors, expert_vectors, result.vectorizer = text_vectors(need_texts, table.texts)
    # Only experts who can take a need are scored at all (the vocabulary and its weights still come from every
    # text, so a score does not depend on who is available): experts at their limit cost nothing.
    eligible = np.flatnonzero(table.available & (table.load < 1))
    columns = len(eligible)
    if not columns:
        return result
    kept = min(top, columns)
    expert_vectors = expert_vectors[eligible]
    # The affinity's weight goes into the need vectors: halving is exact in floating point, so the product is
    # exactly the weighted cosine, and the scoring saves a pass over every block.
    half = np.float32(WEIGHTS["affinity"])
    need_vectors = need_vectors.astype(np.float32)
    need_vectors.data *= half
    follows = table.regions[eligible]
    # Everything but the text, per (field, region) pair: load, field and region parts added once per expert; a
    # block then gathers one row per need instead of three.
    constant = (WEIGHTS["load"] * (1 - np.clip(table.load[eligible], 0, 1))).astype(np.float32)
    field_part = np.asarray(table.fields[eligible].T, dtype=np.float32) * np.float32(WEIGHTS["field"])
    region_part = np.asarray(follows.T, dtype=np.float32)
    region_part[:, ~follows.any(axis=1)] = WHOLE_CITY
    region_part *= np.float32(WEIGHTS["region"])
    regions = region_part.shape[0]
    rest = (constant + field_part[:, None, :] + region_part[None, :, :]).reshape(-1, columns)
    pair = np.asarray(need_fields, dtype=np.int64) * regions + np.asarray(need_regions, dtype=np.int64)
    column_of = np.full(experts, -1, dtype=np.int64)
    column_of[eligible] = np.arange(columns)
    excluded_rows = []
    for row, rows_excluded in sorted((excluded or {}).items()):
        found = column_of[list(rows_excluded)] if rows_excluded else column_of[:0]
        if (found >= 0).any():
            excluded_rows.append((row, found[found >= 0]))
    for start, stop, affinity in _cosine_blocks(need_vectors, expert_vectors, block):
        np.clip(affinity, 0, half, out=affinity)  # cosines are in [0, 1] but for rounding
        score = rest[pair[start:stop]]
        score += affinity  # C order whatever the product's layout: argpartition is fast on contiguous rows
        for row, excluded_columns in excluded_rows:
            if start <= row < stop:
                score[row - start, excluded_columns] = -np.inf
        best = np.argpartition(score, columns - kept, axis=1)[:, columns - kept :]
        best_scores = np.take_along_axis(score, best, axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")
        best = np.take_along_axis(best, order, axis=1)
        best_scores = np.take_along_axis(best_scores, order, axis=1)
        usable = np.isfinite(best_scores)
        result.experts[start:stop, :kept] = np.where(usable, eligible[best], -1)
        result.scores[start:stop, :kept] = np.where(usable, best_scores, 0)
        result.affinity[start:stop, :kept] = np.where(usable, np.take_along_axis(affinity, best, axis=1) / half, 0)
    return result


def _cosine_blocks(need_vectors, expert_vectors, block: int):
    """(start, stop, needs x experts products as float32) for each block of needs.

    A sparse matrix times a dense one costs (non-zeros of the sparse one) x (columns of the dense one). When
    experts have fewer terms than needs (the usual case: a profile is shorter than a need), the experts stay
    sparse and a block of needs is made dense: half the work of the other way round, and no dense matrix of the
    whole vocabulary x 5,000 experts. The product is experts x needs, handed back transposed (a view). Otherwise
    (one short need, or experts with long biographies) a sparse x sparse product, whose memory stays small.
    """
    import numpy as np

    needs, experts = need_vectors.shape[0], expert_vectors.shape[0]
    # Only terms some expert uses can add to a cosine: the other columns are dropped before anything is dense.
    used = np.flatnonzero(np.bincount(expert_vectors.indices, minlength=expert_vectors.shape[1]))
    need_vectors = need_vectors[:, used].astype(np.float32).tocsr()
    expert_vectors = expert_vectors[:, used].astype(np.float32).tocsr()
    experts_sparse = expert_vectors.nnz / experts <= need_vectors.nnz / needs
    if experts_sparse:
        # The dense block of needs is block x terms: bounded to DENSE_CELLS whatever the vocabulary's size.
        block = max(1, min(block, DENSE_CELLS // max(len(used), 1)))
        expert_matrix = expert_vectors
    else:
        expert_matrix = expert_vectors.T.tocsr()
    for start in range(0, needs, block):
        stop = min(start + block, needs)
        if experts_sparse:
            dense_needs = need_vectors[start:stop].T.toarray(order="C")
            yield start, stop, np.asarray(expert_matrix @ dense_needs, dtype=np.float32).T
        else:
            yield start, stop, (need_vectors[start:stop] @ expert_matrix).toarray()


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


@dataclass
class Experts:
    """The subscribed experts as `rank` sees them, and what the page shows beside each."""

    table: ExpertTable
    user_ids: list[int]
    limits: list[int]
    in_progress: list[int]
    region_column: dict[int, int]  # district pk -> column of `table.regions`


def load_experts() -> Experts:
    """Every active expert's subscription, read as plain values in four queries whatever their number: building
    5,000 model instances with their profiles and regions took most of a need page's time."""
    import numpy as np
    from django.db.models import Count

    from laurel.outreach.models import District
    from laurel.people.models import Role
    from laurel.people.roles import RoleKind

    rows = list(
        Subscription.objects.filter(
            user__is_active=True, user__in=Role.objects.filter(kind=RoleKind.EXPERT).values("user")
        )
        .order_by("pk")
        .values_list(
            "pk", "user_id", "fields", "expertise", "is_available", "max_active",
            "user__person__field", "user__person__title", "user__person__bio",
        )
    )  # fmt: skip
    region_column = {pk: column for column, pk in enumerate(District.objects.values_list("pk", flat=True))}
    row_of = {row[0]: index for index, row in enumerate(rows)}
    regions = np.zeros((len(rows), len(region_column)), dtype=bool)
    for subscription, district in Subscription.regions.through.objects.values_list("subscription_id", "district_id"):
        if subscription in row_of:
            regions[row_of[subscription], region_column[district]] = True
    user_ids = [row[1] for row in rows]
    active = dict(
        Need.objects.filter(expert__isnull=False, status__in=[Need.Status.INTRODUCED, Need.Status.MET])
        .values("expert_id")
        .annotate(total=Count("pk"))
        .values_list("expert_id", "total")
    )
    labels = {code: str(label) for code, label in NeedField.choices}
    fields = np.zeros((len(rows), len(FIELDS)), dtype=bool)
    texts = []
    for index, (_pk, _user, codes, expertise, _available, _limit, *profile) in enumerate(rows):
        known = [code for code in codes if code in labels]
        fields[index, [FIELDS.index(code) for code in known]] = True
        texts.append(" ".join(part for part in [*(labels[code] for code in known), expertise, *profile] if part))
    in_progress = [active.get(user, 0) for user in user_ids]
    limits = [row[5] for row in rows]
    table = ExpertTable(
        texts=texts,
        fields=fields,
        regions=regions,
        load=np.array(in_progress, dtype=float) / np.maximum(np.array(limits, dtype=float), 1),
        available=np.array([row[4] for row in rows], dtype=bool),
    )
    return Experts(table, user_ids, limits, in_progress, region_column)


def suggest(need: Need, *, limit: int = 8) -> list[Suggestion]:
    """Ranked experts for one need, with the shared terms that explain the text affinity."""
    import numpy as np

    from laurel.assignment.affinity import explain
    from laurel.people.models import User

    experts = load_experts()
    if not experts.user_ids:
        return []
    table, region_column = experts.table, experts.region_column
    rows = {user: row for row, user in enumerate(experts.user_ids)}
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
    chosen = [row for row in ranked.experts[0].tolist() if row >= 0]
    users = User.objects.in_bulk([experts.user_ids[row] for row in chosen])
    interested = set(need.interests.values_list("user_id", flat=True))
    suggestions = []
    for column, row in enumerate(chosen):
        user_id = experts.user_ids[row]
        regions = table.regions[row]
        region_score = 1.0 if regions[region_column[need.region_id]] else (WHOLE_CITY if not regions.any() else 0.0)
        terms = [term.strip() for term, _weight in explain(table.texts[row], need.text(), ranked.vectorizer, top=5)]
        suggestions.append(
            Suggestion(
                user=users[user_id],
                score=round(float(ranked.scores[0, column]), 3),
                affinity=round(float(ranked.affinity[0, column]), 3),
                follows_field=bool(table.fields[row, FIELDS.index(need.field)]),
                region_score=region_score,
                in_progress=experts.in_progress[row],
                limit=experts.limits[row],
                interested=user_id in interested,
                terms=terms,
            )
        )
    return suggestions
