"""GOV.UK styling for Django forms, applied once in a mixin rather than per field."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
}


class GovukFormMixin:
    """Adds GOV.UK classes and error-describedby attributes to every widget after validation."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), "govuk-input")
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "errors", {}):
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = w.attrs.get("class", "") + " " + self._error_class(w)
                w.attrs["aria-describedby"] = f"id_{name}-error"

    @staticmethod
    def _error_class(widget: forms.Widget) -> str:
        if isinstance(widget, forms.Textarea):
            return "govuk-textarea--error"
        if isinstance(widget, forms.Select):
            return "govuk-select--error"
        return "govuk-input--error"


EARLIEST_FILTER_DATE = date(1900, 1, 1)
LATEST_FILTER_DATE = date(2199, 12, 31)
FILTER_DATE_RANGE = "Enter a date between 1 January 1900 and 31 December 2199"


class FilterDateField(forms.DateField):
    """A date a search or a figure's period filters by: a real date between 1900 and 2199. Further dates
    are a field error, not a 500: the filters work out the day after the date, which overflows at 9999."""

    def __init__(self, **kwargs: Any) -> None:
        errors = {"invalid": "Enter a real date, like 17/05/2026", **kwargs.pop("error_messages", {})}
        super().__init__(error_messages=errors, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not EARLIEST_FILTER_DATE <= value <= LATEST_FILTER_DATE:
            raise forms.ValidationError(FILTER_DATE_RANGE, code="out_of_range")


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is disabled.",
    }

    def clean(self) -> dict[str, Any]:
        if not self.data.get("username"):
            self.add_error("username", "Enter your username")
        if not self.data.get("password"):
            self.add_error("password", "Enter your password")
        if self.errors:
            return self.cleaned_data
        return super().clean()
