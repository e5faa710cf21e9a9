"""The nomination form (推荐表) as a PDF, all forms of a campaign as a ZIP, every field as an XLSX."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from laurel.core.views import StaffRequiredMixin, report_errors
from laurel.honors import paperwork
from laurel.honors.models import Campaign, Nomination


class NominationFormPdfView(View):
    """Staff and the nomination's own nominators; anyone else signed in gets 403, experts included."""

    def get(self, request, code):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        nomination = get_object_or_404(Nomination.objects.for_list(), code=code)
        if not paperwork.can_print_form(request.user, nomination):
            raise PermissionDenied
        try:
            pdf = paperwork.render_form(nomination)
        except paperwork.FormRenderError as error:
            messages.error(request, str(error))
            return redirect(nomination)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="nomination-{nomination.code}.pdf"'
        return response


class FormsZipView(StaffRequiredMixin, View):
    def get(self, request, code):
        campaign = get_object_or_404(Campaign, code=code)
        try:
            chosen = paperwork.forms_for_zip(campaign, unit_code=request.GET.get("unit", ""))
            paperwork.font_dir()  # refused before the download starts rather than halfway through it
        except ValidationError as error:
            report_errors(request, error)
            return redirect("honors:staff_nominations", code=campaign.code)
        except paperwork.FormRenderError as error:
            messages.error(request, str(error))
            return redirect("honors:staff_nominations", code=campaign.code)
        response = StreamingHttpResponse(paperwork.stream_zip(chosen), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="laurel-campaign-{campaign.code}-forms.zip"'
        return response


class NominationsWorkbookView(StaffRequiredMixin, View):
    def get(self, request, code):
        campaign = get_object_or_404(Campaign, code=code)
        response = HttpResponse(
            paperwork.nominations_workbook(campaign),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="laurel-campaign-{campaign.code}-nominations.xlsx"'
        return response
