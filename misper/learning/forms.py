"""Forms for misper.learning pages: the child's feedback, and the recommendations tracker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy, gettext_noop

from misper.learning.models import Answer, ProgressStatus, RecommendationKind
from misper.learning.services import COMMENT_TOO_LONG, QUESTION_ERRORS
from misper.web.forms import GovukFormMixin, GovukRadioSelect

# The child's form is in English and Welsh: the fields below show these through gettext_lazy.
QUESTION_LABELS = {
    "listened": gettext_noop("Did the police listen to you?"),
    "respected": gettext_noop("Were you treated with respect?"),
    "blamed": gettext_noop("Did you feel blamed?"),
    "felt_safe": gettext_noop("Did you feel safe with the officer?"),
}
COMMENT_LABEL = gettext_noop("Is there anything else you want to tell us?")
COMMENT_HINT = gettext_noop(
    "Please do not write your name or anyone else's. You do not have to write anything."
)


def _question(code: str) -> forms.ChoiceField:
    error = gettext_lazy(QUESTION_ERRORS[code])
    return forms.ChoiceField(
        label=gettext_lazy(QUESTION_LABELS[code]),
        choices=Answer.choices,
        widget=GovukRadioSelect,
        error_messages={"required": error, "invalid_choice": error},
    )


class FeedbackForm(GovukFormMixin, forms.Form):
    listened = _question("listened")
    respected = _question("respected")
    blamed = _question("blamed")
    felt_safe = _question("felt_safe")
    comment = forms.CharField(
        label=gettext_lazy(COMMENT_LABEL),
        help_text=gettext_lazy(COMMENT_HINT),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        error_messages={"max_length": gettext_lazy(COMMENT_TOO_LONG)},
    )


def _date(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text="For example, 31/3/2027",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"inputmode": "numeric"}, format="%d/%m/%Y"),
        error_messages={"invalid": "Enter a real date, like 31/3/2027", "required": "Enter a date"},
    )


class RecommendationForm(GovukFormMixin, forms.Form):
    source = forms.CharField(
        label="Source",
        max_length=200,
        help_text="The report or inspection, for example HMIC 2016 Missing children: who cares?",
        error_messages={"required": "Enter the source"},
    )
    reference = forms.CharField(
        label="Reference", max_length=40, error_messages={"required": "Enter the reference, like R3"}
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=RecommendationKind.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose recommendation or area for improvement"},
    )
    text = forms.CharField(
        label="What it says",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the recommendation says"},
    )
    due_on = _date("Due date")
    owner = forms.CharField(label="Owner", max_length=120, required=False, help_text="Person or role")
    status = forms.ChoiceField(label="Status", choices=ProgressStatus.choices, widget=GovukRadioSelect)


class ActionForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action"},
    )
    owner = forms.CharField(label="Owner", max_length=120, required=False)
    due_on = _date("Due date")
    status = forms.ChoiceField(label="Status", choices=ProgressStatus.choices, widget=GovukRadioSelect)


class ProgressForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="Progress update",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the progress update"},
    )
    on = _date("Date of the update", required=False)


class EvidenceForm(GovukFormMixin, forms.Form):
    label = forms.CharField(
        label="What it shows", max_length=200, error_messages={"required": "Enter what the evidence shows"}
    )
    url = forms.CharField(
        label="Link",
        max_length=500,
        help_text="A misper page, like /learning/feedback, or a web address starting with https://",
        error_messages={"required": "Enter the link"},
    )

    def clean_url(self) -> Any:
        from misper.core.errors import InvalidInput
        from misper.learning.services import evidence_url_check

        try:
            return evidence_url_check(self.cleaned_data["url"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.errors[0].message) from exc
