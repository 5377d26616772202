"""Forms for placement notices, panels and meetings, CAWNs and the shared risk tool. They parse what
was typed; the services check the rest and refuse with field errors that the views put back here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from misper import risk
from misper.accounts.models import Agency, AgencyKind
from misper.episodes.forms import RiskAnswersMixin
from misper.partners.cawns import NEW_ADULT
from misper.partners.forms import _text
from misper.partners.models import MeetingKind
from misper.partners.panels import MAX_ACTIONS
from misper.partners.placements import PLACEMENT_TYPES
from misper.people.models import PlacementType, Sex
from misper.web.forms import (
    GovukCheckboxes,
    GovukDateField,
    GovukDateTimeField,
    GovukFormMixin,
    GovukRadioSelect,
)
from misper.web.templatetags.misper_tags import VULNERABILITY_LABELS

NEW_CHILD = "new"


def _agency_choices(kind: str, blank: str = "") -> list[tuple[str, str]]:
    rows = Agency.objects.filter(kind=kind, active=True).order_by("name").values_list("pk", "name")
    return [("", blank)] + [(str(pk), name) for pk, name in rows]


def int_or_none(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


# --- placement notices -------------------------------------------------------------------------------


class PlacementForm(GovukFormMixin, forms.Form):
    child = forms.ChoiceField(label="Which child?", widget=GovukRadioSelect, required=False)
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN, required=False)
    placing_authority = forms.ChoiceField(label="Placing authority", required=False)
    placement_type = forms.ChoiceField(
        label="Kind of placement",
        choices=[(t, PlacementType(t).label) for t in PLACEMENT_TYPES],
        widget=GovukRadioSelect,
        required=False,
    )
    place_name = forms.CharField(
        label="Name of the care home or foster carer", max_length=200, required=False
    )
    address_line = forms.CharField(label="Address", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    beat = forms.CharField(
        label="Police beat (if known)",
        max_length=40,
        required=False,
        help_text="The neighbourhood team's beat code; the host force can tell you",
    )
    care_provider = forms.ChoiceField(label="Care provider running the home (if any)", required=False)
    host_force = forms.ChoiceField(label="Police force for the placement's area", required=False)
    host_authority = forms.ChoiceField(label="Local authority for the placement's area", required=False)
    starts_on = GovukDateField(label="Placed from", required=False)
    known_risks = _text(
        "Known risks",
        rows=5,
        help_text="Exploitation, going missing, people and places of concern, health needs",
    )

    def __init__(self, *args: Any, children: list[Any], police: bool, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["child"].choices = [(str(c.pk), f"{c.full_name} ({c.ref})") for c in children] + [
            (NEW_CHILD, "A child new to this service")
        ]
        self.fields["care_provider"].choices = _agency_choices(AgencyKind.CARE_PROVIDER, "None")
        self.fields["host_force"].choices = _agency_choices(AgencyKind.POLICE_FORCE)
        self.fields["host_authority"].choices = _agency_choices(AgencyKind.LOCAL_AUTHORITY)
        if police:
            self.fields["placing_authority"].choices = _agency_choices(AgencyKind.LOCAL_AUTHORITY)
        else:
            del self.fields["placing_authority"]

    def service_data(self) -> dict[str, Any]:
        """The service's input from what parsed (a field that did not parse is empty)."""
        d = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        for name in ("date_of_birth", "starts_on"):
            d[name] = d[name] or None
        return {
            "child_id": int_or_none(d["child"]),
            "given_name": d["given_name"] if d["child"] == NEW_CHILD else "",
            "family_name": d["family_name"] if d["child"] == NEW_CHILD else "",
            "date_of_birth": d["date_of_birth"] if d["child"] == NEW_CHILD else None,
            "sex": d["sex"] or Sex.UNKNOWN,
            "placement_type": d["placement_type"],
            "place_name": d["place_name"],
            "address_line": d["address_line"],
            "town": d["town"],
            "postcode": d["postcode"],
            "beat": d["beat"],
            "care_provider_id": int_or_none(d["care_provider"]),
            "host_force_id": int_or_none(d["host_force"]),
            "host_authority_id": int_or_none(d["host_authority"]),
            "placing_authority_id": int_or_none(d.get("placing_authority")),
            "starts_on": d["starts_on"],
            "known_risks": d["known_risks"],
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("child"):
            self.add_error("child", "Choose a child, or a child new to this service")
        return data


# --- meetings ----------------------------------------------------------------------------------------


class MeetingForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of meeting", choices=MeetingKind.choices, widget=GovukRadioSelect, required=False
    )
    held_on = GovukDateField(label="Date of the meeting", required=False)
    children = forms.MultipleChoiceField(label="Children discussed", widget=GovukCheckboxes, required=False)
    attendees = _text("Who attended", rows=6, help_text="One per line, as: name, agency")
    decisions = _text("Decisions", rows=6)

    def __init__(self, *args: Any, children: list[Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["children"].choices = [(str(c.pk), f"{c.full_name} ({c.ref})") for c in children]
        owners = _owner_choices()
        for i in range(MAX_ACTIONS):
            self.fields[f"action_text_{i}"] = forms.CharField(label="Action", max_length=300, required=False)
            self.fields[f"action_owner_{i}"] = forms.ChoiceField(
                label="Owned by", choices=owners, required=False
            )
            self.fields[f"action_due_{i}"] = GovukDateField(label="Due by", required=False)

    def action_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"action_text_{i}"], self[f"action_owner_{i}"], self[f"action_due_{i}"])
            for i in range(MAX_ACTIONS)
        ]

    def service_data(self) -> dict[str, Any]:
        """The service's input from what parsed (a field that did not parse is empty)."""
        from misper.partners.panels import ActionInput

        d = {name: self.cleaned_data.get(name) for name in self.fields}
        d.update({k: d[k] or "" for k in ("kind", "attendees", "decisions")}, children=d["children"] or [])
        return {
            "kind": d["kind"],
            "held_on": d["held_on"],
            "child_ids": [int(c) for c in d["children"]],
            "attendee_lines": d["attendees"].splitlines(),
            "decisions": d["decisions"],
            "actions": [
                ActionInput(
                    d[f"action_text_{i}"] or "", int_or_none(d[f"action_owner_{i}"]), d[f"action_due_{i}"]
                )
                for i in range(MAX_ACTIONS)
            ],
        }


