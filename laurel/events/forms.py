from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.core.widgets import DateTimeInput
from laurel.events.models import AgendaItem, AgendaPerson, Attendee, Event, EventOrganizer
from laurel.honors.models import Campaign, Stage
from laurel.people.models import Organization, Person


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind", "theme", "theme_en", "start_at", "end_at", "venue", "is_public", "capacity", "registration_open",
            "campaign",
        ]  # fmt: skip
        widgets = {"start_at": DateTimeInput(), "end_at": DateTimeInput()}


class OrganizerForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=EventOrganizer.Role.choices)
    organization = forms.ModelChoiceField(label=_("unit"), queryset=Organization.objects.all(), required=False)
    name = forms.CharField(label=_("or its name as printed"), max_length=200, required=False)


class AgendaItemForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=AgendaItem.Role.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    duration_minutes = forms.IntegerField(label=_("duration (minutes)"), min_value=1, max_value=600, initial=5)


class PersonCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        person = Person.objects.select_related("organization").filter(code=value.strip().upper()).first()
        if person is None:
            raise forms.ValidationError(_("No sci-tech worker has this code."))
        return person


class AgendaPersonForm(forms.Form):
    part = forms.ChoiceField(label=_("part"), choices=AgendaPerson.Part.choices)
    person = PersonCodeField(label=_("sci-tech worker's code"), max_length=12, required=False)
    name = forms.CharField(label=_("or a name"), max_length=100, required=False)
    title_line = forms.CharField(label=_("title line as printed"), max_length=200, required=False)


class InviteForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=Attendee.Category.choices)
    name = forms.CharField(label=_("name"), max_length=100)
    title_line = forms.CharField(label=_("unit and position"), max_length=200, required=False)
    email = forms.EmailField(label=_("email address"), required=False)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    email = forms.EmailField(label=_("email address"))
    title_line = forms.CharField(label=_("unit and position"), max_length=200, required=False)
    special_needs = forms.CharField(label=_("special needs"), max_length=500, required=False)


class ReplyForm(forms.Form):
    status = forms.ChoiceField(
        label=_("your reply"),
        choices=[(Attendee.Status.CONFIRMED, _("I will attend")), (Attendee.Status.DECLINED, _("I cannot attend"))],
        widget=forms.RadioSelect,
    )
    special_needs = forms.CharField(
        label=_("special needs (access, diet, interpreter...)"), max_length=500, required=False
    )


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("pass code"), max_length=40)


class AwardRoundsForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("published campaign"), queryset=Campaign.objects.filter(stage=Stage.PUBLISHED).order_by("-published_at")
    )
    per_round = forms.IntegerField(label=_("recipients per round"), min_value=1, max_value=50, initial=5)
    presenters = forms.CharField(
        label=_("presenters"),
        help_text=_("One line per round, names separated by commas, in the order the rounds are called."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean_presenters(self) -> list[list[str]]:
        rounds = []
        for line in self.cleaned_data["presenters"].splitlines():
            names = [name.strip() for name in line.replace("，", ",").replace("、", ",").split(",") if name.strip()]
            if any(len(name) > 100 for name in names):
                raise forms.ValidationError(_("A presenter's name has at most 100 characters."))
            if names:
                rounds.append(names)
        return rounds
