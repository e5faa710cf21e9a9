"""Staff: the committee names honorable mentions (提名奖) once the honorees are decided."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from laurel.core.views import PermissionRequiredMixin, report_errors
from laurel.honors import mentions, permissions
from laurel.honors.models import Campaign, HonorableMention, Nomination
from laurel.honors.views.staff import _staff


class MentionsView(PermissionRequiredMixin, TemplateView):
    template_name = "honors/mentions.html"
    permission_predicate = staticmethod(permissions.can_manage_campaigns)

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign, code=self.kwargs["code"])
        chosen = set(
            HonorableMention.objects.filter(nomination__campaign=campaign).values_list("nomination_id", flat=True)
        )
        return super().get_context_data(
            campaign=campaign,
            candidates=mentions.candidates(campaign).order_by("rank", "person__name", "pk"),
            chosen=chosen,
            why_not=mentions.why_not_now(campaign),
            **kwargs,
        )


@require_POST
def choose(request, code):
    _staff(request)
    nomination = get_object_or_404(Nomination.objects.for_list(), code=request.POST.get("nomination", "")[:12])
    campaign = get_object_or_404(Campaign, code=code, pk=nomination.campaign_id)
    try:
        if request.POST.get("action") == "drop":
            mentions.drop_mention(nomination, actor=request.user)
            messages.success(
                request, _("The honorable mention of %(name)s is taken back.") % {"name": nomination.person.name}
            )
        else:
            mentions.choose_mention(nomination, actor=request.user)
            messages.success(request, _("%(name)s gets an honorable mention.") % {"name": nomination.person.name})
    except ValidationError as error:
        report_errors(request, error)
    return redirect("honors:mentions", code=campaign.code)
