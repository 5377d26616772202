"""Forms for the partner pages. They parse what was typed; the services decide the rest (and refuse
with field errors that the views put back on these forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from misper.partners.models import InterviewStatus
from misper.web.forms import (
    GovukCheckboxes,
    GovukDateField,
    GovukDateTimeField,
    GovukFormMixin,
    GovukRadioSelect,
)

RISK_FLOORS = [("very_low", _("Very low")), ("low", _("Low")), ("medium", _("Medium")), ("high", _("High"))]


def _text(
    label: Any, *, required: bool = False, rows: int = 3, help_text: Any = "", **kw: Any
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
        label=_("If the child goes missing again, grade them at least"),
        choices=RISK_FLOORS,
        widget=GovukRadioSelect,
        error_messages={"required": _("Choose the minimum risk grade")},
    )
    actions = _text(
        _("Actions"),
        required=True,
        rows=6,
        help_text=_("One per line: numbers to call, addresses to check, people to tell"),
        error_messages={"required": _("Enter at least one action, one per line")},
    )
    agreed_by = forms.CharField(
        label=_("Agreed by"),
        max_length=300,
        help_text=_("The people who agreed it, with their agencies"),
        error_messages={"required": _("Enter who agreed the plan and their agencies")},
    )
    agencies = forms.MultipleChoiceField(
        label=_("Agencies that agreed it"), required=False, widget=GovukCheckboxes
    )
    agreed_on = GovukDateField(
        label=_("Agreed on"), error_messages={"required": _("Enter the date the plan was agreed")}
    )
    review_on = GovukDateField(label=_("Review by"), required=False)
    proposals = forms.MultipleChoiceField(
        label=_("Proposals this version adopts"), required=False, widget=GovukCheckboxes
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
        label=_("What happened?"),
        choices=[
            (InterviewStatus.OFFERED, _("Offered to the child")),
            (InterviewStatus.ACCEPTED, _("The child accepted")),
            (InterviewStatus.DECLINED, _("The child declined")),
            (InterviewStatus.COMPLETED, _("Interview completed")),
            (InterviewStatus.NOT_POSSIBLE, _("Not possible")),
        ],
        widget=GovukRadioSelect,
        error_messages={"required": _("Choose what happened")},
    )
    at = GovukDateTimeField(
        label=_("When?"), help_text=_("UK time"), error_messages={"required": _("Enter when")}
    )
    interviewer_name = forms.CharField(label=_("Interviewer"), max_length=100, required=False)
    child_account = _text(_("The child's account, in their own words"), rows=6)
    push_factors = _text(_("Push factors"), help_text=_("What the child was running from"))
    pull_factors = _text(_("Pull factors"), help_text=_("What the child was running to"))
    risks_found = _text(_("Risks found"))
    what_should_change = _text(_("What should change"))
    child_wishes = _text(_("What the child wants to happen"))
    proposed_trigger_plan_change = _text(
        _("Propose a change to the trigger plan"),
        help_text=_("Optional. The police and partners will see it on the child's trigger plan page"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CareProfileForm(GovukFormMixin, forms.Form):
    description = _text(
        _("Description"), help_text=_("Height, build, hair, clothes they usually wear, marks")
    )
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    social_media = _text(_("Social media accounts"), rows=2)
    medical_needs = _text(_("Medical needs"), rows=2, help_text=_("Conditions and medication, with doses"))
    friends_and_associates = _text(_("Friends and associates"), help_text=_("Names and where they live"))
    places_frequented = _text(_("Places they go"), help_text=_("Addresses, shops, parks, stations"))
    missing_history = _text(_("Missing history"), help_text=_("When, where found, who with"))
    routines = _text(_("Routines and what helps"), rows=2)


class NotificationForm(GovukFormMixin, forms.Form):
    last_seen_at = GovukDateTimeField(
        label=_("When was the child last seen?"),
        help_text=_("UK time"),
        error_messages={"required": _("Enter when the child was last seen")},
    )
    circumstances = _text(
        _("What happened?"),
        required=True,
        rows=5,
        help_text=_("Where they were going, who with, what they were wearing"),
        error_messages={"required": _("Enter what happened")},
    )
    from_place = forms.CharField(label=_("Name of the place or address"), max_length=200, required=False)
    from_town = forms.CharField(label=_("Town or city"), max_length=100, required=False)
    from_postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    reporter_name = forms.CharField(
        label=_("Your name"), max_length=100, error_messages={"required": _("Enter your name")}
    )
    reporter_phone = forms.CharField(
        label=_("A phone number the police can call you on"),
        max_length=40,
        error_messages={"required": _("Enter a phone number the police can call you on")},
    )
