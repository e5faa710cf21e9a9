from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.people.models import Organization, Person, SpreadsheetImport
from laurel.people.validators import validate_photo


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "name_en", "kind", "region", "parent"]


class PersonForm(forms.ModelForm):
    photo = forms.ImageField(label=_("photo"), required=False, validators=[validate_photo])

    class Meta:
        model = Person
        fields = [
            "name", "name_en", "gender", "date_of_birth", "organization", "position", "title", "field",
            "is_front_line", "bio", "email", "photo",
        ]  # fmt: skip
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}), "bio": forms.Textarea(attrs={"rows": 4})}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=SpreadsheetImport.Kind.choices)
    file = forms.FileField(label=_("XLSX or CSV file"))
