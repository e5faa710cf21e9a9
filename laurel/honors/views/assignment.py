"""Staff: expert profiles and bids, the assignment engine's run, report and drafts, release, drop-outs, conflicts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from laurel.core.views import StaffRequiredMixin, report_errors
from laurel.honors import deadlines, reviews
from laurel.honors.forms import PreferenceForm, ProfileForm, RunForm
from laurel.honors.models import Assignment, Campaign, Conflict, Nomination, PanelMember, Preference
from laurel.honors.views.staff import _staff
from laurel.people.models import User


def _back(campaign):
    return redirect("honors:assignment", code=campaign.code)


def _choices(nominations):
    """A select's options: code and name only, as plain rows (a campaign's thousands of nominations are never built
    as model instances for a list of options)."""
    return nominations.order_by("pk").values("code", "person__name")


def _reviewed(campaign):
    from laurel.honors import engine

    return _choices(campaign.nominations.filter(status__in=engine.REVIEWED))


class AssignmentView(StaffRequiredMixin, TemplateView):
    template_name = "honors/assignment.html"

    def get_context_data(self, **kwargs):
        from laurel.honors import engine

        campaign = get_object_or_404(Campaign, code=self.kwargs["code"])
        round_number = reviews.REVIEW_STAGES.get(campaign.stage)
        members = list(PanelMember.objects.filter(campaign=campaign).select_related("expert").order_by("expert_id"))
        run = engine.latest_run(campaign, round_number) if round_number else None
        current = engine.current_run(campaign, round_number) if round_number else None
        pairs = (
            Assignment.objects.active()
            .filter(nomination__campaign=campaign, round=round_number or 0)
            .select_related("nomination__person", "expert", "review")
            .order_by("nomination_id", "expert_id")
        )
        # The desk's "reviews past the deadline" links here: released pairs that have no score yet, leaving out
        # experts whose deadline staff extended (the desk leaves them out of its count too).
        waiting_only = self.request.GET.get("pairs") == "waiting"
        if waiting_only:
            pairs = pairs.filter(draft=False, review__isnull=True).exclude(deadlines.extended())
        initial = {
            "experts_per_nomination": run.experts_per_nomination if run else campaign.experts_per_nomination,
            "load_max": run.load_max if run else campaign.expert_load_cap,
            "load_min": run.load_min if run else 0,
            "objective": run.objective if run else "total",
            "senior_per_nomination": run.senior_per_nomination if run else False,
            "outside_region_per_nomination": run.outside_region_per_nomination if run else False,
        }
        return super().get_context_data(
            in_review=round_number is not None,
            run=run,
            run_form=RunForm(initial=initial),
            profiles=[(member, ProfileForm(instance=member, prefix=f"m{member.pk}")) for member in members],
            members=members,
            nominations=_reviewed(campaign),
            pairs=pairs,
            waiting_only=waiting_only,
            drafts=sum(1 for pair in pairs if pair.draft),
            **_status_context(campaign, current),
            preference_form=PreferenceForm(),
            preferences=Preference.objects.filter(nomination__campaign=campaign).select_related("expert", "nomination"),
            **kwargs,
        )


@require_POST
def edit_profile(request, pk):
    _staff(request)
    member = get_object_or_404(PanelMember.objects.select_related("campaign", "expert"), pk=pk)
    form = ProfileForm(request.POST, instance=member, prefix=f"m{member.pk}")
    if form.is_valid():
        form.save()
        from laurel.core.services import log_action

        log_action(
            "honors.panel.profile_updated",
            actor=request.user,
            obj=member.campaign,
            data={"expert": member.expert.email, **form.cleaned_data},
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Check the expert's profile."))
    return _back(member.campaign)


@require_POST
def set_preference(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    form = PreferenceForm(request.POST)
    nomination = campaign.nominations.filter(code=request.POST.get("nomination", "")).first()
    member = PanelMember.objects.filter(campaign=campaign, expert_id=request.POST.get("expert") or 0).first()
    if not form.is_valid() or nomination is None or member is None:
        messages.error(request, _("Choose an expert, a nomination and a preference from 0 to 100."))
        return _back(campaign)
    from laurel.core.services import log_action

    Preference.objects.update_or_create(
        nomination=nomination, expert=member.expert, defaults={"value": form.cleaned_data["value"]}
    )
    log_action(
        "honors.preference.set",
        actor=request.user,
        obj=nomination,
        data={"expert": member.expert.email, "value": form.cleaned_data["value"]},
    )
    messages.success(request, _("Saved."))
    return _back(campaign)


@require_POST
def run(request, code):
    from laurel.honors import engine

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    form = RunForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(campaign)
    try:
        _run, created = engine.start_assignment(campaign, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _("No assignment was made."))
        report_errors(request, error)
        return _back(campaign)
    if created:
        messages.info(request, _("The assignment runs in the background; this page shows its progress."))
    else:
        messages.info(request, _("A run of this round is already under way; this page shows its progress."))
    return _back(campaign)


def _status_context(campaign, run) -> dict:
    from laurel.honors import engine

    seconds = int((timezone.now() - run.step_at).total_seconds()) if run and run.step_at else 0
    return {
        "campaign": campaign,
        "current_run": run,
        "run_seconds": max(seconds, 0),
        "run_failure": engine.failure_messages(run) if run and run.status == run.Status.FAILED else [],
    }


@require_GET
def run_status(request, code):
    """The progress fragment the staff page polls while a run is queued or running."""
    from laurel.honors import engine

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    round_number = reviews.REVIEW_STAGES.get(campaign.stage)
    run = engine.current_run(campaign, round_number) if round_number else None
    response = render(request, "honors/assignment.html#run-status", _status_context(campaign, run))
    if request.htmx and (run is None or not run.is_active):
        response["HX-Refresh"] = "true"  # finished: the whole page shows the report, drafts and any failure
    return response


@require_POST
def add_pair(request, code):
    from laurel.honors import engine

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    nomination = get_object_or_404(
        Nomination.objects.for_list(), campaign=campaign, code=request.POST.get("nomination", "")
    )
    expert = get_object_or_404(User, pk=request.POST.get("expert") or 0)
    try:
        engine.add_pair(nomination, expert=expert, actor=request.user)
        messages.success(request, _("Added as a draft."))
    except ValidationError as error:
        report_errors(request, error)
    return _back(campaign)


@require_POST
def remove_pair(request, pk):
    from laurel.honors import engine

    _staff(request)
    assignment = get_object_or_404(Assignment.objects.select_related("nomination__campaign", "expert"), pk=pk)
    try:
        engine.remove_pair(assignment, actor=request.user)
        messages.success(request, _("Removed."))
    except ValidationError as error:
        report_errors(request, error)
    return _back(assignment.nomination.campaign)


@require_POST
def release(request, code):
    from laurel.honors import engine

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    try:
        count = engine.release(campaign, actor=request.user)
        messages.success(request, _("%(count)d assignments released to the experts.") % {"count": count})
    except ValidationError as error:
        report_errors(request, error)
    return _back(campaign)


@require_POST
def drop_expert(request, code):
    from laurel.honors import engine

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    member = get_object_or_404(
        PanelMember.objects.select_related("expert"), campaign=campaign, expert_id=request.POST.get("expert") or 0
    )
    try:
        ended = engine.drop_expert(
            campaign, expert=member.expert, reason=request.POST.get("reason", ""), actor=request.user
        )
        messages.success(
            request, _("%(count)d open assignments ended and were reassigned where possible.") % {"count": ended}
        )
    except ValidationError as error:
        report_errors(request, error)
    return _back(campaign)


class ConflictView(StaffRequiredMixin, TemplateView):
    template_name = "honors/conflicts.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign, code=self.kwargs["code"])
        return super().get_context_data(
            campaign=campaign,
            conflicts=Conflict.objects.filter(nomination__campaign=campaign).select_related(
                "nomination__person", "expert"
            ),
            members=PanelMember.objects.filter(campaign=campaign).select_related("expert").order_by("expert_id"),
            nominations=_choices(campaign.nominations.exclude(status=Nomination.Status.DRAFT)),
            **kwargs,
        )

    def post(self, request, code):
        campaign = get_object_or_404(Campaign, code=code)
        nomination = campaign.nominations.filter(code=request.POST.get("nomination", "")).first()
        member = PanelMember.objects.filter(campaign=campaign, expert_id=request.POST.get("expert") or 0).first()
        if nomination is None or member is None:
            messages.error(request, _("Choose an expert and a nomination."))
            return redirect("honors:conflicts", code=campaign.code)
        try:
            reviews.declare_conflict(
                nomination, expert=member.expert, note=request.POST.get("note", ""), actor=request.user
            )
            messages.success(request, _("The conflict is recorded; the expert will never be assigned this nomination."))
        except ValidationError as error:
            report_errors(request, error)
        return redirect("honors:conflicts", code=campaign.code)
