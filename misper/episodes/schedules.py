"""Deadlines, in one place: when an episode is next reviewed, when standard actions fall due, when a
return interview is due. Force policy may change the intervals; these are the defaults."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

REVIEW_INTERVAL = {
    "high": timedelta(hours=2),
    "medium": timedelta(hours=6),
    "low": timedelta(hours=24),
    "very_low": timedelta(hours=24),
    "no_apparent_risk": timedelta(hours=6),  # absent: reviewed, then escalated to missing
}
ABSENT_ESCALATION_AFTER = timedelta(hours=24)
RETURN_INTERVIEW_DUE = timedelta(hours=72)
UKMPU_NOTIFICATION_AFTER = timedelta(hours=72)
LONG_TERM_AFTER = timedelta(days=28)

ACTION_DUE = {"high": timedelta(hours=1), "medium": timedelta(hours=4), "low": timedelta(hours=12)}


def next_review_at(risk: str, after: datetime) -> datetime:
    return after + REVIEW_INTERVAL.get(risk, timedelta(hours=6))


def action_due_at(risk: str, after: datetime) -> datetime:
    return after + ACTION_DUE.get(risk, timedelta(hours=12))


def return_interview_due_at(returned_at: datetime) -> datetime:
    return returned_at + RETURN_INTERVIEW_DUE


def review_due_at(episode: Any, after: datetime) -> datetime:
    """When an open episode is next reviewed: by its grade, and an ``absent`` case no later than its
    escalation time (it is then reviewed and escalated to missing if the child is still not back)."""
    due = next_review_at(episode.risk, after)
    if episode.category == "absent":
        due = min(due, max(after, episode.reported_at + ABSENT_ESCALATION_AFTER))
    return due
