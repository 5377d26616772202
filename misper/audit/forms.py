"""The auditors' access-log search form."""

from __future__ import annotations

from django import forms

from misper.web.forms import FilterDateField, GovukDateField, GovukFormMixin

PURPOSE_REQUIRED = "Enter why you are exporting the access log"


class AccessLogSearchForm(GovukFormMixin, forms.Form):
    username = forms.CharField(label="Username", max_length=150, required=False)
    record_type = forms.CharField(
        label="Record type", max_length=40, required=False, help_text="For example episode or child"
    )
    record_id = forms.CharField(label="Record id", max_length=40, required=False)
    action = forms.CharField(
        label="Action", max_length=30, required=False, help_text="For example view, search or export"
    )
    date_from = FilterDateField(label="From (date)", required=False)
    date_to = FilterDateField(label="To (date)", required=False)


class AccessLogExportForm(AccessLogSearchForm):
    purpose = forms.CharField(
        label="Why are you exporting the log?",
        max_length=150,
        error_messages={"required": PURPOSE_REQUIRED},
    )


class RetainForm(GovukFormMixin, forms.Form):
    """Keep a record past its review date. The service checks the rationale and date again."""

    rationale = forms.CharField(
        label="Why should the record be kept?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the record should be kept"},
    )
    next_review_on = GovukDateField(
        label="Next review date", error_messages={"required": "Enter the date of the next review"}
    )


class DisposeForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the record being disposed of?",
        max_length=150,
        help_text="Kept in the access log with the record's id. Do not include names or other details.",
        error_messages={"required": "Enter why the record is being disposed of"},
    )
