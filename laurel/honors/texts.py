"""Texts for publication: from the committee decision on, staff polish the selected honorees' citations
(颁奖词) and their English versions, and the campaign's English name for English pages and certificates.

Honor certificates already issued keep the text they were issued with. Certificates sit above honors, so
honors cannot ask them directly: the certificates app registers a counter here (`register_issued_counter`)
in its `AppConfig.ready()`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core import changes as public_changes
from laurel.core.services import log_action
from laurel.honors import permissions
from laurel.honors.models import Campaign, Nomination, Stage

TEXT_STAGES = {Stage.COMMITTEE, Stage.NOTICE, Stage.PUBLISHED}
CITATION_FIELDS = ("citation", "citation_en")

_issued_counters: list[Callable[[Campaign], int]] = []


def register_issued_counter(counter: Callable[[Campaign], int]) -> None:
    """`counter(campaign)` returns how many valid honor certificates were issued for the campaign."""
    if counter not in _issued_counters:
        _issued_counters.append(counter)


def issued_certificates(campaign: Campaign) -> int:
    return sum(counter(campaign) for counter in _issued_counters)


def can_edit_texts(campaign: Campaign) -> bool:
    return campaign.stage in TEXT_STAGES


@dataclass(frozen=True)
class CitationText:
    nomination: Nomination
    citation: str
    citation_en: str


def field_key(nomination: Nomination, name: str) -> str:
    """The key of a nomination's field in the errors this module raises (and in the staff form)."""
    return f"{nomination.code}-{name}"


def honorees(campaign: Campaign) -> QuerySet[Nomination]:
    """The selected nominations (the published honorees once published), in the published order."""
    return (
        campaign.nominations.selected()
        .select_related("person", "unit", "campaign")
        .order_by("unit__name", "person__name", "pk")
    )


def _length_errors(name_en: str | None, citations: list[CitationText]) -> dict[str, str]:
    errors = {}
    limit = Campaign._meta.get_field("name_en").max_length
    if name_en is not None and len(name_en) > limit:
        errors["name_en"] = _("The English name has %(length)d characters; the limit is %(limit)d.") % {
            "length": len(name_en),
            "limit": limit,
        }
    messages = {
        "citation": _("The citation of %(name)s has %(length)d characters; the limit is %(limit)d."),
        "citation_en": _("The English citation of %(name)s has %(length)d characters; the limit is %(limit)d."),
    }
    for text in citations:
        for name in CITATION_FIELDS:
            value, limit = getattr(text, name), Nomination._meta.get_field(name).max_length
            if len(value) > limit:
                errors[field_key(text.nomination, name)] = messages[name] % {
                    "name": text.nomination.person.name,
                    "length": len(value),
                    "limit": limit,
                }
    return errors


def edit_texts(campaign: Campaign, *, name_en: str | None, citations: list[CitationText], actor) -> int:
    """Save the campaign's English name (None leaves it) and the given honorees' citations; all or nothing.
    Each changed record is logged with its text before and after. Returns how many records changed."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if not can_edit_texts(campaign):
        raise ValidationError(_("Texts for publication can be edited from the committee decision on."))
    name_en = name_en.strip() if name_en is not None else None
    citations = [
        CitationText(nomination=text.nomination, citation=text.citation.strip(), citation_en=text.citation_en.strip())
        for text in citations
    ]
    if errors := _length_errors(name_en, citations):
        raise ValidationError(errors)
    changed = 0
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if name_en is not None and locked.name_en != name_en:
            Campaign.objects.filter(pk=campaign.pk).update(name_en=name_en)
            log_action(
                "honors.campaign.texts_edited", actor=actor, obj=campaign, data={"name_en": [locked.name_en, name_en]}
            )
            campaign.name_en = name_en
            changed += 1
        current = {
            nomination.pk: nomination
            for nomination in Nomination.objects.select_for_update().filter(
                pk__in=[text.nomination.pk for text in citations]
            )
        }
        for text in citations:
            stored = current.get(text.nomination.pk)
            if stored is None or stored.campaign_id != campaign.pk or stored.status != Nomination.Status.SELECTED:
                raise ValidationError(_("Only the citations of this campaign's selected honorees can be edited here."))
            changes = {
                name: [getattr(stored, name), getattr(text, name)]
                for name in CITATION_FIELDS
                if getattr(stored, name) != getattr(text, name)
            }
            if not changes:
                continue
            Nomination.objects.filter(pk=stored.pk).update(
                **{name: after for name, (_before, after) in changes.items()}, updated_at=timezone.now()
            )
            log_action("honors.nomination.texts_edited", actor=actor, obj=stored, data=changes)
            for name, (_before, after) in changes.items():
                setattr(text.nomination, name, after)
            changed += 1
        if changed:
            public_changes.changed(campaign)
    return changed
