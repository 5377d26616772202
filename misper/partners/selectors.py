"""Reads for partners: the agency directory and the in-app alert inbox, with the access rule built in."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from misper.accounts.models import Agency, User
from misper.partners.models import Alert, AlertChannel


def agency_list() -> QuerySet[Agency]:
    """Every active agency, by name: the directory partners pick from when they subscribe."""
    return Agency.objects.filter(active=True).order_by("name", "pk")


def visible_alerts(user: User) -> QuerySet[Alert]:
    """The access rule for alerts: the inbox alerts addressed to the user's agency (to the agency as a
    whole, a team in it, or the user by name). Nobody sees another agency's alerts."""
    if not user.is_authenticated or not user.is_active or user.agency_id is None:
        return Alert.objects.none()
    return Alert.objects.filter(channel=AlertChannel.INBOX, recipient_agency_id=user.agency_id).filter(
        Q(recipient_user__isnull=True) | Q(recipient_user=user)
    )


def alert_inbox(user: User, *, limit: int, offset: int) -> tuple[int, list[Alert]]:
    """The user's inbox, newest first, and how many alerts it holds."""
    qs = visible_alerts(user).order_by("-created_at", "-pk")
    return qs.count(), list(qs[offset : offset + limit])
