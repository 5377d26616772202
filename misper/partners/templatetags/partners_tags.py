"""Template helpers for the partner pages and the nav: figures, deadlines, unread counts."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()

NO_FIGURE = "–"


@register.filter
def percent(value: int | None) -> str:
    """``42`` → ``42%``; no figure (nothing to divide by) → a dash."""
    return NO_FIGURE if value is None else f"{value}%"


def _hours(seconds: float) -> str:
    h = int(seconds // 3600)
    return f"{h} hour{'s' if h != 1 else ''}" if h else "less than an hour"


@register.simple_tag
def countdown(due_at: datetime, now: datetime) -> str:
    """The 72-hour countdown in words: ``31 hours left`` or ``Overdue by 5 hours``."""
    left = (due_at - now).total_seconds()
    return f"{_hours(left)} left" if left >= 0 else f"Overdue by {_hours(-left)}"


@register.simple_tag(takes_context=True)
def unacknowledged_alerts(context: template.Context) -> int:
    """How many inbox alerts for the signed-in user are not yet acknowledged (0 when signed out)."""
    from misper.partners.selectors import unacknowledged_count

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unacknowledged_count(user)


@register.simple_tag(takes_context=True)
def new_care_home_reports(context: template.Context) -> int:
    """How many care-home reports wait for the signed-in police user's control room."""
    from misper.partners.models import NotificationStatus
    from misper.partners.selectors import visible_notifications

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_police:
        return 0
    return visible_notifications(user).filter(status=NotificationStatus.NEW).count()


EVENT_NAMES = {
    "episode.reported": "Reported missing",
    "episode.regraded": "Risk grade changed",
    "episode.found": "Found or returned",
    "episode.missing_24h": "Missing for 24 hours",
    "episode.missing_72h": "Missing for 72 hours",
    "return_interview.overdue": "Return interview overdue",
    "placement.notice": "Placement notice",
    "placement.ended": "Placement ended",
    "missing_notification.received": "Reported missing by a care home",
    "alert.escalated": "High-risk alert not acknowledged",
    "episode.handed_over": "Handed over to you",
    "episode.repeat_threshold": "Now a repeat missing child",
    "grading.floor_overridden": "Graded below a floor on a duty inspector's override",
    "grading.approved": "A supervisor approved your grading",
    "grading.rejected": "A supervisor rejected your grading",
    "episode.found_yours": "Your case: the child is found or has returned",
    "incident.linked": "A control-room incident led to this episode",
    "episode.review_due": "Your case: a review is due",
}


@register.filter
def event_name(event: str) -> str:
    """An alert event in plain English (the code itself if it has no name yet)."""
    return EVENT_NAMES.get(event, event)


@register.filter
def iso_when(value: str) -> str:
    """An ISO time from an alert's payload as UK time in words (``14:30 on 3 March 2026``), or "" if none."""
    try:
        when = timezone.localtime(datetime.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return ""
    return f"{when:%H:%M} on {when.day} {when:%B %Y}"
