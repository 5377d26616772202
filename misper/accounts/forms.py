"""The second-factor form (the password form is ``misper.web.forms.SignInForm``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from misper.web.forms import GovukFormMixin


class SecondFactorForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        help_text=gettext_lazy("The 6-digit code changes every 30 seconds."),
        error_messages={"required": gettext_lazy("Enter the 6-digit code shown in your authenticator app")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
