"""Form pieces shared by the apps."""

from django import forms
from django.utils.translation import gettext_lazy as _


class StoredFileInput(forms.ClearableFileInput):
    """A file input for a private file: it says a file is stored and offers to remove it, but links to nothing
    (private files have no URL; laurel/core/storage.py)."""

    template_name = "core/widgets/stored_file_input.html"
    initial_text = _("A file is stored")

    def is_initial(self, value):
        return bool(value)
