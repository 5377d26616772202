"""Template helpers for the partner pages and the nav: figures, deadlines, unread counts."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext

register = template.Library()

NO_FIGURE = "–"


@register.filter
def percent(value: int | None) -> str:
    """``42`` → ``42%``; no figure (nothing to divide by) → a dash."""
    return NO_FIGURE if value is None else f"{value}%"


def _hours(seconds: float) -> str:
    h = int(seconds // 3600)
    return ngettext("%(n)d hour", "%(n)d hours", h) % {"n": h} if h else gettext("less than an hour")


@register.simple_tag
def countdown(due_at: datetime, now: datetime) -> str:
    """The 72-hour countdown in words: ``31 hours left`` or ``Overdue by 5 hours``."""
    left = (due_at - now).total_seconds()
    if left >= 0:
        return gettext("%(hours)s left") % {"hours": _hours(left)}
    return gettext("Overdue by %(hours)s") % {"hours": _hours(-left)}


@register.simple_tag(takes_context=True)
def unacknowledged_alerts(context: template.Context) -> int:
    """How many inbox alerts for the signed-in user are not yet acknowledged (0 when signed out)."""
    from misper.notifications.selectors import unacknowledged_count

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
    "episode.reported": gettext_noop("Reported missing"),
    "episode.regraded": gettext_noop("Risk grade changed"),
    "episode.found": gettext_noop("Found or returned"),
    "episode.missing_24h": gettext_noop("Missing for 24 hours"),
    "episode.missing_72h": gettext_noop("Missing for 72 hours"),
    "return_interview.overdue": gettext_noop("Return interview overdue"),
    "placement.notice": gettext_noop("Placement notice"),
    "placement.ended": gettext_noop("Placement ended"),
    "missing_notification.received": gettext_noop("Reported missing by a care home"),
    "alert.escalated": gettext_noop("High-risk alert not acknowledged"),
    "episode.handed_over": gettext_noop("Handed over to you"),
    "episode.repeat_threshold": gettext_noop("Now a repeat missing child"),
    "grading.floor_overridden": gettext_noop("Graded below a floor on a duty inspector's override"),
    "grading.approved": gettext_noop("A supervisor approved your grading"),
    "grading.rejected": gettext_noop("A supervisor rejected your grading"),
    "episode.found_yours": gettext_noop("Your case: the child is found or has returned"),
    "incident.linked": gettext_noop("A control-room incident led to this episode"),
    "episode.review_due": gettext_noop("Your case: a review is due"),
}


@register.filter
def event_name(event: str) -> str:
    """An alert event in plain words, in the page's language (the code itself if it has no name yet)."""
    return gettext(EVENT_NAMES[event]) if event in EVENT_NAMES else event


@register.filter
def iso_when(value: str) -> str:
    """An ISO time from an alert's payload as UK time in words (``14:30 on 3 March 2026``), or "" if none."""
    try:
        when = timezone.localtime(datetime.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return ""
    return gettext("%(time)s on %(date)s") % {"time": f"{when:%H:%M}", "date": date_format(when, "j F Y")}
