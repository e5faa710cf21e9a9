"""Staff pages that issue a published campaign's honor certificates and a lecture-group batch's letters."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from laurel.certificates import handoffs, pdf
from laurel.certificates.forms import HandoffForm
from laurel.certificates.models import IssuanceBatch, Kind
from laurel.certificates.views import ManageMixin
from laurel.consultations.models import Consultation, Seat
from laurel.honors.models import Campaign, Nomination, Stage
from laurel.needs.queries import service_years
from laurel.outreach.models import Batch


class HandoffListView(ManageMixin, TemplateView):
    template_name = "certificates/handoff_list.html"

    def get_context_data(self, **kwargs):
        campaigns = Campaign.objects.filter(stage=Stage.PUBLISHED).annotate(
            honorees=Count("nominations", filter=Q(nominations__status=Nomination.Status.SELECTED))
        )
        batches = Batch.objects.select_related("group").annotate(
            members=Count("memberships", filter=Q(memberships__retired_on=None))
        )
        consultations = Consultation.objects.filter(status__in=handoffs.CONSULTATION_DONE).annotate(
            served=Count("seats", filter=Q(seats__status=Seat.Status.ACCEPTED))
        )
        return super().get_context_data(
            campaigns=campaigns,
            lecture_batches=batches,
            service_years=service_years(),
            consultations=consultations,
            **kwargs,
        )


class HandoffIssueView(ManageMixin, FormView):
    """Shows who will receive a certificate and issues them all in one background batch."""

    form_class = HandoffForm
    kind = ""

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"kind": self.kind}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recipients=self.recipients(),
            batches=IssuanceBatch.objects.filter(batch_key=self.batch_key()),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            batch = self.issue(form.cleaned_data["template"], issued_on=form.cleaned_data["issued_on"])
        except (ValidationError, pdf.CertificateRenderError) as error:
            form.add_error(None, str(error) if isinstance(error, pdf.CertificateRenderError) else error)
            return self.form_invalid(form)
        return redirect(batch)


class CampaignIssueView(HandoffIssueView):
    template_name = "certificates/campaign_issue.html"
    kind = Kind.HONOR

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        published = self.campaign.stage == Stage.PUBLISHED
        return super().get_context_data(campaign=self.campaign, published=published, **kwargs)

    def recipients(self):
        return handoffs.campaign_recipients(self.campaign)

    def batch_key(self):
        return handoffs.campaign_batch_key(self.campaign)

    def issue(self, template, *, issued_on):
        return handoffs.issue_campaign_certificates(
            self.campaign, template=template, actor=self.request.user, issued_on=issued_on
        )


class LectureBatchIssueView(HandoffIssueView):
    template_name = "certificates/lecture_batch_issue.html"
    kind = Kind.APPOINTMENT

    def dispatch(self, request, *args, **kwargs):
        self.lecture_batch = get_object_or_404(Batch.objects.select_related("group"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(lecture_batch=self.lecture_batch, **kwargs)

    def recipients(self):
        return handoffs.lecture_batch_recipients(self.lecture_batch)

    def batch_key(self):
        return handoffs.lecture_batch_key(self.lecture_batch)

    def issue(self, template, *, issued_on):
        return handoffs.issue_appointment_letters(
            self.lecture_batch, template=template, actor=self.request.user, issued_on=issued_on
        )


class ServiceIssueView(HandoffIssueView):
    template_name = "certificates/service_issue.html"
    kind = Kind.SERVICE

    def dispatch(self, request, *args, **kwargs):
        self.year = kwargs["year"]
        if not 2000 <= self.year <= 2100:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, **kwargs)

    def recipients(self):
        return handoffs.volunteer_recipients(self.year)

    def batch_key(self):
        return handoffs.volunteer_key(self.year)

    def issue(self, template, *, issued_on):
        return handoffs.issue_service_certificates(
            self.year, template=template, actor=self.request.user, issued_on=issued_on
        )


class ConsultationIssueView(HandoffIssueView):
    template_name = "certificates/consultation_issue.html"
    kind = Kind.SERVICE

    def dispatch(self, request, *args, **kwargs):
        self.consultation = get_object_or_404(Consultation.objects.select_related("asking_body"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)

    def recipients(self):
        return handoffs.consultation_recipients(self.consultation)

    def batch_key(self):
        return handoffs.consultation_batch_key(self.consultation)

    def issue(self, template, *, issued_on):
        return handoffs.issue_consultation_certificates(
            self.consultation, template=template, actor=self.request.user, issued_on=issued_on
        )
