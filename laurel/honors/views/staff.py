"""Staff: campaign setup, stages, eligibility check, assignments, ranking, committee, objections, exports."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from laurel.core.views import StaffRequiredMixin, add_form_errors, audit_rows, report_errors
from laurel.honors import amendments, bulk, campaigns, nominations, notices, permissions, reviews, stages, texts
from laurel.honors.forms import (
    CampaignForm,
    CriterionForm,
    EligibilityForm,
    EligibilityRuleForm,
    QuotaForm,
    ReasonForm,
    RuleForm,
    TextsForm,
)
from laurel.honors.models import Assignment, Campaign, Nomination, Objection, Stage
from laurel.people.models import Organization, User


def _reason(request) -> str:
    """The amendment reason the setup forms carry once nominations have closed (`amendments`)."""
    return request.POST.get("amendment_reason", "")[: amendments.REASON_LIMIT + 1]


def _staff(request):
    if not request.user.is_authenticated or not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied


class CampaignFormView(StaffRequiredMixin, FormView):
    form_class = CampaignForm
    template_name = "honors/campaign_form.html"

    def get_instance(self):
        return get_object_or_404(Campaign, code=self.kwargs["code"]) if "code" in self.kwargs else None

    def get_form_kwargs(self):
        instance = self.get_instance()
        locked = instance is not None and amendments.setup_locked(instance)
        return {**super().get_form_kwargs(), "instance": instance, "locked": locked}

    def form_valid(self, form):
        instance = self.get_instance()
        try:
            if instance is None:
                campaign = campaigns.create_campaign(actor=self.request.user, data=form.campaign_data())
            else:
                campaign = campaigns.update_campaign(
                    instance,
                    actor=self.request.user,
                    data=form.campaign_data(),
                    amendment_reason=form.cleaned_data.get("amendment_reason", ""),
                )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(campaign)


@require_POST
def copy_campaign(request, code):
    _staff(request)
    source = get_object_or_404(Campaign, code=code)
    deadline = timezone.now() + datetime.timedelta(days=60)
    try:
        campaign = campaigns.copy_campaign(
            source, actor=request.user, edition=source.edition + 1, nomination_deadline=deadline
        )
    except ValidationError as error:
        report_errors(request, error)
        return redirect(source)
    messages.success(request, _("Copied. Check the dates before opening."))
    return redirect(campaign)


@require_POST
def move_stage(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    try:
        stages.move_campaign(campaign, to=request.POST.get("to", ""), actor=request.user)
        messages.success(request, _("The campaign is now at “%(stage)s”.") % {"stage": campaign.get_stage_display()})
    except ValidationError as error:
        report_errors(request, error)
    return redirect(campaign)


@require_POST
def add_rule(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            campaigns.add_representation_rule(
                campaign, actor=request.user, data=form.cleaned_data, amendment_reason=_reason(request)
            )
        except ValidationError as error:
            report_errors(request, error)
    else:
        messages.error(request, _("Check the rule's fields."))
    return redirect(campaign)


@require_POST
def add_criterion(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            campaigns.add_criterion(
                campaign, actor=request.user, amendment_reason=_reason(request), **form.cleaned_data
            )
        except ValidationError as error:
            report_errors(request, error)
    else:
        messages.error(request, _("Give the criterion a name and a weight of at least 1."))
    return redirect(campaign)


@require_POST
def set_quota(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    form = QuotaForm(request.POST)
    if form.is_valid():
        try:
            campaigns.set_quota(campaign, actor=request.user, amendment_reason=_reason(request), **form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as error:
            report_errors(request, error)
    else:
        messages.error(request, _("Choose a unit and a quota."))
    return redirect(campaign)


@require_POST
def set_eligibility(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    form = EligibilityRuleForm(request.POST)
    if form.is_valid():
        try:
            campaigns.set_eligibility(
                campaign, actor=request.user, data=form.cleaned_data, amendment_reason=_reason(request)
            )
            messages.success(request, _("Saved."))
        except ValidationError as error:
            report_errors(request, error)
    else:
        messages.error(request, _("Check the eligibility rules."))
    return redirect(campaign)


class StaffNominationListView(StaffRequiredMixin, ListView):
    """A campaign's nominations, 50 a page, filtered in the database by status, unit, category and eligibility (a
    campaign of thousands is one indexed page of rows, never the whole list rendered)."""

    template_name = "honors/staff_nominations.html"
    paginate_by = 50
    ELIGIBILITY = {
        "problems": gettext_lazy("With eligibility problems"),
        "clean": gettext_lazy("Without eligibility problems"),
    }
    REVIEW_PROGRESS = {
        "unassigned": gettext_lazy("Not assigned to an expert"),
        "waiting": gettext_lazy("Waiting for scores"),
        "complete": gettext_lazy("Every review in"),
    }

    def get_queryset(self):
        self.campaign = get_object_or_404(Campaign, code=self.kwargs["code"])
        # The review counts are read for the page's rows only (get_context_data): counted in the list's query they
        # would group every nomination of the campaign before the page is cut.
        # The rows show the nominee and the unit; the campaign is the one read above (Django sets it on each row).
        queryset = self.campaign.nominations.select_related("unit", "person")
        self.filters = {}
        status = self.request.GET.get("status", "")
        if status in Nomination.Status.values:
            queryset = queryset.filter(status=status)
            self.filters["status"] = status
        category = self.request.GET.get("category", "")
        if category in Nomination.Category.values:
            queryset = queryset.filter(category=category)
            self.filters["category"] = category
        unit = self.request.GET.get("unit", "")[:12]
        if unit:
            queryset = queryset.filter(unit__code=unit)
            self.filters["unit"] = unit
        eligibility = self.request.GET.get("eligibility", "")
        if eligibility in self.ELIGIBILITY:
            # An empty JSON list is the one value without problems; both sides are one comparison in SQL.
            clean = Q(eligibility_problems=[])
            queryset = queryset.filter(clean if eligibility == "clean" else ~clean)
            self.filters["eligibility"] = eligibility
        review = self.request.GET.get("review", "")
        if review in self.REVIEW_PROGRESS:
            queryset = queryset.filter(bulk.review_progress_filter(review))
            self.filters["review"] = review
        return queryset.order_by("rank", "unit__name", "pk")

    def get_context_data(self, **kwargs):
        units = (
            Organization.objects.filter(pk__in=self.campaign.nominations.values("unit"))
            .order_by("name")
            .values_list("code", "name")
        )
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        counts = {
            row["nomination_id"]: row
            for row in Assignment.objects.filter(nomination__in=rows)
            .values("nomination_id")
            .annotate(reviews=Count("review"), active=Count("pk", filter=Q(recused_at__isnull=True)))
        }
        statuses, categories = dict(Nomination.Status.choices), dict(Nomination.Category.choices)
        for nomination in rows:
            count = counts.get(nomination.pk, {})
            nomination.review_count = count.get("reviews", 0)
            nomination.assignment_count = count.get("active", 0)
            # Labels looked up once per page: get_FOO_display() rebuilds the choices for every call.
            nomination.status_label = statuses.get(nomination.status, nomination.status)
            nomination.category_label = categories.get(nomination.category, nomination.category)
        context["object_list"] = rows
        return context | {
            "campaign": self.campaign,
            "statuses": Nomination.Status.choices,
            "categories": Nomination.Category.choices,
            "eligibility_choices": list(self.ELIGIBILITY.items()),
            "review_choices": list(self.REVIEW_PROGRESS.items()),
            "can_check_in_bulk": bulk.can_check_in_bulk(self.campaign),
            "units": units,
            "filters": self.filters,
            "filter_query": urlencode(self.filters),
        }


@require_POST
def check_eligibility(request, code):
    _staff(request)
    nomination = get_object_or_404(Nomination.objects.for_list(), code=code)
    form = EligibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose pass, return or reject."))
        return redirect(nomination)
    try:
        nominations.check_eligibility(nomination, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Decision recorded."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(nomination)


@require_POST
def add_panel_member(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    expert = User.objects.filter(email__iexact=request.POST.get("email", "").strip()).first()
    if expert is None:
        messages.error(request, _("No user has this email address."))
        return redirect(campaign)
    try:
        reviews.add_panel_member(campaign, expert=expert, actor=request.user)
        messages.success(request, _("Added to the panel."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(campaign)


class RankingView(StaffRequiredMixin, TemplateView):
    """Before the committee decides: the exact proposal. From its first decision on: the selection as it stands
    (after overrides, vetoes, objections, publication) with its rule outcomes, never a recomputed proposal."""

    template_name = "honors/ranking.html"

    def get_context_data(self, **kwargs):
        from laurel.honors import committee, ranking, representation

        campaign = get_object_or_404(Campaign, code=self.kwargs["code"])
        context = super().get_context_data(campaign=campaign, **kwargs)
        # The campaign's nominations are read once; the selection, the proposal and the table share them.
        pool = representation.nominee_pool(campaign, only=representation.RANKING_FIELDS)
        ranked = [nomination for nomination in pool if nomination.status in committee.RANKED]
        context["current"] = committee.current_selection(campaign, pool=pool)
        context["can_decide"] = campaign.stage == Stage.COMMITTEE
        if context["current"] is None:
            try:
                context["proposal"] = committee.propose(campaign, pool=pool)
                context["table"] = context["proposal"].table
                context["proposed"] = {nomination.pk for nomination in context["proposal"].chosen}
            except ValidationError as error:
                context["infeasible"] = error.messages[0]
        if "table" not in context:
            context["table"] = ranking.score_table(campaign, ranked)
        statuses = dict(Nomination.Status.choices)
        # Reversed once per page: addresses differ only by the code (letters and digits, nothing to quote).
        address = reverse("honors:nomination_detail", kwargs={"code": "__code__"})
        current = context["current"]
        for nomination in [row.nomination for row in context["table"]] + (current.chosen if current else []):
            # Looked up once per page: get_status_display() rebuilds the choices for every row.
            nomination.status_label = statuses.get(nomination.status, nomination.status)
            nomination.address = address.replace("__code__", nomination.code)
        context["reason_form"] = ReasonForm()
        return context


@require_POST
def accept_proposal(request, code):
    from laurel.honors import committee

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    try:
        committee.accept_proposal(campaign, actor=request.user)
        messages.success(request, _("The proposed honorees are selected."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect("honors:ranking", code=campaign.code)


@require_POST
def override_selection(request, code):
    from laurel.honors import committee

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    add = list(campaign.nominations.filter(code__in=request.POST.getlist("add")).select_related("person", "campaign"))
    remove = list(campaign.nominations.filter(code__in=request.POST.getlist("remove")))
    try:
        committee.override_selection(
            campaign, add=add, remove=remove, reason=request.POST.get("reason", ""), actor=request.user
        )
        messages.success(request, _("Override recorded."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect("honors:ranking", code=campaign.code)


class ObjectionListView(StaffRequiredMixin, ListView):
    template_name = "honors/objections.html"

    def get_queryset(self):
        self.campaign = get_object_or_404(Campaign, code=self.kwargs["code"])
        objections = (
            Objection.objects.filter(nomination__campaign=self.campaign)
            .select_related("nomination__person", "nomination__unit", "decided_by")
            .prefetch_related("evidence")
        )
        # The desk's "objections to decide" links here with ?status=pending; any other value shows them all.
        self.pending_only = self.request.GET.get("status") == Objection.Status.PENDING
        if self.pending_only:
            objections = objections.filter(status=Objection.Status.PENDING)
        return objections

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaign=self.campaign, reason_form=ReasonForm(), pending_only=self.pending_only, **kwargs
        )


@require_POST
def decide_objection(request, pk):
    _staff(request)
    objection = get_object_or_404(Objection.objects.select_related("nomination__campaign"), pk=pk)
    campaign = objection.nomination.campaign
    try:
        replacement = notices.decide_objection(
            objection, upheld=request.POST.get("decision") == "uphold", reason=request.POST.get("reason", ""),
            actor=request.user,
        )  # fmt: skip
        messages.success(request, _("Decision recorded."))
        if replacement is not None and replacement.notice_ends_on:
            messages.success(
                request,
                _("%(name)s replaces the removed candidate; objections against them are accepted until %(end)s.")
                % {"name": replacement.person.name, "end": replacement.notice_ends_on},
            )
        elif replacement is not None:
            messages.success(
                request,
                _("%(name)s is proposed in place of the removed candidate.") % {"name": replacement.person.name},
            )
        elif Nomination.objects.filter(pk=objection.nomination_id, status=Nomination.Status.REMOVED).exists():
            messages.warning(
                request,
                _(
                    "The candidate is removed. No eligible nomination can take the place while every hard rule holds, "
                    "so it stays empty: to fill it, move the campaign back to the committee decision and choose, "
                    "with a written reason."
                ),
            )
    except ValidationError as error:
        report_errors(request, error)
    return redirect("honors:objections", code=campaign.code)


class TextsView(StaffRequiredMixin, FormView):
    """Texts for publication: the honorees' citations and English citations, the campaign's English name."""

    form_class = TextsForm
    template_name = "honors/texts.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.campaign = get_object_or_404(Campaign, code=kwargs["code"])

    def get(self, request, *args, **kwargs):
        return self._refuse_before_committee() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refuse_before_committee() or super().post(request, *args, **kwargs)

    def _refuse_before_committee(self):
        if texts.can_edit_texts(self.campaign):
            return None
        messages.error(self.request, _("Texts for publication can be edited from the committee decision on."))
        return redirect(self.campaign)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign, "honorees": texts.honorees(self.campaign)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaign=self.campaign, issued=texts.issued_certificates(self.campaign), **kwargs
        )

    def form_valid(self, form):
        try:
            texts.edit_texts(
                self.campaign,
                name_en=form.submitted_name_en(),
                citations=form.citation_texts(),
                actor=self.request.user,
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("honors:texts", code=self.campaign.code)


def export_xlsx(request, code):
    from laurel.honors import exports

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    response = HttpResponse(
        exports.campaign_workbook(campaign),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="laurel-campaign-{campaign.code}.xlsx"'
    return response


def export_audit(request, code):
    from laurel.honors import exports

    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    response = StreamingHttpResponse(
        audit_rows(exports.campaign_audit(campaign)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="laurel-campaign-{campaign.code}-audit.csv"'
    return response
