from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laurel.consultations.models import Consultation, Response
from laurel.consultations.services import MAX_MATERIALS, refuse_classified
from laurel.core.widgets import DateInput, DateTimeInput
from laurel.people.models import Organization, Person
from laurel.people.roles import RoleKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MaterialsField(forms.FileField):
    """Several PDFs or photos; the service judges each by its content (laurel/core/uploads.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PDF documents or photos, at most %(count)d.") % {"count": MAX_MATERIALS})
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_MATERIALS:
            raise forms.ValidationError(_("At most %(count)d files.") % {"count": MAX_MATERIALS})
        return [super(MaterialsField, self).clean(item, initial) for item in files]


BODY_FIELDS = [
    "asking_body", "title", "question", "background", "expertise_wanted", "deadline", "openness",
    "contact_name", "contact_email", "contact_phone",
]  # fmt: skip
RULE_FIELDS = ["consensus_iqr", "consensus_share", "stability_share", "max_rounds", "panel_size"]


class SubmissionForm(forms.ModelForm):
    """The asking body's form (public) and, with the rule's settings, the staff's."""

    classified = forms.BooleanField(
        label=_("This question is classified (涉密)"),
        required=False,
        help_text=_("Classified work is refused: it does not belong on an internet-facing system."),
    )
    materials = MaterialsField(label=_("materials"))

    class Meta:
        model = Consultation
        fields = BODY_FIELDS
        widgets = {"deadline": DateInput(), "question": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asking_body"].queryset = Organization.objects.filter(kind=Organization.Kind.GOVERNMENT)
        self.fields["asking_body"].help_text = _("Government bodies known to the association.")

    def clean_classified(self):
        # Refused whatever else the form says: the person must learn at once that this is the wrong place.
        try:
            refuse_classified(self.cleaned_data["classified"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return False

    def consultation_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ConsultationForm(SubmissionForm):
    class Meta(SubmissionForm.Meta):
        fields = BODY_FIELDS + RULE_FIELDS


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class InterestForm(forms.Form):
    person = forms.ModelChoiceField(label=_("expert"), queryset=Person.objects.none())
    note = forms.CharField(label=_("interest"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(user__roles__kind=RoleKind.EXPERT).distinct()


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.HiddenInput)
    pledge = forms.BooleanField(
        label=_(
            "I pledge to keep the question, the materials and the panel's answers confidential, and to use them only "
            "for this consultation."
        ),
        required=False,
    )
    may_be_named = forms.BooleanField(label=_("My name may appear in the report's list of experts."), required=False)
    interest = forms.CharField(
        label=_("Declared interest (if you decline because of one)"), max_length=300, required=False
    )


class RoundForm(forms.Form):
    deadline = forms.DateTimeField(label=_("deadline"), widget=DateTimeInput())


class CloseForm(forms.Form):
    next_deadline = forms.DateTimeField(
        label=_("deadline of the next round"),
        widget=DateTimeInput(),
        required=False,
        help_text=_("Needed unless the consultation stops at consensus, stability or the round limit."),
    )


class StatementForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("Delphi", "statement"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    importance = forms.IntegerField(label=_("importance (1-9)"), min_value=1, max_value=9)
    feasibility = forms.IntegerField(label=_("feasibility (1-9)"), min_value=1, max_value=9)
    comment = forms.CharField(label=_("comment"), max_length=1000, required=False)


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("delivered on"), widget=DateInput())
    recipient = forms.CharField(label=_("received by"), max_length=200)
    channel = forms.CharField(label=_("how"), max_length=200, help_text=_("e.g. by hand, by confidential mail"))


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label=_("response"), choices=Response.Kind.choices)
    responded_on = forms.DateField(label=_("date"), widget=DateInput())
    text = forms.CharField(
        label=_("text (the instruction or how the report was adopted)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
