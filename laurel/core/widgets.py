"""Date and time inputs the browser can read in every language: every form's date and datetime fields use these.

A browser's `<input type="date">` accepts only `YYYY-MM-DD` (and `datetime-local` only `YYYY-MM-DDTHH:MM[:SS]`):
any other value is shown as empty and submitted as empty. Django writes a date in the active language's first
input format (zh-hans: `1964/01/01`), so a Chinese page saved unchanged erased the date. These widgets always
write ISO 8601, which Django also parses in every language.
"""

import datetime

from django import forms

DATE_FORMAT = "%Y-%m-%d"
MINUTES_FORMAT = "%Y-%m-%dT%H:%M"
SECONDS_FORMAT = "%Y-%m-%dT%H:%M:%S"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATE_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    """`datetime-local` to the minute, which is what people type; a time saved with seconds (by the API, say) is
    shown with them and a one-second step, so that saving the form unchanged keeps it (the browser refuses a value
    off its step of 60 seconds)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=MINUTES_FORMAT)

    def get_context(self, name, value, attrs):
        if isinstance(value, datetime.datetime) and value.second:
            attrs = {"step": "1", **(attrs or {})}
        return super().get_context(name, value, attrs)

    def format_value(self, value):
        if isinstance(value, datetime.datetime) and value.second:
            return value.strftime(SECONDS_FORMAT)
        return super().format_value(value)
