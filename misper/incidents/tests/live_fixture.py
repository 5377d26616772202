"""Run in a separate process by test_live.py (``django.setup()`` done): a force with a call handler and
a child missing now, a partner, another force, tokens, and the control room's webhook subscription."""

from __future__ import annotations

import json

from misper.accounts.models import AgencyKind, Role
from misper.accounts.services import api_token_create
from misper.notifications.models import Subscription
from tests.factories import agency_make, child_make, episode_make, user_make


def seed(receiver_url: str, secret: str) -> None:
    force = agency_make(AgencyKind.POLICE_FORCE, code="live-force", name="Liveshire Police")
    other = agency_make(AgencyKind.POLICE_FORCE, code="live-other", name="Otherton Police")
    la = agency_make(AgencyKind.LOCAL_AUTHORITY, code="live-la", police_area=force)
    calltaker = user_make(force, Role.CALL_HANDLER, username="live-calltaker")
    child = child_make(force, ref="C-LIVE-1", given_name="Ruby", family_name="Fenwick")
    episode = episode_make(child)
    Subscription.objects.create(
        agency=force, url=receiver_url, secret=secret, events=["incident.linked"], created_by=calltaker
    )
    print(
        json.dumps(
            {
                "token": api_token_create(user=calltaker),
                "other_token": api_token_create(user=user_make(other, Role.CALL_HANDLER)),
                "partner_token": api_token_create(user=user_make(la, Role.PARTNER_PRACTITIONER)),
                "child_ref": child.ref,
                "episode": {"id": episode.pk, "reference": episode.reference},
            }
        )
    )
