from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.certificates.models import LAYOUT_BOUNDS, CertificateTemplate
from laurel.core.forms import StoredFileInput
from laurel.core.uploads import judge_image
from laurel.core.widgets import DateInput
from laurel.people.models import Person


class TemplateForm(forms.ModelForm):
    class Meta:
        model = CertificateTemplate
        fields = [
            "kind", "name", "heading", "heading_en", "association_name", "association_name_en", "signatory",
            "occasion", "occasion_en", "margin_mm", "heading_size", "heading_tracking", "body_size", "border",
            "background", "seal", "signature",
        ]  # fmt: skip
        widgets = {
            "seal": StoredFileInput(),
            "signature": StoredFileInput(),
            "background": StoredFileInput(),
            # No min/max in the browser: the live preview would silently stop (HTMX posts only a valid form);
            # the server names the bound instead, in the preview, in the user's language.
            **{field: forms.NumberInput(attrs={"step": 1}) for field in LAYOUT_BOUNDS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, (low, high) in LAYOUT_BOUNDS.items():
            self.fields[field].help_text = _("From %(low)d to %(high)d.") % {"low": low, "high": high}

    # The seal and the signature are judged by content and re-encoded without metadata (a PNG keeps its
    # transparency); they are private files, printed on certificates and never served.
    def clean_seal(self):
        return self._judged("seal")

    def clean_signature(self):
        return self._judged("signature")

    def clean_background(self):
        return self._judged("background")

    def _judged(self, name):
        value = self.cleaned_data.get(name)
        return judge_image(value) if isinstance(value, UploadedFile) else value


def issue_date_field() -> forms.DateField:
    return forms.DateField(
        label=_("date on the certificates"),
        required=False,
        initial=timezone.localdate,
        widget=DateInput(),
        help_text=_("Printed on the certificates and in their credentials, e.g. the ceremony's date. Today if empty."),
    )


class BatchForm(forms.Form):
    template = forms.ModelChoiceField(CertificateTemplate.objects.all(), label=_("template"))
    batch_key = forms.CharField(
        label=_("batch key"),
        max_length=100,
        help_text=_("The same person cannot receive two certificates of one kind with the same key, e.g. 2026-最美."),
    )
    title = forms.CharField(label=_("title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    citation = forms.CharField(label=_("citation"), max_length=600, required=False, widget=forms.Textarea)
    citation_en = forms.CharField(label=_("English citation"), max_length=1000, required=False, widget=forms.Textarea)
    issued_on = issue_date_field()
    valid_until = forms.DateField(
        label=_("valid until"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "From this date on the certificates are no longer in force (the end of an appointment's term, say): "
            "the verification page and every verifier then say “expired”. Empty: no end."
        ),
    )
    recipients = forms.ModelMultipleChoiceField(
        Person.objects.with_unit(), label=_("recipients"), widget=forms.CheckboxSelectMultiple
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for revocation"),
        max_length=500,
        widget=forms.Textarea,
        help_text=_("Kept in the certificate's record for staff. The public sees it only if you tick the box below."),
    )
    reason_public = forms.BooleanField(
        label=_("Show the reason on the public verification page"),
        required=False,
        help_text=_("Unticked, the public page says only that the certificate was revoked."),
    )


class CorrectForm(forms.Form):
    reason = forms.CharField(label=_("reason for the correction"), max_length=500)
    title = forms.CharField(label=_("title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    citation = forms.CharField(label=_("citation"), max_length=600, required=False, widget=forms.Textarea)
    citation_en = forms.CharField(label=_("English citation"), max_length=1000, required=False, widget=forms.Textarea)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("credential (JSON) or certificate (PDF)"))


class HandoffForm(forms.Form):
    """Choose the template for a campaign's honor certificates or a lecture-group batch's appointment letters."""

    template = forms.ModelChoiceField(CertificateTemplate.objects.none(), label=_("template"))
    issued_on = issue_date_field()

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = CertificateTemplate.objects.filter(kind=kind)
