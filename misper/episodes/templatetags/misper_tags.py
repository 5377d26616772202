"""Template filters for showing grades, flags and durations in plain English."""

from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()

VULNERABILITY_LABELS = {
    "cse_risk": "At risk of child sexual exploitation",
    "cce_risk": "At risk of child criminal exploitation",
    "trafficking_risk": "At risk of trafficking",
    "self_harm": "Self-harm",
    "mental_health": "Mental health needs",
    "learning_disability": "Learning disability",
    "autism": "Autism",
    "physical_illness": "Physical illness",
    "needs_medication": "Needs medication",
    "substance_misuse": "Substance misuse",
    "child_protection_plan": "Child protection plan",
    "domestic_abuse_at_home": "Domestic abuse at home",
    "honour_based_abuse_risk": "At risk of honour-based abuse",
    "online_grooming_risk": "At risk of online grooming",
}


@register.filter
def label(code: str) -> str:
    """A code as words: ``no_apparent_risk`` → ``No apparent risk``; known vulnerabilities by name."""
    if not code:
        return ""
    return VULNERABILITY_LABELS.get(code) or str(code).replace("_", " ").capitalize()


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
