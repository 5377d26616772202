"""Forms for the episode pages. They parse and check what was typed; the services decide the rest.

Times are typed as UK local time (the GOV.UK date input with a time box, Europe/London) and come out timezone-aware,
so they are stored in UTC. A time that the clocks skipped or repeated is refused with a plain message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from misper import risk
from misper.accounts.models import POLICE_ROLES, User
from misper.episodes.models import Category, ReporterType, ReturnMethod, Risk
from misper.learning.language_forms import LanguageCheckMixin
from misper.web.forms import GovukDateTimeField, GovukFormMixin, GovukRadioSelect

# Every indicator in the engine's vocabulary, as a yes/no question, in groups. A test checks that each
# indicator has a question; one without falls back to "Other", phrased from its code.
INDICATOR_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "The child",
        (
            ("out_of_character", "Is going missing out of character for this child?"),
            ("suicidal_ideation", "Has the child talked about suicide or ending their life?"),
            ("missed_medication", "Will the child miss medication they need?"),
            ("preparations_made", "Did the child make preparations, such as packing a bag or taking money?"),
            ("plans_to_travel_abroad", "Might the child be planning to travel abroad?"),
        ),
    ),
    (
        "Other people",
        (
            ("with_adult_of_concern", "Is the child believed to be with an adult who causes concern?"),
            ("abduction_suspected", "Is abduction suspected?"),
            ("online_contact_with_stranger", "Has the child been in contact with a stranger online?"),
            ("forced_marriage_risk", "Is there a risk of forced marriage?"),
        ),
    ),
    (
        "Crime and harm",
        (
            ("victim_of_crime_suspected", "Might the child be the victim of a crime?"),
            ("crime_suspected", "Might the child be involved in committing a crime?"),
            ("danger_to_public", "Might the child be a danger to other people?"),
            ("harm_at_home_suspected", "Is harm at home suspected?"),
        ),
    ),
    (
        "Home and school",
        (
            ("family_conflict", "Has there been conflict at home?"),
            ("school_problems", "Are there problems at school?"),
            ("bullying", "Is the child being bullied?"),
        ),
    ),
    (
        "Where the child might be",
        (
            ("adverse_weather", "Is the weather a danger to the child (cold, heat, storms)?"),
            ("contact_established", "Has anyone been in contact with the child since they went missing?"),
            ("whereabouts_believed_known", "Is it believed to be known where the child is?"),
        ),
    ),
)
_GROUPED = {code for _, qs in INDICATOR_GROUPS for code, _ in qs}
INDICATOR_QUESTIONS: dict[str, str] = {code: q for _, qs in INDICATOR_GROUPS for code, q in qs}


def indicator_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The groups of questions for the engine's current vocabulary (unknown codes under "Other")."""
    groups = [(title, [(c, q) for c, q in qs if c in risk.INDICATORS]) for title, qs in INDICATOR_GROUPS]
    other = [(c, f"Does this apply: {c.replace('_', ' ')}?") for c in risk.INDICATORS if c not in _GROUPED]
    if other:
        groups.append(("Other", other))
    return [(t, qs) for t, qs in groups if qs]


# A risk question's answer (misper/1 ``report.answers``): "not known" is kept as a gap to fill, never a no.
ANSWER_CHOICES = [("yes", "Yes"), ("no", "No"), (risk.NOT_KNOWN, "Not known")]
ANSWER_PREFIX = "answer_"
UNANSWERED = "Select yes, no or not known for “{question}”"


