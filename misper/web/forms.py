"""GOV.UK styling for Django forms, applied once in a mixin rather than per field; the GOV.UK widgets every
app's forms use, and the one way a service's field errors reach a form."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import from_current_timezone
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from misper.core.errors import InvalidInput

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
}


class GovukRadioSelect(forms.RadioSelect):
    """Radios whose first input carries the field's own id, so error summary links reach it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ if index is None else super().id_for_label(id_, index)


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose first input carries the field's own id, so error summary links reach it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ if index is None else super().id_for_label(id_, index)


class GovukFormMixin:
    """Adds GOV.UK classes and error-describedby attributes to every widget after validation."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), "govuk-input")
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "errors", {}):
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = w.attrs.get("class", "") + " " + self._error_class(w)
                w.attrs["aria-describedby"] = f"id_{name}-error"

    @staticmethod
    def _error_class(widget: forms.Widget) -> str:
        if isinstance(widget, forms.Textarea):
            return "govuk-textarea--error"
        if isinstance(widget, forms.Select):
            return "govuk-select--error"
        return "govuk-input--error"


def form_errors_from(form: forms.Form, exc: InvalidInput) -> None:
    """Put a service's field errors on the form (errors for fields the form lacks go on the form)."""
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)


EARLIEST_FILTER_DATE = date(1900, 1, 1)
LATEST_FILTER_DATE = date(2199, 12, 31)
FILTER_DATE_RANGE = gettext_noop("Enter a date between 1 January 1900 and 31 December 2199")


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("Enter a correct username and password. Both are case-sensitive."),
        "inactive": gettext_lazy("This account is disabled."),
    }

    def clean(self) -> dict[str, Any]:
        if not self.data.get("username"):
            self.add_error("username", gettext("Enter your username"))
        if not self.data.get("password"):
            self.add_error("password", gettext("Enter your password"))
        if self.errors:
            return self.cleaned_data
        return super().clean()


# --- GOV.UK date input (day, month, year and, for a time, hours and minutes) --------------------------------
# https://design-system.service.gov.uk/components/date-input/ : never the browser's own picker, whose
# format follows the browser's locale ("12/07/2026, 08:38 PM" under en-GB read as 12 July).

DATE_PARTS = ("day", "month", "year")
PART_LABELS = {
    "day": gettext_lazy("Day"),
    "month": gettext_lazy("Month"),
    "year": gettext_lazy("Year"),
    "time": gettext_lazy("Time"),
}
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class GovukDateWidget(forms.Widget):
    """Day, month and year boxes (and a time box when ``with_time``), posted as ``NAME_day``,
    ``NAME_month``, ``NAME_year`` and ``NAME_time``. A single ``NAME`` value in ISO form
    (``2026-03-29`` or ``2026-03-29T14:30``) is read too, for API-like clients and older links."""

    template_name = "web/widgets/date_input.html"
    govuk_date_input = True

    def __init__(self, *, with_time: bool = False, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.with_time = with_time

    def parts(self) -> tuple[str, ...]:
        return (*DATE_PARTS, "time") if self.with_time else DATE_PARTS

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if any(f"{name}_{p}" in data for p in self.parts()):
            return {p: str(data.get(f"{name}_{p}", "")).strip() for p in self.parts()}
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{p}" in data for p in self.parts())

    def _split(self, value: Any) -> dict[str, str]:
        if isinstance(value, dict):
            return {p: str(value.get(p, "")) for p in self.parts()}
        if isinstance(value, str) and value:
            try:
                value = datetime.fromisoformat(value) if self.with_time else date.fromisoformat(value[:10])
            except ValueError:
                return dict.fromkeys(self.parts(), "")
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return {
                "day": str(value.day),
                "month": str(value.month),
                "year": str(value.year),
                "time": f"{value:%H:%M}",
            }
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year), "time": ""}
        return dict.fromkeys(self.parts(), "")

    def id_for_label(self, id_: str) -> str:
        return id_  # the day box carries the field's own id, so error summary links reach it

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = self._split(value)
        final = context["widget"]["attrs"]
        error = "govuk-input--error" in final.get("class", "")
        context["widget"]["error"] = error
        context["widget"]["describedby"] = final.get("aria-describedby", "")
        context["widget"]["base_id"] = final.get("id", f"id_{name}")
        context["widget"]["parts"] = [
            {
                "part": p,
                "id": context["widget"]["base_id"] if p == "day" else f"{context['widget']['base_id']}_{p}",
                "label": PART_LABELS[p],
                "value": values.get(p, ""),
                "width": 4 if p == "year" else (5 if p == "time" else 2),
            }
            for p in self.parts()
        ]
        return context