def _owner_choices() -> list[tuple[str, str]]:
    rows = Agency.objects.filter(active=True).order_by("name").values_list("pk", "name")
    return [("", "")] + [(str(pk), name) for pk, name in rows]


# --- CAWNs -------------------------------------------------------------------------------------------


class CawnForm(GovukFormMixin, forms.Form):
    associate = forms.ChoiceField(label="Issued to", widget=GovukRadioSelect, required=False)
    new_given_name = forms.CharField(label="First name", max_length=100, required=False)
    new_family_name = forms.CharField(label="Last name", max_length=100, required=False)
    issued_on = GovukDateField(label="Issued on", required=False)
    expires_on = GovukDateField(label="Expires on", required=False)
    follow_up = _text("Follow-up planned", rows=3)

    def __init__(self, *args: Any, adults: list[Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["associate"].choices = [
            (str(a.pk), f"{a.given_name} {a.family_name}") for a in adults
        ] + [(NEW_ADULT, "Someone not listed")]


class BreachForm(GovukFormMixin, forms.Form):
    on = GovukDateField(label="Date of the breach", required=False)
    note = _text("What happened", rows=3)
    follow_up = _text("Follow-up", rows=3, help_text="What was done: arrest, warning, referral")


# --- the shared risk tool ----------------------------------------------------------------------------


class RiskToolForm(RiskAnswersMixin, GovukFormMixin, forms.Form):
    child = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    looked_after = forms.BooleanField(label="The child is looked after (in care)", required=False)
    placement_type = forms.ChoiceField(label="Where the child lives", choices=PlacementType.choices)
    vulnerabilities = forms.MultipleChoiceField(
        label="What applies to the child?",
        choices=[
            (c, VULNERABILITY_LABELS.get(c, c.replace("_", " ").capitalize())) for c in risk.VULNERABILITIES
        ],
        widget=GovukCheckboxes,
        required=False,
    )
    last_seen_at = GovukDateTimeField(
        label="If the child is missing now, when were they last seen?", help_text="UK time", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_answer_fields()


# --- ending a placement ------------------------------------------------------------------------------


class PlacementEndForm(GovukFormMixin, forms.Form):
    """The last day of a placement and why it ended; the service checks the dates and the reason."""

    ended_on = GovukDateField(
        label="Last day of the placement",
        required=False,
        error_messages={"invalid": "Enter a real date, like 17/05/2026"},
    )
    reason = _text("Why the placement ended", rows=4, help_text="For example: moved to foster care in Kent")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- downloading a list ------------------------------------------------------------------------------


class ListExportForm(GovukFormMixin, forms.Form):
    """Why a list is being downloaded: recorded on the access log with what was disclosed."""

    purpose = forms.CharField(
        label=gettext_lazy("Why are you downloading this list?"),
        help_text=gettext_lazy(
            "For example: the monthly missing panel. This is recorded with what you download."
        ),
        max_length=150,
        required=False,
    )
