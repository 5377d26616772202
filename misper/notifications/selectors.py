"""The in-app inbox: which alerts a user may see (one access rule), the inbox page and its count."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from misper.accounts.models import User
from misper.audit.reveal import children_revealed
from misper.notifications.models import Alert, AlertChannel


def visible_alerts(user: User) -> QuerySet[Alert]:
    """The access rule for alerts: the inbox alerts addressed to the user's agency (to the agency as a
    whole, a team in it, or the user by name). Nobody sees another agency's alerts."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Alert.objects.none()
    return Alert.objects.filter(channel=AlertChannel.INBOX, recipient_agency_id=user.agency_id).filter(
        Q(recipient_user__isnull=True) | Q(recipient_user=user)
    )


def alert_inbox_page(user: User, *, limit: int = 100) -> tuple[list[Alert], list[Alert]]:
    """The inbox page: alerts addressed to the user by name, and those for their agency as a whole, newest
    first, each event once (the force and its CSE team both receive a high-risk event)."""
    rows = visible_alerts(user).select_related("child", "episode").order_by("-created_at", "-pk")
    mine: list[Alert] = []
    agency: list[Alert] = []
    seen: set[tuple[str, bool]] = set()
    for a in rows[: limit * 4]:
        key = (a.event_key, a.recipient_user_id is not None)
        if key not in seen:
            seen.add(key)
            (mine if a.recipient_user_id else agency).append(a)
    return mine[:limit], agency[:limit]


def unacknowledged_count(user: User) -> int:
    """How many events wait for the user's acknowledgement, each counted once."""
    waiting = visible_alerts(user).filter(acknowledged_at__isnull=True)
    return waiting.values("event_key", "recipient_user").distinct().count()


def alert_inbox(user: User, *, limit: int, offset: int) -> tuple[int, list[Alert]]:
    """The user's inbox, newest first, and how many alerts it holds. The alerts name children (by
    reference): the request logs them (``audit.reveal``)."""
    qs = visible_alerts(user).order_by("-created_at", "-pk")
    alerts = list(qs[offset : offset + limit])
    children_revealed(a.child_id for a in alerts if a.child_id)
    return qs.count(), alerts
