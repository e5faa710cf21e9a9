"""Blind review (盲评): in a blind campaign the experts never learn who the nominee is or which unit put them
forward. Fields and photos are left out of their pages, documents are the anonymized ones the nominator uploaded
for them (the full ones stay with the staff), and the story is masked on the server: every occurrence of the
nominee's name and of the unit's names (Chinese and English, the parent unit's too) is replaced before it is
rendered. The nominator is warned at submission when the story names the person or the unit.
"""

import re

from django.utils.translation import gettext as _

from laurel.honors.models import Nomination

# Shorter than this, a "name" is too likely to be part of ordinary words (a one-character name, "AI").
MIN_NAME_LENGTH = 2


def _names(nomination: Nomination) -> tuple[list[str], list[str]]:
    """The nominee's names and the unit's names (the nomination's unit, the nominee's own unit, their parents)."""
    person = nomination.person
    people = [person.name, person.name_en]
    units = []
    for unit in {nomination.unit, person.organization}:
        while unit is not None:
            units += [unit.name, unit.name_en]
            unit = unit.parent
    return _longest_first(people), _longest_first(units)


def _longest_first(names: list[str]) -> list[str]:
    kept = {name.strip() for name in names if len(name.strip()) >= MIN_NAME_LENGTH}
    return sorted(kept, key=lambda name: (-len(name), name))


def _pattern(names: list[str]) -> re.Pattern | None:
    if not names:
        return None
    # Longest first, so "云州大学附属医院" is masked whole before "云州大学"; Latin names ignore case.
    return re.compile("|".join(re.escape(name) for name in names), re.IGNORECASE)


def mask(text: str, nomination: Nomination) -> str:
    """`text` with the nominee's and the unit's names replaced by placeholders, in the page's language."""
    people, units = _names(nomination)
    # Units first: a unit's name may contain the person's (a lab named after its founder) but not the reverse.
    for names, placeholder in ((units, _("[unit]")), (people, _("[nominee]"))):
        pattern = _pattern(names)
        if pattern is not None:
            text = pattern.sub(placeholder, text)
    return text


def names_in(text: str, nomination: Nomination) -> list[str]:
    """The nominee's and the unit's names the text contains, as written in the profile, in order of length."""
    people, units = _names(nomination)
    lowered = text.casefold()
    return [name for name in people + units if name.casefold() in lowered]


def blind_for(user_is_staff: bool, user_is_nominator: bool, nomination: Nomination) -> bool:
    """Whether the page is blind for this reader: everyone but staff and the nomination's own nominators."""
    return nomination.campaign.blind_review and not user_is_staff and not user_is_nominator
