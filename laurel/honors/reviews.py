"""Expert review: panel, conflicts of interest, assignments with a load cap, scores submitted once, recusal."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import notifications, permissions
from laurel.honors.models import (
    Assignment,
    Campaign,
    Conflict,
    Criterion,
    CriterionScore,
    Nomination,
    PanelMember,
    Review,
    Stage,
)
from laurel.people import accounts

REVIEW_STAGES = {Stage.REVIEW: 1, Stage.SECOND_REVIEW: 2}


def conflict_reasons(nomination: Nomination, expert) -> list[str]:
    """Every conflict kind between an expert and a nomination: computed by the engine's rule (`honors.conflicts`:
    the expert's unit and the units they nominate for, against the nominee's and the nominating unit with their
    parent chains) and those on record."""
    from laurel.honors import conflicts

    reasons = conflicts.find([nomination], [expert.pk]).get((0, 0), ())
    kinds = {conflicts.RECORDED_KIND[reason] for reason in reasons if reason in conflicts.RECORDED_KIND}
    kinds.update(Conflict.objects.filter(nomination=nomination, expert=expert).values_list("kind", flat=True))
    return sorted(kinds)


def active_assignment(nomination: Nomination, expert) -> Assignment | None:
    """The expert's live assignment, or None when there is none or any conflict exists."""
    if not permissions.is_expert(expert) or accounts.needs_unit_declaration(expert):
        return None
    assignment = Assignment.objects.released().filter(nomination=nomination, expert=expert).order_by("-round").first()
    if assignment is None or conflict_reasons(nomination, expert):
        return None
    return assignment


def add_panel_member(campaign: Campaign, *, expert, actor) -> PanelMember:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if not permissions.is_expert(expert):
        raise ValidationError(_("%(user)s does not have the expert role.") % {"user": expert})
    with transaction.atomic():
        member, created = PanelMember.objects.get_or_create(campaign=campaign, expert=expert)
        if created:
            log_action("honors.panel.added", actor=actor, obj=campaign, data={"expert": expert.email})
    return member


def declare_conflict(nomination: Nomination, *, expert, note: str, actor) -> Conflict:
    """Record a declared relation; any active assignment between them ends."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what the relation is.")})
    with transaction.atomic():
        conflict, _created = Conflict.objects.get_or_create(
            nomination=nomination, expert=expert, defaults={"kind": Conflict.Kind.DECLARED, "note": note[:300]}
        )
        ended = Assignment.objects.active().filter(nomination=nomination, expert=expert)
        rounds = set(ended.values_list("round", flat=True))
        ended.update(recused_at=timezone.now(), recusal_reason=note[:300])
        log_action("honors.conflict.declared", actor=actor, obj=nomination, data={"expert": expert.email, "note": note})
        from laurel.honors import engine

        campaign = nomination.campaign
        for review_round in rounds:
            if engine.latest_run(campaign, review_round) is not None:
                engine.reassign_open(campaign, round_number=review_round, actor=actor)
    return conflict


def end_conflicting_assignments(expert, actor) -> None:
    """The expert's unit changed (a profile linked, staff changed a declared unit): their assignments that now
    conflict end and the conflict is recorded; an unscored one's place is refilled by the engine, a scored one's
    review stops counting (the ranking reads only reviews of assignments not recused) and staff read why in the
    audit log (registered in `people.accounts`)."""
    from laurel.honors import engine

    ended_rounds: set[tuple[int, int]] = set()
    for assignment in (
        Assignment.objects.active()
        .filter(expert=expert)
        .select_related("nomination__campaign", "nomination__person", "review")
    ):
        reasons = conflict_reasons(assignment.nomination, expert)
        if not reasons:
            continue
        scored = hasattr(assignment, "review")
        Assignment.objects.filter(pk=assignment.pk).update(
            recused_at=timezone.now(), recusal_reason=_("The expert's unit conflicts with this nomination.")
        )
        Conflict.objects.get_or_create(nomination=assignment.nomination, expert=expert, defaults={"kind": reasons[0]})
        log_action(
            "honors.review.discounted" if scored else "honors.assignment.ended",
            actor=actor,
            obj=assignment.nomination,
            data={"expert": expert.email, "round": assignment.round, "conflicts": reasons},
        )
        if not scored:
            ended_rounds.add((assignment.nomination.campaign_id, assignment.round))
    for campaign_id, review_round in sorted(ended_rounds):
        campaign = Campaign.objects.get(pk=campaign_id)
        if engine.latest_run(campaign, review_round) is not None:
            engine.reassign_open(campaign, round_number=review_round, actor=actor)


def expert_load(campaign: Campaign, expert) -> int:
    return Assignment.objects.active().filter(nomination__campaign=campaign, expert=expert).count()


def assign_expert(nomination: Nomination, *, expert, actor, review_round: int | None = None) -> Assignment:
    """Assign one expert. Refuses non-panel experts, any conflict (recorded), and experts at their load cap."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    return _assign(nomination, expert=expert, actor=actor, review_round=review_round)


