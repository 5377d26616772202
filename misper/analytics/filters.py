"""The dashboard's filters: one form parses them for the pages, the downloads and the API alike.

``filters_from(params, today=…)`` returns a ``Filters`` or raises ``InvalidInput`` naming each bad field,
so every interface reports the same field-level errors and computes figures from the same values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from misper.core.errors import FieldError, InvalidInput
from misper.episodes.models import Risk
from misper.people.models import Sex
from misper.web.forms import FilterDateField, GovukFormMixin

DEFAULT_PERIOD_DAYS = 365
MAX_PERIOD_DAYS = 366 * 5

# Age at the time of the report, in whole years: (label, lowest, highest) — both ends included.
AGE_BANDS: dict[str, tuple[str, int, int]] = {
    "0-11": ("Under 12", 0, 11),
    "12-13": ("12 to 13", 12, 13),
    "14-15": ("14 to 15", 14, 15),
    "16-17": ("16 to 17", 16, 17),
    "18-24": ("18 to 24", 18, 24),
    "25-64": ("25 to 64", 25, 64),
    "65+": ("65 and over", 65, 200),
}

# Self-defined ethnicity, filtered by the five broad groups of the 18+1 classification.
ETHNIC_GROUPS: dict[str, str] = {
    "A": "Asian or Asian British",
    "B": "Black or Black British",
    "M": "Mixed or multiple ethnic groups",
    "O": "Other ethnic group",
    "W": "White",
    "NS": "Not stated",
}

CARE_STATUSES: dict[str, str] = {
    "looked_after": "Looked after (in care)",
    "not_looked_after": "Not looked after",
    "out_of_area": "Placed out of area",
}

END_BEFORE_START = "The end of the period must be the same as or after the start"
PERIOD_TOO_LONG = "The period can be at most 5 years"


def _choices(options: dict[str, Any], label_of: Any = None) -> list[tuple[str, str]]:
    return [("", "All")] + [(k, label_of(v) if label_of else v) for k, v in options.items()]


class FiltersForm(GovukFormMixin, forms.Form):
    period_from = FilterDateField(required=False, label="From")
    period_to = FilterDateField(required=False, label="To")
    area = forms.CharField(required=False, max_length=40, label="Area or beat")
    age_band = forms.ChoiceField(required=False, choices=_choices(AGE_BANDS, lambda v: v[0]), label="Age")
    sex = forms.ChoiceField(required=False, choices=[("", "All"), *Sex.choices], label="Sex")
    ethnicity = forms.ChoiceField(
        required=False, choices=_choices(ETHNIC_GROUPS), label="Ethnicity (self-defined)"
    )
    care_status = forms.ChoiceField(required=False, choices=_choices(CARE_STATUSES), label="Care status")
    risk = forms.ChoiceField(required=False, choices=[("", "All"), *Risk.choices], label="Risk grade")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", END_BEFORE_START)
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("period_to", PERIOD_TOO_LONG)
        return data


@dataclass(frozen=True)
class Filters:
    """What the figures are restricted to. Empty strings mean "all"."""

    period_from: date
    period_to: date
    area: str = ""
    age_band: str = ""
    sex: str = ""
    ethnicity: str = ""
    care_status: str = ""
    risk: str = ""

    @property
    def start(self) -> datetime:
        """The first moment of the period, Europe/London."""
        return timezone.make_aware(datetime.combine(self.period_from, time.min))

    @property
    def end(self) -> datetime:
        """The moment after the period ends (exclusive), Europe/London."""
        return timezone.make_aware(datetime.combine(self.period_to + timedelta(days=1), time.min))

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links to downloads of the same figures)."""
        return {k: str(v) for k, v in asdict(self).items() if v not in ("", None)}

    def describe(self) -> str:
        parts = [f"{self.period_from:%d %B %Y} to {self.period_to:%d %B %Y}"]
        if self.area:
            parts.append(f"area {self.area}")
        if self.age_band:
            parts.append(f"age {AGE_BANDS[self.age_band][0].lower()}")
        if self.sex:
            parts.append(f"sex {Sex(self.sex).label.lower()}")
        if self.ethnicity:
            parts.append(ETHNIC_GROUPS[self.ethnicity])
        if self.care_status:
            parts.append(CARE_STATUSES[self.care_status].lower())
        if self.risk:
            parts.append(f"risk {Risk(self.risk).label.lower()}")
        return ", ".join(parts)


def default_filters(today: date) -> Filters:
    return Filters(period_from=today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), period_to=today)


def filters_from(params: Any, *, today: date | None = None) -> Filters:
    """Parse query parameters into ``Filters``; a missing period is the 12 months ending ``today``.

    Raises ``InvalidInput`` with one ``FieldError`` per bad field; nothing else is read."""
    today = today or timezone.localdate()
    form = FiltersForm(params)
    if not form.is_valid():
        errors = [FieldError(f, str(m)) for f, msgs in form.errors.items() for m in msgs]
        raise InvalidInput(errors)
    data = form.cleaned_data
    base = default_filters(today)
    start = data.get("period_from") or base.period_from
    end = data.get("period_to") or max(base.period_to, start)
    if end < start:
        raise InvalidInput(FieldError("period_to", END_BEFORE_START))
    return Filters(
        period_from=start,
        period_to=end,
        **{
            k: (data.get(k) or "").strip()
            for k in ("area", "age_band", "sex", "ethnicity", "care_status", "risk")
        },
    )


def month_filters(month: str, *, today: date | None = None) -> Filters:
    """Filters for one calendar month given as ``YYYY-MM`` (for the safeguarding board's pack)."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except (TypeError, ValueError):
        raise InvalidInput(FieldError("month", "Enter a month as YYYY-MM, for example 2026-03")) from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Filters(period_from=first, period_to=following - timedelta(days=1))
