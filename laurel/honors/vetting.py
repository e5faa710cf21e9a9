"""Joint vetting (联审): before the public notice, each vetting body of the campaign answers for every selected
candidate. A veto removes the candidate and selects the best eligible replacement that keeps every hard rule, who
is then vetted too. Campaigns without vetting bodies skip it. Nothing of it is public: the reasons are confidential.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laurel.core import exports
from laurel.core.services import log_action
from laurel.honors import notices, permissions
from laurel.honors.models import Campaign, CommitteeDecision, Nomination, Stage, VettingBody, VettingResult

Outcome = VettingResult.Outcome
# Bodies are set up until the public notice starts; answers are recorded at the committee decision, and during the
# notice only first answers (for a replacement selected after an upheld objection).
SETUP_CLOSED = {Stage.NOTICE, Stage.PUBLISHED}


def _require_staff(actor) -> None:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied


def _require_setup_open(campaign: Campaign) -> None:
    if campaign.stage in SETUP_CLOSED:
        raise ValidationError(_("Vetting bodies are fixed once the public notice starts."))


def _clean_body(campaign: Campaign, *, name: str, name_en: str, exclude: int | None = None) -> tuple[str, str]:
    name, name_en = name.strip(), name_en.strip()
    if not name:
        raise ValidationError({"name": _("Give the vetting body's name.")})
    if campaign.vetting_bodies.filter(name=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": _("This campaign already has a vetting body of this name.")})
    return name, name_en


def add_body(campaign: Campaign, *, name: str, name_en: str = "", order: int | None = None, actor) -> VettingBody:
    _require_staff(actor)
    _require_setup_open(campaign)
    name, name_en = _clean_body(campaign, name=name, name_en=name_en)
    if order is None:
        order = campaign.vetting_bodies.count()
    with transaction.atomic():
        body = VettingBody.objects.create(campaign=campaign, name=name, name_en=name_en, order=order)
        log_action(
            "honors.vetting_body.added",
            actor=actor,
            obj=campaign,
            data={"name": name, "name_en": name_en, "order": order},
        )
    return body


def change_body(body: VettingBody, *, name: str, name_en: str, order: int, actor) -> VettingBody:
    _require_staff(actor)
    _require_setup_open(body.campaign)
    name, name_en = _clean_body(body.campaign, name=name, name_en=name_en, exclude=body.pk)
    before = {"name": body.name, "name_en": body.name_en, "order": body.order}
    after = {"name": name, "name_en": name_en, "order": order}
    if before == after:
        return body
    with transaction.atomic():
        VettingBody.objects.filter(pk=body.pk).update(**after)
        body.name, body.name_en, body.order = name, name_en, order
        log_action(
            "honors.vetting_body.changed", actor=actor, obj=body.campaign, data={"before": before, "after": after}
        )
    return body


def remove_body(body: VettingBody, *, actor) -> None:
    _require_staff(actor)
    _require_setup_open(body.campaign)
    if body.results.exists():
        raise ValidationError(
            _("%(body)s has already answered for some candidates; it can no longer be removed.")
            % {"body": body.display_name()}
        )
    with transaction.atomic():
        log_action("honors.vetting_body.removed", actor=actor, obj=body.campaign, data={"name": body.name})
        body.delete()


def waiting(campaign: Campaign) -> list[tuple[Nomination, list[VettingBody]]]:
    """Selected candidates not yet cleared by every body of the campaign, with the bodies still to clear them."""
    bodies = list(campaign.vetting_bodies.all())
    if not bodies:
        return []
    cleared = set(
        VettingResult.objects.filter(nomination__campaign=campaign, outcome=Outcome.CLEARED).values_list(
            "nomination_id", "body_id"
        )
    )
    rows = []
    for nomination in campaign.nominations.selected().select_related("person").order_by("rank", "person__name"):
        missing = [body for body in bodies if (nomination.pk, body.pk) not in cleared]
        if missing:
            rows.append((nomination, missing))
    return rows


def waiting_text(campaign: Campaign) -> str:
    """`waiting` as one line for a message: 张三: 公安机关, 税务机关; 李四: 税务机关."""
    return "; ".join(
        _("%(name)s: %(bodies)s")
        % {"name": nomination.person.name, "bodies": ", ".join(body.display_name() for body in bodies)}
        for nomination, bodies in waiting(campaign)
    )


def can_record(nomination: Nomination, *, existing: bool) -> bool:
    """An answer may be recorded for a selected candidate at the committee decision; during the public notice
    only a first answer (a replacement selected after an upheld objection)."""
    stage = nomination.campaign.stage
    if nomination.status != Nomination.Status.SELECTED:
        return False
    return stage == Stage.COMMITTEE or (stage == Stage.NOTICE and not existing)


def _state(result: VettingResult | None) -> dict:
    if result is None:
        return {}
    return {"outcome": result.outcome, "reason": result.reason, "letter_date": result.letter_date}


@dataclass
class Recorded:
    result: VettingResult
    removed: bool = False
    replacements: tuple[Nomination, ...] = ()


def record_result(
    nomination: Nomination,
    *,
    body: VettingBody,
    outcome: str,
    reason: str = "",
    letter_date: datetime.date | None = None,
    actor,
) -> Recorded:
    """Record (or, before the public notice, change) one body's answer about one selected candidate. A veto needs
    the body's reason; it removes the candidate and proposes the best eligible replacement that keeps every hard
    rule, or leaves the place empty (logged) when none does."""
    _require_staff(actor)
    if body.campaign_id != nomination.campaign_id:
        raise ValidationError(_("This vetting body belongs to another campaign."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose cleared or vetoed.")})
    reason = reason.strip()
    if outcome == Outcome.VETOED and not reason:
        raise ValidationError({"reason": _("Give the body's reason for the veto.")})
    with transaction.atomic():
        existing = VettingResult.objects.select_for_update().filter(nomination=nomination, body=body).first()
        if nomination.status != Nomination.Status.SELECTED:
            raise ValidationError(_("Only selected candidates are vetted."))
        if not can_record(nomination, existing=existing is not None):
            if nomination.campaign.stage == Stage.NOTICE:
                raise ValidationError(_("Answers can no longer change once the public notice has started."))
            raise ValidationError(_("Joint vetting answers are recorded at the committee decision."))
        before = _state(existing)
        values = {"outcome": outcome, "reason": reason, "letter_date": letter_date}
        if before == values:
            return Recorded(result=existing)
        stamp = {"recorded_by": actor, "recorded_at": timezone.now()}
        if existing is None:
            try:
                with transaction.atomic():
                    result = VettingResult.objects.create(nomination=nomination, body=body, **values, **stamp)
            except IntegrityError:
                raise ValidationError(_("Someone else recorded this answer first; reload the page."))
            log_action("honors.vetting.recorded", actor=actor, obj=nomination, data={"body": body.name, **values})
        else:
            VettingResult.objects.filter(pk=existing.pk).update(**values, **stamp)
            result = existing
            for key, value in {**values, **stamp}.items():
                setattr(result, key, value)
            log_action(
                "honors.vetting.changed",
                actor=actor,
                obj=nomination,
                data={"body": body.name, "before": before, "after": values},
            )
        if outcome != Outcome.VETOED:
            return Recorded(result=result)
        # The body's reason is confidential: it stays in the vetting record and the committee's decision record
        # (staff only); the nominator is told only that the candidate did not pass the vetting.
        added = notices.remove_and_replace(
            nomination, reason=f"{body.name}: {reason}", cause=CommitteeDecision.Cause.VETTING, actor=actor,
            data={"vetting": True, "body": body.name},
        )  # fmt: skip
    return Recorded(result=result, removed=True, replacements=tuple(added))


@dataclass
class Row:
    nomination: Nomination
    cells: list[tuple[VettingBody, VettingResult | None, bool]]  # body, its answer, whether staff may record it


def grid(campaign: Campaign) -> tuple[list[VettingBody], list[Row]]:
    """Selected candidates first, then those vetted earlier who are no longer selected (vetoed, or deselected by
    the committee), each with every body's answer."""
    bodies = list(campaign.vetting_bodies.all())
    results = {
        (result.nomination_id, result.body_id): result
        for result in VettingResult.objects.filter(nomination__campaign=campaign).select_related("recorded_by")
    }
    vetted = {nomination_id for nomination_id, _body in results}
    nominations = (campaign.nominations.filter(pk__in=vetted) | campaign.nominations.selected()).select_related(
        "person", "unit"
    )
    ordered = sorted(
        nominations,
        key=lambda nomination: (nomination.status != Nomination.Status.SELECTED, nomination.rank or 0, nomination.pk),
    )
    rows = []
    for nomination in ordered:
        nomination.campaign = campaign
        cells = []
        for body in bodies:
            result = results.get((nomination.pk, body.pk))
            cells.append((body, result, can_record(nomination, existing=result is not None)))
        rows.append(Row(nomination=nomination, cells=cells))
    return bodies, rows


def vetting_workbook(campaign: Campaign) -> bytes:
    """The list sent to the vetting bodies: the selected candidates' name, gender, date of birth, unit and position;
    never an identity number or a reason."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Vetting list")[:31]
    exports.append(sheet, [_("%(campaign)s: joint vetting list") % {"campaign": campaign.display_name()}])
    exports.append(
        sheet, [_("No."), pgettext("of a person", "name"), _("gender"), _("date of birth"), _("unit"), _("position")]
    )
    selected = campaign.nominations.selected().select_related("person", "unit").order_by("rank", "person__name")
    for number, nomination in enumerate(selected, start=1):
        person = nomination.person
        position = person.position_and_title()
        exports.append(sheet, [
            number, person.name, person.get_gender_display(), person.date_of_birth, nomination.unit.name, position,
        ])  # fmt: skip
    return exports.workbook_bytes(workbook)