def _missing_parts(missing: list[str]) -> str:
    """ "a day", "a month and a year": the missing parts as a list in words. The last pair is a whole
    message so that a language can change its "and" (Welsh writes "ac" before "amser", a time)."""
    words = {"day": gettext("a day"), "month": gettext("a month"), "year": gettext("a year")}
    names = [words[m] for m in missing if m != "time"]
    if missing[-1] == "time":
        listed = ", ".join(names)
        return gettext("%(parts)s and a time") % {"parts": listed} if names else gettext("a time")
    if len(names) == 1:
        return names[0]
    return gettext("%(parts)s and %(last)s") % {"parts": ", ".join(names[:-1]), "last": names[-1]}


def _parse_date_parts(parts: dict[str, str], with_time: bool) -> tuple[date, time | None]:
    """The date (and time) in ``parts``, or a ValidationError worded as the GOV.UK pattern words it."""
    missing = [p for p in DATE_PARTS if not parts.get(p)]
    if with_time and not parts.get("time"):
        missing.append("time")
    if missing:
        if len(missing) == len(DATE_PARTS) + with_time:
            raise forms.ValidationError(gettext("Enter the date"), code="required")
        raise forms.ValidationError(
            gettext("The date must include %(parts)s") % {"parts": _missing_parts(missing)}, code="incomplete"
        )
    try:
        day, month, year = (int(parts[p]) for p in DATE_PARTS)
        if not 1000 <= year <= 9999:
            raise ValueError
        when = date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise forms.ValidationError(gettext("Enter a real date"), code="invalid") from exc
    if not with_time:
        return when, None
    match = TIME_PATTERN.match(parts["time"])
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise forms.ValidationError(gettext("Enter a real time, like 14:30"), code="invalid_time")
    return when, time(int(match.group(1)), int(match.group(2)))


class GovukDateField(forms.Field):
    """A date typed as day, month and year (the GOV.UK date input). Errors name what is missing or wrong."""

    with_time = False

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovukDateWidget(with_time=self.with_time))
        kwargs.pop("input_formats", None)
        super().__init__(**kwargs)

    def _parts(self, value: Any) -> dict[str, str] | None:
        if isinstance(value, dict):
            return value if any(value.values()) else None
        if value in (None, ""):
            return None
        if isinstance(value, str):  # one ISO value (an API-like client)
            try:
                if self.with_time:
                    dt = datetime.fromisoformat(value.strip())
                    return {
                        "day": str(dt.day),
                        "month": str(dt.month),
                        "year": str(dt.year),
                        "time": f"{dt:%H:%M}",
                    }
                d = date.fromisoformat(value.strip())
            except ValueError as exc:
                raise forms.ValidationError(gettext("Enter a real date"), code="invalid") from exc
            return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}
        raise forms.ValidationError(gettext("Enter a real date"), code="invalid")

    def to_python(self, value: Any) -> Any:
        if isinstance(value, datetime | date):
            return value
        parts = self._parts(value)
        if parts is None:
            return None
        when, at = _parse_date_parts(parts, self.with_time)
        return when if at is None else datetime.combine(when, at)

    def prepare_value(self, value: Any) -> Any:
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data) and initial != data


class GovukDateTimeField(GovukDateField):
    """A date and a time typed as UK local time (Europe/London), coming out timezone-aware; a time that the
    clocks skipped or repeated is refused with a plain message."""

    with_time = True
    CLOCK_CHANGE = gettext_noop(
        "The clocks changed at that time, so it is not a single UK time. "
        "Enter a time just before or just after the change"
    )

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        if isinstance(result, datetime):
            if timezone.is_aware(result):
                return result
            try:
                return from_current_timezone(result)
            except forms.ValidationError as exc:
                raise forms.ValidationError(gettext(self.CLOCK_CHANGE), code="ambiguous_timezone") from exc
        return result


class FilterDateField(GovukDateField):
    """A date a search or a figure's period filters by, typed in the GOV.UK date input (day, month, year; a
    single ISO ``NAME=2026-03-01`` is read too, for links and API clients): a real date between 1900 and 2199.
    Further dates are a field error, not a 500: the filters work out the day after the date, which overflows
    at 9999."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not EARLIEST_FILTER_DATE <= value <= LATEST_FILTER_DATE:
            raise forms.ValidationError(gettext(FILTER_DATE_RANGE), code="out_of_range")
