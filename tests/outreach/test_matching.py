import pytest

from laurel.outreach.matching import bigrams, similarity, suggest
from laurel.outreach.models import Talk
from tests.factories.outreach import MembershipFactory, TalkFactory, TalkTopicFactory, district, next_weekday

pytestmark = pytest.mark.django_db


def test_similarity_counts_shared_bigrams_of_the_wanted_topic():
    assert similarity(bigrams("新材料"), bigrams("新材料改变生活")) == 1.0
    assert similarity(bigrams("人工智能"), bigrams("新材料改变生活")) == 0.0


def test_suggestions_rank_topic_district_availability_and_load():
    talk = TalkFactory(status=Talk.Status.REVIEWED, wanted_topic="人工智能", district=district("高新区"))
    fit = MembershipFactory(reach_districts=[district("高新区")])
    TalkTopicFactory(membership=fit, title="人工智能与未来教育")
    far = MembershipFactory(reach_districts=[district("青石县")])
    TalkTopicFactory(membership=far, title="人工智能的历史")
    busy = MembershipFactory(reach_districts=[district("高新区")], available=[])
    TalkTopicFactory(membership=busy, title="人工智能与未来")
    ranked = suggest(talk)
    assert [item.membership for item in ranked] == [fit, far, busy]
    assert (ranked[0].topic_score, ranked[0].district_score, ranked[0].availability_score) == (1.0, 1.0, 1.0)
    assert ranked[1].district_score == 0.0
    assert ranked[2].availability_score == 0.0 and ranked[2].slots == []


def test_suggestions_skip_a_booked_slot_and_count_talks_this_year():
    date = next_weekday(1)
    talk = TalkFactory(status=Talk.Status.REVIEWED, preferred=[(date, "morning"), (next_weekday(3), "evening")])
    membership = MembershipFactory()
    TalkTopicFactory(membership=membership)
    TalkFactory(status=Talk.Status.CONFIRMED, speaker=membership, date=date, slot="morning")
    [suggestion] = suggest(talk)
    assert suggestion.slots == [(next_weekday(3), "evening")]
    assert suggestion.availability_score == 0.5
    assert suggestion.talks_this_year == 1


def test_suggestions_use_a_constant_number_of_queries(django_assert_max_num_queries):
    talk = TalkFactory(status=Talk.Status.REVIEWED)
    for _index in range(12):
        TalkTopicFactory()
    with django_assert_max_num_queries(10):
        assert len(suggest(talk)) == 10
