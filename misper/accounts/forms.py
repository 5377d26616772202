"""The second-factor form (the password form is ``misper.web.forms.SignInForm``)."""

from __future__ import annotations

from django import forms

from misper.web.forms import GovukFormMixin


class SecondFactorForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="The 6-digit code changes every 30 seconds.",
        error_messages={"required": "Enter the 6-digit code shown in your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
