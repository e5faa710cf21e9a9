import numpy as np
import pytest

from laurel.assignment.affinity import expert_text, explain, nomination_text, text_affinity, with_preferences
from laurel.assignment.conflicts import ExpertRecord, ItemRecord, conflict_pairs, detect_conflicts


def test_affinity_ranks_the_matching_chinese_expert_first():
    items = [nomination_text(field="农学", story="长期从事杂交水稻育种研究，培育高产水稻品种。")]
    experts = [
        expert_text(fields=["农学"], keywords=["水稻", "育种"], expertise="水稻遗传育种"),
        expert_text(fields=["材料"], keywords=["锂电池"], expertise="锂离子电池正极材料"),
    ]
    affinity, _ = text_affinity(items, experts)
    assert affinity.shape == (1, 2)
    assert affinity[0, 0] > affinity[0, 1]
    assert affinity.min() >= 0.0 and affinity.max() <= 1.0


def test_affinity_ranks_the_matching_english_expert_first():
    items = [nomination_text(field="Robotics", story="Designed surgical robots and robot control software.")]
    experts = [
        expert_text(fields=["Materials"], keywords=["polymer"], expertise="Polymer chemistry of coatings"),
        expert_text(fields=["Robotics"], keywords=["robot control"], expertise="Control of surgical robots"),
    ]
    affinity, _ = text_affinity(items, experts)
    assert affinity[0, 1] > affinity[0, 0]


def test_explain_names_the_shared_terms():
    terms = [term for term, _ in explain("quantum computing 量子计算", "quantum materials 量子材料")]
    assert "quantum" in terms
    assert "量子" in terms
    assert "qua" not in terms  # covered by the whole word
    assert explain("水稻", "锂电池") == []


def test_preferences_blend_and_refuse_bad_values():
    affinity = np.array([[0.2, 0.4]], dtype=np.float32)
    blended = with_preferences(affinity, [[1.0, 0.0]], weight=0.5)
    assert blended[0].tolist() == pytest.approx([0.6, 0.2])
    with pytest.raises(ValueError):
        with_preferences(affinity, [[2.0, 0.0]])


def test_conflicts_cover_self_units_nominator_and_relations():
    parents = {"lab": "institute", "institute": "academy"}
    experts = [
        ExpertRecord(person="p1", unit="other"),  # the nominee herself
        ExpertRecord(person="e2", unit="institute"),  # parent of the nominee's unit
        ExpertRecord(person="e3", unit="university"),  # the nominator's unit
        ExpertRecord(person="e4", unit="elsewhere", relations=frozenset({"p1"})),  # declared a relation
        ExpertRecord(person="e5", unit="elsewhere"),  # declared by the nominee
        ExpertRecord(person="e6", unit="elsewhere"),  # free
        ExpertRecord(person="e7", unit="sub-lab"),  # below the nominee's unit
    ]
    parents["sub-lab"] = "lab"
    items = [ItemRecord(nominee="p1", nominee_unit="lab", nominator_unit="university", relations=frozenset({"e5"}))]
    found = detect_conflicts(items, experts, unit_parents=parents, declared=[(0, 5)])
    assert found == {
        (0, 0): ("self",),
        (0, 1): ("same_unit",),
        (0, 2): ("nominator_unit",),
        (0, 3): ("declared_relation",),
        (0, 4): ("declared_relation",),
        (0, 5): ("declared",),
        (0, 6): ("same_unit",),
    }
    assert conflict_pairs(found).tolist() == [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [0, 6]]


def test_units_in_different_branches_do_not_conflict():
    parents = {"lab-a": "academy", "lab-b": "academy"}
    found = detect_conflicts(
        [ItemRecord(nominee="n", nominee_unit="lab-a")], [ExpertRecord(person="e", unit="lab-b")], unit_parents=parents
    )
    assert found == {}
