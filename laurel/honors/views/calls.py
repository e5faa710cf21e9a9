"""The campaign's call: the public page with its timeline and attachments, and staff's page to write it."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from laurel.core.storage import serve_file
from laurel.core.views import PermissionRequiredMixin, add_form_errors
from laurel.honors import calls, permissions
from laurel.honors.forms import CallAttachmentForm, CallForm
from laurel.honors.models import CallAttachment, Campaign, Stage


def _campaign_for(user, code: str) -> Campaign:
    """Staff see every campaign; the public never a draft."""
    campaigns = Campaign.objects.all() if permissions.can_manage_campaigns(user) else Campaign.objects.public()
    return get_object_or_404(campaigns, code=code[:12])


class CallView(TemplateView):
    template_name = "honors/call.html"

    def get_context_data(self, **kwargs):
        campaign = _campaign_for(self.request.user, kwargs["code"])
        return super().get_context_data(
            campaign=campaign,
            attachments=campaign.call_attachments.all(),
            timeline=calls.timeline(campaign),
            can_manage=permissions.can_manage_campaigns(self.request.user),
            **kwargs,
        )


def call_attachment(request, code, pk):
    campaign = _campaign_for(request.user, code)
    attachment = get_object_or_404(CallAttachment, pk=pk, campaign=campaign)
    # The title names the download; characters a file system refuses are left out.
    filename = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", attachment.display_title()).strip()[:100] or campaign.code
    # A draft campaign's attachment is for staff only: never kept by a shared cache.
    return serve_file(attachment.file, filename=filename, download=True, public=campaign.stage != Stage.DRAFT)


class CallEditView(PermissionRequiredMixin, TemplateView):
    permission_predicate = staticmethod(permissions.can_manage_campaigns)
    template_name = "honors/call_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign, code=kwargs["code"][:12])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form", CallForm(initial={field: getattr(self.campaign, field) for field in calls.TEXT_FIELDS})
        )
        kwargs.setdefault("attachment_form", CallAttachmentForm())
        return super().get_context_data(
            campaign=self.campaign, attachments=self.campaign.call_attachments.all(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if "file" in request.FILES or request.POST.get("action") == "attach":
            return self._attach(request)
        form = CallForm(request.POST)
        if form.is_valid():
            try:
                calls.save_call(self.campaign, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("The call is saved."))
                return redirect("honors:call_edit", code=self.campaign.code)
        return self.render_to_response(self.get_context_data(form=form))

    def _attach(self, request):
        form = CallAttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                calls.add_attachment(
                    self.campaign,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    title_en=form.cleaned_data["title_en"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("The document is attached to the call."))
                return redirect("honors:call_edit", code=self.campaign.code)
        return self.render_to_response(self.get_context_data(attachment_form=form), status=200)


@require_POST
def remove_attachment(request, code, pk):
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, code=code[:12])
    attachment = CallAttachment.objects.filter(pk=pk, campaign=campaign).first()
    if attachment is None:
        messages.error(request, _("This attachment was already removed."))
    else:
        try:
            calls.remove_attachment(attachment, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The document is removed from the call."))
    return redirect("honors:call_edit", code=campaign.code)
