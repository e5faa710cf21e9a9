"""Experts: their assignments, the score form (once), recusal."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from laurel.core.views import PermissionRequiredMixin, report_errors
from laurel.honors import deadlines, permissions, reviews
from laurel.honors.models import Assignment, Campaign, Criterion, Nomination
from laurel.people import accounts


class UnitDeclaredMixin:
    """An expert without a sci-tech worker profile declares a unit before seeing any nomination (conflicts of
    interest are computed from it): until then these pages send them to the declaration."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and accounts.needs_unit_declaration(request.user):
            messages.info(
                request,
                _("Before you see any nomination, say which unit you work in: conflicts of interest depend on it."),
            )
            return redirect(f"{reverse('people:declare_unit')}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)


class MyAssignmentsView(UnitDeclaredMixin, PermissionRequiredMixin, ListView):
    """The expert's assignments, 50 a page, open ones first; the deadlines of every campaign they review in now."""

    template_name = "honors/my_assignments.html"
    permission_predicate = staticmethod(permissions.is_expert)
    paginate_by = 50

    def get_queryset(self):
        return (
            Assignment.objects.released()
            .filter(expert=self.request.user)
            .select_related("nomination__campaign", "nomination__person", "nomination__unit", "review")
            # What still waits for a score first, then the latest scored: a long-serving expert's list holds every
            # year's scored assignments, and the open ones must not hide at its end.
            .order_by(F("review__submitted_at").desc(nulls_first=True), "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Every campaign in review the expert has a released assignment in, not only those on this page.
        campaigns = Campaign.objects.filter(
            stage__in=list(reviews.REVIEW_STAGES),
            pk__in=Assignment.objects.released().filter(expert=self.request.user).values("nomination__campaign"),
        )
        context["deadlines"] = sorted(
            (
                (campaign, deadline)
                for campaign in campaigns
                if (deadline := deadlines.review_deadline_for(campaign, self.request.user)) is not None
            ),
            key=lambda pair: pair[1],
        )
        return context


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} ({criterion.weight})", min_value=0, max_value=100
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=gettext_lazy("comment"), required=False, max_length=1000
            )


class ReviewFormView(UnitDeclaredMixin, PermissionRequiredMixin, FormView):
    form_class = ReviewForm
    template_name = "honors/review_form.html"
    permission_predicate = staticmethod(permissions.is_expert)

    def has_permission(self):
        self.nomination = get_object_or_404(Nomination.objects.for_list(), code=self.kwargs["code"])
        self.assignment = reviews.active_assignment(self.nomination, self.request.user)
        return self.assignment is not None

    def get_form_kwargs(self):
        self.criteria = list(Criterion.objects.filter(campaign=self.nomination.campaign))
        return {**super().get_form_kwargs(), "criteria": self.criteria}

    def get_context_data(self, **kwargs):
        campaign = self.nomination.campaign
        deadline = deadlines.review_deadline_for(campaign, self.request.user)
        return super().get_context_data(
            nomination=self.nomination,
            assignment=self.assignment,
            already=hasattr(self.assignment, "review"),
            deadline=deadline,
            late=deadline is not None and timezone.now() >= deadline,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            reviews.submit_review(
                self.assignment,
                scores={c.pk: data[f"score_{c.pk}"] for c in self.criteria},
                comments={c.pk: data[f"comment_{c.pk}"] for c in self.criteria},
                comment=data["comment"],
                actor=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your scores are recorded."))
        return redirect("honors:my_assignments")


@require_POST
def recuse(request, code):
    nomination = get_object_or_404(Nomination, code=code)
    assignment = reviews.active_assignment(nomination, request.user) if request.user.is_authenticated else None
    if assignment is None:
        raise PermissionDenied
    try:
        reviews.recuse(assignment, reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, _("You have stepped back from this nomination."))
    except ValidationError as error:
        report_errors(request, error)
        return redirect("honors:review", code=code)
    return redirect("honors:my_assignments")
