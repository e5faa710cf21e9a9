"""Affinity from text: TF-IDF over character n-grams (numpy/scipy only), for Chinese and English alike.

Text is lower-cased and every run of non-word characters becomes one space. Terms are character n-grams
(1 to 3 by default) taken inside each word-run, plus whole Latin words; single Latin letters and digits are
dropped (noise), single CJK characters are kept. Weights are (1 + log tf) x idf with smooth idf, rows L2-normalised; the affinity
of an expert and a nomination is the cosine of their vectors, in [0, 1].
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    return SEPARATORS.sub(" ", (text or "").lower()).strip()


def terms(text: str, smallest: int = 1, largest: int = 3) -> Counter:
    counts: Counter = Counter()
    for word in normalise(text).split():
        latin = word.isascii()
        if latin:
            if len(word) > 1:
                counts[word] += 1  # whole Latin words, so `explain` can name them
            padded = f" {word} "
        else:
            padded = word
        for size in range(max(smallest, 2 if latin else 1), largest + 1):
            counts.update([padded[start : start + size] for start in range(len(padded) - size + 1)])
    counts.pop(" ", None)
    return counts


@dataclass
class Vectorizer:
    vocabulary: dict[str, int]
    idf: np.ndarray
    smallest: int = 1
    largest: int = 3

    @classmethod
    def fit(
        cls, texts: list[str], smallest: int = 1, largest: int = 3, counted: list[Counter] | None = None
    ) -> Vectorizer:
        frequency: Counter = Counter()
        for counts in counted if counted is not None else (terms(text, smallest, largest) for text in texts):
            frequency.update(counts.keys())
        vocabulary = {term: index for index, term in enumerate(sorted(frequency))}
        documents = len(texts)
        idf = np.array([math.log((1 + documents) / (1 + frequency[term])) + 1 for term in vocabulary])
        return cls(vocabulary=vocabulary, idf=idf, smallest=smallest, largest=largest)

    def weights(self, text: str) -> dict[str, float]:
        counts = terms(text, self.smallest, self.largest)
        raw = {
            term: (1 + math.log(count)) * self.idf[self.vocabulary[term]]
            for term, count in counts.items()
            if term in self.vocabulary
        }
        norm = math.sqrt(sum(value * value for value in raw.values())) or 1.0
        return {term: value / norm for term, value in raw.items()}

    def transform(self, texts: list[str], counted: list[Counter] | None = None) -> sp.csr_array:
        rows, columns, values = [], [], []
        counted = counted if counted is not None else [terms(text, self.smallest, self.largest) for text in texts]
        for row, counts in enumerate(counted):
            for term, count in counts.items():
                index = self.vocabulary.get(term)
                if index is not None:
                    rows.append(row)
                    columns.append(index)
                    values.append(1 + math.log(count))
        matrix = sp.csr_array((values, (rows, columns)), shape=(len(texts), len(self.vocabulary)), dtype=np.float64)
        matrix = matrix @ sp.diags_array(self.idf)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        return sp.csr_array(sp.diags_array(1 / norms) @ matrix)


def expert_text(*, fields=(), keywords=(), expertise: str = "") -> str:
    return " ".join([*fields, *keywords, expertise or ""])


def nomination_text(*, field: str = "", story: str = "") -> str:
    return f"{field or ''} {story or ''}"


def text_affinity(item_texts: list[str], expert_texts: list[str]) -> tuple[np.ndarray, Vectorizer]:
    """Items x experts cosine similarities (float32) and the fitted vectorizer (for `explain`)."""
    counted = [terms(text) for text in [*item_texts, *expert_texts]]
    vectorizer = Vectorizer.fit([], counted=counted)
    items = vectorizer.transform(item_texts, counted[: len(item_texts)])
    experts = vectorizer.transform(expert_texts, counted[len(item_texts) :])
    similarity = (items @ experts.T).toarray()
    return np.clip(similarity, 0.0, 1.0).astype(np.float32), vectorizer


def with_preferences(affinity: np.ndarray, preferences, weight: float = 0.5) -> np.ndarray:
    """Blend explicit expert preferences (items x experts in [0, 1], e.g. staff-collected bids) into text affinity."""
    preferences = np.asarray(preferences.toarray() if sp.issparse(preferences) else preferences, dtype=np.float64)
    if preferences.shape != affinity.shape:
        raise ValueError("preferences must have the affinity's shape")
    if not np.all(np.isfinite(preferences)) or preferences.min() < 0 or preferences.max() > 1:
        raise ValueError("preferences must be numbers between 0 and 1")
    return ((1 - weight) * affinity + weight * preferences).astype(np.float32)


def explain(expert: str, item: str, vectorizer: Vectorizer | None = None, top: int = 8) -> list[tuple[str, float]]:
    """The shared terms that contribute most to the pair's cosine, longest first when they overlap.

    Returns (term, contribution) pairs; contributions of all shared n-grams sum to the cosine.
    """
    vectorizer = vectorizer or Vectorizer.fit([expert, item])
    expert_weights, item_weights = vectorizer.weights(expert), vectorizer.weights(item)
    shared = {term: expert_weights[term] * item_weights[term] for term in expert_weights.keys() & item_weights.keys()}
    chosen: list[tuple[str, float]] = []
    for term, contribution in sorted(shared.items(), key=lambda pair: (-len(pair[0].strip()), -pair[1], pair[0])):
        if any(term.strip() in kept.strip() for kept, _ in chosen):
            continue
        chosen.append((term, contribution))
    chosen.sort(key=lambda pair: -pair[1])
    return [(term.strip(), round(float(value), 6)) for term, value in chosen[:top]]
