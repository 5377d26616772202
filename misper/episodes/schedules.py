"""Deadlines and thresholds, in one place: when an episode is next reviewed, when standard actions fall
due, when a return interview is due, and what "repeat", "open", the 24-hour and 72-hour points and
"long-term" mean.

The thresholds the risk engine reads (repeat = N episodes in D days, a long duration, the UK Missing
Persons Unit point) come from the loaded policy (``settings.MISPER_RISK_POLICY``, see docs/risk-rules.md),
so a force that changes its policy changes the engine, the board, panels, closing prompts, sweeps,
alerts, the child's page and the dashboard's force definitions together. Read them through
``thresholds()``; never write the numbers again elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from misper import risk

# An episode is open while the child is reported missing or under investigation (not found, not closed).
OPEN_STATUSES: tuple[str, ...] = ("reported", "active")
LONG_TERM_DAYS_DEFAULT = 28
# A UK Missing Persons Unit notice is late when it is sent (or still not sent) more than this long after the
# 72-hour point: force practice, set by MISPER_UKMPU_NOTICE_ALLOWANCE_HOURS (docs/ukmpu.md).
UKMPU_ALLOWANCE_HOURS_DEFAULT = 24


@dataclass(frozen=True)
class Thresholds:
    """What the loaded policy (and the force's settings) say; every screen, sweep and figure reads this."""

    policy: str
    repeat_episodes: int  # this many episodes (this one included)...
    repeat_window: timedelta  # ...within this window make a child a repeat missing child
    long_duration: timedelta  # the 24-hour point: a long episode, and the "missing 24 hours" alert
    ukmpu_after: timedelta  # the 72-hour point: tell the UK Missing Persons Unit
    ukmpu_late_after: timedelta  # a notice not sent this long after the 72-hour point is late
    long_term_after: timedelta  # long-term missing (MISPER_FORCE_LONG_TERM_DAYS, default 28 days)

    @property
    def repeat_window_days(self) -> int:
        return self.repeat_window.days

    @property
    def long_duration_hours(self) -> int:
        return round(self.long_duration.total_seconds() / 3600)

    @property
    def ukmpu_hours(self) -> int:
        return round(self.ukmpu_after.total_seconds() / 3600)

    @property
    def ukmpu_late_hours(self) -> int:
        return round(self.ukmpu_late_after.total_seconds() / 3600)

    @property
    def repeat_words(self) -> str:
        """Plain words, e.g. "3 or more times in 90 days"."""
        return f"{self.repeat_episodes} or more times in {self.repeat_window_days} days"

    def is_repeat(self, episodes_in_window: int) -> bool:
        return episodes_in_window >= self.repeat_episodes


def thresholds() -> Thresholds:
    """The thresholds of the loaded policy (cached by ``risk.load_policy``)."""
    policy = risk.load_policy(str(settings.MISPER_RISK_POLICY))
    t = policy.thresholds
    return Thresholds(
        policy=policy.name,
        repeat_episodes=t.repeat_episodes,
        repeat_window=timedelta(days=t.repeat_window_days),
        long_duration=timedelta(hours=t.history_long_duration_hours),
        ukmpu_after=timedelta(hours=t.long_missing_hours),
        ukmpu_late_after=timedelta(
            hours=int(getattr(settings, "MISPER_UKMPU_NOTICE_ALLOWANCE_HOURS", UKMPU_ALLOWANCE_HOURS_DEFAULT))
        ),
        long_term_after=timedelta(
            days=int(getattr(settings, "MISPER_FORCE_LONG_TERM_DAYS", LONG_TERM_DAYS_DEFAULT))
        ),
    )


REVIEW_INTERVAL = {
    "high": timedelta(hours=2),
    "medium": timedelta(hours=6),
    "low": timedelta(hours=24),
    "very_low": timedelta(hours=24),
    "no_apparent_risk": timedelta(hours=6),  # absent: reviewed, then escalated to missing
}
ABSENT_ESCALATION_AFTER = timedelta(hours=24)
RETURN_INTERVIEW_DUE = timedelta(hours=72)  # statutory guidance (DfE 2014), not a force policy

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


# A found child's safe-and-well check is due this soon after the return (the board shows it red after).
SAFE_AND_WELL_DUE = timedelta(hours=24)


def safe_and_well_due_at(returned_at: datetime) -> datetime:
    return returned_at + SAFE_AND_WELL_DUE
