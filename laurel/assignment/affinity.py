"""Affinity from text: TF-IDF over character n-grams (numpy/scipy only), for Chinese and English alike.

Text is lower-cased and every run of non-word characters becomes one space. Terms are character n-grams
(1 to 3 by default) taken inside each word-run, plus whole Latin words; single Latin letters and digits are
dropped (noise), single CJK characters are kept. Weights are (1 + log tf) x idf with smooth idf, rows L2-normalised; the affinity
of an expert and a nomination is the cosine of their vectors, in [0, 1].

Speed: `text_affinity` never loops over n-grams or pairs in Python. All texts become one array of code
points; every n-gram of up to 3 characters is an exact int64 code (base 2^21 digits, one per character, so
no two n-grams share a code); whole Latin words longer than 3 letters get their column from a dictionary.
Counts, document frequencies, the TF-IDF weights (float32) and the cosines are sparse-matrix operations.
`terms` is the reference definition of the terms (used by `explain`); a test checks both agree.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)
BASE = 1 << 21  # one digit per code point (all code points + 1 are below 2^21)


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


def _extract(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The terms of `texts`, with repeats: (document, n-gram code) and (document, whole Latin word of 4+ letters).

    Same terms as `terms(text)`: 1- to 3-grams inside non-Latin words, 2- and 3-grams of " word " for Latin
    words, and Latin words of 2+ letters whole (those of 2 or 3 letters share the code of that n-gram).
    """
    words_by_text = [normalise(text).split() for text in texts]
    words = [word for text_words in words_by_text for word in text_words]
    word_text = np.repeat(np.arange(len(texts)), [len(text_words) for text_words in words_by_text])
    if not words:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, []
    latin = np.fromiter((word.isascii() for word in words), dtype=bool, count=len(words))
    pieces = [f" {word} " if is_latin else word for word, is_latin in zip(words, latin.tolist(), strict=True)]
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    points = np.frombuffer(("\0".join(pieces) + "\0").encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    valid = points != 0  # "\0" separates words (normalise turns any NUL in a text into a space)
    digits = points + 1
    position_word = np.repeat(np.arange(len(words)), lengths + 1)
    one = valid & ~latin[position_word]
    two = valid[:-1] & valid[1:]
    three = valid[:-2] & valid[1:-1] & valid[2:]
    codes = np.concatenate(
        [
            digits[one],
            (digits[:-1] * BASE + digits[1:])[two],
            ((digits[:-2] * BASE + digits[1:-1]) * BASE + digits[2:])[three],
        ]
    )
    documents = word_text[np.concatenate([position_word[one], position_word[:-1][two], position_word[:-2][three]])]
    # Whole Latin words of 2 or 3 letters: the code of that n-gram; longer ones: by name.
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) + 1  # first letter, after the padding space
    size = lengths - 2
    short2 = np.flatnonzero(latin & (size == 2))
    short3 = np.flatnonzero(latin & (size == 3))
    codes = np.concatenate(
        [
            codes,
            digits[starts[short2]] * BASE + digits[starts[short2] + 1],
            (digits[starts[short3]] * BASE + digits[starts[short3] + 1]) * BASE + digits[starts[short3] + 2],
        ]
    )
    documents = np.concatenate([documents, word_text[short2], word_text[short3]])
    long_words = np.flatnonzero(latin & (size > 3))
    return documents, codes, word_text[long_words], [words[index] for index in long_words.tolist()]


def _decode(codes: np.ndarray) -> list[str]:
    """The n-grams behind sorted-or-not int64 codes (vectorised: a code's digits are its characters + 1)."""
    characters = np.zeros((len(codes), 3), dtype=np.uint32)
    for column in range(3):
        for size in range(column + 1, 4):
            of_size = (codes >= BASE ** (size - 1)) & (codes < BASE**size)
            characters[of_size, column] = codes[of_size] // BASE ** (size - 1 - column) % BASE - 1
    return characters.view("<U3").ravel().tolist()


def _encode(term: str) -> int | None:
    """The n-gram code of a term of up to 3 characters (None for a longer whole word)."""
    if len(term) > 3:
        return None
    code = 0
    for character in term:
        code = code * BASE + ord(character) + 1
    return code


def _weighted(counts: sp.csr_array, idf: np.ndarray) -> sp.csr_array:
    """(1 + log tf) x idf, rows L2-normalised, float32."""
    counts = sp.csr_array(counts, dtype=np.float32)
    counts.data = (1 + np.log(counts.data)) * idf[counts.indices].astype(np.float32)
    norms = np.sqrt(
        np.bincount(np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr)), counts.data**2, counts.shape[0])
    )
    norms[norms == 0] = 1.0
    counts.data /= np.repeat(norms, np.diff(counts.indptr)).astype(np.float32)
    return counts


