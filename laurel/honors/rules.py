"""Eligibility rules (checked on submit) and the traits representation rules count."""

import datetime

from django.utils.translation import gettext as _

from laurel.honors.models import EligibilityRule, Nomination, RepresentationRule, Trait

ACADEMICIAN_WORDS = ("院士", "academician")


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def traits_of(nomination: Nomination) -> set[str]:
    """Which representation traits a nominee has. Age is taken on 31 December of the campaign's year."""
    person = nomination.person
    traits = set()
    if person.is_front_line or nomination.category == Nomination.Category.FRONT_LINE:
        traits.add(Trait.FRONT_LINE)
    if person.date_of_birth and age_on(person.date_of_birth, datetime.date(nomination.campaign.edition, 12, 31)) <= 45:
        traits.add(Trait.YOUNG)
    if person.gender == person.Gender.FEMALE:
        traits.add(Trait.FEMALE)
    held = f"{person.title}\n{nomination.titles_held}".lower()
    if any(word in held for word in ACADEMICIAN_WORDS):
        traits.add(Trait.ACADEMICIAN)
    if nomination.category == Nomination.Category.ENTERPRISE:
        traits.add(Trait.ENTERPRISE)
    if nomination.category == Nomination.Category.GRASSROOTS:
        traits.add(Trait.GRASSROOTS)
    return traits


def group_of(nomination: Nomination, per: str) -> str:
    """The group a group rule puts the nominee in: the nominating unit, the nominee's field (as written, spaces and
    case ignored), the unit's region or its type. Empty when unknown: such a nominee is in no group, so a cap does
    not count them and a floor does not ask for their (unknown) group."""
    Per = RepresentationRule.Per
    if per == Per.UNIT:
        return str(nomination.unit_id)
    if per == Per.FIELD:
        return " ".join(nomination.person.field.split()).casefold()
    if per == Per.REGION:
        return " ".join(nomination.unit.region.split()).casefold()
    if per == Per.UNIT_TYPE:
        return nomination.unit.kind
    raise ValueError(per)


def group_label(nomination: Nomination, per: str) -> str:
    """The group as people read it."""
    Per = RepresentationRule.Per
    if per == Per.UNIT:
        return nomination.unit.name
    if per == Per.FIELD:
        return nomination.person.field.strip()
    if per == Per.REGION:
        return nomination.unit.region.strip()
    return nomination.unit.get_kind_display()


def eligibility_problems(nomination: Nomination, rule: EligibilityRule | None) -> list[str]:
    """Every reason the nominee does not meet the campaign's rules, in the current language."""
    if rule is None:
        return []
    problems = []
    person = nomination.person
    if rule.born_on_or_after:
        if person.date_of_birth is None:
            problems.append(_("The date of birth is unknown; the age limit cannot be checked."))
        elif person.date_of_birth < rule.born_on_or_after:
            problems.append(
                _("Born on %(born)s, before %(limit)s.")
                % {"born": person.date_of_birth.isoformat(), "limit": rule.born_on_or_after.isoformat()}
            )
    if rule.min_years_in_city and (nomination.years_in_city or 0) < rule.min_years_in_city:
        problems.append(_("Has worked in the city for fewer than %(years)d years.") % {"years": rule.min_years_in_city})
    if rule.require_in_post and not nomination.in_post:
        problems.append(_("Is not in post."))
    if rule.exclude_past_honorees:
        past = Nomination.objects.filter(
            campaign__series=nomination.campaign.series,
            campaign__edition__lt=nomination.campaign.edition,
            campaign__stage="published",
            person=person,
            status=Nomination.Status.SELECTED,
        ).select_related("campaign")
        for earlier in past:
            problems.append(_("Already honored in %(edition)d.") % {"edition": earlier.campaign.edition})
    held = f"{person.title}\n{nomination.titles_held}"
    for title in rule.excluded_title_list():
        if title in held:
            problems.append(_("Already holds the title “%(title)s”.") % {"title": title})
    return problems
