"""Form pieces shared by the apps."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from laurel.core.widgets import DateInput

# Django 6.1's blank choice of every select; its own Chinese catalog lacks it, so core's catalog carries it.
gettext_noop("- Select an option -")


class StoredFileInput(forms.ClearableFileInput):
    """A file input for a private file: it says a file is stored and offers to remove it, but links to nothing
    (private files have no URL; laurel/core/storage.py)."""

    template_name = "core/widgets/stored_file_input.html"
    initial_text = _("A file is stored")

    def is_initial(self, value):
        return bool(value)


class AuditFilterForm(forms.Form):
    """The audit log's filters; every one optional, dates as ISO values in every language."""

    person = forms.CharField(
        label=_("person"), max_length=100, required=False, help_text=_("name or email of the actor")
    )
    object = forms.CharField(label=_("object"), max_length=100, required=False)
    action = forms.CharField(label=_("action code starts with"), max_length=100, required=False)
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            day = cleaned.get(name)
            if (
                day is not None and not 1900 <= day.year <= 2999
            ):  # the log has no entry there; 9999-12-31 + 1 day overflows
                self.add_error(name, _("Choose a day between 1900 and 2999."))
                cleaned[name] = None
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise forms.ValidationError(_("The first day comes after the last one."))
        return cleaned


def _one_line(value: str) -> None:
    # These values go into mail headers (the subject) and one-line page elements
    if any(character in value for character in "\r\n\x0b\x0c\x85\u2028\u2029"):
        raise forms.ValidationError(_("Write this on one line."), code="line_break")


class SiteIdentityForm(forms.Form):
    """The association's identity. Images are judged by `identity.save_identity`, not here, so that every image
    of one save is judged before anything is written."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "name_en", "address", "address_en", "phone", "icp_number", "public_security_number"):
            self.fields[name].validators.append(_one_line)

    name = forms.CharField(label=_("name in Chinese"), max_length=100, required=False)
    name_en = forms.CharField(label=_("name in English"), max_length=200, required=False)
    about = forms.CharField(
        label=_("about the association (Chinese)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the front page and in the footer instead of the software's own description."),
    )
    about_en = forms.CharField(
        label=_("about the association (English)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    address_en = forms.CharField(label=_("English address"), max_length=300, required=False)
    phone = forms.CharField(label=_("telephone"), max_length=40, required=False)
    email = forms.EmailField(label=_("contact email"), required=False)
    icp_number = forms.CharField(
        label=_("ICP filing number"), max_length=60, required=False, help_text=_("For example 京ICP备12345678号-1.")
    )
    public_security_number = forms.CharField(
        label=_("public security filing number"),
        max_length=60,
        required=False,
        help_text=_("For example 京公网安备11010502030143号."),
    )
    logo = forms.FileField(label=_("logo"), required=False, help_text=_("PNG, JPEG or WebP; shown in the header."))
    wechat_qr = forms.FileField(label=_("WeChat account QR code"), required=False)
    seal = forms.FileField(
        label=_("seal image"),
        required=False,
        help_text=_(
            "A PNG with a transparent background; printed on certificates whose template has no seal of its own."
        ),
    )
    signature = forms.FileField(label=_("signature image"), required=False)
    clear = forms.MultipleChoiceField(
        label=_("remove"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("logo", _("logo")),
            ("wechat_qr", _("WeChat account QR code")),
            ("seal", _("seal image")),
            ("signature", _("signature image")),
        ],
    )
