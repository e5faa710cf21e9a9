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

# Two-character surnames: the profile stores the name whole, so the surname is its first character unless the
# name starts with one of these.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "长孙",
        "宇文",
        "夏侯",
        "轩辕",
        "端木",
        "西门",
        "南宫",
        "独孤",
        "万俟",
        "闻人",
        "申屠",
        "澹台",
        "公羊",
        "太史",
        "呼延",
        "赫连",
        "钟离",
        "宗政",
        "濮阳",
        "淳于",
        "单于",
        "司徒",
        "司空",
        "拓跋",
        "百里",
        "东郭",
        "羊舌",
        "微生",
        "梁丘",
        "左丘",
        "第五",
    ]
)

# What follows a surname when a story speaks of the person without the full name: 张教授, 王院士, 李研究员, 张工.
# A surname alone is never masked: 张力 and 扩张 are words, not people.
TITLES = [
    "教授",
    "副教授",
    "老师",
    "院士",
    "研究员",
    "副研究员",
    "助理研究员",
    "工程师",
    "高工",
    "总工",
    "工",
    "总",
    "总经理",
    "经理",
    "董事长",
    "博士",
    "博士后",
    "硕士",
    "同志",
    "先生",
    "女士",
    "主任",
    "副主任",
    "主任医师",
    "医生",
    "医师",
    "大夫",
    "护士长",
    "书记",
    "院长",
    "副院长",
    "所长",
    "校长",
    "局长",
    "处长",
    "科长",
    "部长",
    "站长",
    "队长",
    "组长",
    "厂长",
    "馆长",
    "会长",
    "理事长",
    "秘书长",
    "主席",
    "委员",
    "专家",
    "师傅",
    "老",
]
# One-character titles that also start ordinary words: 张工作了, 张总结. The title counts only when not one of those.
_NOT_AFTER = {"工": "作程厂人业艺具资会地科商区期序种", "总": "结体是共计之数额部会理量之的算括要", "老": "师家人板"}


def surname(name: str) -> str:
    """The surname of a Chinese name as stored whole: the compound ones (欧阳, 诸葛) or the first character."""
    name = name.strip()
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def _is_chinese(name: str) -> bool:
    return bool(name) and all("\u3400" <= char <= "\u9fff" for char in name)


def _names(nomination: Nomination) -> tuple[list[str], list[str]]:
    """The nominee's names and the unit's names (the nomination's unit, the nominee's own unit, their parents)."""
    person = nomination.person
    people = [person.name, person.name_en]
    english = person.name_en.split()
    if len(english) == 2:
        people.append(f"{english[1]} {english[0]}")  # Mingyuan Zhang as well as Zhang Mingyuan
    units = []
    for unit in {nomination.unit, person.organization}:
        while unit is not None:
            units += [unit.name, unit.name_en]
            unit = unit.parent
    return _longest_first(people), _longest_first(units)


def _forms(nomination: Nomination) -> list[str]:
    """Regular expressions for the short forms of a Chinese name: surname + title, 小/老 + surname, the given name.

    The given name alone only from two characters on: one character (明) is part of too many ordinary words.
    """
    name = nomination.person.name.strip()
    if not _is_chinese(name) or len(name) < 2:
        return []
    family = surname(name)
    given = name[len(family) :]
    titles = []
    for title in sorted(TITLES, key=lambda title: (-len(title), title)):
        excluded = _NOT_AFTER.get(title)
        titles.append(re.escape(title) + (f"(?![{excluded}])" if excluded else ""))
    forms = [re.escape(family) + "(?:" + "|".join(titles) + ")", "[小老]" + re.escape(family)]
    if len(given) >= MIN_NAME_LENGTH:
        forms.append(re.escape(given))
    return forms


def _longest_first(names: list[str]) -> list[str]:
    kept = {name.strip() for name in names if len(name.strip()) >= MIN_NAME_LENGTH}
    return sorted(kept, key=lambda name: (-len(name), name))


def _pattern(names: list[str], forms: list[str] = ()) -> re.Pattern | None:
    if not names and not forms:
        return None
    # Longest first, so "云州大学附属医院" is masked whole before "云州大学", and the full name before its short
    # forms; Latin names ignore case.
    return re.compile("|".join([re.escape(name) for name in names] + list(forms)), re.IGNORECASE)


def _patterns(nomination: Nomination) -> tuple[re.Pattern | None, re.Pattern | None]:
    people, units = _names(nomination)
    return _pattern(units), _pattern(people, _forms(nomination))


def mask(text: str, nomination: Nomination) -> str:
    """`text` with the nominee's and the unit's names replaced by placeholders, in the page's language."""
    units, people = _patterns(nomination)
    # Units first: a unit's name may contain the person's (a lab named after its founder) but not the reverse.
    for pattern, placeholder in ((units, _("[unit]")), (people, _("[nominee]"))):
        if pattern is not None:
            text = pattern.sub(placeholder, text)
    return text


def names_in(text: str, nomination: Nomination) -> list[str]:
    """The nominee's and the unit's names the text contains, by the same rules as `mask`: the full names as
    written in the profile, the short forms (张教授, 小张, 晓明) as written in the text; longest first."""
    people, units = _names(nomination)
    unit_pattern, person_pattern = _patterns(nomination)
    lowered = text.casefold()
    found_units = [name for name in units if name.casefold() in lowered]
    if unit_pattern is not None:
        text = unit_pattern.sub("\0", text)  # what masks as a unit is not counted again as the person
    spelled = {name.casefold(): name for name in people}
    found_people = set()
    if person_pattern is not None:
        found_people = {spelled.get(match.casefold(), match) for match in person_pattern.findall(text)}
    return _longest_first(list(found_people)) + found_units


def blind_for(user_is_staff: bool, user_is_nominator: bool, nomination: Nomination) -> bool:
    """Whether the page is blind for this reader: everyone but staff and the nomination's own nominators."""
    return nomination.campaign.blind_review and not user_is_staff and not user_is_nominator
