"""Template tags that show the child's voice on pages that already show the child (record, intake)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from misper.learning.selectors import latest_voice

register = template.Library()

VOICE_HEADING = "In {name}'s own words"


def last_time_line(pronoun: str, on: Any, source: str) -> str:
    """'Last time, on 3 March 2026, she said (safe-and-well check):'"""
    day = timezone.localtime(on)
    return f"Last time, on {day.day} {day:%B %Y}, {pronoun} said ({source}):"


@register.inclusion_tag("learning/_voice.html", takes_context=True)
def child_voice(context: Any, child: Any, heading_level: str = "h2") -> dict[str, Any]:
    """The child's latest words, wishes and concerns as the signed-in user may see them (their own
    account only for whom it belongs to), or nothing if none are recorded."""
    request = context.get("request")
    voice = latest_voice(child, getattr(request, "user", None) or context.get("user"))
    return {
        "voice": voice,
        "heading": VOICE_HEADING.format(name=child.preferred_name or child.given_name),
        "heading_level": heading_level,
        "intro": last_time_line(voice.pronoun, voice.on, voice.source) if voice else "",
    }