def _assign(
    nomination: Nomination, *, expert, actor, review_round: int | None, draft: bool = False, load_cap: int | None = None
) -> Assignment:
    campaign = nomination.campaign
    if nomination.status not in {Nomination.Status.ELIGIBLE, Nomination.Status.SELECTED}:
        raise ValidationError(_("Only eligible nominations are reviewed."))
    if not PanelMember.objects.filter(campaign=campaign, expert=expert).exists():
        raise ValidationError(_("%(user)s is not on this campaign's panel.") % {"user": expert})
    if accounts.needs_unit_declaration(expert):
        raise ValidationError(
            _("%(user)s has not said which unit they work in yet, so conflicts cannot be checked.") % {"user": expert},
            code="unit_unknown",
        )
    reasons = conflict_reasons(nomination, expert)
    if reasons:
        with transaction.atomic():
            Conflict.objects.get_or_create(nomination=nomination, expert=expert, defaults={"kind": reasons[0]})
            log_action(
                "honors.assignment.refused",
                actor=actor,
                obj=nomination,
                data={"expert": expert.email, "conflicts": reasons},
            )
        raise ValidationError(
            _("%(user)s has a conflict of interest with this nomination: %(kinds)s.")
            % {"user": expert, "kinds": ", ".join(str(Conflict.Kind(kind).label) for kind in reasons)},
            code="conflict",
        )
    review_round = review_round or REVIEW_STAGES.get(campaign.stage, 1)
    with transaction.atomic():
        PanelMember.objects.select_for_update().filter(campaign=campaign, expert=expert).first()
        cap = campaign.expert_load_cap if load_cap is None else load_cap
        if expert_load(campaign, expert) >= cap:
            raise ValidationError(
                _("%(user)s already has %(cap)d nominations, the most allowed.") % {"user": expert, "cap": cap},
                code="load_cap",
            )
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    nomination=nomination, expert=expert, round=review_round, draft=draft
                )
        except IntegrityError:
            raise ValidationError(_("%(user)s is already assigned to this nomination.") % {"user": expert})
        log_action(
            "honors.assignment.created",
            actor=actor,
            obj=nomination,
            data={"expert": expert.email, "round": review_round, "draft": draft},
        )
        if not draft:
            notifications.expert_assigned(assignment)
    return assignment


def recuse(assignment: Assignment, *, reason: str, actor) -> Assignment:
    """An expert steps back (a conflict found late): the assignment ends and the conflict is recorded."""
    if assignment.expert_id != actor.pk or not permissions.is_expert(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you step back.")})
    if hasattr(assignment, "review"):
        raise ValidationError(_("You have already submitted your scores."))
    now = timezone.now()
    with transaction.atomic():
        updated = Assignment.objects.filter(pk=assignment.pk, recused_at__isnull=True).update(
            recused_at=now, recusal_reason=reason[:300]
        )
        if updated != 1:
            raise ValidationError(_("You have already stepped back from this nomination."))
        Conflict.objects.get_or_create(
            nomination=assignment.nomination,
            expert=actor,
            defaults={"kind": Conflict.Kind.RECUSED, "note": reason[:300]},
        )
        log_action(
            "honors.assignment.recused",
            actor=actor,
            obj=assignment.nomination,
            data={"expert": actor.email, "reason": reason},
        )
        campaign = assignment.nomination.campaign
        from laurel.honors import engine

        if engine.latest_run(campaign, assignment.round) is not None:
            engine.reassign_open(campaign, round_number=assignment.round, actor=actor)
        elif _reassign(assignment) is None:
            log_action(
                "honors.assignment.unfilled", actor=actor, obj=assignment.nomination, data={"round": assignment.round}
            )
    assignment.recused_at = now
    return assignment


def _reassign(assignment: Assignment) -> Assignment | None:
    """Give a recused assignment to the least-loaded panel expert who has no conflict and has not had it."""
    nomination = assignment.nomination
    campaign = nomination.campaign
    had = set(Assignment.objects.filter(nomination=nomination).values_list("expert_id", flat=True))
    members = PanelMember.objects.filter(campaign=campaign).exclude(expert_id__in=had).select_related("expert")
    for member in sorted(members, key=lambda member: (expert_load(campaign, member.expert), member.expert_id)):
        if conflict_reasons(nomination, member.expert):
            continue
        try:
            with transaction.atomic():
                return _assign(nomination, expert=member.expert, actor=None, review_round=assignment.round)
        except ValidationError:
            continue
    return None


def submit_review(
    assignment: Assignment, *, scores: dict[int, int], comments: dict[int, str], comment: str, actor
) -> Review:
    """Score every criterion 0-100 once. A second submission is refused."""
    if assignment.expert_id != actor.pk or active_assignment(assignment.nomination, actor) != assignment:
        raise PermissionDenied
    campaign = assignment.nomination.campaign
    if REVIEW_STAGES.get(campaign.stage) != assignment.round:
        raise ValidationError(_("This review round is closed."))
    from laurel.honors.deadlines import check_review_in_time

    check_review_in_time(campaign, actor)
    criteria = list(Criterion.objects.filter(campaign=campaign))
    errors = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or not 0 <= int(value) <= 100:
            errors[f"score_{criterion.pk}"] = _("Give a score from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    total = sum(criterion.weight * int(scores[criterion.pk]) for criterion in criteria) / sum(
        criterion.weight for criterion in criteria
    )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                assignment=assignment, comment=comment, total=round(total, 4), submitted_at=timezone.now()
            )
            CriterionScore.objects.bulk_create(
                CriterionScore(
                    review=review,
                    criterion=criterion,
                    value=int(scores[criterion.pk]),
                    comment=comments.get(criterion.pk, "")[:1000],
                )
                for criterion in criteria
            )
            log_action(
                "honors.review.submitted",
                actor=actor,
                obj=assignment.nomination,
                data={
                    "round": assignment.round,
                    "total": review.total,
                    "scores": {c.name: scores[c.pk] for c in criteria},
                },
            )
    except IntegrityError:
        raise ValidationError(_("You have already scored this nomination."), code="already_scored")
    return review