@dataclass
class Vectorizer:
    vocabulary: dict[str, int]
    idf: np.ndarray
    smallest: int = 1
    largest: int = 3
    codes: np.ndarray | None = None  # sorted n-gram codes in the vocabulary, and their columns
    code_columns: np.ndarray | None = None

    @classmethod
    def fit(
        cls, texts: list[str], smallest: int = 1, largest: int = 3, counted: list[Counter] | None = None
    ) -> Vectorizer:
        if counted is None and (smallest, largest) == (1, 3):
            return cls._fit_counts(texts)[0]
        frequency: Counter = Counter()
        for counts in counted if counted is not None else (terms(text, smallest, largest) for text in texts):
            frequency.update(counts.keys())
        vocabulary = {term: index for index, term in enumerate(sorted(frequency))}
        documents = len(texts) if counted is None else len(counted)
        idf = np.array([math.log((1 + documents) / (1 + frequency[term])) + 1 for term in vocabulary])
        return cls(vocabulary=vocabulary, idf=idf, smallest=smallest, largest=largest)

    @classmethod
    def _fit_counts(cls, texts: list[str]) -> tuple[Vectorizer, sp.csr_array]:
        """The fitted vectorizer and the texts' term counts (texts x vocabulary), in one pass."""
        documents, codes, word_documents, long_words = _extract(texts)
        unique_codes, code_columns = np.unique(codes, return_inverse=True)
        names: dict[str, int] = {}
        word_columns = np.array([names.setdefault(word, len(names)) for word in long_words], dtype=np.int64)
        columns = np.concatenate([code_columns.ravel(), len(unique_codes) + word_columns])
        rows = np.concatenate([documents, word_documents])
        width = len(unique_codes) + len(names)
        counts = sp.csr_array((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(texts), width))
        counts.sum_duplicates()
        frequency = np.bincount(counts.indices, minlength=width)
        idf = np.log((1 + len(texts)) / (1 + frequency)) + 1
        vocabulary = dict(zip(_decode(unique_codes), range(len(unique_codes)), strict=True))
        vocabulary.update({word: len(unique_codes) + column for word, column in names.items()})
        vectorizer = cls(vocabulary=vocabulary, idf=idf, codes=unique_codes, code_columns=np.arange(len(unique_codes)))
        return vectorizer, counts

    def _code_table(self) -> tuple[np.ndarray, np.ndarray]:
        if self.codes is None:
            pairs = sorted((code, column) for term, column in self.vocabulary.items() if (code := _encode(term)))
            self.codes = np.array([code for code, _ in pairs], dtype=np.int64)
            self.code_columns = np.array([column for _, column in pairs], dtype=np.int64)
        return self.codes, self.code_columns

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
        if counted is None and (self.smallest, self.largest) == (1, 3):
            return _weighted(self._counts(texts), self.idf)
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

    def _counts(self, texts: list[str]) -> sp.csr_array:
        documents, codes, word_documents, long_words = _extract(texts)
        table, table_columns = self._code_table()
        where = np.minimum(np.searchsorted(table, codes), max(len(table) - 1, 0))
        known = (table[where] == codes) if len(table) else np.zeros(len(codes), dtype=bool)
        word_columns = [self.vocabulary.get(word, -1) for word in long_words]
        word_columns = np.array(word_columns, dtype=np.int64)
        rows = np.concatenate([documents[known], word_documents[word_columns >= 0]])
        columns = np.concatenate([table_columns[where[known]], word_columns[word_columns >= 0]])
        counts = sp.csr_array(
            (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(texts), len(self.vocabulary))
        )
        counts.sum_duplicates()
        return counts


def expert_text(*, fields=(), keywords=(), expertise: str = "") -> str:
    return " ".join([*fields, *keywords, expertise or ""])


def nomination_text(*, field: str = "", story: str = "") -> str:
    return f"{field or ''} {story or ''}"


def text_vectors(item_texts: list[str], expert_texts: list[str]) -> tuple[sp.csr_array, sp.csr_array, Vectorizer]:
    """The L2-normalised TF-IDF rows of items and experts (one vocabulary fitted on both) and the vectorizer:
    for callers that take the cosines block by block instead of as one dense matrix."""
    vectorizer, counts = Vectorizer._fit_counts([*item_texts, *expert_texts])
    weighted = _weighted(counts, vectorizer.idf)
    return weighted[: len(item_texts)], weighted[len(item_texts) :], vectorizer


def text_affinity(item_texts: list[str], expert_texts: list[str]) -> tuple[np.ndarray, Vectorizer]:
    """Items x experts cosine similarities (float32) and the fitted vectorizer (for `explain`)."""
    items, experts, vectorizer = text_vectors(item_texts, expert_texts)
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
