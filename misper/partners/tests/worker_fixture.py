"""Run in a child process against the database a real ``misper worker`` uses (see test_worker.py)."""

from __future__ import annotations

import json

from django.db import transaction

from misper.accounts.models import AgencyKind
from misper.notifications.alerts import alerts_for_event
from misper.notifications.models import Alert, Subscription
from tests.factories import agency_make, child_make, episode_make


def seed(url: str, secret: str, episodes: int) -> None:
    """One local authority subscribed at ``url``; ``episodes`` reported episodes of children it placed."""
    force = agency_make(AgencyKind.POLICE_FORCE, code="kill-force")
    la = agency_make(AgencyKind.LOCAL_AUTHORITY, code="kill-la", police_area=force)
    Subscription.objects.create(agency=la, url=url, secret=secret, events=["episode.reported"])
    for _ in range(episodes):
        with transaction.atomic():
            alerts_for_event(
                event="episode.reported", episode=episode_make(child_make(force, placing_authority=la))
            )


def summary() -> None:
    rows = Alert.objects.filter(channel="webhook").order_by("pk")
    print(
        json.dumps(
            [{"delivery_id": str(a.delivery_id), "status": a.status, "attempts": a.attempts} for a in rows]
        )
    )
