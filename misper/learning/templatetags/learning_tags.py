"""Template tags that show the child's voice on pages that already show the child (record, intake)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from misper.learning.selectors import latest_voice

register = template.Library()

VOICE_HEADING = gettext_noop("In %(name)s's own words")
# Whole sentences for each pronoun (learning.selectors.pronoun_for), so that a language whose verbs and
# mutations follow the pronoun (Welsh: dywedodd hi, dywedon nhw) can word each one.
LAST_TIME = {
    "she": gettext_noop("Last time, on %(date)s, she said (%(source)s):"),
    "he": gettext_noop("Last time, on %(date)s, he said (%(source)s):"),
    "they": gettext_noop("Last time, on %(date)s, they said (%(source)s):"),
}
ROWS = {
    "she": (
        gettext_noop("What she wanted to happen"),
        gettext_noop("What she was running from"),
        gettext_noop("What she was running to"),
    ),
    "he": (
        gettext_noop("What he wanted to happen"),
        gettext_noop("What he was running from"),
        gettext_noop("What he was running to"),
    ),
    "they": (
        gettext_noop("What they wanted to happen"),
        gettext_noop("What they were running from"),
        gettext_noop("What they were running to"),
    ),
}


def last_time_line(pronoun: str, on: Any, source: str) -> str:
    """'Last time, on 3 March 2026, she said (safe-and-well check):', in the page's language."""
    day = date_format(timezone.localtime(on), "j F Y")
    return gettext(LAST_TIME[pronoun]) % {"date": day, "source": gettext(source)}


@register.inclusion_tag("learning/_voice.html", takes_context=True)
def child_voice(context: Any, child: Any, heading_level: str = "h2") -> dict[str, Any]:
    """The child's latest words, wishes and concerns as the signed-in user may see them (their own
    account only for whom it belongs to), or nothing if none are recorded."""
    request = context.get("request")
    voice = latest_voice(child, getattr(request, "user", None) or context.get("user"))
    return {
        "voice": voice,
        "heading": gettext(VOICE_HEADING) % {"name": child.preferred_name or child.given_name},
        "rows": [gettext(r) for r in ROWS[voice.pronoun]] if voice else [],
        "heading_level": heading_level,
        "intro": last_time_line(voice.pronoun, voice.on, voice.source) if voice else "",
    }
