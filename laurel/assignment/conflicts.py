"""Conflicts of interest as a pure function over simple records (no Django).

A pair conflicts when: the expert is the nominee (self); the expert's unit and the nominee's unit are the
same or one contains the other (parent chain); the same holds for the nominating unit; the expert declared a
relation with the nominee (or the nominee with the expert); or staff declared the pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads with the first conflict matrix, not with pages that only read these names
    import numpy as np

SELF = "self"
SAME_UNIT = "same_unit"
NOMINATOR_UNIT = "nominator_unit"
RELATION = "declared_relation"
DECLARED = "declared"


@dataclass(frozen=True)
class ExpertRecord:
    person: object
    unit: object = None
    relations: frozenset = field(default_factory=frozenset)  # persons the expert declared a relation with
    # Further units the expert is tied to (a unit they nominate for): conflicts like `unit`, parent chain included.
    other_units: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class ItemRecord:
    nominee: object
    nominee_unit: object = None
    nominator_unit: object = None
    relations: frozenset = field(default_factory=frozenset)  # persons the nominee declared a relation with


def _chain(unit, parents: Mapping) -> list:
    chain, seen = [], set()
    while unit is not None and unit not in seen:
        chain.append(unit)
        seen.add(unit)
        unit = parents.get(unit)
    return chain


def detect_conflicts(
    items: list[ItemRecord],
    experts: list[ExpertRecord],
    *,
    unit_parents: Mapping | None = None,
    declared: Iterable[tuple[int, int]] = (),
) -> dict[tuple[int, int], tuple[str, ...]]:
    """Map each conflicting (item index, expert index) to its reasons (codes above), sorted by pair."""
    parents = unit_parents or {}
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    experts_in_unit: dict[object, list[int]] = defaultdict(list)  # unit -> experts in it
    experts_below: dict[object, list[int]] = defaultdict(list)  # unit -> experts in it or its descendants
    experts_by_person: dict[object, list[int]] = defaultdict(list)
    for index, expert in enumerate(experts):
        experts_by_person[expert.person].append(index)
        own_units = {expert.unit, *expert.other_units} - {None}
        for own in own_units:
            experts_in_unit[own].append(index)
        for unit in {unit for own in own_units for unit in _chain(own, parents)}:
            experts_below[unit].append(index)

    def related_units(unit) -> set[int]:
        if unit is None:
            return set()
        related = set(experts_below.get(unit, ()))
        for ancestor in _chain(unit, parents):
            related.update(experts_in_unit.get(ancestor, ()))
        return related

    for item_index, item in enumerate(items):
        for expert_index in experts_by_person.get(item.nominee, ()):
            found[item_index, expert_index].add(SELF)
        for expert_index in related_units(item.nominee_unit):
            found[item_index, expert_index].add(SAME_UNIT)
        for expert_index in related_units(item.nominator_unit):
            found[item_index, expert_index].add(NOMINATOR_UNIT)
        for person in item.relations:
            for expert_index in experts_by_person.get(person, ()):
                found[item_index, expert_index].add(RELATION)
    for expert_index, expert in enumerate(experts):
        if not expert.relations:
            continue
        for item_index, item in enumerate(items):
            if item.nominee in expert.relations:
                found[item_index, expert_index].add(RELATION)
    for item_index, expert_index in declared:
        found[int(item_index), int(expert_index)].add(DECLARED)
    return {pair: tuple(sorted(found[pair])) for pair in sorted(found)}


def conflict_pairs(conflicts: Mapping[tuple[int, int], tuple[str, ...]]) -> np.ndarray:
    """The (n, 2) array `Problem.conflicts` accepts."""
    import numpy as np

    return np.array(sorted(conflicts), dtype=np.int64).reshape(-1, 2)
