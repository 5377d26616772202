"""Review dates for each record type, from the force's retention schedule.

The defaults follow the review-based approach of the College of Policing APP on information management
(Management of Police Information, MoPI): a record is reviewed when its review period has passed and is
then either retained, with a recorded rationale and a next review date, or disposed of. A missing-child
episode is reviewed 6 years after it was closed (the MoPI review period for records outside the public
protection groups); a child's record falls due with their last episode, and a child record with no
episode at all 6 years after it was created. A force sets its own periods in ``MISPER_RETENTION``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings

from misper.core.dates import years_on

DEFAULT_SCHEDULE: dict[str, dict[str, int]] = {
    "episode": {"years_after_closure": 6},
    "child": {"years_without_episode": 6},
}
SCHEDULE_SOURCE = (
    "College of Policing, Authorised Professional Practice: Information management "
    "(Management of Police Information review periods)"
)


def retention_schedule() -> dict[str, dict[str, int]]:
    """The defaults with the force's ``MISPER_RETENTION`` settings laid over them, per record type."""
    configured: dict[str, dict[str, Any]] = getattr(settings, "MISPER_RETENTION", {}) or {}
    return {kind: {**rules, **configured.get(kind, {})} for kind, rules in DEFAULT_SCHEDULE.items()}


def episode_review_on(closed_at: datetime | None) -> date | None:
    """When a closed episode is first due for review; None while it is open."""
    if closed_at is None:
        return None
    return years_on(closed_at.date(), retention_schedule()["episode"]["years_after_closure"])


def childless_review_on(created_at: datetime) -> date:
    """When a child record with no episode is first due for review."""
    return years_on(created_at.date(), retention_schedule()["child"]["years_without_episode"])
