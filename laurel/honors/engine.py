"""The assignment engine in the review stage: profiles -> affinities, records -> conflicts, solve, draft, release.

Staff run the engine for a campaign's review round; the proposal is saved as draft assignments that experts
do not see. Staff adjust pairs by hand (conflicts and load caps still hold), then release: only then do
experts see and get mail about their nominations. When an expert recuses or drops out, `reassign_open`
re-solves keeping every submitted review and as many open assignments as possible.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.assignment import conflicts as conflict_rules
from laurel.assignment.affinity import Vectorizer, expert_text, explain, nomination_text, text_affinity
from laurel.assignment.problem import AssignmentError, GroupConstraint, Problem, Reason, Solution
from laurel.assignment.solver import reassign, solve
from laurel.assignment.texts import translate_reason
from laurel.core.services import log_action, log_actions
from laurel.honors import conflicts as honors_conflicts
from laurel.honors import notifications, permissions, reviews
from laurel.honors.models import (
    Assignment,
    AssignmentRun,
    Campaign,
    Nomination,
    PanelMember,
    Preference,
)

logger = logging.getLogger("laurel.honors.engine")

NOMINATED_BY = honors_conflicts.NOMINATED_BY
CONFLICT_LABELS = {
    conflict_rules.SELF: gettext_lazy("The expert is the nominee"),
    conflict_rules.SAME_UNIT: gettext_lazy("Same unit as the nominee, or a parent or child unit"),
    conflict_rules.NOMINATOR_UNIT: gettext_lazy("Works in the nominating unit, or a parent or child unit"),
    conflict_rules.RELATION: gettext_lazy("Declared relation"),
    conflict_rules.DECLARED: gettext_lazy("Conflict on record"),
    NOMINATED_BY: gettext_lazy("The expert nominated this person"),
}
REVIEWED = (Nomination.Status.ELIGIBLE, Nomination.Status.SELECTED)
PREFERENCE_WEIGHT = 0.5


def conflict_labels(codes) -> str:
    return ", ".join(str(CONFLICT_LABELS.get(code, code)) for code in codes)


def split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


def profile_text(member: PanelMember) -> str:
    return expert_text(fields=split(member.fields), keywords=split(member.keywords), expertise=member.expertise)


def item_text(nomination: Nomination) -> str:
    return nomination_text(field=nomination.person.field, story=nomination.story)


@dataclass
class Context:
    """A campaign's review round as arrays: nominations x panel experts."""

    campaign: Campaign
    round: int
    nominations: list[Nomination]
    members: list[PanelMember]
    affinity: np.ndarray
    vectorizer: Vectorizer
    item_texts: list[str]
    expert_texts: list[str]
    conflicts: dict[tuple[int, int], tuple[str, ...]]

    def item_index(self) -> dict[int, int]:
        return {nomination.pk: index for index, nomination in enumerate(self.nominations)}

    def expert_index(self) -> dict[int, int]:
        return {member.expert_id: index for index, member in enumerate(self.members)}

    def why(self, item: int, expert: int) -> list[list]:
        terms = explain(self.expert_texts[expert], self.item_texts[item], self.vectorizer, top=5)
        return [[term, round(value, 4)] for term, value in terms]


def review_round(campaign: Campaign) -> int:
    if campaign.stage not in reviews.REVIEW_STAGES:
        raise ValidationError(_("Experts are assigned only while the campaign is in expert review."))
    return reviews.REVIEW_STAGES[campaign.stage]


def build_context(campaign: Campaign, round_number: int) -> Context:
    nominations = list(campaign.nominations.for_list().filter(status__in=REVIEWED).order_by("pk"))
    members = list(PanelMember.objects.filter(campaign=campaign).select_related("expert").order_by("expert_id"))
    item_texts = [item_text(nomination) for nomination in nominations]
    expert_texts = [profile_text(member) for member in members]
    if nominations and members:
        affinity, vectorizer = text_affinity(item_texts, expert_texts)
    else:
        affinity, vectorizer = np.zeros((len(nominations), len(members)), np.float32), Vectorizer({}, np.zeros(0))
    context = Context(campaign, round_number, nominations, members, affinity, vectorizer, item_texts, expert_texts, {})
    items, experts = context.item_index(), context.expert_index()
    bids = Preference.objects.filter(nomination_id__in=items, expert_id__in=experts)
    if bids.exists():
        preferences = affinity.astype(np.float64)
        for nomination_id, expert_id, value in bids.values_list("nomination_id", "expert_id", "value"):
            preferences[items[nomination_id], experts[expert_id]] = value / 100
        context.affinity = (
            (1 - PREFERENCE_WEIGHT) * affinity + PREFERENCE_WEIGHT * preferences.astype(np.float32)
        ).astype(np.float32)
    context.conflicts = _conflicts(context, items, experts)
    return context


