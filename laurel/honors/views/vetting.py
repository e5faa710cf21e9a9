"""Staff: the joint vetting (联审) — the bodies of a campaign, their answers per candidate, the list sent to them."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from laurel.core.views import StaffRequiredMixin, report_errors
from laurel.honors import permissions, vetting
from laurel.honors.forms import VettingBodyForm, VettingResultForm
from laurel.honors.models import Campaign, VettingBody


def _staff(request):
    if not request.user.is_authenticated or not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied


class VettingView(StaffRequiredMixin, TemplateView):
    template_name = "honors/vetting.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign, code=self.kwargs["code"])
        bodies, rows = vetting.grid(campaign)
        return super().get_context_data(
            campaign=campaign, bodies=bodies, rows=rows, outcomes=vetting.Outcome.choices, **kwargs
        )


@require_POST
def record(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    back = redirect("honors:vetting", code=campaign.code)
    form = VettingResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose cleared or vetoed; write the date as YYYY-MM-DD."))
        return back
    nomination = get_object_or_404(campaign.nominations.select_related("person"), code=form.cleaned_data["nomination"])
    body = get_object_or_404(campaign.vetting_bodies, pk=form.cleaned_data["body"])
    try:
        recorded = vetting.record_result(
            nomination, body=body, outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"],
            letter_date=form.cleaned_data["letter_date"], actor=request.user,
        )  # fmt: skip
    except ValidationError as error:
        report_errors(request, error)
        return back
    messages.success(request, _("Answer recorded."))
    if recorded.replacements:
        names = ", ".join(replacement.person.name for replacement in recorded.replacements)
        messages.success(
            request,
            _("%(name)s is removed after the veto; %(replacements)s is proposed in the place and needs vetting too.")
            % {"name": nomination.person.name, "replacements": names},
        )
    elif recorded.removed:
        messages.warning(
            request,
            _(
                "%(name)s is removed after the veto. No eligible nomination can take the place while every hard rule "
                "holds, so it stays empty: to fill it, override the selection with a written reason."
            )
            % {"name": nomination.person.name},
        )
    return back


def vetting_list(request, code):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    response = HttpResponse(
        vetting.vetting_workbook(campaign),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="laurel-campaign-{campaign.code}-vetting.xlsx"'
    return response


@require_POST
def add_body(request, code):
    _staff(request)
    campaign = get_object_or_404(Campaign, code=code)
    form = VettingBodyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the vetting body's name and its place in the order."))
        return redirect(campaign)
    try:
        vetting.add_body(campaign, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(campaign)


@require_POST
def change_body(request, code, pk):
    _staff(request)
    body = get_object_or_404(VettingBody.objects.select_related("campaign"), campaign__code=code, pk=pk)
    form = VettingBodyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the vetting body's name and its place in the order."))
        return redirect(body.campaign)
    try:
        vetting.change_body(body, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(body.campaign)


@require_POST
def remove_body(request, code, pk):
    _staff(request)
    body = get_object_or_404(VettingBody.objects.select_related("campaign"), campaign__code=code, pk=pk)
    try:
        vetting.remove_body(body, actor=request.user)
        messages.success(request, _("Removed."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(body.campaign)
