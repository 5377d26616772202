"""Forms for finding a child and creating a new child record."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from misper.episodes.forms import GovukRadioSelect
from misper.people.models import PlacementType, Sex
from misper.web.forms import GovukFormMixin


class DateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"invalid": "Enter a real date, like 17/05/2011"}


class ChildSearchForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        required=False,
        help_text="First name, last name, or both. Nicknames and other spellings are found too.",
    )
    dob = DateField(label="Date of birth", required=False)
    age = forms.IntegerField(
        label="Age in years",
        min_value=0,
        max_value=25,
        required=False,
        error_messages={
            "invalid": "Enter the age as a number, like 14",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 25 or less",
        },
    )
    place = forms.CharField(
        label="Town, postcode or placement",
        max_length=100,
        required=False,
        help_text="Home or placement address",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(
            data.get(k) not in (None, "") for k in ("name", "dob", "age", "place")
        ):
            self.add_error("name", "Enter a name, a date of birth, an age or a place to search for")
        if data.get("dob") and data["dob"] > date.today():
            self.add_error("dob", "Date of birth must be in the past")
        return data


class ChildCreateForm(GovukFormMixin, forms.Form):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child's first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    date_of_birth = DateField(
        label="Date of birth",
        help_text="If you do not know it, enter your best estimate and say so in the description",
        error_messages={"required": "Enter the child's date of birth, or an estimate"},
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=GovukRadioSelect, initial=Sex.UNKNOWN)
    description = forms.CharField(
        label="Description",
        help_text="Height, build, hair, clothing, distinguishing marks",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    looked_after = forms.BooleanField(label="The child is in the care of a local authority", required=False)
    placement_type = forms.ChoiceField(
        label="Where does the child live?", choices=PlacementType.choices, initial=PlacementType.HOME
    )
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)

    def clean_date_of_birth(self) -> date:
        dob: date = self.cleaned_data["date_of_birth"]
        if dob > date.today():
            raise forms.ValidationError("Date of birth must be in the past")
        if (date.today() - dob).days > 366 * 25:
            raise forms.ValidationError("misper is for children and young people: check the date of birth")
        return dob
