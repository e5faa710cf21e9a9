import numpy as np
import pytest
from django.utils import timezone

from laurel.assignment.affinity import text_affinity
from laurel.needs.matching import FIELDS, ExpertTable, rank, suggest
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


def reference_rank(need_texts, need_fields, need_regions, experts: ExpertTable, top):
    """The score written out pair by pair from the module's definition: what the fast path must equal."""
    from laurel.needs.matching import WEIGHTS, WHOLE_CITY

    cosines, _vectorizer = text_affinity(need_texts, experts.texts)
    ranking = []
    for need in range(len(need_texts)):
        scored = []
        for expert in range(len(experts.texts)):
            if not experts.available[expert] or experts.load[expert] >= 1:
                continue
            follows = experts.regions[expert]
            region = 1.0 if follows[need_regions[need]] else (WHOLE_CITY if not follows.any() else 0.0)
            score = (
                WEIGHTS["affinity"] * cosines[need, expert]
                + WEIGHTS["field"] * experts.fields[expert, need_fields[need]]
                + WEIGHTS["region"] * region
                + WEIGHTS["load"] * (1 - experts.load[expert])
            )
            scored.append((score, expert))
        scored.sort(key=lambda pair: -pair[0])
        ranking.append(scored[:top])
    return ranking


@pytest.mark.parametrize("expert_words", [2, 9])  # experts shorter than needs (sparse experts), then longer
def test_rank_equals_the_pair_by_pair_reference(expert_words):
    words = ["锂电池", "涂层", "焊接", "水稻", "育种", "冷链", "光伏", "催化剂", "机器人", "茶叶", "sensor", "welding"]
    numbers = np.random.default_rng(3)

    def texts(count, size):
        return [" ".join(numbers.choice(words, size)) for _index in range(count)]

    experts = ExpertTable(
        texts=texts(40, expert_words),
        fields=numbers.random((40, len(FIELDS))) < 0.3,
        regions=numbers.random((40, 4)) < 0.3,
        load=numbers.integers(0, 4, 40) / 3,
        available=numbers.random(40) < 0.9,
    )
    need_texts = texts(25, 5)
    need_fields = numbers.integers(0, len(FIELDS), 25)
    need_regions = numbers.integers(0, 4, 25)
    ranked = rank(need_texts, need_fields, need_regions, experts, top=5, block=7)
    for need, everyone in enumerate(reference_rank(need_texts, need_fields, need_regions, experts, 40)):
        assert np.allclose(ranked.scores[need], [score for score, _expert in everyone[:5]], atol=1e-5)
        # The same experts wherever the reference's order is not a (near-)tie with a neighbour.
        scores = [score for score, _expert in everyone]
        for column, (score, expert) in enumerate(everyone[:5]):
            neighbours = scores[max(column - 1, 0) : column] + scores[column + 1 : column + 2]
            if all(abs(score - other) > 1e-4 for other in neighbours):
                assert ranked.experts[need, column] == expert
