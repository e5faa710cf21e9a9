"""The unit's nominator: drafts, photos, submission, withdrawal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from laurel.core.views import PermissionRequiredMixin, add_form_errors, report_errors
from laurel.honors import blind, deadlines, disclosure, nominations, permissions, reviews
from laurel.honors.forms import NominationForm, PhotoForm
from laurel.honors.models import Campaign, Nomination, NominationPhoto

UPLOADS = ("id_photo", "evidence", "unit_opinion", "integrity_certificate", "anonymized_evidence")


class MyNominationsView(PermissionRequiredMixin, ListView):
    template_name = "honors/my_nominations.html"
    permission_predicate = staticmethod(lambda user: bool(permissions.nominator_units(user)))

    def get_queryset(self):
        return Nomination.objects.for_list().filter(unit_id__in=permissions.nominator_units(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = disclosure.with_shown(context["object_list"])
        return context


class NominationFormView(PermissionRequiredMixin, FormView):
    form_class = NominationForm
    template_name = "honors/nomination_form.html"

    def has_permission(self):
        if "nomination" in self.kwargs:
            self.nomination = get_object_or_404(Nomination.objects.for_list(), code=self.kwargs["nomination"])
            self.campaign = self.nomination.campaign
            return permissions.can_edit_nomination(self.request.user, self.nomination)
        self.nomination = None
        self.campaign = get_object_or_404(Campaign.objects.public(), code=self.kwargs["code"])
        return bool(permissions.nominator_units(self.request.user)) or permissions.can_nominate_self(
            self.request.user, self.campaign
        )

    def get(self, request, *args, **kwargs):
        return self._closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._closed() or super().post(request, *args, **kwargs)

    def _closed(self):
        """A new nomination after the deadline: the page says nominations closed, and when (not a 404)."""
        if self.nomination is not None or nominations.accepts_nominations(self.campaign):
            return None
        if self.campaign.stage == "open" and deadlines.not_yet_open(self.campaign):
            return render(self.request, "honors/nominations_not_open.html", {"campaign": self.campaign})
        return render(self.request, "honors/nominations_closed.html", {"campaign": self.campaign}, status=410)

    def get_form_kwargs(self):
        units = permissions.nominator_units(self.request.user)
        self_nomination = permissions.can_nominate_self(self.request.user, self.campaign)
        return {
            **super().get_form_kwargs(),
            "instance": self.nomination,
            "units": units,
            "user": self.request.user if self_nomination else None,
            "blind": self.campaign.blind_review,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, nomination=self.nomination, **kwargs)

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in nominations.NOMINATION_FIELDS}
        uploads = {name: self.request.FILES.get(name) for name in UPLOADS}
        try:
            if self.nomination is None:
                person = form.cleaned_data["person"]
                nomination = nominations.create_nomination(
                    campaign=self.campaign, unit=person.organization, person=person, actor=self.request.user,
                    data=data, uploads=uploads,
                )  # fmt: skip
            else:
                nomination = nominations.update_nomination(
                    self.nomination, actor=self.request.user, data=data, uploads=uploads
                )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved as a draft."))
        return redirect(nomination)


class NominationDetailView(PermissionRequiredMixin, DetailView):
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return Nomination.objects.for_list().prefetch_related("photos")

    def has_permission(self):
        self.object = self.get_object()
        return permissions.can_view_nomination(self.request.user, self.object)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        user = self.request.user
        nomination = self.object
        is_staff = permissions.can_manage_campaigns(user)
        is_nominator = permissions.can_edit_nomination(user, nomination)
        editable = is_nominator and nomination.status in nominations.EDITABLE
        context = super().get_context_data(**kwargs)
        is_blind = blind.blind_for(is_staff, is_nominator, nomination)
        context.update(
            is_staff=is_staff,
            is_nominator=is_nominator,
            blind=is_blind,
            # Masked on the server: the page never carries the names for a blind reader, hidden or not.
            story=blind.mask(nomination.story, nomination) if is_blind else nomination.story,
            blind_names=blind.names_in(nomination.story, nomination)
            if is_nominator and nomination.campaign.blind_review
            else [],
            # Told before submission, not at the check: the rules this draft breaks as it stands.
            rule_problems=nominations.current_problems(nomination) if is_nominator and editable else [],
            submission_closed=is_nominator
            and nomination.status == Nomination.Status.DRAFT
            and not nominations.accepts_nominations(nomination.campaign),
            editable=editable,
            photo_form=PhotoForm(),
            assignment=None if is_staff or is_nominator else reviews.active_assignment(nomination, user),
            # Staff read the real status and reason; everyone else what the committee's confidence allows.
            shown=disclosure.Shown(nomination.status, nomination.get_status_display(), nomination.status_reason)
            if is_staff
            else disclosure.shown_status(nomination),
        )
        if is_staff:
            from laurel.honors.forms import EligibilityForm
            from laurel.honors.models import Assignment

            context["eligibility_form"] = EligibilityForm()
            context["assignments"] = Assignment.objects.filter(nomination=nomination).select_related("expert", "review")
        return context


def _editable(request, code) -> Nomination:
    nomination = get_object_or_404(Nomination.objects.for_list(), code=code)
    if not permissions.can_edit_nomination(request.user, nomination):
        raise PermissionDenied
    return nomination


@require_POST
def add_photo(request, code):
    nomination = _editable(request, code)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            nominations.add_photo(nomination, actor=request.user, image=form.cleaned_data["image"])
        except ValidationError as error:
            report_errors(request, error)
    else:
        messages.error(request, _("Choose a photo to upload."))
    return redirect(nomination)


@require_POST
def remove_photo(request, code, photo):
    nomination = _editable(request, code)
    nominations.remove_photo(get_object_or_404(NominationPhoto, pk=photo, nomination=nomination), actor=request.user)
    return redirect(nomination)


@require_POST
def submit(request, code):
    nomination = _editable(request, code)
    try:
        nominations.submit_nomination(
            nomination,
            actor=request.user,
            names_confirmed=request.POST.get("names_confirmed") == "1",
            explanation=request.POST.get("explanation", "")[: nominations.EXPLANATION_LIMIT + 1],
        )
        messages.success(request, _("Submitted. The association will check it."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(nomination)


@require_POST
def withdraw(request, code):
    nomination = _editable(request, code)
    try:
        nominations.withdraw_nomination(nomination, actor=request.user)
        messages.success(request, _("Withdrawn."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(nomination)
