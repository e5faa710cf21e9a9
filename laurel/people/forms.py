import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laurel.core.widgets import DateInput
from laurel.people import tokens
from laurel.people.models import ApiToken, Organization, Person, SpreadsheetImport, User
from laurel.people.roles import RoleKind


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "name_en", "kind", "region", "parent"]


class PersonForm(forms.ModelForm):
    # Judged by the service (laurel/core/uploads.py); a private file has no URL to show, hence the plain input.
    photo = forms.FileField(
        label=_("photo"), required=False, widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
    )

    class Meta:
        model = Person
        fields = [
            "name", "name_en", "gender", "date_of_birth", "organization", "position", "position_en", "title",
            "title_en", "field", "is_front_line", "is_public", "bio", "email", "photo",
        ]  # fmt: skip
        widgets = {"date_of_birth": DateInput(), "bio": forms.Textarea(attrs={"rows": 4})}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=SpreadsheetImport.Kind.choices)
    file = forms.FileField(label=_("XLSX or CSV file"))


class RoleForm(forms.Form):
    email = forms.EmailField(label=_("email address"))
    kind = forms.ChoiceField(label=_("role"), choices=RoleKind.choices)
    organization = forms.ModelChoiceField(
        label=_("unit"),
        queryset=Organization.objects.all(),
        required=False,
        help_text=_("Required for a nominator: the unit they nominate for."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == RoleKind.NOMINATOR and not cleaned.get("organization"):
            self.add_error("organization", _("A nominator needs a unit."))
        if cleaned.get("kind") and cleaned.get("kind") != RoleKind.NOMINATOR:
            cleaned["organization"] = None
        email = cleaned.get("email")
        if email:
            try:
                cleaned["user"] = User.objects.get(email__iexact=email)
            except User.DoesNotExist:
                self.add_error("email", _("No account uses this email address; ask the person to sign up first."))
        return cleaned


class ApiTokenForm(forms.Form):
    LIFETIMES = [(7, _("1 week")), (30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))]

    name = forms.CharField(
        label=_("name"), max_length=100, help_text=_("What the token is for, e.g. the system that uses it.")
    )
    scope = forms.ChoiceField(
        label=_("scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("A read-only token can never change anything. Give write access only to a system that needs it."),
    )
    lifetime = forms.TypedChoiceField(label=_("valid for"), choices=LIFETIMES, coerce=int, initial=tokens.DEFAULT_DAYS)

    def expires_at(self) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(days=self.cleaned_data["lifetime"])
