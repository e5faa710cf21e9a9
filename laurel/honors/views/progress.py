"""Staff: review progress per expert, with one-click reminders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from laurel.core.views import StaffRequiredMixin, report_errors
from laurel.honors import progress, reviews
from laurel.honors.models import Campaign, PanelMember


class ProgressView(StaffRequiredMixin, TemplateView):
    template_name = "honors/progress.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign, code=self.kwargs["code"])
        rows = progress.expert_progress(campaign)
        return super().get_context_data(
            campaign=campaign,
            rows=rows,
            round=progress.review_round(campaign),
            can_remind=campaign.stage in reviews.REVIEW_STAGES,
            past_deadline=progress.is_past_deadline(campaign),
            totals={
                "assigned": sum(row.assigned for row in rows),
                "done": sum(row.done for row in rows),
                "overdue": sum(row.overdue for row in rows),
            },
            **kwargs,
        )


class RemindView(StaffRequiredMixin, View):
    """`expert` is a panel member's account id, or `all` for everyone with open reviews."""

    http_method_names = ["post"]

    def post(self, request, code):
        campaign = get_object_or_404(Campaign, code=code)
        target = request.POST.get("expert", "")
        try:
            if target == "all":
                result = progress.remind_all(campaign, actor=request.user)
                if result.sent:
                    messages.success(request, _("%(count)d experts reminded.") % {"count": result.sent})
                for _expert, why in result.skipped:
                    messages.warning(request, why)
            else:
                member = PanelMember.objects.filter(
                    campaign=campaign, expert_id=int(target) if target.isdigit() else None
                ).select_related("expert")
                member = member.first()
                if member is None:
                    raise ValidationError(_("Choose an expert of this campaign's panel."))
                progress.remind_expert(campaign, expert=member.expert, actor=request.user)
                messages.success(request, _("%(user)s reminded.") % {"user": member.expert})
        except ValidationError as error:
            report_errors(request, error)
        return redirect("honors:progress", code=campaign.code)
