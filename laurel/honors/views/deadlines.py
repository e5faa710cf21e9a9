"""Staff: each panel expert's review deadline and progress, and extending it for one expert."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from laurel.core.views import PermissionRequiredMixin, add_form_errors
from laurel.core.widgets import DateTimeInput
from laurel.honors import deadlines, permissions
from laurel.honors.models import Assignment, Campaign, PanelMember, ReviewExtension
from laurel.people import accounts


class ExtensionForm(forms.Form):
    expert = forms.ModelChoiceField(label=gettext_lazy("expert"), queryset=PanelMember.objects.none())
    until = forms.DateTimeField(label=gettext_lazy("new deadline"), widget=DateTimeInput())
    reason = forms.CharField(
        label=gettext_lazy("reason"), max_length=deadlines.REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        field.queryset = PanelMember.objects.filter(campaign=campaign).select_related("expert")
        field.label_from_instance = lambda member: str(member.expert)


class ReviewDeadlineView(PermissionRequiredMixin, FormView):
    template_name = "honors/review_deadlines.html"
    form_class = ExtensionForm
    permission_predicate = staticmethod(permissions.can_manage_campaigns)

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign}

    def get_context_data(self, **kwargs):
        members = list(PanelMember.objects.filter(campaign=self.campaign).select_related("expert"))
        counts = {
            row["expert_id"]: row
            for row in Assignment.objects.released()
            .filter(nomination__campaign=self.campaign)
            .values("expert_id")
            .annotate(assigned=Count("pk"), done=Count("review"))
        }
        extensions = {row.expert_id: row for row in ReviewExtension.objects.filter(campaign=self.campaign)}
        # Experts whose unit is unknown see no nomination until they declare it: staff should know who waits on that.
        known = set(accounts.units_of([member.expert_id for member in members]))
        rows = [
            {
                "expert": member.expert,
                "assigned": counts.get(member.expert_id, {}).get("assigned", 0),
                "done": counts.get(member.expert_id, {}).get("done", 0),
                "extension": extensions.get(member.expert_id),
                "unit_unknown": member.expert_id not in known,
            }
            for member in members
        ]
        return super().get_context_data(campaign=self.campaign, rows=rows, **kwargs)

    def form_valid(self, form):
        try:
            deadlines.extend_review_deadline(
                campaign=self.campaign,
                expert=form.cleaned_data["expert"].expert,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(user)s may now review until %(time)s.")
            % {"user": form.cleaned_data["expert"].expert, "time": deadlines._when(form.cleaned_data["until"])},
        )
        return redirect("honors:review_deadlines", code=self.campaign.code)
