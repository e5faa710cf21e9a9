import numpy as np
import pytest
from django.utils import timezone

from laurel.needs.matching import FIELDS, ExpertTable, rank, strongest_terms, suggest
from laurel.needs.models import Need
from tests.factories.needs import NeedFactory, expert_user, subscribe
from tests.factories.outreach import district


def table(**overrides) -> ExpertTable:
    values = {
        "texts": ["锂电池 正极材料 涂层", "水稻 育种 病虫害", "锂电池 回收"],
        "fields": np.zeros((3, len(FIELDS)), dtype=bool),
        "regions": np.zeros((3, 2), dtype=bool),
        "load": np.zeros(3),
        "available": np.ones(3, dtype=bool),
        **overrides,
    }
    return ExpertTable(**values)


def test_rank_puts_the_closest_text_first_and_skips_unavailable_and_full_experts():
    ranked = rank(["锂电池正极材料涂层开裂"], np.array([0]), np.array([0]), table(), top=3)
    assert ranked.experts[0].tolist()[:2] == [0, 2]
    assert ranked.affinity[0, 0] > ranked.affinity[0, 1] > 0
    ranked = rank(
        ["锂电池正极材料涂层开裂"], np.array([0]), np.array([0]),
        table(available=np.array([False, True, True]), load=np.array([0, 1.0, 0])), top=3,
    )  # fmt: skip
    assert ranked.experts[0].tolist() == [2, -1, -1]


def test_rank_field_and_region_lift_an_expert_and_exclusions_hold():
    fields = np.zeros((3, len(FIELDS)), dtype=bool)
    fields[1, FIELDS.index("agriculture")] = True
    regions = np.zeros((3, 2), dtype=bool)
    regions[1, 1] = True
    regions[0, 0] = True
    need_field = np.array([FIELDS.index("agriculture")])
    ranked = rank(["茶叶"], need_field, np.array([1]), table(fields=fields, regions=regions), top=3)
    assert ranked.experts[0, 0] == 1
    ranked = rank(["茶叶"], need_field, np.array([1]), table(fields=fields, regions=regions), top=3, excluded={0: {1}})
    assert 1 not in ranked.experts[0].tolist()


def test_rank_in_blocks_equals_one_block():
    texts = [f"锂电池第{index}批材料涂层" for index in range(7)]
    args = (texts, np.zeros(7, dtype=int), np.zeros(7, dtype=int), table())
    assert np.array_equal(rank(*args, block=2).experts, rank(*args, block=100).experts)


def test_strongest_terms_keeps_the_largest_weights_per_row():
    import scipy.sparse as sp

    matrix = sp.csr_array(np.array([[0.1, 0.5, 0.3, 0.0], [0.0, 0.2, 0.0, 0.9]]))
    kept = strongest_terms(matrix, 2).toarray()
    assert kept.tolist() == [[0.0, 0.5, 0.3, 0.0], [0.0, 0.2, 0.0, 0.9]]
    assert strongest_terms(matrix, 1).toarray().tolist() == [[0.0, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 0.9]]


@pytest.mark.django_db
def test_suggest_ranks_subscribed_experts_with_reasons_in_constant_queries(django_assert_max_num_queries):
    coat = expert_user("coat@example.org", name="涂层专家")
    subscribe(coat, regions=[district("东湖区")])
    rice = expert_user("rice@example.org", name="水稻专家", field="农学", bio="水稻育种")
    subscribe(rice, fields=["agriculture"], expertise="水稻 育种")
    for index in range(5):
        subscribe(expert_user(f"x{index}@example.org", name=f"专家{index}", bio="通信"), fields=["electronics"])
    need = NeedFactory()
    need.interests.create(user=rice)
    with django_assert_max_num_queries(10):
        suggestions = suggest(need)
    assert [item.user for item in suggestions[:1]] == [coat]
    first = suggestions[0]
    assert first.follows_field and first.region_score == 1.0 and "正极材" in first.terms
    assert next(item for item in suggestions if item.user == rice).interested


@pytest.mark.django_db
def test_suggest_leaves_out_passed_over_and_non_experts(stranger):
    gone = expert_user("gone@example.org")
    subscribe(gone)
    from laurel.needs.models import Subscription

    Subscription.objects.create(user=stranger, fields=["materials"])  # lost the expert role since
    need = NeedFactory(passed_over=[gone.pk])
    assert suggest(need) == []


@pytest.mark.django_db
def test_load_counts_matches_in_progress():
    busy = expert_user("busy@example.org")
    subscribe(busy, max_active=2)
    NeedFactory(status=Need.Status.INTRODUCED, expert=busy, introduced_at=timezone.now())
    [suggestion] = suggest(NeedFactory())
    assert (suggestion.in_progress, suggestion.limit) == (1, 2)
