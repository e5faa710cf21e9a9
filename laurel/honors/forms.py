from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laurel.core.widgets import DateInput, DateTimeInput
from laurel.honors import texts
from laurel.honors.models import (
    Campaign,
    Criterion,
    EligibilityRule,
    Nomination,
    RepresentationRule,
    VettingBody,
    VettingResult,
)
from laurel.honors.models.notices import MAX_STATEMENT_LENGTH, STATEMENT_TOO_LONG
from laurel.people.models import Organization, Person


class CampaignForm(forms.ModelForm):
    holidays_text = forms.CharField(
        label=_("public holidays"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dates as YYYY-MM-DD, separated by spaces or new lines."),
    )  # fmt: skip
    makeup_text = forms.CharField(
        label=_("make-up working days"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Weekend days worked in exchange for a holiday (调休): counted as working days. Dates as YYYY-MM-DD."),
    )  # fmt: skip
    amendment_reason = forms.CharField(
        label=_("reason for the amendment"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nominations have closed: changing quotas, criteria, rules or eligibility is an amendment, logged with this reason."),
    )  # fmt: skip

    class Meta:
        model = Campaign
        fields = [
            "series", "name", "name_en", "edition", "level", "organizers", "honorees_count",
            "honorable_mentions_count", "channel", "default_quota", "story_limit", "blind_review", "review_rounds",
            "experts_per_nomination", "expert_load_cap", "ranking_method", "public_vote", "public_vote_weight",
            "vote_opens_at", "vote_closes_at", "votes_per_candidate_per_day", "candidates_per_day",
            "nomination_opens_at", "nomination_deadline", "review_deadline", "notice_working_days",
        ]  # fmt: skip
        widgets = {
            "vote_opens_at": DateTimeInput(),
            "vote_closes_at": DateTimeInput(),
            "nomination_opens_at": DateTimeInput(),
            "nomination_deadline": DateTimeInput(),
            "review_deadline": DateTimeInput(),
            "organizers": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["holidays_text"].initial = "\n".join(self.instance.holidays)
            self.fields["makeup_text"].initial = "\n".join(self.instance.makeup_workdays)
        if not locked:
            del self.fields["amendment_reason"]

    def campaign_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["holidays"] = self.cleaned_data["holidays_text"].split()
        data["makeup_workdays"] = self.cleaned_data["makeup_text"].split()
        return data


class NominationForm(forms.ModelForm):
    person = forms.ModelChoiceField(label=_("sci-tech worker"), queryset=Person.objects.none())

    class Meta:
        model = Nomination
        fields = [
            "person", "category", "story", "citation", "citation_en", "years_in_city", "in_post", "titles_held",
            "video_url", "id_photo", "evidence", "unit_opinion", "integrity_certificate", "anonymized_evidence",
            "consent",
        ]  # fmt: skip
        widgets = {
            "story": forms.Textarea(attrs={"rows": 10}),
            "citation_en": forms.Textarea(attrs={"rows": 2}),
            "titles_held": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, units=(), user=None, blind=False, **kwargs):
        super().__init__(*args, **kwargs)
        people = Q(organization__in=units) | Q(user=user) if user is not None else Q(organization__in=units)
        self.fields["person"].queryset = Person.objects.filter(people).order_by("name")
        if self.instance.pk:
            del self.fields["person"]
        for name in ("id_photo", "evidence", "unit_opinion", "integrity_certificate", "anonymized_evidence"):
            self.fields[name].widget = forms.FileInput()
            self.fields[name].required = False
        if not blind:
            del self.fields["anonymized_evidence"]

    def _post_clean(self):
        """The services validate and save; the model form only parses."""


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("photo"))


class EligibilityForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[("pass", _("Pass")), ("return", _("Return for correction")), ("reject", _("Reject"))],
    )
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RuleForm(forms.ModelForm):
    class Meta:
        model = RepresentationRule
        fields = ["trait", "per", "scope", "bound", "measure", "value", "hard"]


class ObjectionForm(forms.Form):
    full_name = forms.CharField(label=_("your real name"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("phone number"), max_length=200, required=False,
        help_text=_("May be left empty when you are signed in with a confirmed email address."),
    )  # fmt: skip
    email = forms.EmailField(label=_("email for the answer"), required=False)
    statement = forms.CharField(
        label=_("statement"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_STATEMENT_LENGTH,
        error_messages={"max_length": STATEMENT_TOO_LONG},
    )


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "weight"]


class QuotaForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Organization.objects.all())
    quota = forms.IntegerField(label=_("quota"), min_value=0, max_value=1000)


class EligibilityRuleForm(forms.ModelForm):
    class Meta:
        model = EligibilityRule
        fields = [
            "born_on_or_after",
            "min_years_in_city",
            "require_in_post",
            "exclude_past_honorees",
            "excluded_titles",
        ]
        widgets = {
            "born_on_or_after": DateInput(),
            "excluded_titles": forms.Textarea(attrs={"rows": 2}),
        }


class ProfileForm(forms.ModelForm):
    class Meta:
        from laurel.honors.models import PanelMember

        model = PanelMember
        fields = ["fields", "keywords", "expertise", "region", "senior"]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 2})}


