"""Public pages and the asking body's: the list of public consultations, a public consultation's page (only what
is public), the body's submission form, the emailed verification and the body's private link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from laurel.consultations import queries, services
from laurel.consultations.forms import ResponseForm, SubmissionForm
from laurel.consultations.models import Consultation, Round
from laurel.core import ratelimit
from laurel.core.net import client_address
from laurel.core.storage import serve_file
from laurel.core.views import report_errors

# Submissions per client address and hour: each one mails the body a link to verify.
SUBMISSIONS_PER_ADDRESS = ratelimit.Limit("consultations.submission", count=5, seconds=3600)


def final_results(consultation: Consultation) -> list[dict]:
    final = consultation.rounds.filter(status=Round.Status.CLOSED).order_by("-number").first()
    if final is None:
        return []
    return [
        {"statement": statement, "figures": figures}
        for statement, figures in queries.statements_with_results(consultation, final)
        if figures
    ]


class PublicListView(ListView):
    paginate_by = 30
    template_name = "consultations/public_list.html"

    def get_queryset(self):
        return Consultation.objects.public().select_related("asking_body")


class PublicDetailView(DetailView):
    """Only what is public: question, background, asking body, path, and the results once the rounds concluded.
    Never the panel, the materials, comments, the report or the response's text."""

    template_name = "consultations/public_detail.html"
    slug_field = slug_url_kwarg = "code"
    context_object_name = "consultation"

    def get_queryset(self):
        return Consultation.objects.public().select_related("asking_body")

    def get_context_data(self, **kwargs):
        consultation = self.object
        concluded = consultation.status in (
            Consultation.Status.CONCLUDED,
            Consultation.Status.DELIVERED,
            Consultation.Status.RESPONDED,
        )
        return super().get_context_data(
            timeline=queries.timeline(consultation),
            results=final_results(consultation) if concluded else [],
            **kwargs,
        )


class SubmitView(FormView):
    form_class = SubmissionForm
    template_name = "consultations/submit.html"

    def form_valid(self, form):
        if not ratelimit.allow_address(SUBMISSIONS_PER_ADDRESS, client_address(self.request)):
            form.add_error(None, _("Too many requests from your network in the last hour. Please try again later."))
            return self.form_invalid(form)
        try:
            consultation = services.submit_consultation(
                data=form.consultation_data(), uploads=form.cleaned_data["materials"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return render(self.request, "consultations/submitted.html", {"consultation": consultation})


def _by_token(field: str, token: str) -> Consultation:
    if not 16 <= len(token) <= 64:
        raise Http404
    return get_object_or_404(Consultation.objects.select_related("asking_body"), **{field: token})


def verify(request, token):
    consultation = _by_token("verify_token", token)
    if request.method == "POST" and consultation.status == Consultation.Status.UNVERIFIED:
        try:
            services.verify_submission(consultation)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("Your email is verified: the request is now with the association."))
        return redirect(consultation.get_follow_url())
    return render(request, "consultations/verify.html", {"consultation": consultation})


class FollowView(TemplateView):
    """The asking body's private link: status, path, the report once delivered, and its response."""

    template_name = "consultations/follow.html"

    def get_context_data(self, **kwargs):
        consultation = _by_token("follow_token", self.kwargs["token"])
        delivered = consultation.status in (Consultation.Status.DELIVERED, Consultation.Status.RESPONDED)
        return super().get_context_data(
            consultation=consultation,
            timeline=queries.timeline(consultation),
            delivered=delivered,
            responses=consultation.responses.all(),
            response_form=kwargs.pop("response_form", None) or ResponseForm(),
            **kwargs,
        )

    def post(self, request, token):
        consultation = _by_token("follow_token", token)
        form = ResponseForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(response_form=form))
        try:
            services.record_response(consultation, actor=None, **form.cleaned_data)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("Your response is recorded. Thank you."))
        return redirect(consultation.get_follow_url())


def follow_report(request, token):
    consultation = _by_token("follow_token", token)
    if consultation.status not in (Consultation.Status.DELIVERED, Consultation.Status.RESPONDED):
        raise Http404
    if not consultation.report:
        raise Http404
    return serve_file(consultation.report, filename=f"report-{consultation.code}.pdf", download=True)
