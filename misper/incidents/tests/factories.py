"""Incident feed documents for tests: synthetic, one a call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone


def incident_doc(number: str = "INC-0001", **changes: Any) -> dict[str, Any]:
    opened = (timezone.now() - timedelta(minutes=40)).replace(microsecond=0)
    doc: dict[str, Any] = {
        "incident_number": number,
        "opened_at": opened.isoformat(),
        "opening_code": "MISPER",
        "caller": {"name": "Sam Carter", "phone": "01632 960123", "relationship": "parent"},
        "location": {"address": "14 Mill Lane", "town": "Testham", "postcode": "tt1 2ab"},
        "subject": {"given_name": "Ruby", "family_name": "Fenwick", "date_of_birth": "2012-06-01"},
        "free_text": "Ruby did not come home from school. Last seen at the bus stop at 15:30.",
    }
    doc.update(changes)
    return doc