class RunForm(forms.Form):
    experts_per_nomination = forms.IntegerField(label=_("experts per nomination"), min_value=1, max_value=50)
    load_max = forms.IntegerField(label=_("most nominations per expert"), min_value=1, max_value=10000)
    load_min = forms.IntegerField(label=_("fewest nominations per expert"), min_value=0, max_value=10000, initial=0)
    objective = forms.ChoiceField(
        label=_("objective"),
        choices=[("total", _("Highest total affinity")), ("fair", _("Fair: best worst-off nomination first"))],
    )
    senior_per_nomination = forms.BooleanField(label=_("at least one senior expert per nomination"), required=False)
    outside_region_per_nomination = forms.BooleanField(
        label=_("at least one expert from outside the nominee's region per nomination"),
        required=False,
        help_text=_("Regions come from the experts' profiles and the nominees' units."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("load_min") is not None
            and data.get("load_max") is not None
            and data["load_min"] > data["load_max"]
        ):
            raise forms.ValidationError(_("The fewest nominations per expert cannot exceed the most."))
        return data


class VoteWindowForm(forms.Form):
    vote_opens_at = forms.DateTimeField(label=_("vote opens"), widget=DateTimeInput())
    vote_closes_at = forms.DateTimeField(label=_("vote closes"), widget=DateTimeInput())

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.fields["vote_opens_at"].initial = campaign.vote_opens_at
            self.fields["vote_closes_at"].initial = campaign.vote_closes_at


class VoidVotesForm(forms.Form):
    email = forms.EmailField(label=_("voter's email address"))
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PreferenceForm(forms.Form):
    value = forms.IntegerField(
        label=_("preference"), min_value=0, max_value=100, help_text=_("0 (rather not) to 100 (eager).")
    )


class TextsForm(forms.Form):
    """Texts for publication: the campaign's English name, and per honoree the fields `<code>-citation` and
    `<code>-citation_en` (the keys `texts.edit_texts` reports errors under). Lengths are checked there."""

    name_en = forms.CharField(
        label=_("English name"), required=False, help_text=_("Shown on English pages and certificates.")
    )

    def __init__(self, *args, campaign, honorees, **kwargs):
        super().__init__(*args, **kwargs)
        self.honorees = list(honorees)
        self.fields["name_en"].initial = campaign.name_en
        self.fields["name_en"].widget.attrs["maxlength"] = Campaign._meta.get_field("name_en").max_length
        for nomination in self.honorees:
            for name, label, rows in (("citation", _("citation"), 2), ("citation_en", _("English citation"), 3)):
                self.fields[texts.field_key(nomination, name)] = forms.CharField(
                    label=label,
                    required=False,
                    initial=getattr(nomination, name),
                    widget=forms.Textarea(
                        attrs={"rows": rows, "maxlength": Nomination._meta.get_field(name).max_length}
                    ),
                )

    def rows(self):
        return [
            (
                nomination,
                self[texts.field_key(nomination, "citation")],
                self[texts.field_key(nomination, "citation_en")],
            )
            for nomination in self.honorees
        ]

    def submitted_name_en(self) -> str | None:
        return self.cleaned_data["name_en"] if "name_en" in self.data else None

    def citation_texts(self):
        """The honorees whose fields were submitted: one selected after the page was opened keeps its text."""
        return [
            texts.CitationText(
                nomination=nomination,
                citation=self.cleaned_data[texts.field_key(nomination, "citation")],
                citation_en=self.cleaned_data[texts.field_key(nomination, "citation_en")],
            )
            for nomination in self.honorees
            if texts.field_key(nomination, "citation") in self.data
            and texts.field_key(nomination, "citation_en") in self.data
        ]


class VettingBodyForm(forms.ModelForm):
    class Meta:
        model = VettingBody
        fields = ["name", "name_en", "order"]


class VettingResultForm(forms.Form):
    nomination = forms.CharField(widget=forms.HiddenInput)
    body = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("answer"), choices=VettingResult.Outcome.choices)
    reason = forms.CharField(label=_("reason (required for a veto)"), required=False, max_length=2000)
    letter_date = forms.DateField(label=_("date of the body's letter"), required=False, widget=DateInput())


class CallForm(forms.Form):
    call_text = forms.CharField(
        label=_("call (Markdown)"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Criteria, schedule, how to nominate. Headings (##), lists, tables and links; no pictures."),
    )
    call_text_en = forms.CharField(
        label=_("call in English (Markdown)"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    call_contact = forms.CharField(
        label=_("contact for questions"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who answers questions about the call, with a telephone number or an email address."),
    )


class CallAttachmentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("file (PDF or Word .docx)"),
        widget=forms.FileInput(
            attrs={
                "accept": "application/pdf,.pdf,.docx,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )
