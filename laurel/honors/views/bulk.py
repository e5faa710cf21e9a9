"""Staff: the eligibility check of the ticked nominations of the staff list, in one go."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from laurel.core.views import StaffRequiredMixin, report_errors
from laurel.honors import bulk
from laurel.honors.models import Campaign, Nomination


class BulkCheckView(StaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, code):
        campaign = get_object_or_404(Campaign, code=code)
        codes = [value[:12] for value in request.POST.getlist("nominations")[: bulk.BATCH_LIMIT + 1]]
        # Codes of other campaigns are looked up too, so that the summary can say why they were skipped.
        found = {nomination.code: nomination for nomination in Nomination.objects.for_list().filter(code__in=codes)}
        chosen = [found[code] for code in dict.fromkeys(codes) if code in found]
        try:
            result = bulk.check_eligibility_in_bulk(
                campaign,
                nominations_to_check=chosen,
                outcome=request.POST.get("outcome", ""),
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        except ValidationError as error:
            report_errors(request, error)
        else:
            if result.moved:
                messages.success(
                    request, _("Decision recorded for %(count)d nominations.") % {"count": len(result.moved)}
                )
            if result.skipped:
                messages.warning(
                    request,
                    _("Skipped %(count)d: %(list)s.") % {"count": len(result.skipped), "list": result.skipped_text()},
                )
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/"):
            return redirect(back)
        return redirect("honors:staff_nominations", code=campaign.code)
