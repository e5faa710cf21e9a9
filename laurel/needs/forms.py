from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laurel.core.widgets import DateInput
from laurel.needs.models import MAX_PROBLEM, MAX_TRIED, Need, NeedField, ServiceRecord
from laurel.outreach.models import District


class NeedForm(forms.ModelForm):
    # A hidden field people do not see and bots fill in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Need
        fields = [
            "poster_name", "poster_type", "field", "region", "title", "problem", "tried", "budget", "deadline",
            "contact_name", "contact_email", "contact_phone",
        ]  # fmt: skip
        widgets = {
            "deadline": DateInput(),
            "problem": forms.Textarea(attrs={"rows": 6, "maxlength": MAX_PROBLEM}),
            "tried": forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TRIED}),
        }
        help_texts = {
            "problem": _("What is the technical problem, in a few paragraphs (at most 3,000 characters)."),
            "tried": _("What you have already tried, and with whom."),
            "contact_email": _("We send a link to this address to confirm the need. It is never shown in public."),
        }

    def need_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _region_labels(form: forms.BaseForm, *names: str) -> None:
    """Regions by their name in the page's language."""
    language = get_language()
    for name in names:
        form.fields[name].label_from_instance = lambda district: district.display_name(language)


class BoardFilterForm(forms.Form):
    field = forms.ChoiceField(label=_("field"), choices=[("", _("All fields")), *NeedField.choices], required=False)
    region = forms.ModelChoiceField(
        label=_("region"), queryset=District.objects.all(), required=False, empty_label=_("All regions")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _region_labels(self, "region")


class SubscriptionForm(forms.Form):
    fields = forms.MultipleChoiceField(
        label=_("fields I follow"), choices=NeedField.choices, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("regions I follow"),
        queryset=District.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: the whole city."),
    )
    expertise = forms.CharField(
        label=_("expertise"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_available = forms.BooleanField(label=_("available for new needs"), required=False, initial=True)
    max_active = forms.IntegerField(label=_("matches at a time (at most)"), min_value=1, max_value=20, initial=3)
    notify = forms.BooleanField(label=_("mail me new needs"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _region_labels(self, "regions")


class InterestForm(forms.Form):
    note = forms.CharField(
        label=_("how you could help"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class IntroduceForm(forms.Form):
    expert = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class MeetingForm(forms.Form):
    meeting_on = forms.DateField(label=_("meeting date"), widget=DateInput())
    notes = forms.CharField(label=_("meeting record"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Need.Outcome.choices)
    notes = forms.CharField(
        label=_("outcome notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FeedbackForm(forms.Form):
    rating = forms.IntegerField(label=_("rating (1-5)"), min_value=1, max_value=5)
    comment = forms.CharField(
        label=_("comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files; the service judges each by its content (laurel/core/uploads.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class ServiceForm(forms.ModelForm):
    hours = forms.DecimalField(label=_("hours"), min_value=Decimal("0.5"), max_value=24, max_digits=5, decimal_places=1)
    people_reached = forms.IntegerField(label=_("people reached"), min_value=0, max_value=100000, initial=0)
    photos = PhotosField(label=_("photos"), required=False)

    class Meta:
        model = ServiceRecord
        fields = ["date", "region", "need", "description", "hours", "people_reached"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = Need.objects.filter(expert=user)
        _region_labels(self, "region")

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