def _conflicts(context: Context, items: dict[int, int], experts: dict[int, int]) -> dict:
    # The one rule manual assignment and the review form use too (`honors.conflicts`).
    return honors_conflicts.find(context.nominations, [member.expert_id for member in context.members])


def _problem(context: Context, run: AssignmentRun, *, forced=None) -> Problem:
    groups = []
    if run.senior_per_nomination:
        groups.append(
            GroupConstraint(
                name=str(_("senior expert")), members=np.array([member.senior for member in context.members])
            )
        )
    if run.outside_region_per_nomination:
        groups.append(
            GroupConstraint(name=str(_("expert from outside the nominee's region")), members=outside_region(context))
        )
    return Problem(
        affinity=context.affinity,
        k=run.experts_per_nomination,
        load_min=run.load_min,
        load_max=run.load_max,
        conflicts=conflict_rules.conflict_pairs(context.conflicts),
        forced=forced,
        groups=groups,
        fair=run.objective == AssignmentRun.Objective.FAIR,
        item_ids=[nomination.code for nomination in context.nominations],
        expert_ids=[str(member.expert) for member in context.members],
        time_limit=float(run.time_limit),
    )


def nominee_region(nomination) -> str:
    """The region of the nominee's unit, else of the nominating unit ("" when neither says)."""
    person_unit = nomination.person.organization
    return (person_unit.region if person_unit else "") or (nomination.unit.region if nomination.unit_id else "")


def outside_region(context: Context) -> np.ndarray:
    """items x experts: True where the expert's region is known and differs from the nominee's. A nominee whose
    region is unknown counts every expert as outside; an expert whose region is unknown counts as inside."""
    expert_regions = np.array([member.region.strip() for member in context.members], dtype=object)
    known = expert_regions != ""
    rows = []
    for nomination in context.nominations:
        region = nominee_region(nomination).strip()
        rows.append(np.ones(len(context.members), bool) if not region else known & (expert_regions != region))
    return np.array(rows, dtype=bool).reshape(len(context.nominations), len(context.members))


def _report(context: Context, solution: Solution) -> dict:
    report = solution.report
    return {
        "method": solution.method,
        "exact": solution.exact,
        "objective": round(solution.objective, 4),
        "worst_item_total": round(solution.worst_item_total, 4),
        "seconds": round(solution.seconds, 4),
        "summary": {key: round(value, 4) for key, value in report.summary().items()},
        "loads": [[str(member.expert), int(load)] for member, load in zip(context.members, report.loads, strict=True)],
        "items": [
            [nomination.code, round(float(low), 4), round(float(mean), 4)]
            for nomination, low, mean in zip(
                context.nominations, report.item_affinity_min, report.item_affinity_mean, strict=True
            )
        ],
        "warnings": [translate_reason(reason) for reason in report.warnings],
    }


def _refuse(error: AssignmentError) -> ValidationError:
    return ValidationError([translate_reason(reason) for reason in error.reasons], code="infeasible")


RUN_FAILURES = {
    "run_stale": gettext_lazy(
        "The run stopped without finishing (started %(started)s): the background worker may have stopped or "
        "restarted. Nothing was changed; run the assignment again."
    ),
    "run_crashed": gettext_lazy("The run failed unexpectedly; nothing was changed. Run the assignment again."),
    "run_not_in_review": gettext_lazy("The campaign left expert review before the run; nothing was changed."),
    "run_no_nominations": gettext_lazy("No eligible nomination awaits review."),
    "run_no_panel": gettext_lazy("The panel has no expert yet."),
}
STALE_AFTER = datetime.timedelta(minutes=10)  # a run silent this long has lost its worker
RUN_TIME_LIMIT = 30  # seconds for the fair mode's and the group rules' search


