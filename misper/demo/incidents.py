"""The demo's incidents from command and control, received through the same feed a force's system uses
(``incident_receive`` as ``demo-calltaker``; after ``load_plan``, by ``misper seed``; docs/incidents.md):

- ``DEM-CAD-0001``: Tyler Sample (``C-DEMO-2``) reported again by his mother while his episode is open:
  it joins that episode;
- ``DEM-CAD-0002``: Jade Example (``C-DEMO-1``) missing from her children's home, no report yet: it waits
  in the queue, and "Start the report" opens her report pre-filled;
- ``DEM-CAD-0003``: a missing-person incident closed in the control room with no missing record (flagged);
- ``DEM-CAD-0004``: a theft, which needs no report.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from misper.accounts.models import User
from misper.incidents.services import incident_receive
from misper.people.models import Child


def _doc(number: str, minutes_ago: int, code: str, **rest: Any) -> dict[str, Any]:
    opened = (timezone.now() - timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)
    return {"incident_number": number, "opened_at": opened.isoformat(), "opening_code": code, **rest}


def _subject(child: Child) -> dict[str, Any]:
    born = child.date_of_birth.isoformat() if child.date_of_birth else None
    return {"given_name": child.given_name, "family_name": child.family_name, "date_of_birth": born}


@transaction.atomic
def incidents_demo(force_code: str) -> dict[str, int]:
    calltaker = User.objects.get(username="demo-calltaker", agency__code=force_code)
    tyler = Child.objects.get(force__code=force_code, ref="C-DEMO-2")
    jade = Child.objects.get(force__code=force_code, ref="C-DEMO-1")
    closed_at = (timezone.now() - timedelta(hours=20)).replace(second=0, microsecond=0).isoformat()
    docs = [
        _doc(
            "DEM-CAD-0001", 90, "MISPER",
            caller={"name": "Karen Sample", "phone": "07700 900461", "relationship": "parent"},
            subject={"child_ref": tyler.ref},
            free_text="Mother calling again: Tyler seen near Westvale station an hour ago.",
        ),
        _doc(
            "DEM-CAD-0002", 25, "MISPER",
            caller={"name": "Night manager", "phone": "01632 960418", "relationship": "care_home"},
            location={"address": "Oakfield children's home", "town": "Demoton", "postcode": "DM1 4QT"},
            subject=_subject(jade),
            free_text="Jade left the home at 21:00 saying she was going to the shop; not back, phone off.",
        ),
        _doc(
            "DEM-CAD-0003", 26 * 60, "MISPER", closed_at=closed_at,
            caller={"name": "Member of the public", "relationship": "public"},
            subject={"given_name": "Unknown", "family_name": "Teenager"},
            free_text="Caller worried about a girl of about 14 alone at the bus station late at night. "
            "Closed: no unit available, caller not contactable.",
        ),
        _doc("DEM-CAD-0004", 300, "THEFT", free_text="Bicycle stolen from outside the library."),
    ]  # fmt: skip
    for doc in docs:
        incident_receive(data=doc, acting_user=calltaker)
    return {"incidents": len(docs)}
