"""Forms for finding a child and creating a new child record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from misper.people.models import (
    Concern,
    LocationKind,
    PersonKind,
    PlacementType,
    Relationship,
    Reliability,
    Sex,
)
from misper.people.services import date_of_birth_error
from misper.risk.vocab import ASSOCIATE_FLAGS
from misper.web.forms import GovukDateField, GovukFormMixin, GovukRadioSelect

DateField = GovukDateField  # day, month and year boxes (the GOV.UK date input), never the browser's picker


class ChildSearchForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("First name, last name, or both. Nicknames and other spellings are found too."),
    )
    dob = DateField(label=_("Date of birth"), required=False)
    age = forms.IntegerField(
        label=_("Age in years"),
        min_value=0,
        max_value=25,
        required=False,
        error_messages={
            "invalid": _("Enter the age as a number, like 14"),
            "min_value": _("Age must be 0 or more"),
            "max_value": _("Age must be 25 or less"),
        },
    )
    place = forms.CharField(
        label=_("Town, postcode or placement"),
        max_length=100,
        required=False,
        help_text=_("Home or placement address"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(
            data.get(k) not in (None, "") for k in ("name", "dob", "age", "place")
        ):
            self.add_error("name", _("Enter a name, a date of birth, an age or a place to search for"))
        if data.get("dob") and data["dob"] > date.today():
            self.add_error("dob", _("Date of birth must be in the past"))
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
        """The service's rule, here too, so the page shows every problem at once."""
        dob: date = self.cleaned_data["date_of_birth"]
        error = date_of_birth_error(dob)
        if error:
            raise forms.ValidationError(gettext(error))
        return dob


# --- flags, people and places of concern, photos (misper.people.flags, .concern, .photos) -------------


def _vulnerability_choices() -> list[tuple[str, str]]:
    from misper.risk import VULNERABILITIES
    from misper.web.templatetags.misper_tags import label

    return [("", "Choose a vulnerability"), *((code, label(code)) for code in VULNERABILITIES)]


class FlagForm(GovukFormMixin, forms.Form):
    code = forms.ChoiceField(label="Vulnerability", error_messages={"required": "Choose a vulnerability"})
    source = forms.CharField(
        label="Who says so?",
        max_length=200,
        help_text="For example: the child's social worker, a CSE team referral, the school",
        error_messages={"required": "Say who says so"},
    )
    notes = forms.CharField(
        label="What does it rest on?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="What was seen or said, and when",
    )
    review_on = DateField(label="Review by", required=False, help_text="When someone should look at it again")
    police_only = forms.BooleanField(
        label="Police only: never show this flag to partner agencies", required=False
    )

    def __init__(self, *args: Any, police: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = _vulnerability_choices()
        if not police:
            del self.fields["police_only"]


class FlagExpireForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why does the flag no longer apply?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why the flag no longer applies"},
    )


class AssociateChangeForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    relationship = forms.ChoiceField(label="Relationship to the child", choices=Relationship.choices)
    concern = forms.ChoiceField(
        label="What is the concern?",
        choices=[("", "Not of concern"), *Concern.choices],
        required=False,
        help_text="Without a concern the risk engine no longer counts them at the next report",
    )
    source = forms.CharField(label="Who says so?", max_length=200, required=False)
    reliability = forms.ChoiceField(label="How reliable is the source?", choices=Reliability.choices)
    notes = forms.CharField(
        label="Notes", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class AssociateEndForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why does the link no longer apply?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why the link is ended"},
    )


class FlagReviewForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    review_on = DateField(label="Next review by", required=False)


class PersonForm(GovukFormMixin, forms.Form):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the person's first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the person's last name"}
    )
    date_of_birth = DateField(label="Date of birth (if known)", required=False)
    kind = forms.ChoiceField(
        label="Is this an adult or another young person?",
        choices=PersonKind.choices,
        widget=GovukRadioSelect,
        initial=PersonKind.ADULT,
    )
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="What they look like, vehicles, where they are seen",
    )
    flags = forms.MultipleChoiceField(
        label="Known to police as (tick all that apply)",
        choices=[(code, code.replace("_", " ").capitalize()) for code in ASSOCIATE_FLAGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AssociateLinkForm(GovukFormMixin, forms.Form):
    person = forms.TypedChoiceField(label="Person on file", coerce=int, empty_value=None, required=False)
    new_given_name = forms.CharField(label="Or a new person: first name", max_length=100, required=False)
    new_family_name = forms.CharField(label="Last name", max_length=100, required=False)
    relationship = forms.ChoiceField(
        label="Relationship to the child", choices=Relationship.choices, initial=Relationship.UNKNOWN
    )
    concern = forms.ChoiceField(
        label="What is the concern?",
        choices=[("", "Not of concern"), *Concern.choices],
        required=False,
        help_text="A concern makes them an associate of concern: the risk engine counts it at the next report",
    )
    source = forms.CharField(label="Who says so?", max_length=200, required=False)
    reliability = forms.ChoiceField(
        label="How reliable is the source?", choices=Reliability.choices, initial=Reliability.UNTESTED
    )
    notes = forms.CharField(
        label="Notes", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args: Any, people: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose a person"), *people]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new = data.get("new_given_name", "").strip() or data.get("new_family_name", "").strip()
        if data.get("person") and new:
            self.add_error("person", "Choose a person on file or record a new one, not both")
        elif not data.get("person") and not new:
            self.add_error("person", "Choose a person on file, or enter a new person's names")
        elif new and not (data.get("new_given_name", "").strip() and data.get("new_family_name", "").strip()):
            self.add_error("new_given_name", "Enter the new person's first and last names")
        return data


class PlaceForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of the place",
        max_length=200,
        required=False,
        help_text="For example: the takeaway on the high street",
    )
    address_line = forms.CharField(label="Address", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    description = forms.CharField(
        label="Why it matters", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    latitude = forms.DecimalField(
        label="Latitude (if known)", required=False, help_text="Degrees north, like 52.48"
    )
    longitude = forms.DecimalField(
        label="Longitude (if known)", required=False, help_text="Degrees east, like -1.90 (west is negative)"
    )


class CawnFromAdultForm(GovukFormMixin, forms.Form):
    child = forms.TypedChoiceField(
        label="Which child is the notice about?", coerce=int, error_messages={"required": "Choose the child"}
    )
    issued_on = DateField(
        label="Date issued", error_messages={"required": "Enter the date the notice was issued"}
    )
    expires_on = DateField(label="Expiry date (optional)", required=False)
    follow_up = forms.CharField(
        label="Follow-up", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, *args: Any, children: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", "Choose a child"), *children]


class PhotoForm(GovukFormMixin, forms.Form):
    photo = forms.FileField(
        label="Photo",
        help_text="A JPEG or PNG, smaller than 5 MB",
        error_messages={"required": "Choose a photo to upload"},
    )


class PlaceLinkForm(GovukFormMixin, forms.Form):
    place = forms.TypedChoiceField(
        label="Place on file", coerce=int, error_messages={"required": "Choose a place"}
    )
    kind = forms.ChoiceField(
        label="What is the place to the child?", choices=LocationKind.choices, initial="frequented"
    )
    notes = forms.CharField(label="Notes", max_length=200, required=False)

    def __init__(self, *args: Any, places: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", "Choose a place"), *places]
