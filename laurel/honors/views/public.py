"""Public pages: campaigns, the public notice with objections, and the results."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from laurel.core.net import client_address
from laurel.core.storage import serve_file
from laurel.core.views import add_form_errors
from laurel.honors import notices, permissions, texts
from laurel.honors.forms import ObjectionForm
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.honors.publication import published_honorees


class CampaignListView(ListView):
    paginate_by = 30

    def get_queryset(self):
        if permissions.can_manage_campaigns(self.request.user):
            return Campaign.objects.all()
        return Campaign.objects.public()


class CampaignDetailView(DetailView):
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        if permissions.can_manage_campaigns(self.request.user):
            return Campaign.objects.all()
        return Campaign.objects.public()

    def get_context_data(self, **kwargs):
        from laurel.honors import stages, votes

        context = super().get_context_data(**kwargs)
        campaign = self.object
        context["can_manage"] = permissions.can_manage_campaigns(self.request.user)
        context["can_nominate"] = campaign.stage == Stage.OPEN and bool(permissions.nominator_units(self.request.user))
        from laurel.honors.deadlines import not_yet_open

        context["not_yet_open"] = campaign.stage == Stage.OPEN and not_yet_open(campaign)
        context["next_stages"] = stages.next_stages(campaign)
        context["can_edit_texts"] = context["can_manage"] and texts.can_edit_texts(campaign)
        context["vote_state"] = votes.state(campaign)
        if context["vote_state"] == votes.State.CLOSED:
            context["vote_results"] = votes.candidates(campaign).order_by("-public_votes", "person__name")
        context["criteria"] = campaign.criteria.all()
        context["rules"] = campaign.representation_rules.all()
        if context["can_manage"]:
            from laurel.honors import vetting
            from laurel.honors.amendments import setup_locked
            from laurel.honors.forms import CriterionForm, EligibilityRuleForm, QuotaForm, RuleForm, VettingBodyForm
            from laurel.honors.models import EligibilityRule

            context["setup_locked"] = setup_locked(campaign)
            context["criterion_form"] = CriterionForm()
            context["rule_form"] = RuleForm()
            context["quota_form"] = QuotaForm()
            context["eligibility_form"] = EligibilityRuleForm(
                instance=EligibilityRule.objects.filter(campaign=campaign).first()
            )
            context["quotas"] = campaign.quotas.select_related("unit")
            context["vetting_bodies"] = campaign.vetting_bodies.all()
            context["vetting_setup_open"] = campaign.stage not in vetting.SETUP_CLOSED
            context["vetting_body_form"] = VettingBodyForm(
                auto_id="vetting-body-%s", initial={"order": len(context["vetting_bodies"])}
            )
            if context["vote_state"] == votes.State.NOT_YET:
                from laurel.honors.forms import VoteWindowForm

                context["vote_window_form"] = VoteWindowForm(campaign=campaign)
        return context


def _notice_campaign(code):
    campaign = get_object_or_404(Campaign, code=code)
    if campaign.stage != Stage.NOTICE:
        raise Http404
    return campaign


class NoticeView(ListView):
    template_name = "honors/notice.html"

    def get_queryset(self):
        self.campaign = _notice_campaign(self.kwargs["code"])
        return self.campaign.nominations.selected().select_related("person", "unit").order_by("person__name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(campaign=self.campaign, **kwargs)
        for nomination in context["object_list"]:
            nomination.campaign = self.campaign
            nomination.objections_open = notices.window_is_open(nomination)
        return context


class ObjectionView(FormView):
    form_class = ObjectionForm
    template_name = "honors/objection_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.campaign = _notice_campaign(kwargs["code"])
        self.nomination = get_object_or_404(
            self.campaign.nominations.select_related("person", "unit"), code=kwargs["nomination"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, nomination=self.nomination, **kwargs)

    def form_valid(self, form):
        try:
            notices.file_objection(
                self.nomination,
                evidence=self.request.FILES.getlist("evidence"),
                address=client_address(self.request),
                verified_email=self.request.user.email if permissions.has_verified_email(self.request.user) else "",
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your objection has been received. The association will answer you."))
        return redirect("honors:notice", code=self.campaign.code)


class ResultsView(ListView):
    template_name = "honors/results.html"

    def get_queryset(self):
        self.campaign = get_object_or_404(Campaign, code=self.kwargs["code"], stage=Stage.PUBLISHED)
        # The page names each honoree's nominating unit, never the profile's: no join to the profile's unit.
        return published_honorees(self.campaign).select_related(None).select_related("person", "unit")

    def get_context_data(self, **kwargs):
        from laurel.honors.mentions import published_mentions

        return super().get_context_data(campaign=self.campaign, mentions=published_mentions(self.campaign), **kwargs)


def honoree_photo(request, code, nomination):
    """A published honoree's ID photo: public once the campaign is published, since the nomination carried the
    nominee's consent to publication (a database constraint); before that, never."""
    campaign = get_object_or_404(Campaign, code=code, stage=Stage.PUBLISHED)
    honoree = get_object_or_404(campaign.nominations.selected().only("id_photo", "code"), code=nomination)
    return serve_file(honoree.id_photo, filename=f"{honoree.code}-photo", public=True)


def latest_honorees(limit: int = 8):
    campaign = Campaign.objects.filter(stage=Stage.PUBLISHED).order_by("-published_at").first()
    if campaign is None:
        return None
    honorees = (
        Nomination.objects.filter(campaign=campaign, status=Nomination.Status.SELECTED)
        .select_related("person", "unit")
        .order_by("rank", "pk")[:limit]
    )
    return {"campaign": campaign, "honorees": honorees}
