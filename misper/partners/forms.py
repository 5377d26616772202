"""Forms for the partner pages. They parse what was typed; the services decide the rest (and refuse
with field errors that the views put back on these forms)."""

from __future__ import annotations

from typing import Any

from django import forms

from misper.episodes.forms import GovukCheckboxes, GovukRadioSelect, LocalDateTimeField
from misper.partners.models import InterviewStatus
from misper.web.forms import GovukDateField, GovukFormMixin

RISK_FLOORS = [("very_low", "Very low"), ("low", "Low"), ("medium", "Medium"), ("high", "High")]


def _text(
    label: str, *, required: bool = False, rows: int = 3, help_text: str = "", **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=kw.pop("max_length", 10000),
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


class TriggerPlanForm(GovukFormMixin, forms.Form):
    minimum_risk = forms.ChoiceField(
        label="If the child goes missing again, grade them at least",
        choices=RISK_FLOORS,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the minimum risk grade"},
    )
    actions = _text(
        "Actions",
        required=True,
        rows=6,
        help_text="One per line: numbers to call, addresses to check, people to tell",
        error_messages={"required": "Enter at least one action, one per line"},
    )
    agreed_by = forms.CharField(
        label="Agreed by",
        max_length=300,
        help_text="The people who agreed it, with their agencies",
        error_messages={"required": "Enter who agreed the plan and their agencies"},
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies that agreed it", required=False, widget=GovukCheckboxes
    )
    agreed_on = GovukDateField(
        label="Agreed on", error_messages={"required": "Enter the date the plan was agreed"}
    )
    review_on = GovukDateField(label="Review by", required=False)
    proposals = forms.MultipleChoiceField(
        label="Proposals this version adopts", required=False, widget=GovukCheckboxes
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, agencies: list[Any] = (), proposals: list[Any] = (), **kw: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kw)
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in agencies]
        self.fields["proposals"].choices = [(str(p.pk), p.text[:120]) for p in proposals]

    def action_lines(self) -> list[str]:
        return [line for line in self.cleaned_data["actions"].splitlines() if line.strip()]


class InterviewForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="What happened?",
        choices=[
            (InterviewStatus.OFFERED, "Offered to the child"),
            (InterviewStatus.ACCEPTED, "The child accepted"),
            (InterviewStatus.DECLINED, "The child declined"),
            (InterviewStatus.COMPLETED, "Interview completed"),
            (InterviewStatus.NOT_POSSIBLE, "Not possible"),
        ],
        widget=GovukRadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    at = LocalDateTimeField(label="When?", help_text="UK time", error_messages={"required": "Enter when"})
    interviewer_name = forms.CharField(label="Interviewer", max_length=100, required=False)
    child_account = _text("The child's account, in their own words", rows=6)
    push_factors = _text("Push factors", help_text="What the child was running from")
    pull_factors = _text("Pull factors", help_text="What the child was running to")
    risks_found = _text("Risks found")
    what_should_change = _text("What should change")
    child_wishes = _text("What the child wants to happen")
    proposed_trigger_plan_change = _text(
        "Propose a change to the trigger plan",
        help_text="Optional. The police and partners will see it on the child's trigger plan page",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CareProfileForm(GovukFormMixin, forms.Form):
    description = _text("Description", help_text="Height, build, hair, clothes they usually wear, marks")
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    social_media = _text("Social media accounts", rows=2)
    medical_needs = _text("Medical needs", rows=2, help_text="Conditions and medication, with doses")
    friends_and_associates = _text("Friends and associates", help_text="Names and where they live")
    places_frequented = _text("Places they go", help_text="Addresses, shops, parks, stations")
    missing_history = _text("Missing history", help_text="When, where found, who with")
    routines = _text("Routines and what helps", rows=2)


class NotificationForm(GovukFormMixin, forms.Form):
    last_seen_at = LocalDateTimeField(
        label="When was the child last seen?",
        help_text="UK time",
        error_messages={"required": "Enter when the child was last seen"},
    )
    circumstances = _text(
        "What happened?",
        required=True,
        rows=5,
        help_text="Where they were going, who with, what they were wearing",
        error_messages={"required": "Enter what happened"},
    )
    from_place = forms.CharField(label="Name of the place or address", max_length=200, required=False)
    from_town = forms.CharField(label="Town or city", max_length=100, required=False)
    from_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    reporter_name = forms.CharField(
        label="Your name", max_length=100, error_messages={"required": "Enter your name"}
    )
    reporter_phone = forms.CharField(
        label="A phone number the police can call you on",
        max_length=40,
        error_messages={"required": "Enter a phone number the police can call you on"},
    )