class RiskAnswersMixin:
    """One GOV.UK radios question per risk question (yes, no or not known), each required: an unanswered
    question is a field error that names it. Used by the report, the partners' risk tool and the page that
    updates an episode's answers."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_answer_fields(self) -> None:
        for _, questions in indicator_groups():
            for code, question in questions:
                self.fields[ANSWER_PREFIX + code] = forms.ChoiceField(
                    label=question,
                    choices=ANSWER_CHOICES,
                    widget=GovukRadioSelect,
                    error_messages={"required": UNANSWERED.format(question=question)},
                )

    def question_groups(self) -> list[tuple[str, list[Any]]]:
        """The questions as bound fields, in their groups, for ``episodes/_risk_questions.html``."""
        return [
            (title, [self[ANSWER_PREFIX + code] for code, _ in questions])  # type: ignore[index]
            for title, questions in indicator_groups()
        ]

    def answers(self) -> dict[str, str]:
        """Every question's answer, by indicator code (after ``is_valid``)."""
        return {
            name.removeprefix(ANSWER_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(ANSWER_PREFIX)
        }

    def answered(self, answer: str) -> list[str]:
        return sorted(code for code, given in self.answers().items() if given == answer)


def answers_initial(answers: dict[str, str]) -> dict[str, str]:
    """The form's initial values for answers by indicator code (``episodes.answers.answers_on_file``)."""
    return {ANSWER_PREFIX + code: answer for code, answer in answers.items()}


def local_now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


NOT_FUTURE = timedelta(minutes=5)
PAGE_OUT_OF_DATE = "This page is out of date: go back to the episode, reload it and try again"


class EpisodeEditForm(GovukFormMixin, forms.Form):
    """Every form that changes an episode carries the version it was opened at (optimistic locking)
    and when it was opened (to list what others changed meanwhile)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": PAGE_OUT_OF_DATE,
            "invalid": PAGE_OUT_OF_DATE,
            "min_value": PAGE_OUT_OF_DATE,
        },
    )
    opened_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def _not_future(self, name: str, label: str) -> None:
        value = self.cleaned_data.get(name)
        if value and value > timezone.now() + NOT_FUTURE:
            self.add_error(name, f"{label} cannot be in the future")


class ReportForm(RiskAnswersMixin, GovukFormMixin, forms.Form):
    reporter_type = forms.ChoiceField(
        label="Who is reporting the child missing?",
        choices=ReporterType.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select who is reporting the child missing"},
    )
    reporter_name = forms.CharField(label="Reporter's name", max_length=100, required=False)
    reporter_phone = forms.CharField(label="Reporter's phone number", max_length=40, required=False)
    reported_at = GovukDateTimeField(
        label="When was the report made?",
        help_text="UK time. Leave as it is for a report made now.",
        error_messages={"required": "Enter when the report was made"},
    )
    last_seen_at = GovukDateTimeField(
        label="When was the child last seen?",
        help_text="UK time",
        error_messages={"required": "Enter when the child was last seen"},
    )
    from_place = forms.CharField(
        label="Name of the place or address",
        max_length=200,
        required=False,
        help_text="For example, a care home",
    )
    from_town = forms.CharField(label="Town or city", max_length=100, required=False)
    from_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    from_beat = forms.CharField(label="Patrol beat (if known)", max_length=40, required=False)
    circumstances = forms.CharField(
        label="What happened?",
        help_text="Where they were going, who with, what they were wearing, anything unusual",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe what happened"},
    )
    separate_reason = forms.CharField(
        label="Why is this a separate incident from the open episode?",
        help_text="For example, the child was found and has gone missing again from somewhere else",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_answer_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reported, seen = data.get("reported_at"), data.get("last_seen_at")
        if reported and reported > timezone.now() + NOT_FUTURE:
            self.add_error("reported_at", "The time of the report cannot be in the future")
        if reported and seen and seen > reported:
            self.add_error("last_seen_at", "The time last seen must be before the time of the report")
        return data

    def report_section(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "reported_at": d["reported_at"].isoformat(),
            "last_seen_at": d["last_seen_at"].isoformat(),
            "reported_by": d["reporter_type"],
            "circumstances": d["circumstances"],
            "indicators": self.answered("yes"),
            "answers": self.answers(),
        } | (
            {"separate_incident": {"reason": d["separate_reason"]}}
            if d.get("separate_reason", "").strip()
            else {}
        )

    def missing_from(self) -> dict[str, str]:
        d = self.cleaned_data
        return {
            "name": d["from_place"],
            "town": d["from_town"],
            "postcode": d["from_postcode"].upper(),
            "beat": d["from_beat"],
        }


class AnswersForm(RiskAnswersMixin, EpisodeEditForm):
    """The risk questions again, with the answers on file, to fill a gap once someone finds out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_answer_fields()


class GradeForm(LanguageCheckMixin, EpisodeEditForm):
    language_fields = ("rationale",)

    category = forms.ChoiceField(
        label="Category",
        choices=Category.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select missing or absent"},
    )
    risk = forms.ChoiceField(
        label="Risk",
        choices=list(reversed(Risk.choices)),
        widget=GovukRadioSelect,
        error_messages={"required": "Select the risk grade"},
    )
    rationale = forms.CharField(
        label="Why this grade?",
        help_text="Needed if you grade below the recommendation. A supervisor will review it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    override_reason = forms.CharField(
        label="Duty inspector: your reason for going below a floor",
        help_text="Only a duty inspector can grade below a floor. Your name and reason are recorded and the "
        "missing person coordinator is told.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class ReviewForm(GradeForm):
    language_fields = ("notes", "rationale")

    notes = forms.CharField(
        label="Review notes",
        help_text="What has been done, what is known now, what happens next",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your review notes"},
    )
    regrade = forms.ChoiceField(
        label="Change the grade?",
        choices=[("no", "No, keep the current grade"), ("yes", "Yes, re-grade")],
        widget=GovukRadioSelect,
        initial="no",
        error_messages={"required": "Select whether to change the grade"},
    )

    field_order = ["notes", "regrade", "category", "risk", "rationale", "override_reason"]


class FoundForm(EpisodeEditForm):
    found_at = GovukDateTimeField(
        label="When was the child found or did they return?",
        help_text="UK time",
        error_messages={"required": "Enter when the child was found"},
    )
    return_method = forms.ChoiceField(
        label="How did the child come back?",
        choices=ReturnMethod.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Select how the child came back"},
    )
    place = forms.CharField(label="Where were they found?", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    found_with = forms.CharField(
        label="Who were they with?",
        max_length=200,
        required=False,
        help_text="Names and how they know the child",
    )
    found_with_person = forms.TypedChoiceField(
        label="Were they with someone police already know about?",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="People on file linked to this child first. This is police-only information.",
    )
    new_person_given_name = forms.CharField(
        label="Or record a new person: first name", max_length=100, required=False
    )
    new_person_family_name = forms.CharField(label="Last name", max_length=100, required=False)
    found_place = forms.TypedChoiceField(
        label="Or choose a place on file",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Places in this child's life and places of concern. Leave empty to use the address above.",
    )

    def __init__(
        self,
        *args: Any,
        people: Sequence[tuple[int, str]] = (),
        places: Sequence[tuple[int, str]] = (),
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["found_with_person"].choices = [("", "No, or not known"), *people]
        self.fields["found_place"].choices = [("", "Not a place on file"), *places]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given, family = data.get("new_person_given_name", ""), data.get("new_person_family_name", "")
        if (given or family) and data.get("found_with_person"):
            self.add_error("new_person_given_name", "Choose a person on file or record a new one, not both")
        elif bool(given.strip()) != bool(family.strip()):
            field = "new_person_family_name" if given.strip() else "new_person_given_name"
            self.add_error(field, "Enter the new person's first and last names")
        return data


YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known yet")]


class SafeAndWellForm(EpisodeEditForm):
    conducted_at = GovukDateTimeField(
        label="When was the check done?", help_text="UK time", error_messages={"required": "Enter when"}
    )
    conducted_by_name = forms.CharField(
        label="Who did the check?", max_length=100, required=False, help_text="Leave blank if it was you"
    )
    child_account = forms.CharField(
        label="What the child said, in their own words",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the child said, or that they would not talk"},
    )
    harm_disclosed = forms.ChoiceField(
        label="Did the child disclose harm?",
        choices=YES_NO,
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether the child disclosed harm"},
    )
    harm_details = forms.CharField(
        label="Harm disclosed", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    offences_to_investigate = forms.CharField(
        label="Offences to investigate", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    push_factors = forms.CharField(
        label="Push factors: what was the child running from?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    pull_factors = forms.CharField(
        label="Pull factors: what was the child running to?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    child_wishes = forms.CharField(
        label="What does the child want to happen?", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    returned_to = forms.ChoiceField(
        label="Where has the child gone back to?",
        choices=[
            ("same_place", "Where they went missing from"),
            ("elsewhere", "Somewhere else"),
            ("", "Not yet"),
        ],
        widget=GovukRadioSelect,
        required=False,
    )
    safe_to_return = forms.ChoiceField(
        label="Is it safe for the child to return where they went missing from?",
        choices=YES_NO_UNKNOWN,
        widget=GovukRadioSelect,
        error_messages={"required": "Select whether it is safe to return"},
    )
    safety_decision = forms.CharField(
        label="Safety decision",
        help_text="Who decided the child can go back, and why it is safe. Needed if harm at home is suspected.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._not_future("conducted_at", "The time of the check")
        if data.get("harm_disclosed") == "yes" and not data.get("harm_details", "").strip():
            self.add_error("harm_details", "Describe the harm the child disclosed")
        return data

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "conducted_at": d["conducted_at"],
            "conducted_by_name": d["conducted_by_name"],
            "child_account": d["child_account"],
            "harm_disclosed": d["harm_disclosed"] == "yes",
            "harm_details": d["harm_details"],
            "offences_to_investigate": d["offences_to_investigate"],
            "push_factors": d["push_factors"],
            "pull_factors": d["pull_factors"],
            "child_wishes": d["child_wishes"],
            "returned_to": d["returned_to"],
            "safe_to_return": {"yes": True, "no": False}.get(d["safe_to_return"]),
            "safety_decision": d["safety_decision"],
        }


class CloseForm(LanguageCheckMixin, EpisodeEditForm):
    language_fields = ("summary", "reason_no_check")

    summary = forms.CharField(
        label="Closing summary", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    reason_no_check = forms.CharField(
        label="Why was there no safe-and-well check?",
        help_text="Only if no check was done. A supervisor will see this.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ActionDoneForm(LanguageCheckMixin, GovukFormMixin, forms.Form):
    language_fields = ("outcome",)

    action_version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="Result", choices=[("done", "Done"), ("not_needed", "Not needed")], widget=GovukRadioSelect
    )
    outcome = forms.CharField(
        label="Outcome",
        help_text="What was done and what was found",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the outcome: what was done and what was found"},
    )


def police_colleagues(user: User) -> Any:
    return User.objects.filter(agency_id=user.agency_id, role__in=POLICE_ROLES, is_active=True).order_by(
        "last_name", "first_name"
    )


class HandoverForm(LanguageCheckMixin, EpisodeEditForm):
    language_fields = ("note",)

    new_owner = forms.ModelChoiceField(
        label="Who is taking over?",
        queryset=User.objects.none(),
        error_messages={
            "required": "Choose who is taking over",
            "invalid_choice": "Choose an officer in your force",
        },
    )
    note = forms.CharField(
        label="Handover note",
        help_text="What has been done, what is outstanding, anything the new owner must know",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a handover note"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_owner"]
        field.queryset = police_colleagues(user)  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u.get_full_name()} ({u.get_role_display()})"  # type: ignore[attr-defined]


class DecideForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the lower grade"), ("reject", "Reject it: keep the recommended grade")],
        widget=GovukRadioSelect,
        error_messages={"required": "Select approve or reject"},
    )
    note = forms.CharField(
        label="Note",
        help_text="Needed if you reject the grading",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    override_reason = forms.CharField(
        label="Duty inspector: your reason for approving below a floor",
        help_text="Needed only if a floor now binds this child above the grade. Your name and reason are "
        "recorded and the missing person coordinator is told.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    # The episode version the supervisor decided on (a grade decided on a changed episode is a 409).
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": PAGE_OUT_OF_DATE,
            "invalid": PAGE_OUT_OF_DATE,
            "min_value": PAGE_OUT_OF_DATE,
        },
    )


class _OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.get_role_display()})"


class ActionAddForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label="What needs to be done?",
        max_length=200,
        error_messages={"required": "Enter what needs to be done"},
    )
    assigned_to = _OfficerChoice(
        label="Who will do it? (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody yet",
        error_messages={"invalid_choice": "Choose an officer in your force"},
    )
    due_at = GovukDateTimeField(label="When is it due? (optional)", help_text="UK time", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = police_colleagues(user)  # type: ignore[attr-defined]


class ActionAssignForm(GovukFormMixin, forms.Form):
    action_version = forms.IntegerField(widget=forms.HiddenInput)
    assigned_to = _OfficerChoice(
        label="Who will do it?",
        queryset=User.objects.none(),
        error_messages={
            "required": "Choose who will do this action",
            "invalid_choice": "Choose an officer in your force",
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = police_colleagues(user)  # type: ignore[attr-defined]


class ActionCancelForm(GovukFormMixin, forms.Form):
    action_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is this action no longer needed?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why this action is no longer needed"},
    )
