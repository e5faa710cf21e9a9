"""The vectorised TF-IDF gives exactly the terms and, up to float32 rounding, the cosines of the reference."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laurel.assignment.affinity import Vectorizer, explain, terms, text_affinity

ALPHABET = st.sampled_from(list("abcxyz019 ,._-AB\tÉé量子材料催化水稻育种—，。🙂"))
texts = st.text(alphabet=ALPHABET, max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6))
def test_vectorised_terms_match_the_reference(documents):
    vectorizer, counts = Vectorizer._fit_counts(documents)
    names = {column: term for term, column in vectorizer.vocabulary.items()}
    for row, text in enumerate(documents):
        start, end = counts.indptr[row], counts.indptr[row + 1]
        found = Counter(
            {
                names[column]: int(count)
                for column, count in zip(counts.indices[start:end], counts.data[start:end], strict=True)
            }
        )
        assert found == terms(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5), st.lists(texts, min_size=1, max_size=4))
def test_text_affinity_matches_the_reference_vectorizer(items, experts):
    affinity, vectorizer = text_affinity(items, experts)
    counted = [terms(text) for text in [*items, *experts]]
    reference = Vectorizer.fit([], counted=counted)
    expected = (
        reference.transform(items, counted[: len(items)]) @ reference.transform(experts, counted[len(items) :]).T
    ).toarray()
    assert affinity == pytest.approx(np.clip(expected, 0, 1), abs=1e-5)
    # The fast vectorizer keeps the reference's vocabulary and idf, and transforms new texts the same way.
    assert set(vectorizer.vocabulary) == set(reference.vocabulary)
    again = vectorizer.transform(items).toarray()
    slow = Vectorizer(vocabulary=vectorizer.vocabulary, idf=vectorizer.idf).transform(items, counted[: len(items)])
    assert again == pytest.approx(slow.toarray(), abs=1e-5)
    rebuilt = Vectorizer(vocabulary=vectorizer.vocabulary, idf=vectorizer.idf).transform(items)  # codes from names
    assert rebuilt.toarray() == pytest.approx(slow.toarray(), abs=1e-5)


def test_fitted_vectorizer_explains_a_pair():
    items = ["quantum materials 量子材料", "水稻育种"]
    experts = ["quantum computing 量子计算", "robot control"]
    _, vectorizer = text_affinity(items, experts)
    shared = [term for term, _ in explain(experts[0], items[0], vectorizer)]
    assert "quantum" in shared and "量子" in shared


def test_new_words_are_ignored_by_transform():
    _, vectorizer = text_affinity(["alpha beta"], ["gamma"])
    assert vectorizer.transform(["unseenword zz"]).nnz == 0
