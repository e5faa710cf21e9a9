from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.core.widgets import DateInput
from laurel.outreach.models import AudienceType, District, LectureGroup, Membership, Slot, Talk, TalkTopic
from laurel.outreach.queries import candidates
from laurel.outreach.services import MAX_SIZE
from laurel.people.models import Person


class TalkRequestForm(forms.ModelForm):
    audience_size = forms.IntegerField(label=_("expected audience size"), min_value=1, max_value=MAX_SIZE)
    date_1 = forms.DateField(label=_("first preferred date"), widget=DateInput())
    slot_1 = forms.ChoiceField(label=_("slot"), choices=Slot.choices)
    date_2 = forms.DateField(label=_("second preferred date"), widget=DateInput())
    slot_2 = forms.ChoiceField(label=_("slot"), choices=Slot.choices)
    date_3 = forms.DateField(label=_("third preferred date (optional)"), widget=DateInput(), required=False)
    slot_3 = forms.ChoiceField(label=_("slot"), choices=Slot.choices, required=False)

    class Meta:
        model = Talk
        fields = [
            "host_name", "host_type", "district", "address", "audience_type", "audience_size", "wanted_topic",
            "wanted_speaker", "delivery", "contact_name", "contact_email", "contact_phone",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted_speaker"].queryset = Membership.objects.active().select_related("person")
        self.fields["wanted_speaker"].label_from_instance = lambda membership: membership.person.name

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for index in (1, 2, 3):
            date = cleaned.get(f"date_{index}")
            if date is not None and date <= today:
                self.add_error(f"date_{index}", _("Choose a date after today."))
            if date is not None and not cleaned.get(f"slot_{index}"):
                self.add_error(f"slot_{index}", _("Choose a slot for this date."))
        if not cleaned.get("wanted_topic") and not cleaned.get("wanted_speaker"):
            self.add_error("wanted_topic", _("Name a topic or a speaker you would like."))
        return cleaned

    def preferred(self) -> list:
        return [
            (self.cleaned_data[f"date_{index}"], self.cleaned_data[f"slot_{index}"])
            for index in (1, 2, 3)
            if self.cleaned_data.get(f"date_{index}")
        ]

    def talk_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MenuFilterForm(forms.Form):
    q = forms.CharField(label=_("Topic"), required=False, max_length=100)
    audience = forms.ChoiceField(
        label=_("audience type"), choices=[("", "---------"), *AudienceType.choices], required=False
    )
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.all(), required=False)
    speaker = forms.CharField(label=_("speaker"), required=False, max_length=50)


class DispatchForm(forms.Form):
    membership = forms.ModelChoiceField(queryset=Membership.objects.active(), widget=forms.HiddenInput)
    date = forms.DateField(label=_("date"), widget=DateInput())
    slot = forms.ChoiceField(label=_("slot"), choices=Slot.choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files; the service judges each by its content (laurel/core/uploads.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


class ReportForm(forms.Form):
    headcount = forms.IntegerField(label=_("on-site headcount"), min_value=0, max_value=100000)
    online_views = forms.IntegerField(label=_("online views"), min_value=0, max_value=100000000, initial=0)
    news_link = forms.URLField(label=_("news or bulletin link"), required=False)
    photos = MultiplePhotoField(label=_("photos (at least three)"), required=False)


class RatingForm(forms.Form):
    rating = forms.IntegerField(label=_("rating (1-5)"), min_value=1, max_value=5)
    comment = forms.CharField(
        label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class ExpensesForm(forms.ModelForm):
    class Meta:
        model = Talk
        fields = ["fee", "travel_cost", "paid_by"]

    def clean(self):
        cleaned = super().clean()
        for name in ("fee", "travel_cost"):
            if cleaned.get(name) is not None and cleaned[name] < 0:
                self.add_error(name, _("Amounts cannot be negative."))
        return cleaned


WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


class ProfileForm(forms.ModelForm):
    availability = forms.MultipleChoiceField(
        label=_("available slots every week"), required=False, widget=forms.CheckboxSelectMultiple
    )
    blocked = forms.CharField(
        label=_("blocked dates"), required=False, max_length=2000, help_text=_("YYYY-MM-DD, separated by commas")
    )

    class Meta:
        model = Membership
        fields = ["districts", "reach", "yearly_target"]
        widgets = {"districts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["availability"].choices = [
            (f"{day}:{slot}", f"{WEEKDAYS[day]} {label}") for day in range(7) for slot, label in Slot.choices
        ]
        if self.instance.pk:
            # The member's current slots and blocked dates, so that saving the form unchanged keeps them.
            slots = self.instance.availabilities.values_list("weekday", "slot")
            self.initial.setdefault("availability", [f"{day}:{slot}" for day, slot in slots])
            dates = self.instance.blocked_dates.order_by("date").values_list("date", flat=True)
            self.initial.setdefault("blocked", ", ".join(date.isoformat() for date in dates))

    def clean_blocked(self):
        import datetime

        dates = []
        for text in self.cleaned_data["blocked"].replace("，", ",").split(","):
            if text.strip():
                try:
                    dates.append(datetime.date.fromisoformat(text.strip()))
                except ValueError:
                    raise forms.ValidationError(
                        _("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": text.strip()[:20]}
                    )
        return sorted(set(dates))

    def clean_availability(self):
        return [(int(value.split(":")[0]), value.split(":")[1]) for value in self.cleaned_data["availability"]]


class TopicForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=_("audience types"), choices=AudienceType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TalkTopic
        fields = ["title", "abstract", "language"]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 3})}


# Staff: groups, batches, members ------------------------------------------------------------------------


class GroupForm(forms.ModelForm):
    class Meta:
        model = LectureGroup
        fields = ["name", "name_en", "slug", "description", "description_en"]


class BatchForm(forms.Form):
    announced_on = forms.DateField(label=_("announced on"), widget=DateInput())
    announced_at = forms.CharField(
        label=_("announced at"),
        max_length=200,
        required=False,
        help_text=_("The event where the batch was announced, e.g. the Workers' Day award ceremony."),
    )


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        unit = obj.organization.name if obj.organization_id else ""
        return " · ".join(part for part in (obj.name, unit, obj.position, obj.code) if part)


class AddMembersForm(forms.Form):
    """The people are found by search (`candidates`) and ticked; the field accepts anyone not yet in the group."""

    persons = PersonChoiceField(
        label=_("sci-tech workers"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    role = forms.ChoiceField(label=_("role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    term_start = forms.DateField(
        label=_("term start"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to start on the batch's announcement date."),
    )
    term_end = forms.DateField(label=_("term end"), required=False, widget=DateInput())

    def __init__(self, *args, group: LectureGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = candidates(group)


class RetireForm(forms.Form):
    retired_on = forms.DateField(label=_("retired on"), widget=DateInput())