def failure_messages(run: AssignmentRun) -> list[str]:
    """Why a failed run made no assignment, in the reader's language."""
    messages = []
    for item in run.failure:
        reason = Reason(item.get("code", ""), item.get("template", ""), item.get("params", {}))
        template = RUN_FAILURES.get(reason.code)
        messages.append(str(template) % reason.params if template is not None else translate_reason(reason))
    return messages


def _stored(reason: Reason) -> dict:
    return {"code": reason.code, "template": reason.template, "params": reason.params}


def _fail_stale(campaign: Campaign, round_number: int) -> None:
    now = timezone.now()
    for run in AssignmentRun.objects.filter(
        campaign=campaign, round=round_number, status__in=AssignmentRun.ACTIVE, step_at__lt=now - STALE_AFTER
    ):
        started = timezone.localtime(run.created_at).strftime("%Y-%m-%d %H:%M")
        reason = Reason("run_stale", str(RUN_FAILURES["run_stale"]), {"started": started})
        AssignmentRun.objects.filter(pk=run.pk, status=run.status).update(
            status=AssignmentRun.Status.FAILED,
            step=AssignmentRun.Step.FINISHED,
            finished_at=now,
            failure=[_stored(reason)],
        )


def _create_run(campaign: Campaign, *, actor, settings: dict, enqueue: bool) -> tuple[AssignmentRun, bool]:
    """(run, created): the round's queued or running run if there is one (a double click starts one run),
    else a new queued run, solved by the background task after commit when `enqueue`."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    round_number = review_round(campaign)
    if not campaign.nominations.filter(status__in=REVIEWED).exists():
        raise ValidationError(_("No eligible nomination awaits review."))
    if not PanelMember.objects.filter(campaign=campaign).exists():
        raise ValidationError(_("The panel has no expert yet."))
    with transaction.atomic():
        _fail_stale(campaign, round_number)
        active = AssignmentRun.objects.filter(campaign=campaign, round=round_number, status__in=AssignmentRun.ACTIVE)
        if (running := active.first()) is not None:
            return running, False
        try:
            with transaction.atomic():
                run = AssignmentRun.objects.create(
                    campaign=campaign, round=round_number, created_by=actor, step_at=timezone.now(),
                    time_limit=RUN_TIME_LIMIT, **settings,
                )  # fmt: skip
        except IntegrityError:  # another click queued one between the read and the write
            return active.get(), False
        log_action("honors.assignment.queued", actor=actor, obj=campaign, data={**settings, "run": run.pk})
        if enqueue:
            from laurel.honors.tasks import run_assignment_task

            transaction.on_commit(lambda: run_assignment_task.enqueue(run.pk))
    return run, True


def start_assignment(campaign: Campaign, *, actor, **settings) -> tuple[AssignmentRun, bool]:
    """Queue a run of the engine for the background worker (the staff page shows its progress); returns
    (run, created). Settings: experts_per_nomination, load_max, load_min, objective, senior_per_nomination,
    outside_region_per_nomination."""
    return _create_run(campaign, actor=actor, settings=settings, enqueue=True)


def run_assignment(campaign: Campaign, *, actor, **settings) -> AssignmentRun:
    """Propose an assignment as drafts, solved right here (the demo, commands and tests; the staff page queues
    it with `start_assignment`). Raises ValidationError with the reasons when no assignment fits."""
    settings.setdefault("load_min", 0)
    run, created = _create_run(campaign, actor=actor, settings=settings, enqueue=False)
    if not created:
        raise ValidationError(_("A run of this round is already under way; wait for it to finish."))
    perform_run(run.pk)
    run.refresh_from_db()
    if run.status != AssignmentRun.Status.DONE:
        raise ValidationError(failure_messages(run), code="infeasible")
    return run


class _RunFailed(Exception):
    def __init__(self, *reasons: Reason):
        self.reasons = reasons


def _step(run: AssignmentRun, step: str) -> None:
    run.step, run.step_at = step, timezone.now()
    AssignmentRun.objects.filter(pk=run.pk, status=AssignmentRun.Status.RUNNING).update(
        step=run.step, step_at=run.step_at
    )


def perform_run(run_id: int) -> AssignmentRun | None:
    """The background task's body: solve a queued run and store its drafts. Idempotent: a run already done,
    failed, or being solved elsewhere (claimed less than STALE_AFTER ago) is left alone; returns None then."""
    now = timezone.now()
    claimable = Q(status=AssignmentRun.Status.QUEUED) | Q(
        status=AssignmentRun.Status.RUNNING, step_at__lt=now - STALE_AFTER
    )
    claimed = (
        AssignmentRun.objects.filter(claimable, pk=run_id)
        .update(status=AssignmentRun.Status.RUNNING, step=AssignmentRun.Step.READING, step_at=now)
    )  # fmt: skip
    if claimed != 1:
        return None
    run = AssignmentRun.objects.select_related("campaign", "created_by").get(pk=run_id)
    try:
        _solve_run(run)
    except _RunFailed as failed:
        _finish_failed(run, failed.reasons)
    except Exception:
        logger.exception("assignment run %s failed", run_id)
        _finish_failed(run, [Reason("run_crashed", str(RUN_FAILURES["run_crashed"]))])
    return run


def _finish_failed(run: AssignmentRun, reasons) -> None:
    AssignmentRun.objects.filter(pk=run.pk, status=AssignmentRun.Status.RUNNING).update(
        status=AssignmentRun.Status.FAILED,
        step=AssignmentRun.Step.FINISHED,
        finished_at=timezone.now(),
        failure=[_stored(reason) for reason in reasons],
    )


def _run_settings(run: AssignmentRun) -> dict:
    return {
        "k": run.experts_per_nomination, "load_max": run.load_max, "load_min": run.load_min,
        "objective": run.objective, "senior": run.senior_per_nomination,
        "outside_region": run.outside_region_per_nomination,
    }  # fmt: skip


def _solve_run(run: AssignmentRun) -> None:
    campaign, round_number, actor = run.campaign, run.round, run.created_by
    if reviews.REVIEW_STAGES.get(campaign.stage) != round_number:
        raise _RunFailed(Reason("run_not_in_review", str(RUN_FAILURES["run_not_in_review"])))
    context = build_context(campaign, round_number)
    if not context.nominations:
        raise _RunFailed(Reason("run_no_nominations", str(RUN_FAILURES["run_no_nominations"])))
    if not context.members:
        raise _RunFailed(Reason("run_no_panel", str(RUN_FAILURES["run_no_panel"])))
    items, experts = context.item_index(), context.expert_index()
    released = [
        (items[nomination_id], experts[expert_id])
        for nomination_id, expert_id in Assignment.objects.active()
        .filter(nomination__campaign=campaign, round=round_number, draft=False)
        .values_list("nomination_id", "expert_id")
        if nomination_id in items and expert_id in experts
    ]
    settings = _run_settings(run)
    _step(run, AssignmentRun.Step.SOLVING)
    try:
        solution = solve(_problem(context, run, forced=released or None))
    except AssignmentError as error:
        log_action(
            "honors.assignment.infeasible",
            actor=actor,
            obj=campaign,
            data={**settings, "reasons": [str(reason) for reason in error.reasons]},
        )
        raise _RunFailed(*error.reasons) from None
    _step(run, AssignmentRun.Step.SAVING)
    report = _report(context, solution)
    report["conflicts"] = len(context.conflicts)
    report["kept_released"] = len(released)
    with transaction.atomic():
        locked = AssignmentRun.objects.select_for_update().filter(pk=run.pk, status=AssignmentRun.Status.RUNNING)
        if not locked.exists():
            return  # marked stale (failed) meanwhile: its failure stands and nothing is written
        Assignment.objects.filter(
            nomination__campaign=campaign, round=round_number, draft=True, recused_at__isnull=True
        ).delete()
        keep = set(released)
        created = Assignment.objects.bulk_create(
            Assignment(
                nomination=context.nominations[item],
                expert=context.members[expert].expert,
                round=round_number,
                draft=True,
                affinity=float(context.affinity[item, expert]),
                affinity_terms=context.why(item, expert),
            )  # fmt: skip
            for item, expert in solution.pairs.tolist()
            if (item, expert) not in keep
        )
        locked.update(
            status=AssignmentRun.Status.DONE,
            step=AssignmentRun.Step.FINISHED,
            finished_at=timezone.now(),
            report=report,
        )
        log_pairs("honors.assignment.created", created, actor=actor, by="run")
        log_action(
            "honors.assignment.proposed",
            actor=actor,
            obj=campaign,
            data={**settings, "method": solution.method, "exact": solution.exact, "objective": solution.objective},
        )


def log_pairs(action: str, assignments, *, actor, **data) -> None:
    """One audit entry per pair, on its nomination, naming the expert and the round: the campaign's record shows
    who was asked to review what, and when that changed, pair by pair."""
    log_actions(
        action,
        actor=actor,
        entries=[
            (assignment.nomination, {"expert": assignment.expert.email, "round": assignment.round, **data})
            for assignment in assignments
        ],
    )


def latest_run(campaign: Campaign, round_number: int | None = None) -> AssignmentRun | None:
    """The latest finished run (its settings and load cap rule later changes)."""
    runs = AssignmentRun.objects.filter(campaign=campaign, status=AssignmentRun.Status.DONE)
    if round_number is not None:
        runs = runs.filter(round=round_number)
    return runs.first()


def current_run(campaign: Campaign, round_number: int) -> AssignmentRun | None:
    """The round's latest run in any state (what the staff page shows the progress of)."""
    _fail_stale(campaign, round_number)
    return AssignmentRun.objects.filter(campaign=campaign, round=round_number).first()


def add_pair(nomination: Nomination, *, expert, actor) -> Assignment:
    """Add a draft pair by hand. Every conflict the engine knows and the run's load cap are refused."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    campaign = nomination.campaign
    round_number = review_round(campaign)
    context = build_context(campaign, round_number)
    item, column = context.item_index().get(nomination.pk), context.expert_index().get(expert.pk)
    if item is None:
        raise ValidationError(_("Only eligible nominations are reviewed."))
    if column is None:
        raise ValidationError(_("%(user)s is not on this campaign's panel.") % {"user": expert})
    codes = context.conflicts.get((item, column))
    if codes:
        log_action(
            "honors.assignment.refused", actor=actor, obj=nomination, data={"expert": expert.email, "conflicts": codes}
        )
        raise ValidationError(
            _("%(user)s has a conflict of interest with this nomination: %(kinds)s.")
            % {"user": expert, "kinds": conflict_labels(codes)},
            code="conflict",
        )
    run = latest_run(campaign, round_number)
    assignment = reviews._assign(
        nomination,
        expert=expert,
        actor=actor,
        review_round=round_number,
        draft=True,
        load_cap=run.load_max if run is not None else None,
    )
    assignment.affinity = float(context.affinity[item, column])
    assignment.affinity_terms = context.why(item, column)
    assignment.save(update_fields=["affinity", "affinity_terms"])
    return assignment


def remove_pair(assignment: Assignment, *, actor) -> None:
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if not assignment.draft or assignment.recused_at is not None:
        raise ValidationError(_("Only draft pairs can be removed; a released assignment ends by recusal or drop-out."))
    with transaction.atomic():
        assignment.delete()
        log_action(
            "honors.assignment.removed",
            actor=actor,
            obj=assignment.nomination,
            data={"expert": assignment.expert.email, "round": assignment.round},
        )


def release(campaign: Campaign, *, actor) -> int:
    """Release every draft of the round: experts see them and get one mail each, after commit."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    round_number = review_round(campaign)
    with transaction.atomic():
        drafts = Assignment.objects.active().filter(nomination__campaign=campaign, round=round_number, draft=True)
        per_expert: dict = {}
        released = list(drafts.select_related("expert", "nomination__person", "nomination__campaign"))
        for assignment in released:
            per_expert.setdefault(assignment.expert, []).append(assignment.pk)
        count = drafts.update(draft=False)
        if not count:
            raise ValidationError(_("There is no draft assignment to release."))
        AssignmentRun.objects.filter(campaign=campaign, round=round_number, released_at__isnull=True).update(
            released_at=timezone.now()
        )
        log_action(
            "honors.assignment.released",
            actor=actor,
            obj=campaign,
            data={"round": round_number, "assignments": count, "experts": len(per_expert)},
        )
        log_pairs("honors.assignment.pair_released", released, actor=actor)
        for expert, pks in per_expert.items():
            notifications.assignments_released(expert, campaign, len(pks))
    return count


def reassign_open(campaign: Campaign, *, round_number: int, actor, dropped=()) -> bool:
    """Re-solve the round with the latest run's settings, keeping submitted reviews and most open pairs.

    Returns False (and logs why) when no assignment fits any more; nothing changes then.
    """
    run = latest_run(campaign, round_number)
    context = build_context(campaign, round_number)
    items, experts = context.item_index(), context.expert_index()
    live = list(
        Assignment.objects.active()
        .filter(nomination__campaign=campaign, round=round_number)
        .select_related("review", "expert", "nomination")
    )
    index = {
        (items[a.nomination_id], experts[a.expert_id]): a
        for a in live
        if a.nomination_id in items and a.expert_id in experts
    }
    submitted = [pair for pair, a in index.items() if hasattr(a, "review")]
    dropped_columns = [experts[pk] for pk in dropped if pk in experts]
    try:
        solution = reassign(_problem(context, run), current=list(index), submitted=submitted, dropped=dropped_columns)
    except AssignmentError as error:
        log_action(
            "honors.assignment.unfilled",
            actor=actor,
            obj=campaign,
            data={"round": round_number, "reasons": _refuse(error).messages},
        )
        return False
    chosen = {tuple(pair) for pair in solution.pairs.tolist()}
    now, draft = timezone.now(), run.released_at is None
    with transaction.atomic():
        removed = [a for pair, a in index.items() if pair not in chosen]
        Assignment.objects.filter(pk__in=[a.pk for a in removed]).update(
            recused_at=now, recusal_reason=str(_("Moved by the reassignment."))
        )
        added = []
        for item, column in sorted(chosen - set(index)):
            added.append(
                Assignment.objects.create(
                    nomination=context.nominations[item],
                    expert=context.members[column].expert,
                    round=round_number,
                    draft=draft,
                    affinity=float(context.affinity[item, column]),
                    affinity_terms=context.why(item, column),
                )  # fmt: skip
            )
        log_pairs("honors.assignment.created", added, actor=actor, by="reassignment")
        log_pairs("honors.assignment.ended", removed, actor=actor, by="reassignment")
        log_action(
            "honors.assignment.reassigned",
            actor=actor,
            obj=campaign,
            data={
                "round": round_number,
                "kept": len(index) - len(removed),
                "added": [[a.nomination.code, a.expert.email] for a in added],
                "removed": [[a.nomination.code, a.expert.email] for a in removed],
            },
        )
        if not draft:
            for assignment in added:
                notifications.expert_assigned(assignment)
    return True


def drop_expert(campaign: Campaign, *, expert, reason: str, actor) -> int:
    """An expert leaves the review mid-way: their open assignments end and the round is re-solved."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the expert leaves.")})
    round_number = review_round(campaign)
    with transaction.atomic():
        open_pairs = Assignment.objects.active().filter(
            nomination__campaign=campaign, round=round_number, expert=expert, review__isnull=True
        )
        ended = list(open_pairs.select_related("expert", "nomination__person", "nomination__campaign"))
        open_pairs.update(recused_at=timezone.now(), recusal_reason=reason[:300])
        log_action(
            "honors.assignment.dropped",
            actor=actor,
            obj=campaign,
            data={"expert": expert.email, "reason": reason, "ended": len(ended)},
        )
        log_pairs("honors.assignment.ended", ended, actor=actor, by="drop-out")
        if latest_run(campaign, round_number) is not None:
            reassign_open(campaign, round_number=round_number, actor=actor, dropped=[expert.pk])
        else:
            for assignment in ended:
                if reviews._reassign(assignment) is None:
                    log_action(
                        "honors.assignment.unfilled",
                        actor=actor,
                        obj=assignment.nomination,
                        data={"round": round_number},
                    )
    return len(ended)
