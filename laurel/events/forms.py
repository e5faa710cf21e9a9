from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.events.models import AgendaItem, AgendaPerson, Attendee, Event, EventOrganizer
from laurel.people.models import Organization, Person


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind", "theme", "theme_en", "start_at", "end_at", "venue", "is_public", "capacity", "registration_open",
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
