"""The state shared by the generation steps: the random sources, the clock and the plan so far."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from faker import Faker

from misper.demo.plan import ChildPlan, EpisodePlan, Plan
from misper.demo.world import Places


@dataclass
class Gen:
    """One generation run. Everything random comes from ``rng`` and ``fake`` (seeded together)."""

    rng: random.Random
    fake: Faker
    now: datetime
    start: datetime
    plan: Plan
    places: Places
    scale: float
    story_children: set[int] = field(default_factory=set)
    episodes_by_child: dict[int, list[EpisodePlan]] = field(default_factory=dict)

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def child(self, key: int) -> ChildPlan:
        return self.plan.children[key]

    def child_episodes(self, key: int) -> list[EpisodePlan]:
        return self.episodes_by_child.get(key, [])

    def first_day(self, key: int) -> date:
        """The day of the child's first episode in the plan (or the window start)."""
        eps = self.child_episodes(key)
        return eps[0].reported_at.date() if eps else self.start.date()
