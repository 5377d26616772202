"""GOV.UK styling for Django forms, applied once in a mixin rather than per field."""

from __future__ import annotations

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
