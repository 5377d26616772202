"""How the national pages write dates and grades: as people write them, never as codes."""

from __future__ import annotations

from datetime import date

from django import template

from misper.episodes.models import Risk

register = template.Library()
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
NOT_KNOWN = "Not known"


@register.filter
def written_date(value: str) -> str:
    """ "2011-04-09" → "9 April 2011"; "2011-04" → "April 2011"; "2011" → "2011"; "" → "Not known"."""
    if not value:
        return NOT_KNOWN
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        if len(value) == 7 and 1 <= int(value[5:]) <= 12:
            return f"{MONTHS[int(value[5:]) - 1]} {value[:4]}"
    except ValueError:
        return value
    return value


@register.filter
def risk_label(value: str) -> str:
    """ "medium" → "Medium"; an empty grade → "Not graded"."""
    if not value:
        return "Not graded"
    return str(Risk(value).label) if value in Risk.values else value


@register.filter
def force_name(code: str, names: dict[str, str]) -> str:
    """The force's name for its code (the code itself only if no agency has it)."""
    return names.get(code, code)
