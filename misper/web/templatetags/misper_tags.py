"""Template filters for showing grades, flags and durations in plain English."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()

VULNERABILITY_LABELS = {
    "cse_risk": gettext_noop("At risk of child sexual exploitation"),
    "cce_risk": gettext_noop("At risk of child criminal exploitation"),
    "trafficking_risk": gettext_noop("At risk of trafficking"),
    "self_harm": gettext_noop("Self-harm"),
    "mental_health": gettext_noop("Mental health needs"),
    "learning_disability": gettext_noop("Learning disability"),
    "autism": gettext_noop("Autism"),
    "physical_illness": gettext_noop("Physical illness"),
    "needs_medication": gettext_noop("Needs medication"),
    "substance_misuse": gettext_noop("Substance misuse"),
    "child_protection_plan": gettext_noop("Child protection plan"),
    "domestic_abuse_at_home": gettext_noop("Domestic abuse at home"),
    "honour_based_abuse_risk": gettext_noop("At risk of honour-based abuse"),
    "online_grooming_risk": gettext_noop("At risk of online grooming"),
}


@register.filter
def label(code: str) -> str:
    """A code as words, in the page's language where the catalogue has them: ``no_apparent_risk`` →
    ``No apparent risk``; known vulnerabilities by name."""
    if not code:
        return ""
    return gettext(VULNERABILITY_LABELS.get(code) or str(code).replace("_", " ").capitalize())


# Risk grades as the label filter words them, for the Welsh catalogue.
RISK_WORDS = (gettext_noop("No apparent risk"), gettext_noop("Very low"), gettext_noop("Low"))
RISK_WORDS += (gettext_noop("Medium"), gettext_noop("High"))


@register.filter
def hours(value: float | timedelta | None) -> str:
    """A duration in hours as ``45 minutes``, ``3 hours 20 minutes`` or ``4 days 2 hours``."""
    if value is None:
        return ""
    h = value.total_seconds() / 3600 if isinstance(value, timedelta) else float(value)
    minutes = max(0, round(h * 60))
    days, rest = divmod(minutes, 24 * 60)
    hrs, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hrs:
        parts.append(f"{hrs} hour{'s' if hrs != 1 else ''}")
    if mins and not days:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts) or "less than a minute"


@register.filter
def get(mapping: dict, key: str):  # type: ignore[no-untyped-def, type-arg]
    return mapping.get(key) if hasattr(mapping, "get") else None
