"""Writes about a campaign's setup: create, change, copy from last year's, quotas and rules."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import amendments, permissions
from laurel.honors.models import (
    Campaign,
    Criterion,
    EligibilityRule,
    RepresentationRule,
    Review,
    UnitQuota,
    VettingBody,
)

CAMPAIGN_FIELDS = (
    "series", "name", "name_en", "edition", "level", "organizers", "honorees_count", "honorable_mentions_count",
    "channel", "default_quota", "story_limit", "blind_review", "review_rounds", "experts_per_nomination",
    "expert_load_cap", "ranking_method", "public_vote", "public_vote_weight", "vote_opens_at", "vote_closes_at",
    "votes_per_candidate_per_day", "candidates_per_day", "nomination_opens_at", "nomination_deadline",
    "review_deadline", "notice_working_days", "holidays", "makeup_workdays",
)  # fmt: skip


def _require_staff(actor) -> None:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied


def _check_dates(values: list, field: str = "holidays") -> list[str]:
    if not isinstance(values, list | tuple) or len(values) > 366:
        raise ValidationError({field: _("Give at most 366 dates, as YYYY-MM-DD.")})
    try:
        return sorted({datetime.date.fromisoformat(str(value)).isoformat() for value in values})
    except ValueError:
        raise ValidationError({field: _("Write dates as YYYY-MM-DD.")}) from None


def _check_calendar(campaign: Campaign) -> None:
    """Nominations open before they close; a day is a holiday or a make-up working day (调休), never both."""
    opens, deadline = campaign.nomination_opens_at, campaign.nomination_deadline
    if opens and deadline and opens >= deadline:
        raise ValidationError({"nomination_opens_at": _("Nominations must open before their deadline.")})
    both = sorted(set(campaign.holidays) & set(campaign.makeup_workdays))
    if both:
        raise ValidationError(
            {
                "makeup_workdays": _("%(days)s cannot be both a holiday and a make-up working day.")
                % {"days": ", ".join(both)}
            }
        )


def create_campaign(*, actor, data: dict[str, Any]) -> Campaign:
    _require_staff(actor)
    campaign = Campaign(**{key: value for key, value in data.items() if key in CAMPAIGN_FIELDS})
    campaign.holidays = _check_dates(campaign.holidays)
    campaign.makeup_workdays = _check_dates(campaign.makeup_workdays, field="makeup_workdays")
    _check_calendar(campaign)
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        EligibilityRule.objects.create(campaign=campaign)
        log_action("honors.campaign.created", actor=actor, obj=campaign, data={"name": campaign.name})
    return campaign


def _differs(old, new) -> bool:
    """A form shows times to the second at most: a time that comes back without its microseconds is unchanged
    (else saving an untouched form after close would ask for an amendment)."""
    if isinstance(old, datetime.datetime) and isinstance(new, datetime.datetime):
        return old.replace(microsecond=0) != new.replace(microsecond=0)
    return old != new


def update_campaign(campaign: Campaign, *, actor, data: dict[str, Any], amendment_reason: str = "") -> Campaign:
    """Change the setup. Once nominations close, a change to anything but the free fields
    (`amendments.FREE_FIELDS`) is an amendment and needs `amendment_reason`; once the expert review starts, the
    review settings (`amendments.REVIEW_FROZEN_FIELDS`) do not change at all. `honorees_count` stays amendable
    until the committee: it says how many are chosen, not how scores were made."""
    _require_staff(actor)
    changes = {}
    for key in CAMPAIGN_FIELDS:
        if key in data and _differs(getattr(campaign, key), data[key]):
            changes[key] = [str(getattr(campaign, key)), str(data[key])]
    for key in ("holidays", "makeup_workdays"):
        if key in data:
            data = {**data, key: _check_dates(data[key], field=key)}
            if data[key] == getattr(campaign, key):
                changes.pop(key, None)
    amendments.check_review_frozen(campaign, changes)
    locked = sorted(key for key in changes if key not in amendments.FREE_FIELDS)
    reason = amendments.amendment_reason(campaign, amendment_reason) if locked else None
    for key in changes:
        setattr(campaign, key, data[key])
    _check_calendar(campaign)
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        log_action("honors.campaign.updated", actor=actor, obj=campaign, data={"changes": changes})
        if reason:
            amendments.log_amendment(
                campaign, actor=actor, what="campaign",
                before={key: changes[key][0] for key in locked}, after={key: changes[key][1] for key in locked},
                reason=reason,
            )  # fmt: skip
    return campaign


def copy_campaign(source: Campaign, *, actor, edition: int, nomination_deadline) -> Campaign:
    """Next year's campaign from this one: settings (the public vote's too, without its dates), quotas, rules,
    criteria and vetting bodies; no nominations."""
    _require_staff(actor)
    data = {key: getattr(source, key) for key in CAMPAIGN_FIELDS}
    data.update(
        edition=edition, nomination_deadline=nomination_deadline, nomination_opens_at=None, review_deadline=None,
        vote_opens_at=None, vote_closes_at=None,
    )  # fmt: skip
    data["name"] = source.name.replace(str(source.edition), str(edition))
    data["name_en"] = source.name_en.replace(str(source.edition), str(edition))
    data["holidays"], data["makeup_workdays"] = [], []
    with transaction.atomic():
        campaign = create_campaign(actor=actor, data=data)
        rule = EligibilityRule.objects.filter(campaign=source).first()
        if rule is not None:
            copied = campaign.eligibility
            if rule.born_on_or_after:
                copied.born_on_or_after = rule.born_on_or_after.replace(
                    year=rule.born_on_or_after.year + edition - source.edition
                )
            copied.min_years_in_city = rule.min_years_in_city
            copied.require_in_post = rule.require_in_post
            copied.exclude_past_honorees = rule.exclude_past_honorees
            copied.excluded_titles = rule.excluded_titles
            copied.save()
        UnitQuota.objects.bulk_create(
            UnitQuota(campaign=campaign, unit_id=quota.unit_id, quota=quota.quota) for quota in source.quotas.all()
        )
        RepresentationRule.objects.bulk_create(
            RepresentationRule(
                campaign=campaign,
                trait=r.trait,
                per=r.per,
                scope=r.scope,
                bound=r.bound,
                measure=r.measure,
                value=r.value,
                hard=r.hard,
            )
            for r in source.representation_rules.all()
        )
        Criterion.objects.bulk_create(
            Criterion(campaign=campaign, name=c.name, weight=c.weight, order=c.order) for c in source.criteria.all()
        )
        VettingBody.objects.bulk_create(
            VettingBody(campaign=campaign, name=body.name, name_en=body.name_en, order=body.order)
            for body in source.vetting_bodies.all()
        )
        log_action("honors.campaign.copied", actor=actor, obj=campaign, data={"from": source.code})
    return campaign


def set_quota(campaign: Campaign, *, unit, quota: int, actor, amendment_reason: str = "") -> UnitQuota:
    _require_staff(actor)
    before = UnitQuota.objects.filter(campaign=campaign, unit=unit).values_list("quota", flat=True).first()
    reason = amendments.amendment_reason(campaign, amendment_reason) if before != quota else None
    with transaction.atomic():
        row, _created = UnitQuota.objects.update_or_create(campaign=campaign, unit=unit, defaults={"quota": quota})
        log_action("honors.quota.set", actor=actor, obj=campaign, data={"unit": unit.name, "quota": quota})
        if reason:
            amendments.log_amendment(
                campaign, actor=actor, what="quota", before={"unit": unit.name, "quota": before},
                after={"unit": unit.name, "quota": quota}, reason=reason,
            )  # fmt: skip
    return row


def add_criterion(campaign: Campaign, *, name: str, weight: int, actor, amendment_reason: str = "") -> Criterion:
    _require_staff(actor)
    reason = amendments.amendment_reason(campaign, amendment_reason)
    if reason and Review.objects.filter(assignment__nomination__campaign=campaign).exists():
        raise ValidationError(_("Experts have already scored under these criteria; they can no longer change."))
    criterion = Criterion(campaign=campaign, name=name, weight=weight, order=campaign.criteria.count())
    criterion.full_clean()
    with transaction.atomic():
        before = [str(c) for c in campaign.criteria.all()]
        criterion.save()
        log_action("honors.criterion.added", actor=actor, obj=campaign, data={"name": name, "weight": weight})
        if reason:
            amendments.log_amendment(
                campaign, actor=actor, what="criteria", before=before, after=[*before, str(criterion)], reason=reason
            )
    return criterion


def add_representation_rule(
    campaign: Campaign, *, actor, data: dict[str, Any], amendment_reason: str = ""
) -> RepresentationRule:
    _require_staff(actor)
    reason = amendments.amendment_reason(campaign, amendment_reason)
    rule = RepresentationRule(campaign=campaign, **data)
    rule.full_clean()
    with transaction.atomic():
        before = [str(r) for r in campaign.representation_rules.all()]
        rule.save()
        log_action("honors.rule.added", actor=actor, obj=campaign, data={"rule": str(rule)})
        if reason:
            amendments.log_amendment(
                campaign, actor=actor, what="representation_rules", before=before, after=[*before, str(rule)],
                reason=reason,
            )  # fmt: skip
    return rule


def set_eligibility(campaign: Campaign, *, actor, data: dict[str, Any], amendment_reason: str = "") -> EligibilityRule:
    _require_staff(actor)
    rule, _created = EligibilityRule.objects.get_or_create(campaign=campaign)
    changes = {key: [str(getattr(rule, key)), str(value)] for key, value in data.items() if getattr(rule, key) != value}
    reason = amendments.amendment_reason(campaign, amendment_reason) if changes else None
    for key, value in data.items():
        setattr(rule, key, value)
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        log_action("honors.eligibility.set", actor=actor, obj=campaign, data=data)
        if reason:
            amendments.log_amendment(
                campaign, actor=actor, what="eligibility", before={key: old for key, (old, _new) in changes.items()},
                after={key: new for key, (_old, new) in changes.items()}, reason=reason,
            )  # fmt: skip
    return rule
